/**
 * Gradient checks by central finite differences in float64.
 *
 *   numeric_i = (L(θ + ε·e_i) − L(θ − ε·e_i)) / 2ε        (error O(ε²) + rounding O(|L|·1e-16/ε))
 *   accepted when |analytic_i − numeric_i| ≤ atol + rtol·|numeric_i| for every i
 *
 * Defaults ε = 1e-6, rtol = atol = 1e-6: for the small float64 problems of the tests the
 * differences come out right to ~1e-9, so a 1e-6 tolerance has three digits of margin and still
 * rejects a single gradient entry off by 1e-5. Loss functions with kinks (relu, hard sigmoids)
 * must be checked at points at least ε away from the kinks.
 *
 * Only float64 losses belong here; a float32 loss needs ε ≈ 1e-2 and tolerances ≈ 1e-2, which
 * hide real bugs. Check tfjs gradients against the float64 reference gradients instead.
 */

export interface GradcheckOptions {
  /** Finite-difference step; default 1e-6. */
  readonly eps?: number;
  /** Default 1e-6. */
  readonly rtol?: number;
  /** Default 1e-6. */
  readonly atol?: number;
}

/** One gradient entry that failed the check. */
export interface GradcheckMismatch {
  readonly name: string;
  readonly index: number;
  readonly analytic: number;
  readonly numeric: number;
}

export interface GradcheckReport {
  readonly ok: boolean;
  /** Number of gradient entries compared. */
  readonly checked: number;
  /** Failed entries, largest error first. */
  readonly mismatches: readonly GradcheckMismatch[];
  /** Largest |analytic − numeric| over all entries. */
  readonly maxAbsError: number;
  /** The numeric gradients, named like the inputs. */
  readonly numeric: Readonly<Record<string, Float64Array>>;
}

/** A scalar loss of named float64 arrays. It must not keep or modify the arrays it is given. */
export type Float64Loss = (inputs: Readonly<Record<string, Float64Array>>) => number;

/**
 * Central-difference gradients of `loss` at `inputs`, one array per named input. The inputs are
 * copied; the caller's arrays are never modified.
 */
export function numericalGradients(
  loss: Float64Loss,
  inputs: Readonly<Record<string, ArrayLike<number>>>,
  eps = 1e-6,
): Record<string, Float64Array> {
  if (!(eps > 0)) throw new Error(`numericalGradients: eps must be > 0, got ${eps}`);
  const point: Record<string, Float64Array> = {};
  for (const [name, values] of Object.entries(inputs)) point[name] = Float64Array.from(values);
  const gradients: Record<string, Float64Array> = {};
  for (const [name, values] of Object.entries(point)) {
    const gradient = new Float64Array(values.length);
    for (let i = 0; i < values.length; i++) {
      const saved = values[i]!;
      values[i] = saved + eps;
      const plus = loss(point);
      values[i] = saved - eps;
      const minus = loss(point);
      values[i] = saved;
      gradient[i] = (plus - minus) / (2 * eps);
    }
    gradients[name] = gradient;
  }
  return gradients;
}

/**
 * Compares `analytic` gradients with central differences of `loss` at `inputs` (see the file
 * header for the rule and the defaults). `analytic` must hold an array for every input, of the
 * same length. Returns a report; {@link expectGradcheck} throws instead.
 */
export function gradcheck(
  loss: Float64Loss,
  inputs: Readonly<Record<string, ArrayLike<number>>>,
  analytic: Readonly<Record<string, ArrayLike<number>>>,
  options: GradcheckOptions = {},
): GradcheckReport {
  const rtol = options.rtol ?? 1e-6;
  const atol = options.atol ?? 1e-6;
  for (const [name, values] of Object.entries(inputs)) {
    const given = analytic[name];
    if (given === undefined) throw new Error(`gradcheck: analytic gradients must include '${name}', got [${Object.keys(analytic).join(', ')}]`);
    if (given.length !== values.length) {
      throw new Error(`gradcheck: analytic gradient '${name}' must have ${values.length} entries, got ${given.length}`);
    }
  }
  const numeric = numericalGradients(loss, inputs, options.eps ?? 1e-6);
  const mismatches: GradcheckMismatch[] = [];
  let checked = 0;
  let maxAbsError = 0;
  for (const [name, expected] of Object.entries(numeric)) {
    const given = analytic[name]!;
    for (let i = 0; i < expected.length; i++) {
      const error = Math.abs(given[i]! - expected[i]!);
      checked++;
      if (!(error <= maxAbsError)) maxAbsError = error;
      if (!(error <= atol + rtol * Math.abs(expected[i]!))) mismatches.push({ name, index: i, analytic: given[i]!, numeric: expected[i]! });
    }
  }
  mismatches.sort((a, b) => Math.abs(b.analytic - b.numeric) - Math.abs(a.analytic - a.numeric));
  return { ok: mismatches.length === 0, checked, mismatches, maxAbsError, numeric };
}

/** {@link gradcheck} that throws, naming the worst entries, when a gradient disagrees. */
export function expectGradcheck(
  loss: Float64Loss,
  inputs: Readonly<Record<string, ArrayLike<number>>>,
  analytic: Readonly<Record<string, ArrayLike<number>>>,
  options: GradcheckOptions = {},
  label = 'gradient',
): GradcheckReport {
  const report = gradcheck(loss, inputs, analytic, options);
  if (!report.ok) {
    const worst = report.mismatches
      .slice(0, 3)
      .map((m) => `${m.name}[${m.index}]: analytic ${m.analytic}, numeric ${m.numeric}`)
      .join('; ');
    throw new Error(
      `${label}: ${report.mismatches.length} of ${report.checked} entries differ from central differences ` +
        `(rtol ${options.rtol ?? 1e-6}, atol ${options.atol ?? 1e-6}); worst: ${worst}`,
    );
  }
  return report;
}
