/**
 * Model topologies (plain JSON) and rebuilding a model from one: what save/load stores besides weights.
 */
import { checkTopology } from './io/check-topology';
import { functionalFromTopology } from './functional/topology';
import type { FunctionalTopology } from './functional/topology';
import type { Tensor } from '@rnnkit/tensor';
import type { Model } from './model';
import type { WeightSource } from './params';
import { sequentialFromTopology } from './sequential';
import type { SequentialTopology } from './sequential';
import { buildGenerator } from './structures/generator';
import type { GeneratorTopology } from './structures/generator';
import { buildSeq2seq } from './structures/seq2seq';
import type { Seq2seqTopology } from './structures/seq2seq';
import type { ModelTraining } from './training/args';
import type { ModelData } from './training/columns';

/** The JSON description of any saveable model. */
export type ModelTopology = SequentialTopology | Seq2seqTopology | GeneratorTopology | FunctionalTopology;

/**
 * A model that can describe itself as JSON, and so can be saved and loaded; it trains with `compile`/`fit`.
 * A functional model may have several inputs and outputs, so `predict` answers `Tensor | Tensor[]`
 * (as tfjs-layers' `LayersModel`); narrow by `kind` for a Sequential's `Tensor`. `SaveableModel<TensorLike, Tensor>`
 * is a model with one input and one output.
 */
export interface SaveableModel<X = ModelData, P = Tensor | Tensor[]> extends Model, ModelTraining<X, P> {
  readonly kind: ModelTopology['kind'];
  /** The description saved with the weights; {@link modelFromTopology} rebuilds the model from it. */
  topology(): ModelTopology;
}

/**
 * Rebuilds a model: `{ seed }` initialises fresh weights, `{ weights }` loads them (no initialiser runs).
 * The topology is validated field by field first (`checkTopology`), so a bad field fails here, naming
 * the layer and the field, rather than later or silently.
 */
export function modelFromTopology(topology: ModelTopology, source: WeightSource): SaveableModel {
  checkTopology(topology, 'modelFromTopology');
  return buildFromCheckedTopology(topology, source);
}

/** {@link modelFromTopology} for a topology `checkTopology` has already passed (the model-file loader checks it before reading weights). */
export function buildFromCheckedTopology(topology: ModelTopology, source: WeightSource): SaveableModel {
  switch (topology.kind) {
    case 'sequential':
      return sequentialFromTopology(topology, source);
    case 'seq2seq':
      return buildSeq2seq(topology, source);
    case 'generator':
      return buildGenerator(topology, source);
    case 'functional':
      return functionalFromTopology(topology, source);
  }
}
