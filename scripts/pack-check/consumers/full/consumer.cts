// CommonJS consumer: resolved through the "require" condition (index.cjs + index.d.cts).
import { initBackend } from '@rnnkit/tensor';
import type { Tensor } from '@rnnkit/tensor';
import { lstmCell, initCellParams } from '@rnnkit/cells';
import { fit } from '@rnnkit/training';
import { padSequences } from '@rnnkit/datasets';
import { sequential } from '@rnnkit/models';

export async function main(): Promise<number> {
  await initBackend({ backend: 'cpu' });
  const w: Tensor = initCellParams(lstmCell({ inputSize: 2, units: 3 }), 1).wxh;
  return w.size + padSequences([[1]], { maxlen: 2 }).shape[1] + (typeof fit === 'function' ? 1 : 0) + (typeof sequential === 'function' ? 1 : 0);
}
