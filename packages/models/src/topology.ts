/**
 * Model topologies (plain JSON) and rebuilding a model from one: what save/load stores besides weights.
 */
import { checkSequentialTopology } from './io/check-topology';
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
 * A sequential topology is validated field by field first (`checkSequentialTopology`), so a bad field
 * fails here, naming the layer and the field, rather than on the first forward pass.
 */
export function modelFromTopology(topology: ModelTopology, source: WeightSource): SaveableModel {
  const kind = (topology as { kind?: unknown } | null)?.kind;
  switch (kind) {
    case 'sequential':
      checkSequentialTopology(topology, 'modelFromTopology');
      return sequentialFromTopology(topology as SequentialTopology, source);
    case 'seq2seq':
      return buildSeq2seq(topology as Seq2seqTopology, source);
    case 'generator':
      return buildGenerator(topology as GeneratorTopology, source);
    default:
      throw new Error(`modelFromTopology: unknown model kind ${JSON.stringify(kind)}`);
  }
}
