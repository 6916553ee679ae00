/**
 * The peer: the same model in tfjs-layers 4.22 on the same backend. GRU and LSTM use
 * `recurrentActivation: 'sigmoid'` (tfjs defaults to hardSigmoid; Keras 3 and rnnkit use sigmoid).
 * It runs on tfjs' own kernels: rnnkit's faster wasm Slice/Unpack/MatMul/GatherV2 are swapped out around
 * its steps. Only rnnkit's UnsortedSegmentSum stays, without which no Embedding trains on wasm.
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { unregisterWasmGatherKernel, unregisterWasmMatMulKernels, unregisterWasmSliceKernels } from '@rnnkit/tensor';
import type { BenchCase } from './cases';
import type { BenchData, Contender, PreparedStep } from './runner';

function recurrentLayer(c: BenchCase): tfl.layers.Layer {
  const common = { units: c.units, returnSequences: false };
  if (c.cell === 'simpleRnn') return tfl.layers.simpleRNN(common);
  if (c.cell === 'gru') return tfl.layers.gru({ ...common, recurrentActivation: 'sigmoid' });
  return tfl.layers.lstm({ ...common, recurrentActivation: 'sigmoid' });
}

/** Stateful char model for token-by-token generation (batch 1): tfjs-layers keeps the state inside the layer. */
function buildGenerator(c: BenchCase): tfl.Sequential {
  const model = tfl.sequential();
  model.add(tfl.layers.embedding({ inputDim: c.vocabulary, outputDim: c.embed, batchInputShape: [1, 1] }));
  model.add(tfl.layers.lstm({ units: c.units, stateful: true, recurrentActivation: 'sigmoid' }));
  model.add(tfl.layers.dense({ units: c.vocabulary }));
  return model;
}

function buildModel(c: BenchCase): tfl.Sequential {
  const model = tfl.sequential();
  model.add(tfl.layers.embedding({ inputDim: c.vocabulary, outputDim: c.embed, inputLength: c.steps }));
  const rnn = recurrentLayer(c);
  model.add(c.bidirectional ? tfl.layers.bidirectional({ layer: rnn as tfl.RNN, mergeMode: 'concat' }) : rnn);
  model.add(tfl.layers.dense({ units: 1, activation: 'sigmoid' }));
  model.compile({ optimizer: tf.train.adam(1e-3), loss: 'binaryCrossentropy' });
  return model;
}

export const tfjsLayers: Contender = {
  name: 'tfjs-layers',
  prepare(c: BenchCase, data: BenchData): PreparedStep {
    unregisterWasmSliceKernels();
    unregisterWasmMatMulKernels();
    unregisterWasmGatherKernel();
    const model = c.mode === 'generate' ? buildGenerator(c) : buildModel(c);
    const batches = c.mode === 'generate' ? [] : data.ids.map((_, k) => k);
    const xs = batches.map((k) => tf.tensor2d(data.ids[k]!, [c.batch, c.steps], 'int32'));
    const ys = batches.map((k) => tf.tensor2d(data.labels[k]!, [c.batch, 1]));
    let i = 0;
    return {
      async run() {
        unregisterWasmSliceKernels();
        unregisterWasmMatMulKernels();
        unregisterWasmGatherKernel();
        const k = i++ % Math.max(1, xs.length);
        if (c.mode === 'train') {
          await model.trainOnBatch(xs[k]!, ys[k]!);
        } else if (c.mode === 'generate') {
          const token = tf.tensor2d([[data.ids[0]![i % data.ids[0]!.length]!]], [1, 1], 'int32');
          const logits = model.predict(token) as tf.Tensor;
          await logits.data();
          tf.dispose([token, logits]);
        } else {
          const out = model.predict(xs[k]!, { batchSize: c.batch }) as tf.Tensor;
          await out.data();
          out.dispose();
        }
      },
      dispose() {
        model.dispose();
        tf.dispose([...xs, ...ys]);
      },
    };
  },
};
