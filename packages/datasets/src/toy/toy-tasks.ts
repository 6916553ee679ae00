/**
 * Toy sequence tasks for tests and quick demos, generated from a seed. Pure: no Node imports.
 *
 * Shapes: N examples, T steps.
 */
import { checkInteger } from '../errors';
import { createRandom } from '../random';

/** The reversal task: each input sequence and its reversal, with a mask of real tokens. */
export interface ReversalTask {
  /** `[N, T]` ids in [1, vocabSize); 0 is padding. */
  readonly inputs: Int32Array;
  /** `[N, T]`: each row's real tokens reversed (padding stays where it is, after them). */
  readonly targets: Int32Array;
  /** `[N, T]`: 1 on real tokens. */
  readonly mask: Uint8Array;
  readonly lengths: Int32Array;
  readonly shape: readonly [number, number];
}

/**
 * Sequence reversal: x = (x₁ … x_L) uniform over [1, vocabSize), y = (x_L … x₁). L is T, or
 * uniform in [minLength, T] when minLength is given; rows are padded with 0 after the tokens.
 */
export function reversalTask(options: {
  readonly numExamples: number;
  readonly length: number;
  readonly minLength?: number;
  readonly vocabSize: number;
  readonly seed: number;
}): ReversalTask {
  const { numExamples: n, length: t, vocabSize } = options;
  const minLength = options.minLength ?? t;
  checkInteger('numExamples', n, 0);
  checkInteger('length', t, 1);
  checkInteger('minLength', minLength, 1, t);
  checkInteger('vocabSize', vocabSize, 2);
  const random = createRandom(options.seed);
  const inputs = new Int32Array(n * t);
  const targets = new Int32Array(n * t);
  const mask = new Uint8Array(n * t);
  const lengths = new Int32Array(n);
  for (let r = 0; r < n; r++) {
    const len = minLength + random.nextInt(t - minLength + 1);
    lengths[r] = len;
    for (let k = 0; k < len; k++) {
      inputs[r * t + k] = 1 + random.nextInt(vocabSize - 1);
      mask[r * t + k] = 1;
    }
    for (let k = 0; k < len; k++) targets[r * t + k] = inputs[r * t + len - 1 - k] as number;
  }
  return { inputs, targets, mask, lengths, shape: [n, t] };
}

/** The characters of the addition task, sorted as Keras' CharacterTable sorts them: ' ', '+', '0' … '9'. */
export const ADDITION_CHARS: readonly string[] = [' ', '+', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9'];

/** Keras' addition task: questions `'a+b'` and answers as text and as ids into {@link ADDITION_CHARS}. */
export interface AdditionTask {
  /** 'a+b' padded with spaces to 2D + 1 characters (reversed when `reverse`). */
  readonly questions: string[];
  /** String(a + b) padded with spaces to D + 1 characters. */
  readonly answers: string[];
  /** `[N, 2D+1]` ids into ADDITION_CHARS. */
  readonly inputs: Int32Array;
  /** `[N, D+1]` ids into ADDITION_CHARS. */
  readonly targets: Int32Array;
  readonly inputShape: readonly [number, number];
  readonly targetShape: readonly [number, number];
}

/**
 * The Keras "addition RNN" task: a and b have 1 … D random digits each (D = `digits`), every
 * unordered pair {a, b} appears at most once, the question 'a+b' is padded to 2D + 1 characters
 * and, by default, reversed (Keras' REVERSE = True), and the answer is a + b padded to D + 1.
 */
export function additionTask(options: { readonly numExamples: number; readonly digits: number; readonly seed: number; readonly reverse?: boolean }): AdditionTask {
  const { numExamples: n, digits } = options;
  checkInteger('digits', digits, 1, 7);
  const distinct = 10 ** digits;
  checkInteger('numExamples', n, 0, (distinct * (distinct + 1)) / 2);
  const random = createRandom(options.seed);
  const number = (): number => {
    let v = 0;
    const len = 1 + random.nextInt(digits);
    for (let k = 0; k < len; k++) v = v * 10 + random.nextInt(10);
    return v;
  };
  const qLen = 2 * digits + 1;
  const aLen = digits + 1;
  const seen = new Set<number>();
  const questions: string[] = [];
  const answers: string[] = [];
  while (questions.length < n) {
    const a = number();
    const b = number();
    const key = Math.min(a, b) * distinct + Math.max(a, b);
    if (seen.has(key)) continue;
    seen.add(key);
    const q = `${a}+${b}`.padEnd(qLen, ' ');
    questions.push(options.reverse === false ? q : Array.from(q).reverse().join(''));
    answers.push(String(a + b).padEnd(aLen, ' '));
  }
  const ids = (texts: string[], len: number): Int32Array => {
    const out = new Int32Array(texts.length * len);
    texts.forEach((s, r) => {
      for (let k = 0; k < len; k++) out[r * len + k] = ADDITION_CHARS.indexOf(s[k] as string);
    });
    return out;
  };
  return { questions, answers, inputs: ids(questions, qLen), targets: ids(answers, aLen), inputShape: [n, qLen], targetShape: [n, aLen] };
}

/** The running-sum-sign task: random inputs and, per step, whether their sum so far is positive. */
export interface RunningSumSignTask {
  /** `[N, T, 1]` values uniform in [−1, 1). */
  readonly inputs: Float32Array;
  /** `[N, T, 1]`: 1 where x₁ + … + x_t > 0, else 0 — a per-step (N → N) labelling. */
  readonly targets: Float32Array;
  readonly inputShape: readonly [number, number, number];
}

/** Running-sum sign: label step t with 1 when the sum of the inputs so far is positive. */
export function runningSumSignTask(options: { readonly numExamples: number; readonly length: number; readonly seed: number }): RunningSumSignTask {
  const { numExamples: n, length: t } = options;
  checkInteger('numExamples', n, 0);
  checkInteger('length', t, 1);
  const random = createRandom(options.seed);
  const inputs = new Float32Array(n * t);
  const targets = new Float32Array(n * t);
  for (let r = 0; r < n; r++) {
    let sum = 0;
    for (let k = 0; k < t; k++) {
      const x = Math.fround(2 * random.nextFloat() - 1);
      inputs[r * t + k] = x;
      sum += x;
      targets[r * t + k] = sum > 0 ? 1 : 0;
    }
  }
  return { inputs, targets, inputShape: [n, t, 1] };
}
