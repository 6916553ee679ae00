/**
 * rnnkit's own model format: a JSON document (format name and version, topology, weight manifest
 * with total size and CRC-32) plus one binary blob of float32 little-endian weights. A round trip
 * is bit-exact; loading runs no initialiser and creates nothing unless every check passes.
 */
import { dispose } from '@rnnkit/tensor';
import { buildFromCheckedTopology } from '../topology';
import type { ModelTopology, SaveableModel } from '../topology';
import { checkTopology } from './check-topology';
import { crc32 } from '@rnnkit/tensor';
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
 * an rnnkit model, is from a newer format version, when any field is invalid (a layer's activation,
 * units, … — named with the layer — or a weight entry's shape, offset or overlap), when the weights
 * are truncated or damaged, or when a weight is missing or has the wrong shape (naming the weight,
 * the expected and the given shape).
 */
export function loadModelFromArtifacts(artifacts: ModelArtifacts): SaveableModel {
  return loadModelNamed(artifacts, 'loadModel');
}

/** {@link loadModelFromArtifacts} with `who` (e.g. `loadModel: ./my-model/model.json`) starting every message. */
export function loadModelNamed(artifacts: ModelArtifacts, who: string): SaveableModel {
  const file = (artifacts as Partial<ModelArtifacts> | undefined)?.modelJson as Partial<ModelFile> | undefined;
  if (typeof file !== 'object' || file === null || file.format !== MODEL_FORMAT) {
    throw new Error(`${who}: not an rnnkit model file (format ${JSON.stringify(file?.format)}, expected '${MODEL_FORMAT}')`);
  }
  if (file.formatVersion !== MODEL_FORMAT_VERSION) {
    throw new Error(`${who}: format version ${JSON.stringify(file.formatVersion)} is not supported (this rnnkit reads version ${MODEL_FORMAT_VERSION})`);
  }
  const weights = file.weights as Partial<ModelFile['weights']> | undefined;
  if (typeof weights !== 'object' || weights === null || typeof file.topology !== 'object' || file.topology === null) {
    throw new Error(`${who}: the model file lacks its 'weights' or 'topology' section`);
  }
  const { byteLength, crc32: recorded } = weights;
  if (typeof byteLength !== 'number' || !Number.isSafeInteger(byteLength) || byteLength < 0) {
    throw new Error(`${who}: weights.byteLength must be an integer ≥ 0, got ${JSON.stringify(byteLength)}`);
  }
  if (typeof recorded !== 'number' || !Number.isInteger(recorded) || recorded < 0 || recorded > 0xffffffff) {
    throw new Error(`${who}: weights.crc32 must be an unsigned 32-bit integer, got ${JSON.stringify(recorded)}`);
  }
  checkTopology(file.topology, who);
  const data = artifacts.weightData;
  if (!(data instanceof Uint8Array)) throw new Error(`${who}: weightData must be a Uint8Array`);
  if (data.byteLength !== byteLength) {
    const what = data.byteLength < byteLength ? 'truncated' : 'longer than recorded';
    throw new Error(`${who}: the weights data has ${data.byteLength} bytes, the model file records ${byteLength} (${what})`);
  }
  const checksum = crc32(data);
  if (checksum !== recorded) {
    throw new Error(`${who}: the weights data is damaged (CRC-32 ${checksum.toString(16)}, the model file records ${recorded.toString(16)})`);
  }
  const tensors = unpackWeights(weights.entries, data, who);
  try {
    return buildFromCheckedTopology(file.topology, { weights: tensors });
  } catch (e) {
    // name the file in the builders' own errors; anything else (a TypeError would be a bug) passes as it is
    if (!(e instanceof Error) || e.name !== 'Error' || e.message.startsWith(`${who}:`)) throw e;
    throw new Error(`${who}: ${e.message}`);
  } finally {
    dispose(Object.values(tensors));
  }
}
