/**
 * Helpers shared by the models package's tests (not part of the package: excluded from its build).
 */
import type * as tfl from '@tensorflow/tfjs-layers';
import * as tfc from '@tensorflow/tfjs-core';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { SHARED_DATA } from '@rnnkit/testkit';
import type { LayersModelArtifacts, LayersWeightSpec } from './index';

/** What tfjs-layers' `model.save` writes, caught in memory. */
export async function saveTfjs(model: tfl.LayersModel): Promise<LayersModelArtifacts & { weightSpecs: LayersWeightSpec[]; weightData: ArrayBuffer }> {
  let saved: tfc.io.ModelArtifacts | undefined;
  await model.save(
    tfc.io.withSaveHandler(async (artifacts) => {
      saved = artifacts;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  return saved as unknown as LayersModelArtifacts & { weightSpecs: LayersWeightSpec[]; weightData: ArrayBuffer };
}

/** `n` seeded values offset + scale·u with u uniform in [−1, 1) (a 32-bit LCG), the same on every run. */
export function seeded(n: number, seed: number, scale = 1, offset = 0): Float64Array {
  let s = seed;
  return Float64Array.from({ length: n }, () => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return offset + scale * ((s / 2 ** 32) * 2 - 1);
  });
}

/** The real-model corpus: `corpus.json`, the SOURCE notes and the NumPy reference (committed). */
export const REAL_MODELS = resolve(__dirname, '..', 'fixtures', 'real-models');
/** Where the corpus' model files may be instead (they stay out of commits; see fixtures/real-models/README.md). */
export const REAL_MODELS_SHARED = join(SHARED_DATA, 'real-models');

/** The path of a corpus model file (`<slug>/model.json`), in the fixtures or in shared data, or null when neither has it. */
export function realModelFile(relative: string): string | null {
  return [REAL_MODELS, REAL_MODELS_SHARED].map((base) => join(base, relative)).find((p) => existsSync(p)) ?? null;
}
