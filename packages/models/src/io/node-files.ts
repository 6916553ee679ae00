/**
 * Saving and loading rnnkit models as files in Node: `<dir>/model.json` and `<dir>/weights.bin`.
 * Each file is written to a temporary name and renamed into place, so a crash never leaves a
 * half-written file under the real name; the weights go first, and `model.json` (which records
 * the weights' size and CRC-32) last, so a mismatched pair is detected on load.
 * Node's `fs` is imported on first use, so browser bundles of @rnnkit/models do not need it.
 */
import { loadModelNamed, saveModelToArtifacts } from './model-file';
import type { ModelFile } from './model-file';
import type { SaveableModel } from '../topology';

export const MODEL_JSON = 'model.json';
export const WEIGHTS_BIN = 'weights.bin';

/** Writes `data` to `path` through a temporary file renamed into place (never a half-written file under `path`). */
export async function writeAtomic(path: string, data: string | Uint8Array): Promise<void> {
  const { rename, writeFile, rm } = await import('node:fs/promises');
  const temp = `${path}.tmp-${process.pid}-${Date.now()}`;
  try {
    await writeFile(temp, data);
    await rename(temp, path);
  } catch (e) {
    await rm(temp, { force: true });
    throw e;
  }
}

/** Saves `model` into directory `dir` (created if needed) as `model.json` and `weights.bin`. */
export async function saveModelToDirectory(model: SaveableModel, dir: string): Promise<void> {
  const { mkdir } = await import('node:fs/promises');
  const { join } = await import('node:path');
  const artifacts = saveModelToArtifacts(model);
  await mkdir(dir, { recursive: true });
  await writeAtomic(join(dir, WEIGHTS_BIN), artifacts.weightData);
  await writeAtomic(join(dir, MODEL_JSON), `${JSON.stringify(artifacts.modelJson, null, 1)}\n`);
}

/** Loads a model saved by `saveModelToDirectory` from directory `dir`; no random initialisation runs. */
export async function loadModelFromDirectory(dir: string): Promise<SaveableModel> {
  const { readFile } = await import('node:fs/promises');
  const { join } = await import('node:path');
  const text = await readFile(join(dir, MODEL_JSON), 'utf8');
  let modelJson: ModelFile;
  try {
    modelJson = JSON.parse(text) as ModelFile;
  } catch (e) {
    throw new Error(`loadModel: ${join(dir, MODEL_JSON)} is not valid JSON: ${(e as Error).message}`);
  }
  const bytes = await readFile(join(dir, WEIGHTS_BIN));
  return loadModelNamed({ modelJson, weightData: new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength) }, `loadModel: ${join(dir, MODEL_JSON)}`);
}
