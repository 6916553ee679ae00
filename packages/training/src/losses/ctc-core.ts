/**
 * Connectionist temporal classification (Graves et al., 2006), forward–backward in log space, float64.
 *
 * Shapes: T input steps, C classes (blank included), L label length, S = 2L + 1 extended labels.
 *
 *   l' = (b, l_1, b, l_2, …, l_L, b)                       the label with blanks around every symbol
 *   α_0(0) = y_0(b),  α_0(1) = y_0(l_1)
 *   α_t(s) = y_t(l'_s) · (α_{t−1}(s) + α_{t−1}(s−1) + [l'_s ≠ b ∧ l'_s ≠ l'_{s−2}]·α_{t−1}(s−2))
 *   p(l | x) = α_{T−1}(S−1) + α_{T−1}(S−2)                  nll = −ln p(l | x)
 *   β is the same recursion run backwards from t = T−1; both include y_t(l'_s), so
 *   ∂nll/∂z_{t,k} = y_t(k) − Σ_{s: l'_s = k} α_t(s)·β_t(s) / (y_t(k) · p(l | x))
 * where y_t = softmax(z_t). Everything is kept as logarithms (ln α, ln β, ln y) and added with log-sum-exp.
 */

/** ln(e^a + e^b), exact at −∞. */
export function logAddExp(a: number, b: number): number {
  if (a === -Infinity) return b;
  if (b === -Infinity) return a;
  return a > b ? a + Math.log1p(Math.exp(b - a)) : b + Math.log1p(Math.exp(a - b));
}

/** ln softmax of each row of a [T, C] block of `logits` starting at `offset`, in float64. */
export function logSoftmaxRows(logits: ArrayLike<number>, offset: number, steps: number, classes: number): Float64Array {
  const out = new Float64Array(steps * classes);
  for (let t = 0; t < steps; t++) {
    const row = offset + t * classes;
    let max = -Infinity;
    for (let k = 0; k < classes; k++) max = Math.max(max, logits[row + k]!);
    let sum = 0;
    for (let k = 0; k < classes; k++) sum += Math.exp(logits[row + k]! - max);
    const lse = max + Math.log(sum);
    for (let k = 0; k < classes; k++) out[t * classes + k] = logits[row + k]! - lse;
  }
  return out;
}

/** l' = (b, l_1, b, …, l_L, b). */
export function extendLabels(labels: ArrayLike<number>, blank: number): Int32Array {
  const ext = new Int32Array(2 * labels.length + 1).fill(blank);
  for (let i = 0; i < labels.length; i++) ext[2 * i + 1] = labels[i]!;
  return ext;
}

/** Whether α may skip from s−2 to s (a non-blank that differs from the symbol two back). */
function canSkip(ext: Int32Array, s: number, blank: number): boolean {
  return s >= 2 && ext[s] !== blank && ext[s] !== ext[s - 2];
}

/** ln α as [T, S] and nll = −ln p(l | x) (Infinity when no alignment exists). `logProbs` is [T, C] ln y. */
export function ctcAlpha(logProbs: Float64Array, steps: number, classes: number, ext: Int32Array, blank: number): { logAlpha: Float64Array; nll: number } {
  const S = ext.length;
  const logAlpha = new Float64Array(steps * S).fill(-Infinity);
  logAlpha[0] = logProbs[ext[0]!]!;
  if (S > 1) logAlpha[1] = logProbs[ext[1]!]!;
  for (let t = 1; t < steps; t++) {
    const prev = (t - 1) * S;
    for (let s = 0; s < S; s++) {
      let a = logAlpha[prev + s]!;
      if (s >= 1) a = logAddExp(a, logAlpha[prev + s - 1]!);
      if (canSkip(ext, s, blank)) a = logAddExp(a, logAlpha[prev + s - 2]!);
      logAlpha[t * S + s] = a === -Infinity ? -Infinity : a + logProbs[t * classes + ext[s]!]!;
    }
  }
  const last = (steps - 1) * S;
  const logP = S > 1 ? logAddExp(logAlpha[last + S - 1]!, logAlpha[last + S - 2]!) : logAlpha[last]!;
  return { logAlpha, nll: -logP };
}

/** ln β as [T, S]. */
export function ctcBeta(logProbs: Float64Array, steps: number, classes: number, ext: Int32Array, blank: number): Float64Array {
  const S = ext.length;
  const logBeta = new Float64Array(steps * S).fill(-Infinity);
  const last = (steps - 1) * S;
  logBeta[last + S - 1] = logProbs[(steps - 1) * classes + ext[S - 1]!]!;
  if (S > 1) logBeta[last + S - 2] = logProbs[(steps - 1) * classes + ext[S - 2]!]!;
  for (let t = steps - 2; t >= 0; t--) {
    const next = (t + 1) * S;
    for (let s = 0; s < S; s++) {
      let b = logBeta[next + s]!;
      if (s + 1 < S) b = logAddExp(b, logBeta[next + s + 1]!);
      if (s + 2 < S && canSkip(ext, s + 2, blank)) b = logAddExp(b, logBeta[next + s + 2]!);
      logBeta[t * S + s] = b === -Infinity ? -Infinity : b + logProbs[t * classes + ext[s]!]!;
    }
  }
  return logBeta;
}

/**
 * ∂nll/∂z as [T, C] for a finite nll: y_t(k) − posterior_t(k). `logAlpha` from {@link ctcAlpha}.
 */
export function ctcLogitGradient(
  logProbs: Float64Array,
  steps: number,
  classes: number,
  ext: Int32Array,
  blank: number,
  logAlpha: Float64Array,
  nll: number,
): Float64Array {
  const S = ext.length;
  const logBeta = ctcBeta(logProbs, steps, classes, ext, blank);
  const grad = new Float64Array(steps * classes);
  const logPosterior = new Float64Array(classes);
  for (let t = 0; t < steps; t++) {
    logPosterior.fill(-Infinity);
    for (let s = 0; s < S; s++) {
      const k = ext[s]!;
      logPosterior[k] = logAddExp(logPosterior[k]!, logAlpha[t * S + s]! + logBeta[t * S + s]!);
    }
    for (let k = 0; k < classes; k++) {
      const logY = logProbs[t * classes + k]!;
      const posterior = logPosterior[k] === -Infinity ? 0 : Math.exp(logPosterior[k]! - logY + nll);
      grad[t * classes + k] = Math.exp(logY) - posterior;
    }
  }
  return grad;
}
