/** The kernel calls of each cell type. */
import type { CellConfig } from '../config';
import type { KernelCell } from './kernel-cell';
import { kernelLstm } from './lstm';
import { kernelSimpleRnn } from './simple-rnn';

/** The cell's kernel calls, or null where the kernel does not cover the cell (the tfjs-op path runs). */
export function kernelCell(config: CellConfig): KernelCell | null {
  switch (config.kind) {
    case 'simpleRnn':
      return kernelSimpleRnn(config);
    case 'lstm':
      return kernelLstm(config);
    case 'gru':
      return null;
  }
}
