/**
 * Model topologies (plain JSON) and rebuilding a model from one: what save/load stores besides weights.
 */
import { checkTopology } from './io/check-topology';
import type { Model } from './model';
import type { WeightSource } from './params';
import { sequentialFromTopology } from './sequential';
import type { SequentialTopology } from './sequential';
import { buildGenerator } from './structures/generator';
import type { GeneratorTopology } from './structures/generator';
import { buildSeq2seq } from './structures/seq2seq';
import type { Seq2seqTopology } from './structures/seq2seq';
import type { ModelTraining } from './training/args';

/** The JSON description of any saveable model. */
export type ModelTopology = SequentialTopology | Seq2seqTopology | GeneratorTopology;

/** A model that can describe itself as JSON, and so can be saved and loaded; it trains with `compile`/`fit`. */
export interface SaveableModel extends Model, ModelTraining {
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
  }
}
