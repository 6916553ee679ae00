/** The SimpleRNN's kernel calls (G = 1); the equations are in `assembly/simple-rnn.ts`. */
import type { SimpleRnnConfig } from '../config';
import { ACTIVATION_CODES } from './activation-codes';
import type { KernelCell } from './kernel-cell';
import { place } from './layout';

export function kernelSimpleRnn(config: SimpleRnnConfig): KernelCell {
  const act = ACTIVATION_CODES[config.activation];
  return {
    gates: 1,
    hasCellState: false,
    forward(kernel, { batch, steps, units }, { h0, w, mask, recMask }, p) {
      const rows = steps * batch;
      const { pointers, end } = place(kernel, [h0, w, mask, recMask, rows * units, batch * units], p.end);
      const [pH0, pW, pMask, pRec, pHSeq, pScratch] = pointers;
      kernel.simpleRnnForward(batch, steps, units, act, p.ptr, pH0!, pW!, pMask!, pRec!, pHSeq!, pScratch!);
      return { hSeq: pHSeq!, cSeq: 0, saves: [], end };
    },
    infer(kernel, { batch, steps, units }, { h0, w, mask, recMask }, { x, inputSize, wxh, bIn, ids, reversed }, sequence, base) {
      const { pointers, end } = place(kernel, [h0, w, mask, recMask, batch * units, batch * units], base);
      const [pH, pW, pMask, pRec, pZ, pScratch] = pointers;
      kernel.simpleRnnInfer(batch, steps, units, inputSize, act, x, wxh, bIn, pW!, pMask!, pRec!, pH!, pZ!, pScratch!, sequence.ptr, sequence.width, ids, reversed);
      return { h: pH!, c: 0, end };
    },
    backward(kernel, { batch, steps, units }, { h0, w, mask, recMask }, { hSeq }, { dHs, dhT }, base) {
      const rows = steps * batch;
      const { pointers, end } = place(kernel, [
        hSeq, h0, w, units * units, mask, recMask, dHs, rows * units, dhT, batch * units, units * rows, units * units,
      ], base);
      const [pHSeq, pH0, pW, pWT, pMask, pRec, pDHs, pDP, pDh, pScratch, pHInT, pDW] = pointers;
      kernel.transpose(pW!, units, units, pWT!);
      kernel.simpleRnnBackward(batch, steps, units, act, pHSeq!, pWT!, pMask!, pRec!, pDHs!, pDP!, pDh!, pScratch!);
      kernel.recurrentInputsTransposed(batch, steps, units, pH0!, pHSeq!, pRec!, pHInT!);
      kernel.weightGrad(steps, batch, units, units, pHInT!, pDP!, units, pDW!, units);
      return { dP: { ptr: pDP!, end }, dh0: pDh!, dc0: 0, dW: pDW!, dbRec: 0 };
    },
  };
}
