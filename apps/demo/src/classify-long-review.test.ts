/**
 * `classify` on long reviews (issue 18, item 1): the occlusion builds variants of the words the model
 * reads only — the last maxlen — so memory is bounded by maxlen, whatever the review's length. A
 * 50,000-word review used 13.8 GB and crashed before.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initBackend, memory } from '@rnnkit/tensor';
import { dense, embedding, saveModel, sequential, simpleRnn } from '@rnnkit/models';
import { parseClassifyOptions } from './classify-options';
import { OCCLUSION_BATCH, occlusionScores, runClassify } from './classify-run';

const MAXLEN = 200;
/** Peak resident memory a 50,000-word review may add to the process (the model and index are tiny). */
const PEAK_GROWTH_BOUND_MB = 150;

/** A scorer that depends on every id and its position, so any change of the window changes the score. */
function positionalScore(batch: Int32Array, rows: number): Float64Array {
  const out = new Float64Array(rows);
  for (let r = 0; r < rows; r++) for (let t = 0; t < MAXLEN; t++) out[r] = out[r]! + Math.sin(batch[r * MAXLEN + t]! * 0.37 + t * 0.11);
  return out;
}

/** The occlusion by definition: every word left out of the whole review, then pre-truncated to maxlen. */
function bruteForce(ids: Int32Array): Float64Array {
  const window = (v: Int32Array): Int32Array => {
    const out = new Int32Array(MAXLEN);
    const kept = v.subarray(Math.max(0, v.length - MAXLEN));
    out.set(kept, MAXLEN - kept.length);
    return out;
  };
  const variants = [ids, ...Array.from({ length: ids.length - 1 }, (_, k) => Int32Array.from([...ids.subarray(0, k + 1), ...ids.subarray(k + 2)]))];
  const batch = new Int32Array(variants.length * MAXLEN);
  variants.forEach((v, r) => batch.set(window(v), r * MAXLEN));
  return positionalScore(batch, variants.length);
}

describe('classify occlusion over the last maxlen words', () => {
  it('equals leaving out every word of the whole review (words before the window change nothing), for lengths around maxlen', () => {
    for (const words of [1, 5, MAXLEN - 2, MAXLEN - 1, MAXLEN, MAXLEN + 1, 2 * MAXLEN + 7]) {
      const ids = Int32Array.from({ length: words + 1 }, (_, i) => (i === 0 ? 1 : 3 + ((i * 7919) % 97)));
      const batches: number[] = [];
      const { readFrom, scores } = occlusionScores(ids, MAXLEN, (batch, rows) => {
        batches.push(rows);
        expect(batch.length).toBe(rows * MAXLEN);
        return positionalScore(batch, rows);
      });
      const full = bruteForce(ids);
      expect(readFrom).toBe(Math.max(0, words - MAXLEN));
      expect(scores.length).toBe(words - readFrom + 1);
      expect(Math.max(...batches)).toBeLessThanOrEqual(OCCLUSION_BATCH);
      expect(scores[0]).toBeCloseTo(full[0]!, 4);
      for (let k = 0; k < words; k++) {
        const mine = k < readFrom ? scores[0]! : scores[k - readFrom + 1]!;
        expect([words, k, mine]).toEqual([words, k, expect.closeTo(full[k + 1]!, 4)]);
      }
    }
  });

  it(`scores a 50,000-word review with at most maxlen + 1 = ${MAXLEN + 1} variants and < ${PEAK_GROWTH_BOUND_MB} MB of extra peak memory`, async () => {
    await initBackend({ backend: 'wasm' });
    const dir = mkdtempSync(join(tmpdir(), 'rnnkit-long-review-'));
    try {
      const model = sequential([embedding({ inputDim: 100, outputDim: 8 }), simpleRnn({ units: 8 }), dense({ units: 1, activation: 'sigmoid' })], { inputShape: [MAXLEN] });
      await saveModel(model, join(dir, 'model'));
      model.dispose();
      const vocabulary = ['good', 'bad', 'film', 'plot', 'the', 'was'];
      writeFileSync(join(dir, 'imdb_word_index.json'), JSON.stringify(Object.fromEntries(vocabulary.map((w, i) => [w, i + 1]))));
      const text = Array.from({ length: 50_000 }, (_, i) => vocabulary[(i * 31) % vocabulary.length]).join(' ');
      const tensorsBefore = memory().numTensors;
      const peakBefore = process.resourceUsage().maxRSS / 1024;
      const result = await runClassify(parseClassifyOptions([text, '--model', join(dir, 'model'), '--data-dir', dir])!);
      const peakGrowth = process.resourceUsage().maxRSS / 1024 - peakBefore;
      expect(result.words).toHaveLength(50_000);
      expect(result.readFrom).toBe(50_000 - MAXLEN);
      expect(result.effects).toHaveLength(MAXLEN);
      expect(result.effects[0]!.position).toBe(50_000 - MAXLEN);
      expect(Number.isFinite(result.score)).toBe(true);
      expect(memory().numTensors).toBe(tensorsBefore);
      expect(peakGrowth).toBeLessThan(PEAK_GROWTH_BOUND_MB);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
