/**
 * Keras' files as addresses of @rnnkit/models' `saveModel`, `loadModel` and `model.save`, as Keras'
 * own `model.save('m.keras')` / `keras.saving.load_model(...)`: importing @rnnkit/keras registers them.
 * `.keras` saves and loads; `.h5` (Keras 2) loads. Paths only (Node); in browsers pass bytes or a
 * File to `loadKerasModel` and use `kerasModelBytes`.
 */
import { registerModelFileFormat } from '@rnnkit/models';
import type { KerasFileModel, SaveableModel } from '@rnnkit/models';
import { loadKerasModel } from './load';
import { saveKerasModel } from './save';

const HAS_SCHEME = /^[a-z][a-z0-9+.-]*:\/\//i;

function kerasFileModel(model: SaveableModel, address: string): KerasFileModel {
  if (model.kind !== 'sequential' && model.kind !== 'functional') {
    throw new Error(`saveModel: ${address}: a .keras file holds a Sequential or functional model, not a ${model.kind} (save it with saveModel to a directory)`);
  }
  return model as KerasFileModel;
}

/** Registers `.keras` and `.h5` paths with @rnnkit/models (done once when this package is imported). */
export function registerKerasFiles(): void {
  registerModelFileFormat({
    name: '@rnnkit/keras',
    handles: (address) => !HAS_SCHEME.test(address) && /\.(keras|h5)$/i.test(address),
    save: async (model, address) => {
      if (/\.h5$/i.test(address)) throw new Error(`saveModel: ${address}: rnnkit writes Keras 3's .keras files, not Keras 2's .h5; save as .keras`);
      return saveKerasModel(kerasFileModel(model, address), address);
    },
    load: (address) => loadKerasModel(address),
  });
}
