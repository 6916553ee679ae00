/**
 * Weights read from an HDF5 file, turned into the tfjs-layers weight manifest and byte stream that
 * `fromLayersArtifacts` of `@rnnkit/models` decodes (so shapes, names and dtypes are checked, and
 * CuDNN layouts converted, in one place). float32 bytes pass as they are, float16 as tfjs'
 * float16 quantisation (read as float32), float64 and integers are rounded to float32.
 */
import type { LayersWeightSpec } from '@rnnkit/models';
import type { RawDataset } from './hdf5';
import { KerasFileError } from './hdf5';

/** A weight found in the file: the name the model loader matches, and its dataset. */
export interface FoundWeight {
  readonly name: string;
  /** Where it is in the file, for errors. */
  readonly path: string;
  readonly data: RawDataset;
}

function toFloat32(data: RawDataset): Float32Array {
  const b = data.bytes;
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const size = Number(data.dtype.replace(/\D/g, '')) / 8;
  const n = b.byteLength / size;
  const out = new Float32Array(n);
  const read: (k: number) => number = {
    float64: (k: number) => view.getFloat64(8 * k, true),
    int8: (k: number) => view.getInt8(k),
    uint8: (k: number) => view.getUint8(k),
    int16: (k: number) => view.getInt16(2 * k, true),
    uint16: (k: number) => view.getUint16(2 * k, true),
    int32: (k: number) => view.getInt32(4 * k, true),
    uint32: (k: number) => view.getUint32(4 * k, true),
    int64: (k: number) => Number(view.getBigInt64(8 * k, true)),
    uint64: (k: number) => Number(view.getBigUint64(8 * k, true)),
    float32: (k: number) => view.getFloat32(4 * k, true),
    float16: () => NaN,
  }[data.dtype];
  for (let k = 0; k < n; k++) out[k] = read(k);
  return out;
}

/** The manifest and bytes of `weights`, in their order. Throws, naming the dataset, for a bfloat16 weight. */
export function toLayersWeights(weights: readonly FoundWeight[], who: string): { weightSpecs: LayersWeightSpec[]; weightData: ArrayBuffer } {
  const parts: Uint8Array[] = [];
  const weightSpecs = weights.map((w): LayersWeightSpec => {
    if (w.data.attrs['dtype'] === 'bfloat16') throw new KerasFileError(`${who}: weight '${w.path}' is stored as bfloat16, which is not supported (save it as float32 or float16)`);
    if (w.data.dtype === 'float16') {
      parts.push(w.data.bytes);
      return { name: w.name, shape: w.data.shape, dtype: 'float32', quantization: { dtype: 'float16' } };
    }
    parts.push(w.data.dtype === 'float32' ? w.data.bytes : new Uint8Array(toFloat32(w.data).buffer));
    return { name: w.name, shape: w.data.shape, dtype: 'float32' };
  });
  const total = parts.reduce((a, p) => a + p.byteLength, 0);
  const all = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    all.set(p, at);
    at += p.byteLength;
  }
  return { weightSpecs, weightData: all.buffer };
}
