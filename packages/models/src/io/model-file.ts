/**
 * rnnkit's own model format: a JSON document (format name and version, topology, weight manifest
 * with total size and CRC-32) plus one binary blob of float32 little-endian weights. A round trip
 * is bit-exact; loading runs no initialiser and creates nothing unless every check passes.
 */
import { dispose } from '@rnnkit/tensor';
import { modelFromTopology } from '../topology';
import type { ModelTopology, SaveableModel } from '../topology';
import { crc32 } from './crc32';
import { packWeights, unpackWeights } from './weights-blob';
import type { WeightEntry } from './weights-blob';

/** The `format` field of an rnnkit model file. */
export const MODEL_FORMAT = 'rnnkit-model';
/** The version of the model file format this package writes. */
export const MODEL_FORMAT_VERSION = 1;

/** The JSON half of a saved model (`model.json`). */
export interface ModelFile {
  readonly format: typeof MODEL_FORMAT;
  readonly formatVersion: number;
  readonly topology: ModelTopology;
  readonly weights: {
    readonly byteLength: number;
    readonly crc32: number;
    readonly entries: readonly WeightEntry[];
  };
}

/** A saved model in memory: the JSON document and the weights blob. */
export interface ModelArtifacts {
  readonly modelJson: ModelFile;
  readonly weightData: Uint8Array;
}

/**
 * Serialises a model (topology and current weights). Reads the weights synchronously.
 *
 * @example
 * const artifacts = saveModelToArtifacts(model);
 * const copy = loadModelFromArtifacts(artifacts);   // same predictions, bit for bit
 */
export function saveModelToArtifacts(model: SaveableModel): ModelArtifacts {
  const { entries, data } = packWeights(model.params);
  return {
    modelJson: {
      format: MODEL_FORMAT,
      formatVersion: MODEL_FORMAT_VERSION,
      topology: model.topology(),
      weights: { byteLength: data.byteLength, crc32: crc32(data), entries },
    },
    weightData: data,
  };
}

/**
 * Rebuilds a model from saved artifacts. Throws before creating anything when the document is not
 * an rnnkit model, is from a newer format version, when the weights are truncated or damaged, or
 * when a weight is missing or has the wrong shape (naming the weight, the expected and the given shape).
 */
export function loadModelFromArtifacts(artifacts: ModelArtifacts): SaveableModel {
  const who = 'loadModel';
  const file = artifacts?.modelJson as Partial<ModelFile> | undefined;
  if (file?.format !== MODEL_FORMAT) throw new Error(`${who}: not an rnnkit model file (format ${JSON.stringify(file?.format)}, expected '${MODEL_FORMAT}')`);
  if (file.formatVersion !== MODEL_FORMAT_VERSION) {
    throw new Error(`${who}: format version ${String(file.formatVersion)} is not supported (this rnnkit reads version ${MODEL_FORMAT_VERSION})`);
  }
  if (file.weights === undefined || file.topology === undefined) throw new Error(`${who}: the model file lacks its 'weights' or 'topology' section`);
  const data = artifacts.weightData;
  if (!(data instanceof Uint8Array)) throw new Error(`${who}: weightData must be a Uint8Array`);
  if (data.byteLength !== file.weights.byteLength) {
    const what = data.byteLength < file.weights.byteLength ? 'truncated' : 'longer than recorded';
    throw new Error(`${who}: the weights data has ${data.byteLength} bytes, the model file records ${file.weights.byteLength} (${what})`);
  }
  const checksum = crc32(data);
  if (checksum !== file.weights.crc32) {
    throw new Error(`${who}: the weights data is damaged (CRC-32 ${checksum.toString(16)}, the model file records ${file.weights.crc32.toString(16)})`);
  }
  const weights = unpackWeights(file.weights.entries, data, who);
  try {
    return modelFromTopology(file.topology, { weights });
  } finally {
    dispose(Object.values(weights));
  }
}
