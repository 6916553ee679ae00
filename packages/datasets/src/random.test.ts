import { createRandom, permutation, shuffleInPlace } from './random';

describe('createRandom (xoshiro128**)', () => {
  test('same seed, same stream; different seeds differ', () => {
    const a = createRandom(42);
    const b = createRandom(42);
    const c = createRandom(43);
    const xs = Array.from({ length: 5 }, () => a.nextUint32());
    expect(Array.from({ length: 5 }, () => b.nextUint32())).toEqual(xs);
    expect(Array.from({ length: 5 }, () => c.nextUint32())).not.toEqual(xs);
  });

  test('nextFloat in [0, 1), nextInt in range with a flat histogram', () => {
    const r = createRandom(1);
    const counts = new Array<number>(6).fill(0);
    let inRange = true;
    for (let i = 0; i < 60000; i++) {
      const f = r.nextFloat();
      inRange &&= f >= 0 && f < 1;
      const k = r.nextInt(6);
      counts[k] = (counts[k] as number) + 1;
    }
    expect(inRange).toBe(true);
    for (const c of counts) expect(Math.abs(c - 10000)).toBeLessThan(400);
  });

  test('permutation is a permutation and depends on the seed only', () => {
    const p = permutation(100, 7);
    expect(Array.from(p).sort((x, y) => x - y)).toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect(permutation(100, 7)).toEqual(p);
    expect(permutation(100, 8)).not.toEqual(p);
    const items = ['a', 'b', 'c'];
    shuffleInPlace(items, createRandom(3));
    expect(items.slice().sort()).toEqual(['a', 'b', 'c']);
  });
});
