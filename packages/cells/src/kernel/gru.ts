/** The GRU's kernel calls (G = 3: z, r, h), both reset conventions; the equations are in `assembly/gru.ts`. */
import type { GruConfig } from '../config';
import { ACTIVATION_CODES } from './activation-codes';
import type { KernelCell } from './kernel-cell';
import { place, zerosOrNull } from './layout';

export function kernelGru(config: GruConfig): KernelCell {
  const act = ACTIVATION_CODES[config.activation];
  const recAct = ACTIVATION_CODES[config.recurrentActivation];
  if (config.resetAfter) {
    return {
      gates: 3,
      hasCellState: false,
      forward(kernel, { batch, steps, units }, { h0, w, bRec, mask, recMask }, p) {
        const rows = steps * batch;
        const n = 3 * units;
        const { pointers, end } = place(
          kernel,
          [h0, w, bRec, mask, recMask, rows * units, rows * n, rows * units, batch * units, batch * n],
          p.end,
        );
        const [pH0, pW, pB, pMask, pRec, pHSeq, pGates, pQh, pScratch, pQ] = pointers;
        kernel.gruResetAfterForward(batch, steps, units, act, recAct, p.ptr, pH0!, pW!, pB!, pMask!, pRec!, pHSeq!, pGates!, pQh!, pScratch!, pQ!);
        return { hSeq: pHSeq!, cSeq: 0, saves: [{ ptr: pGates!, floats: rows * n }, { ptr: pQh!, floats: rows * units }], end };
      },
      infer(kernel, { batch, steps, units }, { h0, w, bRec, mask, recMask }, { x, inputSize, wxh, bIn, ids, reversed }, sequence, base) {
        const n = 3 * units;
        const { pointers, end } = place(kernel, [h0, w, bRec, mask, recMask, batch * n, batch * n, batch * units], base);
        const [pH, pW, pB, pMask, pRec, pP, pQ, pScratch] = pointers;
        kernel.gruResetAfterInfer(batch, steps, units, inputSize, act, recAct, x, wxh, bIn, pW!, pB!, pMask!, pRec!, pH!, pP!, pQ!, pScratch!, sequence.ptr, sequence.width, ids, reversed);
        return { h: pH!, c: 0, end };
      },
      backward(kernel, { batch, steps, units }, { h0, w, bRec, mask, recMask }, { hSeq, saves: [gates, qh] }, { dHs, dhT }, base) {
        const rows = steps * batch;
        const n = 3 * units;
        const { pointers, end } = place(kernel, [
          h0, hSeq, gates!, qh!, w, n * units, mask, recMask, dHs, rows * n, rows * n, zerosOrNull(bRec),
          dhT, batch * units, batch * units, units * rows, units * n,
        ], base);
        const [pH0, pHSeq, pGates, pQh, pW, pWT, pMask, pRec, pDHs, pDP, pDInner, pDb, pDh, pScratch, pDirect, pHInT, pDW] = pointers;
        kernel.transpose(pW!, units, n, pWT!);
        kernel.gruResetAfterBackward(
          batch, steps, units, act, recAct, pH0!, pHSeq!, pGates!, pQh!, pWT!, pMask!, pRec!, pDHs!, pDP!, pDInner!, pDb!, pDh!, pScratch!, pDirect!,
        );
        kernel.recurrentInputsTransposed(batch, steps, units, pH0!, pHSeq!, pRec!, pHInT!);
        kernel.weightGrad(steps, batch, units, n, pHInT!, pDInner!, n, pDW!, n);
        return { dP: { ptr: pDP!, end }, dh0: pDh!, dc0: 0, dW: pDW!, dbRec: pDb! };
      },
    };
  }
  return {
    gates: 3,
    hasCellState: false,
    forward(kernel, { batch, steps, units }, { h0, w, mask, recMask }, p) {
      const rows = steps * batch;
      const n = 3 * units;
      const { pointers, end } = place(
        kernel,
        [h0, w, mask, recMask, rows * units, rows * n, rows * units, batch * units, batch * 2 * units, batch * units],
        p.end,
      );
      const [pH0, pW, pMask, pRec, pHSeq, pGates, pResetH, pScratch, pQ, pU] = pointers;
      kernel.gruResetBeforeForward(batch, steps, units, act, recAct, p.ptr, pH0!, pW!, pMask!, pRec!, pHSeq!, pGates!, pResetH!, pScratch!, pQ!, pU!);
      return { hSeq: pHSeq!, cSeq: 0, saves: [{ ptr: pGates!, floats: rows * n }, { ptr: pResetH!, floats: rows * units }], end };
    },
    backward(kernel, { batch, steps, units }, { h0, w, mask, recMask }, { hSeq, saves: [gates, resetH] }, { dHs, dhT }, base) {
      const rows = steps * batch;
      const n = 3 * units;
      const { pointers, end } = place(kernel, [
        h0, hSeq, gates!, resetH!, w, n * units, mask, recMask, dHs, rows * n, dhT, batch * units, batch * units, batch * units,
        batch * units, units * rows, units * rows, units * n,
      ], base);
      const [pH0, pHSeq, pGates, pResetH, pW, pWT, pMask, pRec, pDHs, pDP, pDh, pScratch, pDirect, pDResetH, pHIn, pHInT, pResetHT, pDW] = pointers;
      kernel.transpose(pW!, units, n, pWT!);
      kernel.gruResetBeforeBackward(
        batch, steps, units, act, recAct, pH0!, pHSeq!, pGates!, pWT!, pMask!, pRec!, pDHs!, pDP!, pDh!, pScratch!, pDirect!, pDResetH!, pHIn!,
      );
      kernel.recurrentInputsTransposed(batch, steps, units, pH0!, pHSeq!, pRec!, pHInT!);
      kernel.transpose(pResetH!, rows, units, pResetHT!);
      // the z, r blocks see hIn, the h block sees r ⊙ hIn
      kernel.weightGrad(steps, batch, units, 2 * units, pHInT!, pDP!, n, pDW!, n);
      kernel.weightGrad(steps, batch, units, units, pResetHT!, pDP! + 8 * units, n, pDW! + 8 * units, n);
      return { dP: { ptr: pDP!, end }, dh0: pDh!, dc0: 0, dW: pDW!, dbRec: 0 };
    },
  };
}
