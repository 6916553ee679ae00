/**
 * Model topologies (plain JSON) and rebuilding a model from one: what save/load stores besides weights.
 */
import type { Model } from './model';
import type { WeightSource } from './params';
import { sequentialFromTopology } from './sequential';
import type { SequentialTopology } from './sequential';

/** The JSON description of any saveable model. */
export type ModelTopology = SequentialTopology;

/** A model that can describe itself as JSON, and so can be saved and loaded. */
export interface SaveableModel extends Model {
  topology(): ModelTopology;
}

/** Rebuilds a model: `{ seed }` initialises fresh weights, `{ weights }` loads them (no initialiser runs). */
export function modelFromTopology(topology: ModelTopology, source: WeightSource): SaveableModel {
  const kind = (topology as { kind?: unknown } | null)?.kind;
  switch (kind) {
    case 'sequential':
      return sequentialFromTopology(topology, source);
    default:
      throw new Error(`modelFromTopology: unknown model kind ${JSON.stringify(kind)}`);
  }
}
