/** The LSTM's kernel calls (G = 4: i, f, c, o); the equations are in `assembly/lstm.ts`. */
import type { LstmConfig } from '../config';
import { ACTIVATION_CODES } from './activation-codes';
import type { KernelCell } from './kernel-cell';
import { place } from './layout';

export function kernelLstm(config: LstmConfig): KernelCell {
  const act = ACTIVATION_CODES[config.activation];
  const recAct = ACTIVATION_CODES[config.recurrentActivation];
  return {
    gates: 4,
    hasCellState: true,
    forward(kernel, { batch, steps, units }, { h0, c0, w, mask, recMask }, p) {
      const rows = steps * batch;
      const { pointers, end } = place(
        kernel,
        [h0, c0, w, mask, recMask, rows * units, rows * units, rows * 4 * units, rows * units, batch * units],
        p.end,
      );
      const [pH0, pC0, pW, pMask, pRec, pHSeq, pCSeq, pGates, pK, pScratch] = pointers;
      kernel.lstmForward(batch, steps, units, act, recAct, p.ptr, pH0!, pC0!, pW!, pMask!, pRec!, pHSeq!, pCSeq!, pGates!, pK!, pScratch!);
      return { hSeq: pHSeq!, cSeq: pCSeq!, saves: [{ ptr: pGates!, floats: rows * 4 * units }, { ptr: pK!, floats: rows * units }], end };
    },
    infer(kernel, { batch, steps, units }, { h0, c0, w, mask, recMask }, { x, inputSize, wxh, bIn, ids, reversed }, sequence, base) {
      const { pointers, end } = place(kernel, [h0, c0, w, mask, recMask, batch * 4 * units, batch * units], base);
      const [pH, pC, pW, pMask, pRec, pZ, pScratch] = pointers;
      kernel.lstmInfer(batch, steps, units, inputSize, act, recAct, x, wxh, bIn, pW!, pMask!, pRec!, pH!, pC!, pZ!, pScratch!, sequence.ptr, sequence.width, ids, reversed);
      return { h: pH!, c: pC!, end };
    },
    backward(kernel, { batch, steps, units }, { h0, c0, w, mask, recMask }, { hSeq, cSeq, saves: [gates, kSeq] }, { dHs, dhT, dcT }, base) {
      const rows = steps * batch;
      const n = 4 * units;
      const { pointers, end } = place(kernel, [
        hSeq, h0, c0, cSeq!, gates!, kSeq!, w, n * units, mask, recMask, dHs, rows * n, dhT, dcT, batch * units, units * rows, units * n,
      ], base);
      const [pHSeq, pH0, pC0, pCSeq, pGates, pK, pW, pWT, pMask, pRec, pDHs, pDP, pDh, pDc, pScratch, pHInT, pDW] = pointers;
      kernel.transpose(pW!, units, n, pWT!);
      kernel.lstmBackward(batch, steps, units, act, recAct, pC0!, pCSeq!, pGates!, pK!, pWT!, pMask!, pRec!, pDHs!, pDP!, pDh!, pDc!, pScratch!);
      kernel.recurrentInputsTransposed(batch, steps, units, pH0!, pHSeq!, pRec!, pHInT!);
      kernel.weightGrad(steps, batch, units, n, pHInT!, pDP!, n, pDW!, n);
      return { dP: { ptr: pDP!, end }, dh0: pDh!, dc0: pDc!, dW: pDW!, dbRec: 0 };
    },
  };
}
