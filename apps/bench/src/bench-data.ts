/** The random batches every contender of a case runs on: token ids [B·T] and 0/1 labels [B], seeded. */
import { createRng } from '@rnnkit/tensor';
import type { BenchCase } from './cases';
import type { BenchData } from './runner';

export function makeData(c: BenchCase, batches: number, seed: number): BenchData {
  const rng = createRng(seed);
  const ids: Int32Array[] = [];
  const labels: Float32Array[] = [];
  for (let b = 0; b < batches; b++) {
    const length = c.mode === 'generate' ? 256 : c.batch * c.steps; // generation cycles through a 256-token prompt
    ids.push(Int32Array.from({ length }, () => rng.int(c.vocabulary)));
    labels.push(Float32Array.from({ length: c.batch }, () => rng.int(2)));
  }
  return { ids, labels };
}
