/**
 * File formats other packages add to `saveModel` / `loadModel` / `model.save`, so that the addresses
 * of tfjs-layers and Keras work here without this package carrying their readers: importing
 * @rnnkit/keras registers Keras' `.keras` (save and load) and `.h5` (load) files.
 */
import type { SaveableModel } from '../topology';

/** A file format handled by another package: which addresses are its, and how it saves and loads. */
export interface ModelFileFormat {
  /** Shown in errors, e.g. `'@rnnkit/keras'`. */
  readonly name: string;
  /** Whether `address` is this format's (e.g. by its extension) for `operation`. */
  handles(address: string, operation: 'save' | 'load'): boolean;
  /** Writes `model` at `address`. */
  save(model: SaveableModel, address: string): Promise<void>;
  /** Reads the model at `address`. */
  load(address: string): Promise<SaveableModel>;
}

const formats: ModelFileFormat[] = [];

/** Adds `format` to the addresses `saveModel`, `loadModel` and `model.save` understand (a format of the same name is replaced). */
export function registerModelFileFormat(format: ModelFileFormat): void {
  const at = formats.findIndex((f) => f.name === format.name);
  if (at >= 0) formats.splice(at, 1, format);
  else formats.push(format);
}

/** The registered format that handles `address` for `operation`, if any. */
export function modelFileFormatFor(address: string, operation: 'save' | 'load'): ModelFileFormat | undefined {
  return formats.find((f) => f.handles(address, operation));
}
