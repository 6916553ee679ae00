/**
 * Decoding CTC outputs: per-step class scores → label sequences.
 *
 * Shapes: B batch, T steps, C classes (blank included), W beam width.
 *
 *   greedy:       π_t = argmax_k y_t(k), then collapse: merge repeats, drop blanks   (best path)
 *   prefix beam:  keeps the W most probable label prefixes ℓ, each with p_b(ℓ) (ending in blank) and
 *                 p_nb(ℓ) (ending in its last symbol); at step t, for every class k:
 *                   k = blank:       p_b'(ℓ)  += (p_b(ℓ) + p_nb(ℓ))·y_t(b)
 *                   k = last of ℓ:   p_nb'(ℓ) += p_nb(ℓ)·y_t(k);   p_nb'(ℓk) += p_b(ℓ)·y_t(k)
 *                   otherwise:       p_nb'(ℓk) += (p_b(ℓ) + p_nb(ℓ))·y_t(k)
 *                 and ranks prefixes by p_b + p_nb, the probability summed over all their alignments
 *                 (Hannun et al., 2014, without a language model). All in log space.
 */
import { logSoftmax, tidy } from '@rnnkit/tensor';
import type { Tensor } from '@rnnkit/tensor';

/** Options of CTC decoding: the blank id and each row's real length. */
export interface CtcDecodeOptions {
  /** The blank class id. Default 0. */
  readonly blank?: number;
  /** Real steps of each row (default T); later steps are ignored. */
  readonly inputLengths?: ArrayLike<number>;
}

/** Options of CTC prefix beam search: those of greedy decoding, the beam width and how many hypotheses to return. */
export interface CtcBeamOptions extends CtcDecodeOptions {
  /** Prefixes kept per step. Default 8. */
  readonly beamWidth?: number;
  /** Hypotheses returned per row, best first. Default 1. */
  readonly topPaths?: number;
}

/** One decoded label sequence and its log-probability. */
export interface CtcHypothesis {
  readonly labels: number[];
  /** ln p(labels | x), summed over the alignments the beam kept. */
  readonly logProb: number;
}

function logProbsOf(scores: Tensor, who: string, options: CtcDecodeOptions): { values: Float32Array; B: number; T: number; C: number; blank: number; lengths: number[] } {
  if (scores.rank !== 3) throw new Error(`${who}: logits must be [B, T, C], got shape [${scores.shape.join(', ')}]`);
  const [B, T, C] = scores.shape as [number, number, number];
  const blank = options.blank ?? 0;
  if (!(Number.isInteger(blank) && blank >= 0 && blank < C)) throw new Error(`${who}: blank must be a class id in [0, ${C}), got ${blank}`);
  const lengths = Array.from({ length: B }, (_, b) => {
    const n = options.inputLengths === undefined ? T : options.inputLengths[b];
    if (n === undefined || !(Number.isInteger(n) && n >= 0 && n <= T)) throw new Error(`${who}: inputLengths[${b}] must be an integer in [0, ${T}], got ${String(n)}`);
    return n;
  });
  if (options.inputLengths !== undefined && options.inputLengths.length !== B) {
    throw new Error(`${who}: inputLengths must hold B = ${B} lengths, got ${options.inputLengths.length}`);
  }
  const values = tidy(() => logSoftmax(scores).dataSync() as Float32Array);
  return { values, B, T, C, blank, lengths };
}

/** Merges repeats and drops blanks: (b, 1, 1, b, 1, 2, 2) → (1, 1, 2). */
export function ctcCollapse(path: ArrayLike<number>, blank = 0): number[] {
  const out: number[] = [];
  for (let t = 0; t < path.length; t++) {
    const k = path[t]!;
    if (k !== blank && (t === 0 || path[t - 1] !== k)) out.push(k);
  }
  return out;
}

/**
 * Best-path decoding: the argmax class of every step, collapsed. `logits` [B, T, C] are logits or
 * log-probabilities (the argmax is the same). Returns one label sequence per row.
 *
 * @example ctcGreedyDecode(model.apply(features, { training: false }), { blank: 0 })   // [[3, 1, 4], …]
 */
export function ctcGreedyDecode(logits: Tensor, options: CtcDecodeOptions = {}): number[][] {
  const { values, B, T, C, blank, lengths } = logProbsOf(logits, 'ctcGreedyDecode', options);
  return Array.from({ length: B }, (_, b) => {
    const path = new Int32Array(lengths[b]!);
    for (let t = 0; t < path.length; t++) {
      const row = (b * T + t) * C;
      let best = 0;
      for (let k = 1; k < C; k++) if (values[row + k]! > values[row + best]!) best = k;
      path[t] = best;
    }
    return ctcCollapse(path, blank);
  });
}

function logAdd(a: number, b: number): number {
  if (a === -Infinity) return b;
  if (b === -Infinity) return a;
  return a > b ? a + Math.log1p(Math.exp(b - a)) : b + Math.log1p(Math.exp(a - b));
}

interface Beam {
  readonly labels: number[];
  logBlank: number;
  logNonBlank: number;
}

/**
 * Prefix beam search over the collapsed label sequences (no language model). With a beam as wide as
 * the number of possible prefixes it returns the most probable labelling exactly. Returns up to
 * `topPaths` hypotheses per row, best first.
 */
export function ctcBeamDecode(logits: Tensor, options: CtcBeamOptions = {}): CtcHypothesis[][] {
  const beamWidth = options.beamWidth ?? 8;
  const topPaths = options.topPaths ?? 1;
  if (!(Number.isInteger(beamWidth) && beamWidth >= 1)) throw new Error(`ctcBeamDecode: beamWidth must be a positive integer, got ${String(beamWidth)}`);
  if (!(Number.isInteger(topPaths) && topPaths >= 1 && topPaths <= beamWidth)) {
    throw new Error(`ctcBeamDecode: topPaths must be an integer in [1, beamWidth = ${beamWidth}], got ${String(topPaths)}`);
  }
  const { values, B, T, C, blank, lengths } = logProbsOf(logits, 'ctcBeamDecode', options);
  const total = (beam: Beam): number => logAdd(beam.logBlank, beam.logNonBlank);
  return Array.from({ length: B }, (_, b) => {
    let beams: Beam[] = [{ labels: [], logBlank: 0, logNonBlank: -Infinity }];
    for (let t = 0; t < lengths[b]!; t++) {
      const row = (b * T + t) * C;
      const next = new Map<string, Beam>();
      const entry = (labels: number[]): Beam => {
        const key = labels.join(',');
        let beam = next.get(key);
        if (beam === undefined) {
          beam = { labels, logBlank: -Infinity, logNonBlank: -Infinity };
          next.set(key, beam);
        }
        return beam;
      };
      for (const beam of beams) {
        const last = beam.labels.at(-1);
        const all = total(beam);
        for (let k = 0; k < C; k++) {
          const p = values[row + k]!;
          if (k === blank) {
            const same = entry(beam.labels);
            same.logBlank = logAdd(same.logBlank, all + p);
          } else if (k === last) {
            const same = entry(beam.labels);
            same.logNonBlank = logAdd(same.logNonBlank, beam.logNonBlank + p);
            const extended = entry([...beam.labels, k]);
            extended.logNonBlank = logAdd(extended.logNonBlank, beam.logBlank + p);
          } else {
            const extended = entry([...beam.labels, k]);
            extended.logNonBlank = logAdd(extended.logNonBlank, all + p);
          }
        }
      }
      beams = [...next.values()].sort((x, y) => total(y) - total(x)).slice(0, beamWidth);
    }
    return beams.slice(0, topPaths).map((beam) => ({ labels: beam.labels, logProb: total(beam) }));
  });
}

/**
 * Edit distance between two sequences (insertions, deletions, substitutions all cost 1) — the
 * numerator of the character/word error rate, CER = Σ distance / Σ reference length.
 */
export function editDistance(hypothesis: ArrayLike<number>, reference: ArrayLike<number>): number {
  let previous = Array.from({ length: reference.length + 1 }, (_, j) => j);
  for (let i = 1; i <= hypothesis.length; i++) {
    const current = [i];
    for (let j = 1; j <= reference.length; j++) {
      const substitution = previous[j - 1]! + (hypothesis[i - 1] === reference[j - 1] ? 0 : 1);
      current.push(Math.min(previous[j]! + 1, current[j - 1]! + 1, substitution));
    }
    previous = current;
  }
  return previous[reference.length]!;
}
