/** The kernel calls of each cell type. */
import type { CellConfig } from '../config';
import type { KernelCell } from './kernel-cell';
import { kernelGru } from './gru';
import { kernelLstm } from './lstm';
import { kernelSimpleRnn } from './simple-rnn';

/** The cell's kernel calls (every cell type and option is covered; null is kept for future cells the kernel lacks). */
export function kernelCell(config: CellConfig): KernelCell | null {
  switch (config.kind) {
    case 'simpleRnn':
      return kernelSimpleRnn(config);
    case 'lstm':
      return kernelLstm(config);
    case 'gru':
      return kernelGru(config);
  }
}
