/**
 * Saving and loading by address, as tfjs-layers' `model.save(url)` and `tf.loadLayersModel(url)`:
 *
 *   'file://dir' or a path     Node: `dir/model.json` and `dir/weights.bin`
 *   'indexeddb://key'          browser: one IndexedDB record
 *   'downloads://name'         browser, saving only: `name-model.json` and `name-weights.bin` offered as downloads
 *   'http(s)://…/model.json'   loading only: model.json and the weights.bin beside it, fetched
 *
 * and any format another package registers (`registerModelFileFormat`): importing @rnnkit/keras adds Keras'
 * `.keras` and `.h5` files, whose HDF5 reader stays out of this package; without it, naming one says so.
 */
import { downloadModel, loadModelFromIndexedDb, saveModelToIndexedDb } from './browser';
import { loadModelNamed } from './model-file';
import type { ModelFile } from './model-file';
import { modelFileFormatFor } from './model-formats';
import { loadModelFromDirectory, MODEL_JSON, saveModelToDirectory, WEIGHTS_BIN } from './node-files';
import type { SaveableModel } from '../topology';

const SCHEME = /^([a-z][a-z0-9+.-]*):\/\//i;

function checkAddress(address: unknown, who: string): string {
  if (typeof address !== 'string' || address === '') throw new Error(`${who}: expected a path or a URL (file://, indexeddb://, …), got ${JSON.stringify(address)}`);
  return address;
}

/** Keras' files without @rnnkit/keras imported: say where they are read and written. */
function kerasWithoutReader(address: string, who: string): Error | null {
  return /\.(keras|h5)$/i.test(address) ? new Error(`${who}: ${address} is a Keras file: with the @rnnkit/keras package imported once in your app (it reads .keras and .h5 and writes .keras), Keras files work here`) : null;
}

function unknownScheme(scheme: string, address: string, who: string, known: string): Error {
  return new Error(`${who}: ${JSON.stringify(address)} has the scheme '${scheme}://', which is not one of ${known}`);
}

/**
 * Saves `model` where `address` says: a directory path or `file://` URL (Node), `indexeddb://key` or
 * `downloads://name` (browser). Each file is written whole or not at all.
 *
 * @example await saveModel(model, './imdb-model');   // or 'file://./imdb-model', 'indexeddb://imdb'
 */
export async function saveModel(model: SaveableModel, address: string): Promise<void> {
  const where = checkAddress(address, 'saveModel');
  const format = modelFileFormatFor(where, 'save');
  if (format !== undefined) return format.save(model, where);
  const keras = kerasWithoutReader(where, 'saveModel');
  if (keras !== null) throw keras;
  const scheme = SCHEME.exec(where)?.[1]?.toLowerCase();
  if (scheme === undefined) return saveModelToDirectory(model, where);
  const rest = where.slice(scheme.length + 3);
  if (scheme === 'file') return saveModelToDirectory(model, decodeURIComponent(rest));
  if (scheme === 'indexeddb') return saveModelToIndexedDb(model, rest);
  if (scheme === 'downloads') {
    if (typeof document === 'undefined') throw new Error('saveModel: downloads:// needs a browser page (in Node, save to a directory)');
    return downloadModel(model, rest === '' ? 'model' : rest);
  }
  throw unknownScheme(scheme, where, 'saveModel', 'file://, indexeddb://, downloads://');
}

async function fetchOk(url: string, who: string): Promise<Response> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${who}: GET ${url} answered ${response.status} ${response.statusText}`.trimEnd());
  return response;
}

/** model.json at `address` (or in the folder it names) and weights.bin beside it. */
async function loadModelFromUrl(address: string): Promise<SaveableModel> {
  const jsonUrl = address.endsWith('.json') ? address : `${address.replace(/\/$/, '')}/${MODEL_JSON}`;
  const who = `loadModel: ${jsonUrl}`;
  const text = await (await fetchOk(jsonUrl, 'loadModel')).text();
  let modelJson: ModelFile;
  try {
    modelJson = JSON.parse(text) as ModelFile;
  } catch (e) {
    throw new Error(`${who} is not valid JSON: ${(e as Error).message}`);
  }
  const weights = new Uint8Array(await (await fetchOk(new URL(WEIGHTS_BIN, jsonUrl).href, 'loadModel')).arrayBuffer());
  return loadModelNamed({ modelJson, weightData: weights }, who);
}

/**
 * Loads a model that {@link saveModel} (or a model's `save`) wrote: from a directory path or `file://` URL
 * (Node), `indexeddb://key` (browser) or an `http(s)://` URL of its model.json; no random initialisation runs.
 *
 * @example const model = await loadModel('./imdb-model');   // or 'indexeddb://imdb', 'https://example.com/imdb/model.json'
 */
export async function loadModel(address: string): Promise<SaveableModel> {
  const where = checkAddress(address, 'loadModel');
  const format = modelFileFormatFor(where, 'load');
  if (format !== undefined) return format.load(where);
  const keras = kerasWithoutReader(where, 'loadModel');
  if (keras !== null) throw keras;
  const scheme = SCHEME.exec(where)?.[1]?.toLowerCase();
  if (scheme === undefined) return loadModelFromDirectory(where);
  const rest = where.slice(scheme.length + 3);
  if (scheme === 'file') return loadModelFromDirectory(decodeURIComponent(rest));
  if (scheme === 'indexeddb') return loadModelFromIndexedDb(rest);
  if (scheme === 'http' || scheme === 'https') return loadModelFromUrl(where);
  if (scheme === 'downloads') throw new Error('loadModel: downloads:// only saves; load the two downloaded files with loadModelFromFiles(modelJson, weights)');
  throw unknownScheme(scheme, where, 'loadModel', 'file://, indexeddb://, http(s)://');
}
