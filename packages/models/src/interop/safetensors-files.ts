/**
 * Models as safetensors files on disk (Node). The file is written to a temporary name and renamed
 * into place. Node's `fs` is imported on first use, so browser bundles of @rnnkit/models do not need it.
 */
import { writeAtomic } from '../io/node-files';
import type { SaveableModel } from '../topology';
import { fromSafetensorsNamed, toSafetensors } from './safetensors';
import type { FromSafetensorsOptions, ToSafetensorsOptions } from './safetensors';

/**
 * Saves `model` as a safetensors file at `path` ({@link toSafetensors}'s bytes). With
 * `{ layout: 'torch' }`, PyTorch reads it with `model.load_state_dict(load_file(path), strict=True)`.
 *
 * @example await saveSafetensors(model, 'model.safetensors', { layout: 'torch' });
 */
export async function saveSafetensors(model: SaveableModel, path: string, options: ToSafetensorsOptions): Promise<void> {
  await writeAtomic(path, toSafetensors(model, options));
}

/**
 * Loads a model from a safetensors file (as `fromSafetensors` reads bytes); errors name the file.
 *
 * @example
 * const model = await loadSafetensors('model.safetensors');                                 // written by saveSafetensors
 * const trained = await loadSafetensors('trained.safetensors', { topology: model.topology() });   // written by PyTorch
 */
export async function loadSafetensors(path: string, options: FromSafetensorsOptions = {}): Promise<SaveableModel> {
  const { readFile } = await import('node:fs/promises');
  const bytes = await readFile(path);
  return fromSafetensorsNamed(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), options, `loadSafetensors: ${path}`);
}
