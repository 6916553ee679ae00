/**
 * Moving-MNIST-style clips labelled by motion, seeded: clip i of a seed is always the same clip.
 *
 * Shapes: B clips, T frames, S×S pixels (values in [0, 1]); a digit is 28×28, placed at integer positions.
 *
 *   linear   (up, down, left, right):   p_t = p_0 + t·v·d,  v ~ U[1, (S − 28)/(T − 1)] px/frame
 *   circular (clockwise, anticlockwise): p_t = c + r·(cos θ_t, sin θ_t),  θ_t = θ_0 ± t·ω,
 *            r ~ U[6, 14] px, ω ~ U[2π/20, 2π/10] per frame (y points down, so +ω turns clockwise on screen)
 * The target digit never leaves the frame. Harder levels add distractor digits at half brightness that
 * bounce around with random velocities (level 1: one; level 2: two, and pixel noise).
 */
import { checkInteger } from '../errors';
import { createRandom } from '../random';
import type { Random } from '../random';
import type { MnistDigits } from './idx';

/** The six motion labels of a clip, in label order. */
export const MOTION_CLASSES = ['up', 'down', 'left', 'right', 'clockwise', 'anticlockwise'] as const;
/** One of {@link MOTION_CLASSES}. */
export type MotionClass = (typeof MOTION_CLASSES)[number];

/** Options of the clip generator: the seed, the number of frames, the frame size and the difficulty level. */
export interface ClipOptions {
  readonly seed: number;
  /** T, default 16. */
  readonly frames?: number;
  /** S, default 64. */
  readonly size?: number;
  /** 0 (default): one digit; 1: plus one distractor; 2: plus two distractors and noise. */
  readonly level?: 0 | 1 | 2;
}

/** One clip: its frames, its motion label and the digit image that moves. */
export interface Clip {
  /** [T, S, S] row-major, in [0, 1]. */
  readonly frames: Float32Array;
  /** Index into {@link MOTION_CLASSES}. */
  readonly label: number;
  /** Which image of the digit set moves (and its class, 0–9). */
  readonly image: number;
  readonly digit: number;
}

/** A batch of clips: frames `[B, T, S, S]` row-major and their motion labels. */
export interface ClipBatch {
  /** [B, T, S, S] row-major. */
  readonly frames: Float32Array;
  readonly labels: Int32Array;
  readonly shape: readonly [number, number, number, number];
}

const DIGIT = 28;
/** Unit steps (dx, dy) of up, down, left, right; y points down. */
const LINEAR_DIRECTIONS: readonly (readonly [number, number])[] = [[0, -1], [0, 1], [-1, 0], [1, 0]];

function resolve(options: ClipOptions): { frames: number; size: number; level: 0 | 1 | 2 } {
  const frames = options.frames ?? 16;
  const size = options.size ?? 64;
  const level = options.level ?? 0;
  checkInteger('movingMnist: frames', frames, 2);
  checkInteger('movingMnist: size', size, DIGIT + 8);
  if (level !== 0 && level !== 1 && level !== 2) throw new Error(`movingMnist: level must be 0, 1 or 2, got ${String(level)}`);
  return { frames, size, level };
}

/** Draws digit `image` at (x, y) with brightness `gain`, keeping the brighter pixel (max compositing). */
function draw(out: Float32Array, offset: number, size: number, digits: MnistDigits, image: number, x: number, y: number, gain: number): void {
  const pixels = digits.rows * digits.cols;
  const x0 = Math.round(x);
  const y0 = Math.round(y);
  for (let r = 0; r < digits.rows; r++) {
    const row = y0 + r;
    if (row < 0 || row >= size) continue;
    for (let c = 0; c < digits.cols; c++) {
      const col = x0 + c;
      if (col < 0 || col >= size) continue;
      const v = (digits.images[image * pixels + r * digits.cols + c]! / 255) * gain;
      const at = offset + row * size + col;
      if (v > out[at]!) out[at] = v;
    }
  }
}

const uniform = (random: Random, lo: number, hi: number): number => lo + (hi - lo) * random.nextFloat();

/** Positions of the target digit for each frame. */
function targetPath(label: number, random: Random, frames: number, size: number): [number, number][] {
  const room = size - DIGIT;
  if (label < 4) {
    const v = uniform(random, 1, room / (frames - 1));
    const travel = v * (frames - 1);
    const [dx, dy] = LINEAR_DIRECTIONS[label]!;
    const along = uniform(random, 0, room - travel);
    const across = uniform(random, 0, room);
    // start so that the whole path stays inside [0, room]
    const x0 = dx === 0 ? across : dx > 0 ? along : room - along;
    const y0 = dy === 0 ? across : dy > 0 ? along : room - along;
    return Array.from({ length: frames }, (_, t) => [x0 + dx * v * t, y0 + dy * v * t]);
  }
  const radius = uniform(random, 6, 14);
  const slack = room / 2 - radius;
  const cx = room / 2 + uniform(random, -Math.min(4, slack), Math.min(4, slack));
  const cy = room / 2 + uniform(random, -Math.min(4, slack), Math.min(4, slack));
  const omega = uniform(random, (2 * Math.PI) / 20, (2 * Math.PI) / 10) * (label === 4 ? 1 : -1);
  const theta = uniform(random, 0, 2 * Math.PI);
  return Array.from({ length: frames }, (_, t) => [cx + radius * Math.cos(theta + omega * t), cy + radius * Math.sin(theta + omega * t)]);
}

/** Positions of a distractor bouncing off the walls. */
function bouncePath(random: Random, frames: number, size: number): [number, number][] {
  const room = size - DIGIT;
  let [x, y] = [uniform(random, 0, room), uniform(random, 0, room)];
  let [vx, vy] = [uniform(random, -2.5, 2.5), uniform(random, -2.5, 2.5)];
  const path: [number, number][] = [];
  for (let t = 0; t < frames; t++) {
    path.push([x, y]);
    x += vx;
    y += vy;
    if (x < 0 || x > room) {
      vx = -vx;
      x = Math.max(0, Math.min(room, x));
    }
    if (y < 0 || y > room) {
      vy = -vy;
      y = Math.max(0, Math.min(room, y));
    }
  }
  return path;
}

/**
 * Clip number `index` of the stream `options.seed` over `digits`: a random digit image moving with a
 * random motion class (uniform over {@link MOTION_CLASSES}).
 */
export function movingMnistClip(digits: MnistDigits, index: number, options: ClipOptions): Clip {
  const { frames, size, level } = resolve(options);
  checkInteger('movingMnistClip: index', index, 0);
  if (digits.count === 0) throw new Error('movingMnistClip: digits must not be empty');
  const random = createRandom((Math.imul(options.seed >>> 0, 0x9e3779b1) ^ Math.imul(index + 1, 0x85ebca6b)) >>> 0);
  const label = random.nextInt(MOTION_CLASSES.length);
  const image = random.nextInt(digits.count);
  const out = new Float32Array(frames * size * size);
  const path = targetPath(label, random, frames, size);
  const distractors = Array.from({ length: level }, () => ({ image: random.nextInt(digits.count), path: bouncePath(random, frames, size) }));
  for (let t = 0; t < frames; t++) {
    const offset = t * size * size;
    for (const d of distractors) draw(out, offset, size, digits, d.image, d.path[t]![0], d.path[t]![1], 0.5);
    draw(out, offset, size, digits, image, path[t]![0], path[t]![1], 1);
    if (level === 2) for (let i = offset; i < offset + size * size; i++) out[i] = Math.min(1, out[i]! + 0.1 * random.nextFloat());
  }
  return { frames: out, label, image, digit: digits.labels[image]! };
}

/** Clips `indices` of the stream, stacked: frames [B, T, S, S] and labels [B]. */
export function movingMnistBatch(digits: MnistDigits, indices: ArrayLike<number>, options: ClipOptions): ClipBatch {
  const { frames, size } = resolve(options);
  const clipSize = frames * size * size;
  const out = new Float32Array(indices.length * clipSize);
  const labels = new Int32Array(indices.length);
  for (let b = 0; b < indices.length; b++) {
    const clip = movingMnistClip(digits, indices[b]!, options);
    out.set(clip.frames, b * clipSize);
    labels[b] = clip.label;
  }
  return { frames: out, labels, shape: [indices.length, frames, size, size] };
}
