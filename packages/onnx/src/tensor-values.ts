/**
 * The numbers of an ONNX TensorProto (an initialiser or a Constant's value), from whichever field holds
 * them: `raw_data` (little-endian, by data type) or the typed repeated fields.
 */
import { DataType } from './onnx-schema';
import type { TensorMessage } from './onnx-schema';

/** The element count of `dims` (1 for a scalar). */
export function elementCount(dims: readonly number[]): number {
  return dims.reduce((a, d) => a * d, 1);
}

/** The tensor's values as float32 (ints converted). Throws, naming the tensor, for negative dims, external data, an unsupported type or a wrong count. */
export function tensorValues(t: TensorMessage, who: string): Float32Array {
  const name = t.name ?? '(unnamed)';
  if (t.dataLocation === 1) throw new Error(`fromOnnx: ${who}: tensor '${name}' keeps its data in an external file, which is not supported`);
  const dims = t.dims ?? [];
  if (!dims.every((d) => Number.isSafeInteger(d) && d >= 0)) throw new Error(`fromOnnx: ${who}: tensor '${name}' has dims [${dims.join(', ')}]; every dim must be a whole number ≥ 0`);
  const count = elementCount(dims);
  const raw = t.rawData;
  let values: Float32Array;
  if (raw !== undefined && raw.length > 0) {
    const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
    const width = { [DataType.FLOAT]: 4, [DataType.INT32]: 4, [DataType.INT64]: 8, [DataType.DOUBLE]: 8, [DataType.BOOL]: 1, [DataType.UINT8]: 1, [DataType.INT8]: 1 }[t.dataType ?? 0];
    if (width === undefined) throw new Error(`fromOnnx: ${who}: tensor '${name}' has data type ${String(t.dataType)}, which is not supported`);
    if (raw.length !== count * width) throw new Error(`fromOnnx: ${who}: tensor '${name}' holds ${raw.length} bytes, expected ${count * width} for dims [${(t.dims ?? []).join(', ')}]`);
    values = Float32Array.from({ length: count }, (_, i) => {
      switch (t.dataType) {
        case DataType.FLOAT:
          return view.getFloat32(4 * i, true);
        case DataType.INT32:
          return view.getInt32(4 * i, true);
        case DataType.INT64:
          return Number(view.getBigInt64(8 * i, true));
        case DataType.DOUBLE:
          return view.getFloat64(8 * i, true);
        case DataType.INT8:
          return view.getInt8(i);
        default:
          return view.getUint8(i);
      }
    });
  } else {
    // decoding lists every repeated field (empty when unused), so the data type says which one holds the values
    const typed = t.dataType === DataType.INT64 ? t.int64Data : t.dataType === DataType.DOUBLE ? t.doubleData : t.dataType === DataType.FLOAT ? t.floatData : t.int32Data;
    values = Float32Array.from(typed ?? []);
  }
  if (values.length !== count) throw new Error(`fromOnnx: ${who}: tensor '${name}' holds ${values.length} values, expected ${count} for dims [${(t.dims ?? []).join(', ')}]`);
  return values;
}
