/**
 * Embedded layers: a scan over an embedding lookup `table[ids]` reads the table's rows in the kernel
 * and returns the table's gradient itself. Against the tfjs-op recurrence over a plain tfjs gather
 * (which the kernel cannot see through): outputs, states and the gradients of the table and every
 * parameter, for each cell, with masks, goBackwards and sequences, on one and two threads, in
 * training and inference, tables of a few and of hundreds of rows; the table is used only where it is
 * not larger than half the rows; no leaks.
 */
import { embeddingLookup, embeddingSource, gather, grads, mul, reshape, sum, tensor2d, tidy } from '@rnnkit/tensor';
import type { Tensor } from '@rnnkit/tensor';
import { describeEachBackend, expectClose, expectNoLeaks } from '@rnnkit/testkit';
import { gruCell, lstmCell, simpleRnnCell } from '../config';
import type { CellConfig } from '../config';
import type { CellParams } from '../params';
import { scanMany, scanWith } from '../scan';
import type { Recurrence } from '../scan';
import type { ScanOptions } from '../scan-options';
import { disposeParams, lengthsMask, randomParams, splitEveryLayer, stateTensors, uniform } from '../test-utils';
import { helperStates, setRecurrenceThreads } from './kernel-threads';

const B = 8;
const T = 5;
const V = 11; // 2·V ≤ B·T: the kernel reads the table
const I = 3;
const forwardTol = { rtol: 1e-5, atol: 1e-6 };
const gradTol = { rtol: 1e-4, atol: 1e-5 };

function ids(batch: number, steps: number, vocabulary: number, seed: number): Tensor {
  return tensor2d(Int32Array.from({ length: batch * steps }, (_, i) => (i * 7 + seed * 3 + ((i * i) % 5)) % vocabulary), [batch, steps], 'int32');
}

/** Outputs, states and the gradients of [table, wxh, whh, bh?]: through embeddingLookup on the kernel, or a plain gather on the op path. */
function probe(recurrence: Recurrence, config: CellConfig, params: CellParams, table: Tensor, tokens: Tensor, options: ScanOptions, bidirectional = false): Tensor[] {
  const run = (t: Tensor, p: CellParams): Tensor[] => {
    const xs = recurrence === 'kernel' ? embeddingLookup(t, tokens) : reshape(gather(t, reshape(tokens, [-1])), [...tokens.shape, t.shape[1]!]);
    if (recurrence === 'kernel') expect(embeddingSource(xs)).toBeDefined();
    const results = bidirectional
      ? scanMany([
          { config, params: p, xs, options },
          { config, params: p, xs, options: { ...options, goBackwards: !options.goBackwards } },
        ])
      : [scanWith(recurrence, config, p, xs, options)];
    return results.flatMap((r) => [r.outputs, ...stateTensors(r.state)]);
  };
  const list = (p: CellParams): Tensor[] => [p.wxh, p.whh, ...(p.bh === undefined ? [] : [p.bh])];
  const asParams = (a: readonly Tensor[]): CellParams => (a.length === 3 ? { wxh: a[0]!, whh: a[1]!, bh: a[2]! } : { wxh: a[0]!, whh: a[1]! });
  const values = run(table, params);
  const loss = (t: Tensor, ...p: Tensor[]): Tensor =>
    run(t, asParams(p)).reduce<Tensor | null>((acc, y, i) => {
      const term = sum(mul(y, uniform(y.shape, 40 + i)));
      return acc === null ? term : acc.add(term);
    }, null)!;
  return [...values, ...grads(loss)([table, ...list(params)])];
}

splitEveryLayer();

const cells: Array<[string, CellConfig]> = [
  ['simpleRnn', simpleRnnCell({ inputSize: I, units: 6 })],
  ['lstm', lstmCell({ inputSize: I, units: 5 })],
  ['gru resetAfter', gruCell({ inputSize: I, units: 6 })],
  ['gru resetBefore', gruCell({ inputSize: I, units: 4, resetAfter: false })],
];
const optionSets: Array<[string, () => ScanOptions]> = [
  ['last output', () => ({})],
  ['masked sequences, goBackwards', () => ({ returnSequences: true, goBackwards: true, mask: lengthsMask([5, 2, 4, 1, 5, 3, 2, 5], T) })],
];

describeEachBackend(['cpu', 'wasm'], 'embedded kernel layers', () => {
  for (const [cellLabel, config] of cells) {
    for (const [optionLabel, makeOptions] of optionSets) {
      test.each([1, 2])(`${cellLabel}, ${optionLabel}, %i thread(s): equals the op path over a gather`, async (threads) => {
        setRecurrenceThreads(threads);
        const params = randomParams(config, 5);
        const table = uniform([V, I], 6);
        const tokens = ids(B, T, V, 1);
        const options = makeOptions();
        if (threads > 1) {
          tidy(() => void probe('kernel', config, params, table, tokens, options));
          for (let i = 0; i < 1000 && helperStates()[0] !== 'idle'; i++) await new Promise((resolve) => setTimeout(resolve, 10));
        }
        tidy(() => {
          const kernel = probe('kernel', config, params, table, tokens, options);
          const ops = probe('ops', config, params, table, tokens, options);
          const forwardCount = config.kind === 'lstm' ? 3 : 2;
          kernel.forEach((t, i) => expectClose(t, ops[i]!, i < forwardCount ? forwardTol : gradTol, `result ${i}`));
          // inference: the forward-only kernels read the table too
          const inferred = scanWith('kernel', config, params, embeddingLookup(table, tokens), options);
          expectClose(inferred.outputs, ops[0]!, forwardTol, 'inferred output');
        });
        [table, tokens, ...(options.mask === undefined ? [] : [options.mask])].forEach((t) => t.dispose());
        disposeParams(params);
      });
    }
  }

  test('a bidirectional pair over one lookup: both directions add into the table gradient', () => {
    setRecurrenceThreads(2);
    const config = lstmCell({ inputSize: I, units: 5 });
    const params = randomParams(config, 7);
    const table = uniform([V, I], 8);
    const tokens = ids(B, T, V, 2);
    tidy(() => {
      const joint = probe('kernel', config, params, table, tokens, { returnSequences: true }, true);
      const ops = tidy(() => {
        const run = (t: Tensor, wxh: Tensor): Tensor => {
          const xs = reshape(gather(t, reshape(tokens, [-1])), [B, T, I]);
          const f = scanWith('ops', config, { ...params, wxh }, xs, { returnSequences: true });
          const b = scanWith('ops', config, { ...params, wxh }, xs, { returnSequences: true, goBackwards: true });
          return [f, b].flatMap((r) => [r.outputs, ...stateTensors(r.state)]).reduce<Tensor | null>((acc, y, i) => {
            const term = sum(mul(y, uniform(y.shape, 40 + i)));
            return acc === null ? term : acc.add(term);
          }, null)!;
        };
        return grads(run)([table, params.wxh]);
      });
      expectClose(joint[6]!, ops[0]!, gradTol, 'dTable');
    });
    [table, tokens].forEach((t) => t.dispose());
    disposeParams(params);
  });

  test('a table of more than 128 rows per thread (the table products summed block by block)', () => {
    setRecurrenceThreads(2);
    const config = gruCell({ inputSize: I, units: 6 });
    const params = randomParams(config, 12);
    const table = uniform([300, I], 13);
    const tokens = ids(16, 40, 300, 5); // 2·300 ≤ 640 rows
    tidy(() => {
      const kernel = probe('kernel', config, params, table, tokens, { returnSequences: true });
      const ops = probe('ops', config, params, table, tokens, { returnSequences: true });
      kernel.forEach((t, i) => expectClose(t, ops[i]!, i < 2 ? forwardTol : gradTol, `result ${i}`));
    });
    [table, tokens].forEach((t) => t.dispose());
    disposeParams(params);
  });

  test('a table larger than half the rows goes through xs; no leaks', async () => {
    setRecurrenceThreads(1);
    const config = lstmCell({ inputSize: I, units: 4 });
    const params = randomParams(config, 9);
    const big = uniform([B * T, I], 10); // 2·V > B·T
    const tokens = ids(B, T, B * T, 3);
    tidy(() => {
      const kernel = probe('kernel', config, params, big, tokens, {});
      const ops = probe('ops', config, params, big, tokens, {});
      kernel.forEach((t, i) => expectClose(t, ops[i]!, i < 3 ? forwardTol : gradTol, `result ${i}`));
    });
    const table = uniform([V, I], 11);
    const small = ids(B, T, V, 4);
    await expectNoLeaks(() => tidy(() => void probe('kernel', config, params, table, small, { returnSequences: true })), 3, 'embedded kernel layer');
    [big, tokens, table, small].forEach((t) => t.dispose());
    disposeParams(params);
  });
});
