/**
 * Embedding: token ids to vectors, `y[b, t, :] = E[ids[b, t], :]`.
 *
 * Shapes: B batch, T time, V vocabulary (`inputDim`), E width (`outputDim`).
 *   ids [B, T] int32  →  y [B, T, E];  E (the weight `embeddings`) [V, E]
 * With `maskZero`, id 0 is padding: the layer emits the mask `[B, T] = (ids ≠ 0)` that the recurrent
 * layers after it consume (V then still counts id 0, as in Keras).
 */
import { cast, embeddingLookup, notEqual, randomUniform, scalar } from '@rnnkit/tensor';
import type { Tensor } from '@rnnkit/tensor';
import { tidyOutput, weight } from '../layer';
import type { LayerImpl } from '../layer';
import { formatShape } from '../shape';
import { finishLayer } from './layer-options';
import type { CommonLayerOptions, Layer } from './layer-options';

/** An embedding layer: ids → vectors. */
export interface EmbeddingSpec {
  readonly kind: 'embedding';
  readonly name?: string;
  /** Vocabulary size V: ids lie in [0, V). */
  readonly inputDim: number;
  /** Width E of each vector. */
  readonly outputDim: number;
  /** Treat id 0 as padding and emit a mask. Default false (Keras). */
  readonly maskZero: boolean;
}

/** Options of {@link embedding}: vocabulary size, vector width, and whether id 0 is padding (masked). */
export interface EmbeddingOptions extends CommonLayerOptions {
  readonly inputDim: number;
  readonly outputDim: number;
  readonly maskZero?: boolean;
}

/**
 * An embedding layer, initialised as Keras does: 𝒰(−0.05, 0.05).
 *
 * @example
 * embedding({ inputDim: 10000, outputDim: 32 })       // Keras Embedding(10000, 32): 320,000 params
 * embedding({ inputDim: 10000, outputDim: 32, maskZero: true })
 */
export function embedding(options: EmbeddingOptions): Layer<EmbeddingSpec> {
  for (const key of ['inputDim', 'outputDim'] as const) {
    const v = options[key];
    if (!Number.isInteger(v) || v < 1) throw new Error(`embedding: ${key} must be a positive integer, got ${String(v)}`);
  }
  const spec: EmbeddingSpec = { kind: 'embedding', inputDim: options.inputDim, outputDim: options.outputDim, maskZero: options.maskZero ?? false };
  return finishLayer(spec, options, 'embedding');
}

/** Throws unless every id lies in [0, V); the message names the first bad id and V. */
function checkIds(ids: Tensor, vocabulary: number): void {
  const values = ids.dataSync();
  for (let i = 0; i < values.length; i++) {
    const id = values[i]!;
    if (!(id >= 0 && id < vocabulary)) {
      throw new Error(
        `embedding: token id ${id} (at flat index ${i} of ids shaped [${ids.shape.join(', ')}]) is outside the vocabulary: ` +
          `ids must lie in [0, ${vocabulary}) for inputDim ${vocabulary}`,
      );
    }
  }
}

export const embeddingLayer: LayerImpl<EmbeddingSpec> = {
  className: () => 'Embedding',
  outputShape: (spec, input) => {
    if (input.length < 1) throw new Error(`embedding: input must hold ids of shape [B, T], got ${formatShape(input)}`);
    return [...input, spec.outputDim];
  },
  weights: (spec) => [{ name: 'embeddings', shape: [spec.inputDim, spec.outputDim] }],
  init: (spec, _input, seed) => ({ embeddings: randomUniform(-0.05, 0.05)([spec.inputDim, spec.outputDim], seed) }),
  apply: (spec, params, x) => {
    if (x.dtype !== 'int32' && x.dtype !== 'float32') {
      throw new Error(`embedding: ids must have dtype int32 (or float32 holding integers), got ${x.dtype}`);
    }
    return tidyOutput(() => {
      const ids = x.dtype === 'int32' ? x : cast(x, 'int32');
      checkIds(ids, spec.inputDim);
      const y = embeddingLookup(weight(params, 'embeddings', 'embedding'), ids);
      const mask = spec.maskZero ? cast(notEqual(ids, scalar(0, 'int32')), 'float32') : null;
      return { y, mask };
    });
  },
};
