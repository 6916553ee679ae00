/**
 * What the recurrent layer does token by token: its hidden state h_t and, for LSTM and GRU, its
 * gate activations, for a model built as Embedding → recurrent layer → … (both of the page's models).
 *
 * Shapes: T tokens, E embedding size, H units; every value is read for batch 1.
 * The state is advanced by the cells' own `cellStep`; the gates are the same equations written
 * out here on the layer's fused weights (Keras gate order: LSTM i, f, c, o; GRU z, r, h).
 */
import { activate, cellStep, zeroState } from '@rnnkit/cells';
import type { CellConfig, CellParams, CellState } from '@rnnkit/cells';
import type { Sequential } from '@rnnkit/models';
import { add, dispose, gather, matMul, mul, sigmoid, slice, softmax, tensor1d, tensor2d, tidy } from '@rnnkit/tensor';
import type { Tensor } from '@rnnkit/tensor';
import type { StateSeries } from './protocol';

interface GateValues {
  readonly [name: string]: Tensor;
}

/** Columns [k·H, (k+1)·H) of a fused [1, G·H] row. */
const block = (z: Tensor, k: number, H: number): Tensor => slice(z, [0, k * H], [1, H]);

/** The bias as rows: [G·H] → row 0 only; GRU resetAfter [2, G·H] → input row 0 and recurrent row 1. */
function biasRows(config: CellConfig, params: CellParams): { input: Tensor | null; recurrent: Tensor | null } {
  if (params.bh === undefined) return { input: null, recurrent: null };
  if (config.kind === 'gru' && config.resetAfter) {
    const width = params.bh.shape[1]!;
    return { input: slice(params.bh, [0, 0], [1, width]), recurrent: slice(params.bh, [1, 0], [1, width]) };
  }
  return { input: params.bh, recurrent: null };
}

/** Gate activations at one step: x [1, I], h [1, H] (the state before the step). */
function gates(config: CellConfig, params: CellParams, x: Tensor, h: Tensor): GateValues {
  const H = config.units;
  const bias = biasRows(config, params);
  const xw = bias.input === null ? matMul(x, params.wxh) : add(matMul(x, params.wxh), bias.input);
  if (config.kind === 'simpleRnn') return {};
  const hw = bias.recurrent === null ? matMul(h, params.whh) : add(matMul(h, params.whh), bias.recurrent);
  if (config.kind === 'lstm') {
    const z = add(xw, hw);
    return {
      i: activate(config.recurrentActivation, block(z, 0, H)),
      f: activate(config.recurrentActivation, block(z, 1, H)),
      'c̃': activate(config.activation, block(z, 2, H)),
      o: activate(config.recurrentActivation, block(z, 3, H)),
    };
  }
  if (!config.resetAfter) {
    // resetAfter false: only z and r are shown (the candidate needs r before the matmul)
    const z = add(xw, hw);
    return { z: activate(config.recurrentActivation, block(z, 0, H)), r: activate(config.recurrentActivation, block(z, 1, H)) };
  }
  const r = activate(config.recurrentActivation, add(block(xw, 1, H), block(hw, 1, H)));
  return {
    z: activate(config.recurrentActivation, add(block(xw, 0, H), block(hw, 0, H))),
    r,
    'h̃': activate(config.activation, add(block(xw, 2, H), mul(r, block(hw, 2, H)))),
  };
}

const DESCRIPTIONS: Record<string, string> = {
  h: 'hidden state h_t — what the layer passes on',
  c: 'cell state c_t — the LSTM’s memory (unbounded)',
  i: 'input gate i_t — how much of the new candidate enters c',
  f: 'forget gate f_t — how much of c_{t−1} is kept',
  'c̃': 'candidate c̃_t — what may be written into c',
  o: 'output gate o_t — how much of tanh(c_t) shows in h',
  z: 'update gate z_t — 1 keeps h_{t−1}, 0 takes the candidate',
  r: 'reset gate r_t — how much of h_{t−1} the candidate sees',
  'h̃': 'candidate h̃_t',
};

/**
 * Runs the model's first recurrent layer over `ids` and returns h_t (c_t) and the gates per token,
 * leaving out the first `skip` tokens (e.g. the padding a classifier reads before a short review:
 * the state still runs through them, so the values shown are the ones the model computes).
 */
export function inspectRecurrent(model: Sequential, ids: readonly number[], skip = 0): StateSeries[] {
  const embeddingLayer = model.layers[0];
  const recurrentLayer = model.layers[1];
  if (embeddingLayer?.spec.kind !== 'embedding' || recurrentLayer?.spec.kind !== 'rnn') {
    throw new Error(`inspectRecurrent: the model must start with an embedding and a recurrent layer, got ${model.layers.map((l) => l.spec.kind).join(' → ')}`);
  }
  const embeddings = model.params[`${embeddingLayer.name}/embeddings`]!;
  const weight = (name: string): Tensor | undefined => model.params[`${recurrentLayer.name}/${name}`];
  const config = { ...recurrentLayer.spec.cell, inputSize: embeddings.shape[1]! } as CellConfig;
  const bh = weight('bh');
  const params: CellParams = bh === undefined ? { wxh: weight('wxh')!, whh: weight('whh')! } : { wxh: weight('wxh')!, whh: weight('whh')!, bh };

  const series = new Map<string, number[][]>();
  let step = 0;
  const record = (name: string, t: Tensor): void => {
    if (step < skip) return;
    if (!series.has(name)) series.set(name, []);
    series.get(name)!.push(Array.from(t.dataSync()));
  };
  let state: CellState = zeroState(config, 1);
  for (; step < ids.length; step++) {
    const id = ids[step]!;
    const next = tidy(() => {
      const x = gather(embeddings, tensor1d([id], 'int32'));
      for (const [name, g] of Object.entries(gates(config, params, x, state.h))) record(name, g);
      const s = cellStep(config, params, state, x).state;
      return 'c' in s ? { h: s.h, c: s.c } : { h: s.h };
    });
    dispose(Object.values(state));
    state = next;
    record('h', state.h);
    if ('c' in state) record('c', state.c);
  }
  dispose(Object.values(state));

  const order = ['h', 'c', 'i', 'f', 'c̃', 'o', 'z', 'r', 'h̃'];
  return order
    .filter((name) => series.has(name))
    .map((name) => ({
      name,
      description: DESCRIPTIONS[name] ?? name,
      values: series.get(name)!,
      range: name === 'c' ? symmetricRange(series.get(name)!) : ['i', 'f', 'o', 'z', 'r'].includes(name) ? [0, 1] : [-1, 1],
    }));
}

function symmetricRange(values: number[][]): [number, number] {
  const top = Math.max(1e-6, ...values.flat().map(Math.abs));
  return [-top, top];
}

/**
 * The model's output layer applied to every h_t: y_t = act(h_t·W + b) [T, O], with a sigmoid output
 * kept and linear logits turned into probabilities by a softmax. For a model Embedding → recurrent → Dense.
 */
export function denseReadout(model: Sequential, h: readonly (readonly number[])[]): number[][] {
  const last = model.layers[model.layers.length - 1];
  if (last?.spec.kind !== 'dense' || model.layers.length !== 3) {
    throw new Error(`denseReadout: the model must be embedding → recurrent → dense, got ${model.layers.map((l) => l.spec.kind).join(' → ')}`);
  }
  if (h.length === 0) return [];
  const activation = last.spec.activation;
  const kernel = model.params[`${last.name}/kernel`]!;
  const bias = model.params[`${last.name}/bias`];
  return tidy(() => {
    const z = matMul(tensor2d(h.map((row) => [...row])), kernel);
    const logits = bias === undefined ? z : add(z, bias);
    return (activation === 'sigmoid' ? sigmoid(logits) : softmax(logits)).arraySync() as number[][];
  });
}
