/** The SimpleRNN's kernel calls (G = 1); the equations are in `assembly/simple-rnn.ts`. */
import type { SimpleRnnConfig } from '../config';
import { ACTIVATION_CODES } from './activation-codes';
import type { KernelCell } from './kernel-cell';
import { place, read, readOrNull, zerosOrNull } from './layout';

export function kernelSimpleRnn(config: SimpleRnnConfig): KernelCell {
  const act = ACTIVATION_CODES[config.activation];
  return {
    gates: 1,
    hasCellState: false,
    forward(kernel, { batch, steps, units }, { p, bIn, h0, w, mask, recMask }) {
      const rows = steps * batch;
      const [pP, pBIn, pH0, pW, pMask, pRec, pHSeq, pScratch] = place(kernel, [p, bIn, h0, w, mask, recMask, rows * units, batch * units]);
      if (pBIn !== 0) kernel.addRowBias(pP!, rows, units, pBIn!);
      kernel.simpleRnnForward(batch, steps, units, act, pP!, pH0!, pW!, pMask!, pRec!, pHSeq!, pScratch!);
      return { hSeq: read(kernel, pHSeq!, rows * units), cSeq: null, saves: [] };
    },
    backward(kernel, { batch, steps, units }, { bIn, h0, w, mask, recMask }, { hSeq }, { dHs, dhT }) {
      const rows = steps * batch;
      const [pHSeq, pH0, pW, pWT, pMask, pRec, pDHs, pDP, pDh, pScratch, pHInT, pDbIn] = place(kernel, [
        hSeq, h0, w, units * units, mask, recMask, dHs, rows * units, dhT, batch * units, units * rows, zerosOrNull(bIn),
      ]);
      kernel.transpose(pW!, units, units, pWT!);
      kernel.simpleRnnBackward(batch, steps, units, act, pHSeq!, pWT!, pMask!, pRec!, pDHs!, pDP!, pDh!, pScratch!);
      kernel.recurrentInputsTransposed(batch, steps, units, pH0!, pHSeq!, pRec!, pHInT!);
      if (pDbIn !== 0) kernel.addColumnSums(pDP!, rows, units, pDbIn!);
      const dP = read(kernel, pDP!, rows * units);
      return { dP, dInner: dP, dh0: read(kernel, pDh!, batch * units), dc0: null, dbIn: readOrNull(kernel, pDbIn!, units), dbRec: null, hInT: read(kernel, pHInT!, units * rows), resetHT: null };
    },
  };
}
