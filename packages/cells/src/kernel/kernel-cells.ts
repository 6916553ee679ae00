/** The kernel calls of each cell type. */
import type { CellConfig } from '../config';
import type { KernelCell } from './kernel-cell';
import { kernelGru } from './gru';
import { kernelLstm } from './lstm';
import { kernelSimpleRnn } from './simple-rnn';

/** The cell's kernel calls (the kernel covers every cell type, activation and option). */
export function kernelCell(config: CellConfig): KernelCell {
  switch (config.kind) {
    case 'simpleRnn':
      return kernelSimpleRnn(config);
    case 'lstm':
      return kernelLstm(config);
    case 'gru':
      return kernelGru(config);
  }
}
