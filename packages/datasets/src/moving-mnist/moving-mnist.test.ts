import { describeWithSharedData } from '../test-fixtures';
import { MOTION_CLASSES, movingMnistBatch, movingMnistClip } from './clips';
import { mnistFromIdx, parseIdx, sliceDigits } from './idx';
import type { MnistDigits } from './idx';
import { loadMnistTest } from './mnist-load';

function idx(shape: number[], data: Uint8Array): Uint8Array {
  const out = new Uint8Array(4 + 4 * shape.length + data.length);
  const view = new DataView(out.buffer);
  out[2] = 0x08;
  out[3] = shape.length;
  shape.forEach((d, i) => view.setUint32(4 + 4 * i, d, false));
  out.set(data, 4 + 4 * shape.length);
  return out;
}

/** Three 28×28 "digits": filled squares of different sizes. */
function squares(): MnistDigits {
  const images = new Uint8Array(3 * 784);
  [6, 10, 14].forEach((side, n) => {
    for (let r = 0; r < side; r++) for (let c = 0; c < side; c++) images[n * 784 + (14 - side / 2 + r) * 28 + 14 - side / 2 + c] = 255;
  });
  return mnistFromIdx(idx([3, 28, 28], images), idx([3], Uint8Array.from([4, 7, 1])));
}

function centroids(frames: Float32Array, T: number, S: number): [number, number][] {
  return Array.from({ length: T }, (_, t) => {
    let [m, x, y] = [0, 0, 0];
    for (let r = 0; r < S; r++) {
      for (let c = 0; c < S; c++) {
        const v = frames[t * S * S + r * S + c]!;
        m += v;
        x += v * c;
        y += v * r;
      }
    }
    return [x / m, y / m];
  });
}

describe('idx files', () => {
  test('parse shape and bytes; errors name the problem', () => {
    const parsed = parseIdx(idx([2, 3], Uint8Array.from([1, 2, 3, 4, 5, 6])));
    expect(parsed.shape).toEqual([2, 3]);
    expect(Array.from(parsed.data)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(() => parseIdx(idx([2, 3], Uint8Array.from([1, 2])), 'x.idx')).toThrow(/x\.idx: shape \[2, 3\] needs 6 data bytes, the file has 2/);
    expect(() => parseIdx(Uint8Array.from([1, 0, 8, 1]), 'y.idx')).toThrow(/y\.idx: not an idx file/);
    const floats = idx([1], Uint8Array.from([0]));
    floats[2] = 0x0d;
    expect(() => parseIdx(floats, 'z.idx')).toThrow(/only unsigned-byte idx data \(type 0x08\) is supported, got type 0xd/);
    expect(() => mnistFromIdx(idx([3, 28, 28], new Uint8Array(3 * 784)), idx([2], new Uint8Array(2)))).toThrow(/3 images but labels of shape \[2\]/);
  });

  test('slices hold out digits', () => {
    const held = sliceDigits(squares(), 2, 3);
    expect(held.count).toBe(1);
    expect(Array.from(held.labels)).toEqual([1]);
    expect(() => sliceDigits(squares(), 2, 2)).toThrow(/0 ≤ start < end ≤ 3/);
  });
});

describe('moving clips', () => {
  const digits = squares();
  const T = 16;
  const S = 64;

  test('seeded: the same (seed, index) gives the same clip, another index another', () => {
    const a = movingMnistClip(digits, 5, { seed: 1 });
    expect(movingMnistClip(digits, 5, { seed: 1 }).frames).toEqual(a.frames);
    expect(movingMnistClip(digits, 6, { seed: 1 }).frames).not.toEqual(a.frames);
    expect(movingMnistClip(digits, 5, { seed: 2 }).frames).not.toEqual(a.frames);
    expect(a.frames).toHaveLength(T * S * S);
    expect(a.digit).toBe([4, 7, 1][a.image]);
  });

  test('every class occurs; the digit stays whole in the frame and moves as its label says', () => {
    const seen = new Set<number>();
    for (let i = 0; i < 120; i++) {
      const clip = movingMnistClip(digits, i, { seed: 3 });
      seen.add(clip.label);
      const ink = Array.from({ length: T }, (_, t) => clip.frames.subarray(t * S * S, (t + 1) * S * S).reduce((s, v) => s + v, 0));
      expect(Math.max(...ink) - Math.min(...ink)).toBeLessThan(1e-3); // never clipped by the border
      const path = centroids(clip.frames, T, S);
      const dx = path[T - 1]![0] - path[0]![0];
      const dy = path[T - 1]![1] - path[0]![1];
      const name = MOTION_CLASSES[clip.label]!;
      if (name === 'up') expect(dy).toBeLessThan(-10);
      if (name === 'down') expect(dy).toBeGreaterThan(10);
      if (name === 'left') expect(dx).toBeLessThan(-10);
      if (name === 'right') expect(dx).toBeGreaterThan(10);
      if (name === 'up' || name === 'down') expect(Math.abs(dx)).toBeLessThan(1);
      if (name === 'clockwise' || name === 'anticlockwise') {
        const [mx, my] = [path.reduce((s, p) => s + p[0], 0) / T, path.reduce((s, p) => s + p[1], 0) / T];
        let turn = 0;
        for (let t = 0; t + 1 < T; t++) turn += (path[t]![0] - mx) * (path[t + 1]![1] - my) - (path[t]![1] - my) * (path[t + 1]![0] - mx);
        // y points down: a positive cross product turns clockwise on screen
        expect(Math.sign(turn)).toBe(name === 'clockwise' ? 1 : -1);
      }
    }
    expect(seen.size).toBe(MOTION_CLASSES.length);
  });

  test('harder levels add dimmer distractors (and noise); values stay in [0, 1]; batches stack clips', () => {
    const batch0 = movingMnistBatch(digits, [0, 1, 2, 3], { seed: 9, level: 0 });
    const batch2 = movingMnistBatch(digits, [0, 1, 2, 3], { seed: 9, level: 2 });
    expect(batch0.shape).toEqual([4, T, S, S]);
    expect(Array.from(batch0.labels)).toEqual([0, 1, 2, 3].map((i) => movingMnistClip(digits, i, { seed: 9 }).label));
    expect(batch0.frames.subarray(T * S * S, 2 * T * S * S)).toEqual(movingMnistClip(digits, 1, { seed: 9 }).frames);
    const sum = (x: Float32Array): number => x.reduce((s, v) => s + v, 0);
    expect(sum(batch2.frames)).toBeGreaterThan(sum(batch0.frames));
    expect(batch2.frames.every((v) => v >= 0 && v <= 1)).toBe(true);
    const level1 = movingMnistClip(digits, 0, { seed: 9, level: 1 }).frames;
    expect(level1.some((v) => v > 0.49 && v < 0.51)).toBe(true); // a distractor at half brightness
    expect(() => movingMnistClip(digits, 0, { seed: 1, level: 3 as 2 })).toThrow(/level must be 0, 1 or 2, got 3/);
    expect(() => movingMnistClip(digits, 0, { seed: 1, size: 30 })).toThrow(/size must be an integer >= 36, got 30/);
  });
});

describeWithSharedData('mnist', 'MNIST test set on the shared files', (dir) => {
  test('10,000 digits 28×28, the known first labels and the pixel sum of image 0', () => {
    const digits = loadMnistTest({ dataDir: dir });
    expect([digits.count, digits.rows, digits.cols]).toEqual([10000, 28, 28]);
    expect(Array.from(digits.labels.subarray(0, 10))).toEqual([7, 2, 1, 0, 4, 1, 4, 9, 5, 9]);
    expect(digits.images.subarray(0, 784).reduce((s, v) => s + v, 0)).toBe(18454);
    const counts = new Array<number>(10).fill(0);
    digits.labels.forEach((l) => counts[l]!++);
    expect(counts).toEqual([980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]);
  });
});
