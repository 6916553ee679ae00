/**
 * `saveOnnx`: writes {@link toOnnx}'s bytes to a file (Node). It reaches `node:fs` through
 * `process.getBuiltinModule` at call time, so browser bundles of the package never import it.
 */
import type { Sequential } from '@rnnkit/models';
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
export async function saveOnnx(model: Sequential, path: string, options: ToOnnxOptions = {}): Promise<void> {
  await writeFileFn()(path, toOnnx(model, options));
}
