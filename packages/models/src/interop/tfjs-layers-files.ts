/**
 * tfjs-layers Layers-model files in Node: `model.json` with a `weightsManifest` whose shards
 * (`group1-shard1of1.bin`, …) lie beside it, as tfjs-layers `model.save('file://…')` and the
 * Keras→tfjs converter write them. Node's `fs` is imported on first use.
 */
import { fromLayersArtifacts, toLayersArtifacts } from './tfjs-layers';
import type { FromLayersOptions, KerasFileModel, LayersWeightSpec } from './tfjs-layers';

interface ModelJson {
  readonly modelTopology: object;
  readonly weightsManifest?: readonly { readonly paths: readonly string[]; readonly weights: readonly LayersWeightSpec[] }[];
  readonly format?: string;
  readonly generatedBy?: string;
  readonly convertedBy?: string | null;
}

/**
 * Loads `model.json` and its weight shards (every group's, concatenated in manifest order, whatever
 * their file names) into an rnnkit model. Errors name the file they are about.
 *
 * @example const model = await loadLayersModelFiles('./converted/model.json');
 */
export async function loadLayersModelFiles(modelJsonPath: string, options: FromLayersOptions = {}): Promise<KerasFileModel> {
  const { readFile } = await import('node:fs/promises');
  const { dirname, isAbsolute, join, relative } = await import('node:path');
  const who = `loadLayersModelFiles: ${modelJsonPath}`;
  let json: ModelJson;
  try {
    json = JSON.parse(await readFile(modelJsonPath, 'utf8')) as ModelJson;
  } catch (e) {
    throw new Error(`${who}: cannot read the model JSON (${(e as Error).message})`);
  }
  if (typeof json !== 'object' || json === null || typeof json.modelTopology !== 'object' || json.modelTopology === null) {
    throw new Error(`${who}: not a tfjs-layers model.json (no 'modelTopology' object)`);
  }
  const groups = json.weightsManifest ?? [];
  if (!Array.isArray(groups) || groups.some((g) => !Array.isArray(g?.paths) || !Array.isArray(g?.weights))) {
    throw new Error(`${who}: 'weightsManifest' must be a list of { paths, weights }`);
  }
  const buffers: ArrayBuffer[] = [];
  for (const group of groups) {
    for (const path of group.paths) {
      const file = join(dirname(modelJsonPath), String(path));
      const inside = relative(dirname(modelJsonPath), file);
      if (typeof path !== 'string' || isAbsolute(path) || inside.startsWith('..') || isAbsolute(inside)) {
        throw new Error(`${who}: weight shard path ${JSON.stringify(path)} leaves the model's folder; shards must lie in model.json's folder or below it`);
      }
      let bytes: Buffer;
      try {
        bytes = await readFile(file);
      } catch (e) {
        throw new Error(`${who}: cannot read weight shard '${path}' (${(e as Error).message})`);
      }
      buffers.push(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
    }
  }
  try {
    return fromLayersArtifacts(
      {
        modelTopology: json.modelTopology,
        weightSpecs: groups.flatMap((g) => g.weights),
        weightData: buffers,
        ...(json.generatedBy === undefined ? {} : { generatedBy: json.generatedBy }),
      },
      options,
    );
  } catch (e) {
    throw new Error(`${modelJsonPath}: ${(e as Error).message}`);
  }
}

/** Writes `model.json` and `weights.bin` into `dir`, in the layout tfjs-layers `loadLayersModel('file://…/model.json')` reads. */
export async function saveLayersModelFiles(model: KerasFileModel, dir: string): Promise<void> {
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
