import { describeWithSharedData } from '../test-fixtures';
import { mnistFromIdx } from '../moving-mnist/idx';
import type { MnistDigits } from '../moving-mnist/idx';
import { loadMnistTest } from '../moving-mnist/mnist-load';
import { captionDigits, DIGIT_NAMES, readingOrder, relation, relations, sceneCaptions } from './scene-captions';
import { captionedScene, captionedSceneBatch, resizeArea, SCENE_SIZE } from './scenes';

function idx(shape: number[], data: Uint8Array): Uint8Array {
  const out = new Uint8Array(4 + 4 * shape.length + data.length);
  const view = new DataView(out.buffer);
  out[2] = 0x08;
  out[3] = shape.length;
  shape.forEach((d, i) => view.setUint32(4 + 4 * i, d, false));
  out.set(data, 4 + 4 * shape.length);
  return out;
}

/** N flat 28×28 "digits": image i is a full square of brightness 20·(label + 1), label i mod 10. */
function flatDigits(n: number): MnistDigits {
  const images = new Uint8Array(n * 784);
  const labels = Uint8Array.from({ length: n }, (_, i) => i % 10);
  for (let i = 0; i < n; i++) images.fill(20 * (labels[i]! + 1), i * 784, (i + 1) * 784);
  return mnistFromIdx(idx([n, 28, 28], images), idx([n], labels));
}

interface Block {
  readonly x: number;
  readonly y: number;
  readonly side: number;
  readonly label: number;
}

/** The ink squares of a canvas of flat digits, read from the pixels alone (top-left corners, side, label from brightness). */
function blocks(pixels: Float32Array): Block[] {
  const seen = new Uint8Array(pixels.length);
  const out: Block[] = [];
  for (let y = 0; y < SCENE_SIZE; y++) {
    for (let x = 0; x < SCENE_SIZE; x++) {
      if (pixels[y * SCENE_SIZE + x]! === 0 || seen[y * SCENE_SIZE + x]) continue;
      let side = 0;
      while (x + side < SCENE_SIZE && pixels[y * SCENE_SIZE + x + side]! > 0) side++;
      for (let r = 0; r < side; r++) for (let c = 0; c < side; c++) seen[(y + r) * SCENE_SIZE + x + c] = 1;
      out.push({ x, y, side, label: Math.round((pixels[y * SCENE_SIZE + x]! * 255) / 20) - 1 });
    }
  }
  return out;
}

/** Whether `rel` (either phrasing) holds between blocks a and b on the canvas. */
function holds(rel: string, a: Block, b: Block): boolean {
  const left = a.x + a.side <= 32 && b.x >= 32;
  const right = b.x + b.side <= 32 && a.x >= 32;
  const above = a.y + a.side <= 32 && b.y >= 32;
  const below = b.y + b.side <= 32 && a.y >= 32;
  const sameRow = (a.y < 32) === (b.y < 32);
  const sameCol = (a.x < 32) === (b.x < 32);
  const table: Record<string, boolean> = {
    'to the left of': left && sameRow,
    'to the right of': right && sameRow,
    above: above && sameCol,
    below: below && sameCol,
    'to the upper left of': above && left,
    'to the upper right of': above && right,
    'to the lower left of': below && left,
    'to the lower right of': below && right,
  };
  const synonyms: Record<string, string> = {
    'left of': 'to the left of',
    'right of': 'to the right of',
    over: 'above',
    under: 'below',
    'above and to the left of': 'to the upper left of',
    'above and to the right of': 'to the upper right of',
    'below and to the left of': 'to the lower left of',
    'below and to the right of': 'to the lower right of',
  };
  return table[synonyms[rel] ?? rel] === true;
}

/**
 * Whether a caption describes the blocks: its noun phrases name each block once (some assignment, as
 * two blocks can share size and class), and each relation holds between consecutive ones on the canvas.
 */
function describes(caption: string, found: readonly Block[]): boolean {
  const words = caption.split(' ');
  const phrases: { label: number; side: number }[] = [];
  const relations: string[] = [];
  let at = 0;
  while (at < words.length) {
    const start = at;
    while (at < words.length && words[at] !== 'a') at++;
    if (at > start) relations.push(words.slice(start, at).join(' '));
    const single = words[at + 1] === 'single' ? 1 : 0;
    if (single === 1 && at !== 0) return false;
    const size = words[at + 1 + single]!;
    const side = ({ large: 28, big: 28, small: 16, little: 16 } as Record<string, number>)[size];
    if (side === undefined) return false;
    phrases.push({ side, label: (DIGIT_NAMES as readonly string[]).indexOf(words[at + 2 + single]!) });
    at += 3 + single;
  }
  if (phrases.length !== found.length || relations.length !== phrases.length - 1) return false;
  const assign = (k: number, used: readonly Block[]): boolean => {
    if (k === phrases.length) return true;
    return found.some(
      (b) => !used.includes(b) && b.label === phrases[k]!.label && b.side === phrases[k]!.side && (k === 0 || holds(relations[k - 1]!, used[k - 1]!, b)) && assign(k + 1, [...used, b]),
    );
  };
  return assign(0, []);
}

describe('captioned scenes', () => {
  const digits = flatDigits(50);

  it('are a function of seed, split and index', () => {
    const a = captionedScene(digits, 7, { seed: 3, split: 'train' });
    const b = captionedScene(digits, 7, { seed: 3, split: 'train' });
    expect(b.pixels).toEqual(a.pixels);
    expect(b.digits).toEqual(a.digits);
    expect(b.captions).toEqual(a.captions);
    expect(b.caption).toBe(a.caption);
    const others = [captionedScene(digits, 8, { seed: 3, split: 'train' }), captionedScene(digits, 7, { seed: 4, split: 'train' }), captionedScene(digits, 7, { seed: 3, split: 'held-out' })];
    for (const o of others) expect(o.pixels).not.toEqual(a.pixels);
    const batch = captionedSceneBatch(digits, [7, 8], { seed: 3, split: 'train' });
    expect(batch.images.subarray(0, SCENE_SIZE * SCENE_SIZE)).toEqual(a.pixels);
    expect(batch.scenes[0]!.caption).toBe(a.caption);
  });

  it('every caption of every scene agrees with what the pixels show', () => {
    const counts = [0, 0, 0, 0];
    const phrasings = new Set<string>();
    for (let i = 0; i < 300; i++) {
      const scene = captionedScene(digits, i, { seed: 11, split: 'train' });
      const found = blocks(scene.pixels);
      expect(found).toHaveLength(scene.digits.length);
      counts[found.length]!++;
      expect(scene.captions).toContain(scene.caption);
      for (const caption of scene.captions) expect([caption, describes(caption, found)]).toEqual([caption, true]);
      // the digits are named in reading order of their cells
      const named = captionDigits(scene.caption.split(' '));
      const cells = [...found].sort((a, b) => Math.floor(a.y / 32) - Math.floor(b.y / 32) || Math.floor(a.x / 32) - Math.floor(b.x / 32));
      expect(named).toEqual(cells.map((b) => b.label));
      phrasings.add(scene.caption.split(' ').slice(0, 2).join(' '));
    }
    // one to three digits, each count about a third of the scenes
    for (const n of [1, 2, 3]) expect(counts[n]!).toBeGreaterThan(70);
    expect(phrasings.has('a single')).toBe(true);
    // negative control: the checker rejects a wrong class, a wrong size and a wrong relation
    const scene = Array.from({ length: 50 }, (_, i) => captionedScene(digits, i, { seed: 11, split: 'train' })).find((s) => s.digits.length === 2 && s.digits[0]!.digit !== s.digits[1]!.digit)!;
    const found = blocks(scene.pixels);
    const words = scene.captions[0]!.split(' ');
    const other: Record<string, string> = { large: 'small', small: 'large', big: 'little', little: 'big' };
    const swapped = words.map((w) => other[w] ?? w).join(' ');
    expect(describes(swapped, found)).toBe(false);
    expect(describes(words.map((w, k) => (k === 2 ? DIGIT_NAMES[(DIGIT_NAMES.indexOf(w as 'zero') + 1) % 10] : w)).join(' '), found)).toBe(false);
    expect(describes(scene.captions[0]!.replace(/left|right/, (m) => (m === 'left' ? 'right' : 'left')).replace(/above|below|over|under/, (m) => ({ above: 'below', below: 'above', over: 'under', under: 'over' })[m]!).replace(/upper|lower/, (m) => (m === 'upper' ? 'lower' : 'upper')), found)).toBe(false);
  });

  it('names the digits in reading order; phrasings differ in words (1 digit: 4, 2: 8, 3: 32)', () => {
    const seven = { digit: 7, size: 'large', row: 0, col: 0 } as const;
    const two = { digit: 2, size: 'small', row: 0, col: 1 } as const;
    const three = { digit: 3, size: 'small', row: 1, col: 1 } as const;
    expect(sceneCaptions([seven])).toEqual(['a large seven', 'a big seven', 'a single large seven', 'a single big seven']);
    const pair = sceneCaptions([two, seven]);
    expect(pair).toHaveLength(8);
    expect(pair[0]).toBe('a large seven to the left of a small two');
    expect(pair).toContain('a big seven left of a little two');
    const triple = sceneCaptions([three, two, seven]);
    expect(triple).toHaveLength(32);
    expect(new Set(triple).size).toBe(32);
    expect(triple[0]).toBe('a large seven to the left of a small two above a small three');
    expect(triple).toContain('a big seven left of a small two over a little three');
    // the first and the third digit, diagonal
    expect(sceneCaptions([seven, three])).toContain('a large seven above and to the left of a small three');
    expect(() => sceneCaptions([])).toThrow('one to three digits');
  });

  it('relations by cell, hand-checked', () => {
    const cell = (row: 0 | 1, col: 0 | 1) => ({ row, col });
    expect(relation(cell(0, 0), cell(0, 1))).toBe('to the left of');
    expect(relation(cell(1, 1), cell(1, 0))).toBe('to the right of');
    expect(relation(cell(0, 1), cell(1, 1))).toBe('above');
    expect(relation(cell(1, 0), cell(0, 0))).toBe('below');
    expect(relation(cell(0, 0), cell(1, 1))).toBe('to the upper left of');
    expect(relation(cell(1, 0), cell(0, 1))).toBe('to the lower left of');
    expect(relation(cell(0, 1), cell(1, 0))).toBe('to the upper right of');
    expect(relation(cell(1, 1), cell(0, 0))).toBe('to the lower right of');
    expect(() => relation(cell(0, 0), cell(0, 0))).toThrow('same cell');
    expect(relations(cell(1, 1), cell(0, 0))).toEqual(['to the lower right of', 'below and to the right of']);
    expect(relations(cell(0, 1), cell(1, 1))).toEqual(['above', 'over']);
    expect(captionDigits('a large seven to the left of a small two'.split(' '))).toEqual([7, 2]);
    expect(readingOrder([cell(1, 0), cell(0, 1), cell(0, 0)])).toEqual([cell(0, 0), cell(0, 1), cell(1, 0)]);
  });

  it('training and held-out scenes draw from disjoint image ranges', () => {
    const train = new Set<number>();
    const heldOut = new Set<number>();
    for (let i = 0; i < 400; i++) {
      for (const d of captionedScene(digits, i, { seed: 5, split: 'train', heldOutFrom: 40 }).digits) train.add(d.image);
      for (const d of captionedScene(digits, i, { seed: 5, split: 'held-out', heldOutFrom: 40 }).digits) heldOut.add(d.image);
    }
    expect(Math.max(...train)).toBeLessThan(40);
    expect(Math.min(...heldOut)).toBeGreaterThanOrEqual(40);
    // every image of each range gets used
    expect(train.size).toBe(40);
    expect(heldOut.size).toBe(10);
    // default: the last 20 %
    const d = captionedScene(digits, 0, { seed: 5, split: 'held-out' }).digits;
    for (const x of d) expect(x.image).toBeGreaterThanOrEqual(40);
  });

  it('rejects bad arguments naming them', () => {
    expect(() => captionedScene(digits, -1, { seed: 1, split: 'train' })).toThrow('index');
    expect(() => captionedScene(digits, 0, { seed: 1, split: 'test' as 'train' })).toThrow("split must be one of 'train', 'held-out'");
    expect(() => captionedScene(digits, 0, { seed: 1, split: 'train', heldOutFrom: 50 })).toThrow('heldOutFrom must be an integer in [1, 49]');
    expect(() => captionedScene(digits, 0, { seed: 1, split: 'train', maxDigits: 4 })).toThrow('maxDigits');
  });
});

describe('resizeArea', () => {
  it('averages 2×2 blocks when halving', () => {
    const src = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16];
    expect(Array.from(resizeArea(src, 4, 2))).toEqual([3.5, 5.5, 11.5, 13.5]);
  });

  it('weights partly covered pixels by their share (3 → 2, hand-worked)', () => {
    // output pixel 0 covers input [0, 1.5): 2/3 of pixel 0 and 1/3 of pixel 1, on each axis
    const src = [9, 0, 0, 0, 0, 0, 0, 0, 0];
    const out = resizeArea(src, 3, 2);
    expect(out[0]).toBeCloseTo(9 * (2 / 3) * (2 / 3), 6);
    expect(out[1]).toBe(0);
    // a constant stays constant, and ink scales with the area
    expect(Array.from(resizeArea(new Array(784).fill(0.5), 28, 16)).every((v) => Math.abs(v - 0.5) < 1e-6)).toBe(true);
    const ink = Array.from({ length: 784 }, (_, i) => (i * 37) % 11);
    const sum = (a: ArrayLike<number>) => Array.from(a).reduce((s, v) => s + v, 0);
    expect(sum(resizeArea(ink, 28, 16))).toBeCloseTo((sum(ink) * 256) / 784, 2);
  });
});

describeWithSharedData('mnist', 'captioned scenes of the shared MNIST', (dir) => {
  it('draw the real digits: classes are the labels, a large digit is the MNIST image as it is', () => {
    const all = loadMnistTest({ dataDir: dir });
    const scene = Array.from({ length: 50 }, (_, i) => captionedScene(all, i, { seed: 1, split: 'held-out', heldOutFrom: 8000 })).find((s) => s.digits.some((d) => d.size === 'large'))!;
    const d = scene.digits.find((x) => x.size === 'large')!;
    expect(d.image).toBeGreaterThanOrEqual(8000);
    expect(d.digit).toBe(all.labels[d.image]);
    for (let r = 0; r < 28; r++) for (let c = 0; c < 28; c++) expect(scene.pixels[(d.y + r) * SCENE_SIZE + d.x + c]).toBeCloseTo(all.images[d.image * 784 + r * 28 + c]! / 255, 6);
    expect(captionDigits(scene.caption.split(' ')).sort()).toEqual(scene.digits.map((x) => x.digit).sort());
  });
});
