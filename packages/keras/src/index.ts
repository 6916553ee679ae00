/**
 * @rnnkit/keras — Keras' own files in JavaScript: `.keras` (Keras 3) and `.h5` (Keras 2) models and
 * weights-only files load into rnnkit models, and rnnkit models save as `.keras`, with no Python
 * converter. HDF5 through h5wasm (loaded on first use), zip through fflate.
 */
import { registerKerasFiles } from './model-format';

export { loadKerasModel, loadKerasWeights } from './load';
export type { LoadKerasOptions } from './load';
export { kerasModelBytes, saveKerasModel } from './save';
export type { KerasSource } from './source';
export { KERAS_VERSION } from './keras3-config';

// `saveModel(model, 'm.keras')`, `loadModel('m.h5')` and `model.save('m.keras')` work once this package is imported
registerKerasFiles();
