/**
 * Captioned scenes of MNIST digits, seeded: scene i of a seed is always the same picture and the same
 * captions. A 64×64 canvas is four 32×32 cells (2 rows × 2 columns); one to three digits sit in distinct
 * cells, each large (28×28, the MNIST image as it is) or small (16×16, area-resampled), at a random
 * offset inside its cell. The captions (scene-captions.ts) name each digit's size and class and where
 * the digits are relative to each other.
 *
 * Shapes: S×S canvas (S = 64), C = S/2 cell side, s digit side (28 or 16); pixels in [0, 1].
 *
 * Training scenes draw their digit images from MNIST test images [0, heldOutFrom), held-out scenes only
 * from [heldOutFrom, N): a held-out scene shows handwriting no training scene ever showed.
 */
import { checkInteger, checkOneOf } from '../errors';
import { createRandom } from '../random';
import type { MnistDigits } from '../moving-mnist/idx';
import { sceneCaptions } from './scene-captions';

/** Canvas side S. */
export const SCENE_SIZE = 64;
/** The side of a digit of each size class, in pixels. */
export const DIGIT_SIDES = { large: 28, small: 16 } as const;
/** A digit's size class. */
export type DigitSize = keyof typeof DIGIT_SIDES;
/** Which scenes: those for training or those held out (disjoint digit images). */
export const SCENE_SPLITS = ['train', 'held-out'] as const;
/** `'train'` or `'held-out'`. */
export type SceneSplit = (typeof SCENE_SPLITS)[number];

/** One digit of a scene: its class, the MNIST image drawn, its size and where it is. */
export interface SceneDigit {
  /** 0–9. */
  readonly digit: number;
  /** Index of the image in the full digit set given to the generator. */
  readonly image: number;
  readonly size: DigitSize;
  /** The cell: row 0 is the top, column 0 the left. */
  readonly row: 0 | 1;
  readonly col: 0 | 1;
  /** Top-left corner of the digit on the canvas, in pixels. */
  readonly x: number;
  readonly y: number;
}

/** A scene: its pixels, its digits, every caption that describes it, and the one drawn for training. */
export interface Scene {
  /** [S, S] row-major, in [0, 1]. */
  readonly pixels: Float32Array;
  readonly digits: readonly SceneDigit[];
  /** Every phrasing of the scene (distinct strings of space-separated words). */
  readonly captions: readonly string[];
  /** One of `captions`, drawn by the scene's own random stream. */
  readonly caption: string;
}

/** Options of the generator: the stream's seed, the split, and where held-out images begin. */
export interface SceneOptions {
  readonly seed: number;
  readonly split: SceneSplit;
  /** Images [0, heldOutFrom) make training scenes, [heldOutFrom, N) held-out ones. Default: 80 % of N, rounded down. */
  readonly heldOutFrom?: number;
  /** At most this many digits per scene, 1–3 (default 3); the count is uniform in [1, maxDigits]. */
  readonly maxDigits?: number;
}

const CELLS: readonly (readonly [0 | 1, 0 | 1])[] = [[0, 0], [0, 1], [1, 0], [1, 1]];

/** The images a split draws from: [first, end). */
export function sceneImageRange(digits: MnistDigits, options: Pick<SceneOptions, 'split' | 'heldOutFrom'>): { readonly first: number; readonly end: number } {
  checkOneOf('captionedScene: split', options.split, SCENE_SPLITS);
  const heldOutFrom = options.heldOutFrom ?? Math.floor(0.8 * digits.count);
  checkInteger('captionedScene: heldOutFrom', heldOutFrom, 1, digits.count - 1);
  return options.split === 'train' ? { first: 0, end: heldOutFrom } : { first: heldOutFrom, end: digits.count };
}

/**
 * Resamples a square image of side n to side m by area averaging: each output pixel is the mean of the
 * input it covers, fractional pixels weighted by their covered share (separable, rows then columns).
 */
export function resizeArea(source: ArrayLike<number>, n: number, m: number): Float32Array {
  if (source.length !== n * n) throw new Error(`resizeArea: expected ${n}×${n} = ${n * n} values, got ${source.length}`);
  // weights[o] lists (input index, share of output pixel o) along one axis
  const weights: [number, number][][] = Array.from({ length: m }, (_, o) => {
    const lo = (o * n) / m;
    const hi = ((o + 1) * n) / m;
    const out: [number, number][] = [];
    for (let i = Math.floor(lo); i < Math.min(n, Math.ceil(hi)); i++) out.push([i, (Math.min(hi, i + 1) - Math.max(lo, i)) / (hi - lo)]);
    return out;
  });
  const rows = new Float32Array(m * n);
  for (let o = 0; o < m; o++) for (const [i, w] of weights[o]!) for (let c = 0; c < n; c++) rows[o * n + c]! += w * source[i * n + c]!;
  const out = new Float32Array(m * m);
  for (let r = 0; r < m; r++) for (let o = 0; o < m; o++) for (const [i, w] of weights[o]!) out[r * m + o]! += w * rows[r * n + i]!;
  return out;
}

function digitPixels(digits: MnistDigits, image: number, side: number): Float32Array {
  const n = digits.rows;
  const raw = new Float32Array(n * n);
  // a plain loop: Float32Array.from with a map function was half of a training batch's scene time (profiled)
  for (let i = 0, at = image * n * n; i < n * n; i++) raw[i] = digits.images[at + i]! / 255;
  return side === n ? raw : resizeArea(raw, n, side);
}

/**
 * Scene number `index` of the stream `options.seed` over `digits` (28×28 images): one to three digits
 * in distinct cells, each with a uniformly drawn size, image of the split and offset in its cell.
 *
 * @example const scene = captionedScene(mnist, 0, { seed: 1, split: 'train' }); // scene.caption: "a large seven to the left of a small two"
 */
export function captionedScene(digits: MnistDigits, index: number, options: SceneOptions): Scene {
  checkInteger('captionedScene: index', index, 0);
  checkInteger('captionedScene: seed', options.seed, 0, 0xffffffff);
  const maxDigits = options.maxDigits ?? 3;
  checkInteger('captionedScene: maxDigits', maxDigits, 1, 3);
  if (digits.rows !== 28 || digits.cols !== 28) throw new Error(`captionedScene: digits must be 28×28, got ${digits.rows}×${digits.cols}`);
  const range = sceneImageRange(digits, options);
  const splitSalt = options.split === 'train' ? 0x2545f491 : 0x9e3779b9;
  const random = createRandom((Math.imul(options.seed >>> 0, 0x85ebca6b) ^ Math.imul(index + 1, 0xc2b2ae35) ^ splitSalt) >>> 0);
  const count = 1 + random.nextInt(maxDigits);
  const cells = [...CELLS];
  const placed: SceneDigit[] = [];
  const cellSide = SCENE_SIZE / 2;
  for (let k = 0; k < count; k++) {
    const [row, col] = cells.splice(random.nextInt(cells.length), 1)[0]!;
    const size: DigitSize = random.nextInt(2) === 0 ? 'large' : 'small';
    const side = DIGIT_SIDES[size];
    const image = range.first + random.nextInt(range.end - range.first);
    const x = col * cellSide + random.nextInt(cellSide - side + 1);
    const y = row * cellSide + random.nextInt(cellSide - side + 1);
    placed.push({ digit: digits.labels[image]!, image, size, row, col, x, y });
  }
  const pixels = new Float32Array(SCENE_SIZE * SCENE_SIZE);
  for (const d of placed) {
    const side = DIGIT_SIDES[d.size];
    const ink = digitPixels(digits, d.image, side);
    for (let r = 0; r < side; r++) for (let c = 0; c < side; c++) pixels[(d.y + r) * SCENE_SIZE + d.x + c] = ink[r * side + c]!;
  }
  const captions = sceneCaptions(placed);
  return { pixels, digits: placed, captions, caption: captions[random.nextInt(captions.length)]! };
}

/** Scenes `indices` of the stream, their pixels stacked [B, S, S]. */
export function captionedSceneBatch(digits: MnistDigits, indices: ArrayLike<number>, options: SceneOptions): { readonly images: Float32Array; readonly scenes: readonly Scene[] } {
  const images = new Float32Array(indices.length * SCENE_SIZE * SCENE_SIZE);
  const scenes: Scene[] = [];
  for (let b = 0; b < indices.length; b++) {
    const scene = captionedScene(digits, indices[b]!, options);
    images.set(scene.pixels, b * SCENE_SIZE * SCENE_SIZE);
    scenes.push(scene);
  }
  return { images, scenes };
}
