/**
 * Helpers shared by the models package's tests (not part of the package: excluded from its build).
 */
import type * as tfl from '@tensorflow/tfjs-layers';
import * as tfc from '@tensorflow/tfjs-core';
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
