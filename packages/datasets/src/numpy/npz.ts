/**
 * `.npz` archives (what `np.savez` writes): a zip of `.npy` members, read with fflate so
 * it works in Node and in browsers.
 */
import { DataFileError } from '../errors';
import type { NdArray } from './ndarray';
import { readNpy } from './npy';
import { unzipChecked } from './zip-checked';

/**
 * Reads every `.npy` member of an `.npz` archive into a record keyed by member name
 * without the `.npy` suffix (`x_train.npy` → `x_train`). Each member's CRC-32 and size are checked.
 * `file` names the source in errors.
 */
export function readNpz(bytes: Uint8Array, file = '<npz>'): Record<string, NdArray> {
  let members: Record<string, Uint8Array>;
  try {
    members = unzipChecked(bytes);
  } catch (e) {
    throw new DataFileError(file, `not a readable .npz (zip) archive: ${(e as Error).message}`);
  }
  const out: Record<string, NdArray> = {};
  for (const [name, data] of Object.entries(members)) {
    if (!name.endsWith('.npy')) continue;
    try {
      out[name.slice(0, -4)] = readNpy(data);
    } catch (e) {
      throw new DataFileError(file, `member ${name}: ${(e as Error).message}`);
    }
  }
  return out;
}
