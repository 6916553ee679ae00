/**
 * tfjs-layers Layers-model files in Node: `model.json` with a `weightsManifest` whose shards
 * (`group1-shard1of1.bin`, …) lie beside it, as tfjs-layers `model.save('file://…')` and the
 * Keras→tfjs converter write them. Node's `fs` is imported on first use.
 */
import type { Sequential } from '../sequential';
import { fromLayersArtifacts, toLayersArtifacts } from './tfjs-layers';
import type { LayersWeightSpec } from './tfjs-layers';

interface ModelJson {
  readonly modelTopology: object;
  readonly weightsManifest?: readonly { readonly paths: readonly string[]; readonly weights: readonly LayersWeightSpec[] }[];
  readonly format?: string;
  readonly generatedBy?: string;
  readonly convertedBy?: string | null;
}

/**
 * Loads `model.json` and its weight shards (concatenated in manifest order) into an rnnkit model.
 *
 * @example const model = await loadLayersModelFiles('./converted/model.json');
 */
export async function loadLayersModelFiles(modelJsonPath: string): Promise<Sequential> {
  const { readFile } = await import('node:fs/promises');
  const { dirname, join } = await import('node:path');
  const json = JSON.parse(await readFile(modelJsonPath, 'utf8')) as ModelJson;
  const groups = json.weightsManifest ?? [];
  const buffers: ArrayBuffer[] = [];
  for (const group of groups) {
    for (const path of group.paths) {
      const bytes = await readFile(join(dirname(modelJsonPath), path));
      buffers.push(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
    }
  }
  return fromLayersArtifacts({
    modelTopology: json.modelTopology,
    weightSpecs: groups.flatMap((g) => g.weights),
    weightData: buffers,
    ...(json.generatedBy === undefined ? {} : { generatedBy: json.generatedBy }),
  });
}

/** Writes `model.json` and `weights.bin` into `dir`, in the layout tfjs-layers `loadLayersModel('file://…/model.json')` reads. */
export async function saveLayersModelFiles(model: Sequential, dir: string): Promise<void> {
  const { mkdir, writeFile, rename } = await import('node:fs/promises');
  const { join } = await import('node:path');
  const artifacts = toLayersArtifacts(model);
  await mkdir(dir, { recursive: true });
  const write = async (name: string, data: string | Uint8Array): Promise<void> => {
    const temp = join(dir, `${name}.tmp-${process.pid}`);
    await writeFile(temp, data);
    await rename(temp, join(dir, name));
  };
  await write('weights.bin', new Uint8Array(artifacts.weightData));
  const json: ModelJson = {
    modelTopology: artifacts.modelTopology,
    weightsManifest: [{ paths: ['weights.bin'], weights: artifacts.weightSpecs }],
    format: artifacts.format,
    generatedBy: artifacts.generatedBy,
    convertedBy: artifacts.convertedBy,
  };
  await write('model.json', JSON.stringify(json));
}
