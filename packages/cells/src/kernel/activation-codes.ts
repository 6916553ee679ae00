/** The kernel's activation codes (`assembly/simd.ts` uses the same numbers). */
import type { ActivationName } from '../activations';

export const ACTIVATION_CODES: Readonly<Record<ActivationName, number>> = {
  tanh: 0,
  sigmoid: 1,
  relu: 2,
  linear: 3,
  hardSigmoidKeras2: 4,
  hardSigmoidKeras3: 5,
};
