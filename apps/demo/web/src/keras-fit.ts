/**
 * Whether a model read from a Keras file can be the page's sentiment model: the page feeds it
 * reviews as Keras' imdb word ids, pre-padded to maxlen, and reads one probability per review.
 *
 *   fits: ids [B, T] (T = maxlen or free) → Embedding(V ≤ numWords, E) → … → Dense(1, sigmoid) → p [B, 1]
 */
import type { KerasFileModel, Sequential } from '@rnnkit/models';

/** What the page feeds the model: ids below `numWords`, `maxlen` of them per review. */
export interface SentimentPipeline {
  readonly numWords: number;
  readonly maxlen: number;
}

/** A shape with its batch axis, as Keras prints it: [B, 100, 3] ('B' for the batch, '?' for any size). */
export function shapeText(shape: readonly (number | null)[]): string {
  return `[${shape.map((d, i) => (i === 0 ? 'B' : d === null ? '?' : String(d))).join(', ')}]`;
}

/** A layer by its kind, a recurrent layer by its cell: "embedding", "lstm", "dense". */
const layerName = (layer: Sequential['layers'][number]): string => (layer.spec.kind === 'rnn' ? layer.spec.cell.kind : layer.spec.kind);

/** The model's layers in one line, e.g. "embedding → lstm → dense". */
export function layerChain(model: Sequential): string {
  return model.layers.map(layerName).join(' → ');
}

/**
 * Why `model` cannot be the page's sentiment model, in a sentence ("this model takes [B, 100, 3]
 * floats, not word ids"), or null when it fits the page's IMDB pipeline.
 */
export function sentimentMisfit(model: KerasFileModel, page: SentimentPipeline): string | null {
  if (model.kind !== 'sequential') {
    return `it is a functional model (${model.layers.length} layers); the page scores reviews with a Sequential model Embedding → … → Dense(1, sigmoid)`;
  }
  const seq: Sequential = model;
  const first = seq.layers[0];
  const last = seq.layers[seq.layers.length - 1];
  if (first === undefined || last === undefined) return 'it has no layers';
  if (first.spec.kind !== 'embedding') {
    return `this model takes ${shapeText(seq.inputShape)} floats (its first layer is ${layerName(first)}), not word ids: the page feeds reviews as Keras' imdb word ids [B, ${page.maxlen}] into an Embedding`;
  }
  const length = seq.inputShape[1];
  if (seq.inputShape.length !== 2 || (length !== null && length !== page.maxlen)) {
    return `this model takes ${shapeText(seq.inputShape)} word ids, but the page feeds each review as its last ${page.maxlen} ids, [B, ${page.maxlen}]`;
  }
  if (first.spec.inputDim > page.numWords) {
    return `its Embedding reads ${first.spec.inputDim.toLocaleString('en-US')} word ids (num_words = ${first.spec.inputDim}), more than the page's vocabulary of ${page.numWords.toLocaleString('en-US')}`;
  }
  if (last.spec.kind !== 'dense' || last.spec.units !== 1 || last.spec.activation !== 'sigmoid') {
    const what = last.spec.kind === 'dense' ? `Dense(${last.spec.units}, ${last.spec.activation})` : last.spec.kind;
    return `its output is ${shapeText(seq.outputShape)} from ${what}, not one probability [B, 1] from Dense(1, sigmoid)`;
  }
  if (seq.outputShape.length !== 2) return `its output is ${shapeText(seq.outputShape)}, not one probability per review [B, 1]`;
  return null;
}
