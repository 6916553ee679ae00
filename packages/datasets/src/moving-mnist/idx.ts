/**
 * The idx format of the MNIST files (big-endian): magic 0x0000 0x08 rank, one u32 size per
 * axis, then the unsigned bytes in row-major order. Images are rank 3 [N, 28, 28], labels rank 1 [N].
 */
import { gunzipChecked } from '../gzip';

/** An unsigned-byte array read from an idx file (the MNIST format): its shape and data. */
export interface IdxArray {
  readonly shape: readonly number[];
  readonly data: Uint8Array;
}

/** Parses an unsigned-byte idx file (gzipped or not; a gzip's CRC-32 and length are checked); `label` names it in errors. */
export function parseIdx(bytes: Uint8Array, label = 'idx file'): IdxArray {
  const raw = bytes[0] === 0x1f && bytes[1] === 0x8b ? gunzipChecked(bytes, label) : bytes;
  if (raw.length < 4 || raw[0] !== 0 || raw[1] !== 0) throw new Error(`${label}: not an idx file (the first two bytes must be 0)`);
  if (raw[2] !== 0x08) throw new Error(`${label}: only unsigned-byte idx data (type 0x08) is supported, got type 0x${raw[2]!.toString(16)}`);
  const rank = raw[3]!;
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  if (raw.length < 4 + 4 * rank) throw new Error(`${label}: header of a rank-${rank} idx file is cut short`);
  const shape = Array.from({ length: rank }, (_, i) => view.getUint32(4 + 4 * i, false));
  const size = shape.reduce((a, b) => a * b, 1);
  const start = 4 + 4 * rank;
  if (raw.length !== start + size) {
    throw new Error(`${label}: shape [${shape.join(', ')}] needs ${size} data bytes, the file has ${raw.length - start}`);
  }
  return { shape, data: raw.subarray(start) };
}

/** MNIST digits: N images of 28×28 bytes (0 = background, 255 = ink) and their labels. */
export interface MnistDigits {
  readonly images: Uint8Array;
  readonly labels: Uint8Array;
  readonly count: number;
  readonly rows: number;
  readonly cols: number;
}

/** Images (idx3) and labels (idx1) as {@link MnistDigits}; checks that the counts agree. */
export function mnistFromIdx(images: Uint8Array, labels: Uint8Array, label = 'MNIST'): MnistDigits {
  const img = parseIdx(images, `${label} images`);
  const lab = parseIdx(labels, `${label} labels`);
  if (img.shape.length !== 3) throw new Error(`${label} images: expected rank 3 [N, rows, cols], got [${img.shape.join(', ')}]`);
  if (lab.shape.length !== 1 || lab.shape[0] !== img.shape[0]) {
    throw new Error(`${label}: ${img.shape[0]} images but labels of shape [${lab.shape.join(', ')}]`);
  }
  return { images: img.data, labels: lab.data, count: img.shape[0]!, rows: img.shape[1]!, cols: img.shape[2]! };
}

/** Digits `start … end − 1` of a set (e.g. to hold out the last images for testing). */
export function sliceDigits(digits: MnistDigits, start: number, end: number): MnistDigits {
  if (!(Number.isInteger(start) && Number.isInteger(end) && 0 <= start && start < end && end <= digits.count)) {
    throw new Error(`sliceDigits: need integers 0 ≤ start < end ≤ ${digits.count}, got ${start} and ${end}`);
  }
  const size = digits.rows * digits.cols;
  return { ...digits, images: digits.images.subarray(start * size, end * size), labels: digits.labels.subarray(start, end), count: end - start };
}
