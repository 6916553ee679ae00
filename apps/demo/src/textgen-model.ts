/**
 * The character language model of `textgen` (char-rnn): Embedding(V, E) → LSTM | GRU (H, sequences)
 * → Dense(V) logits, and its forward pass over one chunk with the recurrent state explicit — what
 * truncated BPTT trains and what carries the state from one chunk to the next.
 *
 * Shapes: B streams, k chunk length, V characters, E embedding width, H units.
 *   ids [B, k] int32 → e [B, k, E] → h [B, k, H] (state { h } or { h, c }, each [B, H]) → logits [B, k, V]
 */
import { add, embeddingLookup, matMul, reshape, zerosTensor } from '@rnnkit/tensor';
import type { Tensor } from '@rnnkit/tensor';
import { dense, embedding, gru, lstm, runRecurrent, sequential } from '@rnnkit/models';
import type { BuiltLayer, RecurrentSpec, Sequential } from '@rnnkit/models';
import type { RecurrentState } from '@rnnkit/training';

export const TEXTGEN_CELLS = ['lstm', 'gru'] as const;
export type TextgenCell = (typeof TEXTGEN_CELLS)[number];

export interface CharModelOptions {
  readonly vocabularySize: number;
  readonly embed: number;
  readonly units: number;
  readonly cell: TextgenCell;
  readonly seed: number;
}

export function buildCharModel(o: CharModelOptions): Sequential {
  const recurrent = o.cell === 'lstm' ? lstm({ units: o.units, returnSequences: true }) : gru({ units: o.units, returnSequences: true });
  return sequential([embedding({ inputDim: o.vocabularySize, outputDim: o.embed }), recurrent, dense({ units: o.vocabularySize })], {
    seed: o.seed,
    name: `char_${o.cell}`,
  });
}

function layerOf(model: Sequential, kind: BuiltLayer['spec']['kind']): BuiltLayer {
  const layer = model.layers.find((l) => l.spec.kind === kind);
  if (layer === undefined) throw new Error(`textgen: the model has no ${kind} layer`);
  return layer;
}

/** A layer's weights under their short names (`wxh`, `kernel`, …). */
function weightsOf(model: Sequential, layer: BuiltLayer): Record<string, Tensor> {
  return Object.fromEntries(layer.weightNames.map((full) => [full.slice(layer.name.length + 1), model.params[full]! as Tensor]));
}

/** The all-zero state of `rows` streams: `{ h }`, plus `{ c }` for an LSTM. */
export function zeroCharState(model: Sequential, rows: number): RecurrentState {
  const spec = layerOf(model, 'rnn').spec as RecurrentSpec;
  const h = zerosTensor([rows, spec.cell.units]);
  return spec.cell.kind === 'lstm' ? { h, c: zerosTensor([rows, spec.cell.units]) } : { h };
}

/**
 * The model over one chunk, state in and state out (the same weights and maths as `model.apply`,
 * which always starts from zeros). Call inside `tidy`.
 */
export function charChunkStep(model: Sequential): (ids: Tensor, state: RecurrentState, training: boolean) => { y: Tensor; state: RecurrentState } {
  const embed = layerOf(model, 'embedding');
  const rnn = layerOf(model, 'rnn');
  const out = layerOf(model, 'dense');
  const table = weightsOf(model, embed)['embeddings']!;
  const rnnWeights = weightsOf(model, rnn);
  const { kernel, bias } = weightsOf(model, out);
  return (ids, state, training) => {
    const [b, k] = ids.shape as [number, number];
    const e = embeddingLookup(table, ids);
    const initialState = state['c'] === undefined ? { h: state['h']! } : { h: state['h']!, c: state['c'] };
    const run = runRecurrent(rnn.spec as RecurrentSpec, rnnWeights, e, { training, initialState });
    const h = reshape(run.outputs, [b * k, -1]);
    const logits = add(matMul(h, kernel!), bias!);
    const next: RecurrentState = 'c' in run.state ? { h: run.state.h, c: run.state.c } : { h: run.state.h };
    return { y: reshape(logits, [b, k, -1]), state: next };
  };
}
