/**
 * Saving and loading rnnkit models in the browser: IndexedDB (one record per key holding the JSON
 * document and the weights blob) and a download of the two files.
 */
import { loadModelFromArtifacts, saveModelToArtifacts } from './model-file';
import type { ModelFile } from './model-file';
import type { SaveableModel } from '../topology';

const DATABASE = 'rnnkit-models';
const STORE = 'models';

function openDatabase(): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    if (typeof indexedDB === 'undefined') {
      reject(new Error('IndexedDB is not available in this environment (use saveModel/loadModel in Node)'));
      return;
    }
    const request = indexedDB.open(DATABASE, 1);
    request.onupgradeneeded = () => request.result.createObjectStore(STORE);
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error ?? new Error('IndexedDB: open failed'));
  });
}

function run<T>(mode: IDBTransactionMode, body: (store: IDBObjectStore) => IDBRequest<T>): Promise<T> {
  return openDatabase().then(
    (db) =>
      new Promise<T>((resolve, reject) => {
        const tx = db.transaction(STORE, mode);
        const request = body(tx.objectStore(STORE));
        tx.oncomplete = () => {
          db.close();
          resolve(request.result);
        };
        tx.onerror = () => {
          db.close();
          reject(tx.error ?? new Error('IndexedDB: transaction failed'));
        };
      }),
  );
}

/** Saves `model` in IndexedDB under `key` (one transaction: both halves or neither). */
export async function saveModelToIndexedDb(model: SaveableModel, key: string): Promise<void> {
  const artifacts = saveModelToArtifacts(model);
  await run('readwrite', (store) => store.put({ modelJson: artifacts.modelJson, weightData: artifacts.weightData }, key));
}

/** Loads the model saved under `key` by {@link saveModelToIndexedDb}. */
export async function loadModelFromIndexedDb(key: string): Promise<SaveableModel> {
  const record = await run<{ modelJson: ModelFile; weightData: Uint8Array } | undefined>('readonly', (store) => store.get(key));
  if (record === undefined) throw new Error(`loadModelFromIndexedDb: no model saved under key ${JSON.stringify(key)}`);
  return loadModelFromArtifacts(record);
}

/** Offers `model.json` and `weights.bin` (prefixed with `name-`) as downloads. */
export function downloadModel(model: SaveableModel, name: string): void {
  const artifacts = saveModelToArtifacts(model);
  const offer = (blob: Blob, filename: string): void => {
    const url = URL.createObjectURL(blob);
    const a = document.createElement('a');
    a.href = url;
    a.download = filename;
    a.click();
    setTimeout(() => URL.revokeObjectURL(url), 0);
  };
  offer(new Blob([JSON.stringify(artifacts.modelJson)], { type: 'application/json' }), `${name}-model.json`);
  offer(new Blob([artifacts.weightData as Uint8Array<ArrayBuffer>], { type: 'application/octet-stream' }), `${name}-weights.bin`);
}

/** Loads a model from the two files a user picked (e.g. from an `<input type="file" multiple>`). */
export async function loadModelFromFiles(modelJson: Blob, weights: Blob): Promise<SaveableModel> {
  const json = JSON.parse(await modelJson.text()) as ModelFile;
  return loadModelFromArtifacts({ modelJson: json, weightData: new Uint8Array(await weights.arrayBuffer()) });
}
