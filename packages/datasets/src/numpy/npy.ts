/**
 * The `.npy` format: magic `\x93NUMPY`, version, a Python-literal header (descr, fortran_order,
 * shape), then the raw data — or, for object arrays, a pickle.
 */
import { decodeNumeric, type NdArray } from './ndarray';
import { readPickle, resolvePickled } from './pickle';

/** Reads one `.npy` file (format versions 1–3). Object arrays are unpickled with the restricted reader. */
export function readNpy(bytes: Uint8Array): NdArray {
  const magic = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY
  if (bytes.length < 10 || magic.some((b, i) => bytes[i] !== b)) throw new Error('not a .npy file (bad magic)');
  const major = bytes[6] as number;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let headerLength: number;
  let start: number;
  if (major === 1) {
    headerLength = view.getUint16(8, true);
    start = 10;
  } else if (major === 2 || major === 3) {
    headerLength = view.getUint32(8, true);
    start = 12;
  } else {
    throw new Error(`unsupported .npy format version ${major}`);
  }
  if (start + headerLength > bytes.length) throw new Error('truncated .npy header');
  const header = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(bytes.subarray(start, start + headerLength));
  const descr = /'descr':\s*'([^']+)'/.exec(header)?.[1];
  const fortran = /'fortran_order':\s*(True|False)/.exec(header)?.[1];
  const shapeText = /'shape':\s*\(([^)]*)\)/.exec(header)?.[1];
  if (descr === undefined || fortran === undefined || shapeText === undefined) {
    throw new Error(`malformed .npy header: ${header.trim()}`);
  }
  const dims = shapeText.split(',').map((s) => s.trim()).filter((s) => s !== '');
  if (dims.some((d) => !/^[0-9]{1,15}L?$/.test(d))) throw new Error(`malformed .npy header: shape (${shapeText}) is not a tuple of non-negative integers`);
  const shape = dims.map((d) => Number.parseInt(d, 10));
  const count = shape.reduce((a, b) => a * b, 1);
  const body = bytes.subarray(start + headerLength);
  if (descr === '|O') {
    const value = resolvePickled(readPickle(body));
    const array = value as Partial<NdArray>;
    if (typeof array !== 'object' || array === null || array.dtype !== '|O' || !Array.isArray(array.data)) {
      throw new Error('object .npy does not hold a pickled numpy object array');
    }
    if (array.data.length !== count) {
      throw new Error(`object .npy: header says ${count} elements, the pickle holds ${array.data.length}`);
    }
    return { dtype: '|O', shape, fortranOrder: fortran === 'True', data: array.data };
  }
  return { dtype: descr, shape, fortranOrder: fortran === 'True', data: decodeNumeric(descr, body, count) };
}
