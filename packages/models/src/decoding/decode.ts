/**
 * Decoding loops over a {@link Stepper}: greedy, sampling (temperature, top-k, seeded) and beam
 * search (width, length normalisation). Each runs one step per generated token and feeds the state
 * back, never re-running the prefix.
 *
 * Shapes: B batch, K beam width, N = B·K rows, V vocabulary, S source length.
 */
import { createRng, dispose, logSoftmax, tensor1d, tidy } from '@rnnkit/tensor';
import { disposeState, gatherState, stateRows } from './stepper';
import type { StepState, Stepper } from './stepper';

/** Options every decoder takes: the start token, an optional end token and the maximum length. */
export interface DecodeOptions {
  /** The first input token (e.g. `<start>`), for every row or one per row. */
  readonly startToken: number | readonly number[];
  /** Generation of a row stops after this token; it is not included in the output. */
  readonly endToken?: number;
  /** At most this many tokens per row. */
  readonly maxLength: number;
}

/** What a decoder returns: the tokens of each row, whether it ended, and attention weights when the decoder has attention. */
export interface DecodeResult {
  /** Generated tokens per row, without the start token and without the end token. */
  readonly tokens: number[][];
  /** Whether each row produced the end token. */
  readonly finished: boolean[];
  /** Per row, per generated step, the attention weights over the source (decoders with attention). */
  readonly attention?: number[][][];
}

/** Options of {@link sampleDecode}: those of {@link DecodeOptions}, a temperature, an optional top-k cut and the seed. */
export interface SampleOptions extends DecodeOptions {
  /** Logits are divided by this before the softmax; < 1 sharpens, > 1 flattens. Default 1. */
  readonly temperature?: number;
  /** Sample only among the k most likely tokens. Default: all. */
  readonly topK?: number;
  /** Seed of the draws. */
  readonly seed: number;
}

/** Options of {@link beamSearch}: those of {@link DecodeOptions}, the beam width and the length penalty. */
export interface BeamOptions extends DecodeOptions {
  readonly beamWidth: number;
  /**
   * Length normalisation α: hypotheses are ranked by log p / length^α (length counts the end token).
   * 0 ranks by total log-probability (favours short outputs), 1 by the mean per token. Default 0.
   */
  readonly lengthPenalty?: number;
}

/** What {@link beamSearch} returns: the best sequence of each row and its score. */
export interface BeamResult {
  /** The best hypothesis per batch row, without start and end tokens. */
  readonly tokens: number[][];
  /** Its normalised score, log p / length^α. */
  readonly scores: number[];
  /** Whether it ended with the end token (else it hit `maxLength`). */
  readonly finished: boolean[];
}

function checkOptions(options: DecodeOptions, rows: number, who: string): number[] {
  if (!Number.isInteger(options.maxLength) || options.maxLength < 1) throw new Error(`${who}: maxLength must be a positive integer, got ${String(options.maxLength)}`);
  const start = typeof options.startToken === 'number' ? new Array<number>(rows).fill(options.startToken) : [...options.startToken];
  if (start.length !== rows) throw new Error(`${who}: startToken must be one id or one per row (${rows}), got ${start.length}`);
  return start;
}

/** Picks each row's next token from the logits [rows, V], row-major. */
type Choose = (logits: Float32Array, rows: number) => number[];

/**
 * {@link decodeLoop} for one row on the stepper's plain-array path ({@link Stepper.stepRow}): no
 * tensor per token. Null when that path cannot run (nothing has been generated then).
 */
function rowDecodeLoop(stepper: Stepper, initialState: StepState, options: DecodeOptions, start: number, who: string, choose: Choose): DecodeResult | null {
  let logits = stepper.stepRow?.(initialState, start) ?? null;
  if (logits === null) return null;
  const out: number[] = [];
  for (let t = 0; t < options.maxLength; t++) {
    const token = choose(logits, 1)[0]!;
    if (token === options.endToken) return { tokens: [out], finished: [true] };
    out.push(token);
    if (t + 1 === options.maxLength) break;
    logits = stepper.stepRow!(null, token);
    // a synchronous loop: nothing can release the kernel between two steps
    if (logits === null) throw new Error(`${who}: the recurrence kernel became unavailable while decoding`);
  }
  return { tokens: [out], finished: [false] };
}

/**
 * Runs `choose` (which picks each row's next token from the logits) until every row has produced
 * `endToken` or `maxLength` tokens. `initialState` stays the caller's.
 */
function decodeLoop(stepper: Stepper, initialState: StepState, options: DecodeOptions, who: string, choose: Choose): DecodeResult {
  const rows = stateRows(initialState, who);
  let tokens = checkOptions(options, rows, who);
  if (rows === 1 && stepper.stepRow !== undefined) {
    const fast = rowDecodeLoop(stepper, initialState, options, tokens[0]!, who, choose);
    if (fast !== null) return fast;
  }
  const out: number[][] = Array.from({ length: rows }, () => []);
  const finished = new Array<boolean>(rows).fill(false);
  const attention: number[][][] = Array.from({ length: rows }, () => []);
  let withAttention = false;
  let state = initialState;
  for (let t = 0; t < options.maxLength && finished.some((f) => !f); t++) {
    const input = tensor1d(tokens, 'int32');
    const step = stepper.step(state, input);
    input.dispose();
    if (state !== initialState) disposeState(state);
    state = step.state;
    tokens = choose(step.logits.dataSync() as Float32Array, rows);
    const weights = step.attention === undefined ? null : (step.attention.arraySync() as number[][]);
    dispose(step.attention === undefined ? [step.logits] : [step.logits, step.attention]);
    for (let r = 0; r < rows; r++) {
      if (finished[r]) continue;
      if (weights !== null) {
        withAttention = true;
        attention[r]!.push(weights[r]!);
      }
      if (tokens[r] === options.endToken) finished[r] = true;
      else out[r]!.push(tokens[r]!);
    }
  }
  if (state !== initialState) disposeState(state);
  return withAttention ? { tokens: out, finished, attention } : { tokens: out, finished };
}

/**
 * Greedy decoding: at each step the most likely token, `y_t = argmax_v p(v | y_<t)`.
 *
 * @example const { tokens } = greedyDecode(model.stepper(), model.initialState(source), { startToken: 1, endToken: 2, maxLength: 20 });
 */
export function greedyDecode(stepper: Stepper, initialState: StepState, options: DecodeOptions): DecodeResult {
  return decodeLoop(stepper, initialState, options, 'greedyDecode', (logits, rows) => {
    const vocabulary = logits.length / rows;
    return Array.from({ length: rows }, (_, r) => {
      // the first of equal maxima, as tfjs' argMax
      let best = 0;
      for (let v = 1; v < vocabulary; v++) if (logits[r * vocabulary + v]! > logits[r * vocabulary + best]!) best = v;
      return best;
    });
  });
}

/**
 * Sampling: `y_t ~ softmax(logits / temperature)` restricted to the `topK` most likely tokens,
 * drawn from a seeded generator (one seed, one output).
 */
export function sampleDecode(stepper: Stepper, initialState: StepState, options: SampleOptions): DecodeResult {
  const temperature = options.temperature ?? 1;
  if (!(temperature > 0)) throw new Error(`sampleDecode: temperature must be positive, got ${String(temperature)}`);
  if (options.topK !== undefined && !(Number.isInteger(options.topK) && options.topK >= 1)) {
    throw new Error(`sampleDecode: topK must be a positive integer, got ${String(options.topK)}`);
  }
  if (!Number.isInteger(options.seed)) throw new Error(`sampleDecode: seed must be an integer, got ${String(options.seed)}`);
  const rng = createRng(options.seed);
  return decodeLoop(stepper, initialState, options, 'sampleDecode', (values, rows) => {
    const vocabulary = values.length / rows;
    const picks: number[] = [];
    for (let r = 0; r < rows; r++) {
      const row = Array.from(values.subarray(r * vocabulary, (r + 1) * vocabulary), (v) => v / temperature);
      let candidates = row.map((_, v) => v);
      if (options.topK !== undefined && options.topK < vocabulary) {
        candidates = candidates.sort((a, b) => row[b]! - row[a]! || a - b).slice(0, options.topK);
      }
      const top = Math.max(...candidates.map((v) => row[v]!));
      const weights = candidates.map((v) => Math.exp(row[v]! - top));
      const total = weights.reduce((a, b) => a + b, 0);
      let u = rng.uniform() * total;
      let pick = candidates[candidates.length - 1]!;
      for (let i = 0; i < candidates.length; i++) {
        u -= weights[i]!;
        if (u < 0) {
          pick = candidates[i]!;
          break;
        }
      }
      picks.push(pick);
    }
    return picks;
  });
}

interface Hypothesis {
  readonly tokens: number[];
  readonly logProb: number;
}

/**
 * Beam search: keeps the `beamWidth` most probable partial outputs per batch row. Each step expands
 * every live hypothesis by every token (score = Σ log p), takes the 2K best candidates; an end token
 * among the K best finishes its hypothesis (scored log p / length^α), the K best others stay live.
 * A row is done once K hypotheses have finished (or at `maxLength`, when the live ones count as
 * finished); its answer is the best finished one. With width 1 this is exactly greedy decoding.
 */
export function beamSearch(stepper: Stepper, initialState: StepState, options: BeamOptions): BeamResult {
  const who = 'beamSearch';
  const width = options.beamWidth;
  if (!Number.isInteger(width) || width < 1) throw new Error(`${who}: beamWidth must be a positive integer, got ${String(width)}`);
  const alpha = options.lengthPenalty ?? 0;
  if (!(alpha >= 0)) throw new Error(`${who}: lengthPenalty must be ≥ 0, got ${String(alpha)}`);
  const batch = stateRows(initialState, who);
  const start = checkOptions(options, batch, who);
  const normalised = (h: Hypothesis, length: number): number => h.logProb / Math.pow(Math.max(1, length), alpha);

  // rows b·K … b·K + K − 1 hold batch row b's beams; at first only beam 0 is live
  let beams: Hypothesis[][] = Array.from({ length: batch }, () => [{ tokens: [], logProb: 0 }]);
  const done: { hypothesis: Hypothesis; score: number; finished: boolean }[][] = Array.from({ length: batch }, () => []);
  let state = gatherState(initialState, Array.from({ length: batch * width }, (_, i) => Math.floor(i / width)));
  let inputs = Array.from({ length: batch * width }, (_, i) => start[Math.floor(i / width)]!);

  for (let t = 0; t < options.maxLength && done.some((d, b) => d.length < width && beams[b]!.length > 0); t++) {
    const input = tensor1d(inputs, 'int32');
    const step = stepper.step(state, input);
    input.dispose();
    const logProbs = tidy(() => logSoftmax(step.logits, -1));
    const [, vocabulary] = logProbs.shape as [number, number];
    const lp = logProbs.dataSync();
    dispose(step.attention === undefined ? [step.logits, logProbs] : [step.logits, logProbs, step.attention]);
    disposeState(state);

    const sources: number[] = [];
    const nextInputs: number[] = [];
    const nextBeams: Hypothesis[][] = [];
    for (let b = 0; b < batch; b++) {
      const live = beams[b]!;
      const candidates: { beam: number; token: number; logProb: number }[] = [];
      const keep = 2 * width;
      live.forEach((h, k) => {
        const base = (b * width + k) * vocabulary;
        for (let v = 0; v < vocabulary; v++) {
          const logProb = h.logProb + lp[base + v]!;
          if (candidates.length === keep && logProb <= candidates[keep - 1]!.logProb) continue;
          let at = candidates.length;
          while (at > 0 && candidates[at - 1]!.logProb < logProb) at--;
          candidates.splice(at, 0, { beam: k, token: v, logProb });
          if (candidates.length > keep) candidates.pop();
        }
      });
      const next: Hypothesis[] = [];
      const rowSources: number[] = [];
      if (done[b]!.length < width) {
        candidates.forEach((c, rank) => {
          const tokens = [...live[c.beam]!.tokens, c.token];
          if (c.token === options.endToken) {
            if (rank < width && done[b]!.length < width) {
              const h = { tokens: tokens.slice(0, -1), logProb: c.logProb };
              done[b]!.push({ hypothesis: h, score: normalised(h, tokens.length), finished: true });
            }
          } else if (next.length < width) {
            next.push({ tokens, logProb: c.logProb });
            rowSources.push(b * width + c.beam);
          }
        });
      }
      if (done[b]!.length >= width) next.length = 0;
      nextBeams.push(next);
      for (let k = 0; k < width; k++) {
        sources.push(rowSources[k] ?? b * width);
        nextInputs.push(next[k]?.tokens.at(-1) ?? 0);
      }
    }
    beams = nextBeams;
    inputs = nextInputs;
    // `state` was disposed above; reorder the rows of the step's new state by beam origin
    const reordered = gatherState(step.state, sources);
    disposeState(step.state);
    state = reordered;
  }
  disposeState(state);

  const tokens: number[][] = [];
  const scores: number[] = [];
  const finished: boolean[] = [];
  for (let b = 0; b < batch; b++) {
    const pool = [...done[b]!, ...beams[b]!.map((h) => ({ hypothesis: h, score: normalised(h, h.tokens.length), finished: false }))];
    pool.sort((x, y) => y.score - x.score);
    const best = pool[0];
    tokens.push(best === undefined ? [] : best.hypothesis.tokens);
    scores.push(best === undefined ? -Infinity : best.score);
    finished.push(best?.finished ?? false);
  }
  return { tokens, scores, finished };
}
