/**
 * `saveOnnx` and `saveOnnxEncoderDecoder`: write {@link toOnnx}'s and {@link toOnnxEncoderDecoder}'s bytes to
 * files (Node). They reach `node:fs` through `process.getBuiltinModule` at call time, so browser bundles of
 * the package never import it.
 */
import type { Functional, Seq2seq, Sequential } from '@rnnkit/models';
import { toOnnxEncoderDecoder } from './export-seq2seq';
import { toOnnx } from './to-onnx';
import type { ToOnnxOptions } from './to-onnx';

type WriteFile = (path: string, data: Uint8Array) => Promise<void>;

function writeFileFn(): WriteFile {
  const processLike = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  const load = processLike?.getBuiltinModule;
  if (load === undefined) throw new Error('saveOnnx: needs Node ≥ 20.16 (process.getBuiltinModule); in a browser use toOnnx and save the bytes yourself');
  return (load('node:fs/promises') as { writeFile: WriteFile }).writeFile;
}

/**
 * Exports `model` as ONNX and writes it to `path` (Node only).
 *
 * @example await saveOnnx(model, 'imdb.onnx');   // then: ort.InferenceSession.create('imdb.onnx')
 */
export async function saveOnnx(model: Sequential | Functional, path: string, options: ToOnnxOptions = {}): Promise<void> {
  await writeFileFn()(path, toOnnx(model, options));
}

/**
 * Exports a seq2seq model as its encoder and one-step decoder graphs and writes them to the two paths (Node only).
 *
 * @example await saveOnnxEncoderDecoder(model, { encoder: 'encoder.onnx', decoder: 'decoder.onnx' });
 */
export async function saveOnnxEncoderDecoder(model: Seq2seq, paths: { readonly encoder: string; readonly decoder: string }, options: ToOnnxOptions = {}): Promise<void> {
  const { encoder, decoder } = toOnnxEncoderDecoder(model, options);
  const write = writeFileFn();
  await write(paths.encoder, encoder);
  await write(paths.decoder, decoder);
}
