/**
 * rnnkit's side, built the way a user builds it: `sequential([embedding, <cell>, dense])` from
 * @rnnkit/models (whose recurrent layers run @rnnkit/cells' fused scan) trained one step at a time by
 * @rnnkit/training's `fullBpttStep` with its Adam and binary cross-entropy — what `fit` runs per batch.
 *
 * Shapes: ids [B, T] → E [B, T, Emb] → h_T [B, H] (or [B, 2H] bidirectional) → p [B, 1].
 */
import { dispose, registerWasmGatherKernel, registerWasmMatMulKernels, registerWasmSliceKernels, tensor1d, tensor2d, tidy } from '@rnnkit/tensor';
import { bidirectional, dense, disposeState, embedding, gru, lstm, sequential, sequentialStepper, simpleRnn, timeDistributed } from '@rnnkit/models';
import type { RecurrentSpec } from '@rnnkit/models';
import { adam, binaryCrossentropy, fullBpttStep } from '@rnnkit/training';
import type { BenchCase } from './cases';
import type { BenchData, Contender, PreparedStep } from './runner';

function recurrent(c: BenchCase): RecurrentSpec {
  if (c.cell === 'simpleRnn') return simpleRnn({ units: c.units });
  if (c.cell === 'gru') return gru({ units: c.units });
  return lstm({ units: c.units });
}

function useRnnkitKernels(): void {
  registerWasmSliceKernels();
  registerWasmMatMulKernels();
  registerWasmGatherKernel();
}

/** Token-by-token generation, batch 1: the streaming stepper carries the state; each step reads the logits back. */
function prepareGenerator(c: BenchCase, data: BenchData): PreparedStep {
  const model = sequential(
    [embedding({ inputDim: c.vocabulary, outputDim: c.embed }), lstm({ units: c.units, returnSequences: true }), timeDistributed(dense({ units: c.vocabulary }))],
    { seed: 1 },
  );
  const { stepper, initialState } = sequentialStepper(model);
  let state = initialState(1);
  let i = 0;
  /** Whether the next one-row step continues the last (the state stays in the kernel memory). */
  let continues = false;
  return {
    async run() {
      useRnnkitKernels();
      const id = data.ids[0]![i++ % data.ids[0]!.length]!;
      // the public one-row path (`Stepper.stepRow`, what greedyDecode and sampleDecode use for one row): logits as an array
      const logits = stepper.stepRow?.(continues ? null : state, id) ?? null;
      if (logits !== null) {
        continues = true;
        return;
      }
      const token = tensor1d([id], 'int32');
      const out = stepper.step(state, token);
      await out.logits.data();
      disposeState(state);
      dispose([token, out.logits, ...(out.attention === undefined ? [] : [out.attention])]);
      state = out.state;
    },
    dispose() {
      disposeState(state);
      model.dispose();
    },
  };
}

export const rnnkit: Contender = {
  name: 'rnnkit',
  prepare(c: BenchCase, data: BenchData): PreparedStep {
    useRnnkitKernels();
    if (c.mode === 'generate') return prepareGenerator(c, data);
    const model = sequential(
      [embedding({ inputDim: c.vocabulary, outputDim: c.embed }), c.bidirectional ? bidirectional(recurrent(c)) : recurrent(c), dense({ units: 1, activation: 'sigmoid' })],
      { inputShape: [c.steps], seed: 1 },
    );
    const optimizer = adam({ learningRate: 1e-3 });
    const loss = binaryCrossentropy();
    const xs = data.ids.map((ids) => tensor2d(ids, [c.batch, c.steps], 'int32'));
    const ys = data.labels.map((labels) => tensor2d(labels, [c.batch, 1]));
    let i = 0;
    return {
      async run() {
        useRnnkitKernels();
        const k = i++ % xs.length;
        if (c.mode === 'train') {
          // fullBpttStep reads the loss back (a number), as every timed step must
          tidy(() => {
            const step = fullBpttStep({ params: model.params, predict: () => model.apply(xs[k]!, { training: true, seed: k }), loss, y: ys[k]!, optimizer });
            step.yPred.dispose();
          });
        } else {
          const out = tidy(() => model.apply(xs[k]!, { training: false }));
          await out.data();
          out.dispose();
        }
      },
      dispose() {
        optimizer.dispose();
        model.dispose();
        dispose([...xs, ...ys]);
      },
    };
  },
};
