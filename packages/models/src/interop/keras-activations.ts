/**
 * Layer activation names between rnnkit (camelCase, `activations.ts`) and Keras configs (snake_case,
 * as Keras 3 and tfjs-layers write them in `model.json`): one table, read in both directions.
 *
 * - `hard_sigmoid` is read by the file's Keras version (NUMERICS.md §2.1): Keras 2 and tfjs-layers
 *   mean clip(0.2x + 0.5), Keras 3 means clip(x/6 + 0.5).
 * - Aliases read: `swish` = `silu`, `hard_swish` = `hard_silu` (Keras 3), `gelu_new` (tfjs-layers).
 * - `silu` is written as `swish`, the name both Keras 3 and tfjs-layers read.
 * - tfjs-layers 4.22 loads only its own names (no `leaky_relu`, `hard_silu`, `exponential`, …), and not even
 *   `gelu_new`, which it writes: its snake→camel conversion turns it into `geluNew`. rnnkit reads them all.
 * - Not representable as a layer activation: `glu` (halves the last axis), `crelu` (doubles it),
 *   `threshold` (needs arguments a name cannot carry).
 */
import type { DenseActivation } from '../activations';
import type { HardSigmoidFlavour } from './keras-config';

type Plain = Exclude<DenseActivation, 'hardSigmoidKeras2' | 'hardSigmoidKeras3'>;

/** The Keras name written for each activation (hard sigmoids are handled apart). */
const KERAS_NAME: Readonly<Record<Plain, string>> = {
  linear: 'linear',
  relu: 'relu',
  relu6: 'relu6',
  leakyRelu: 'leaky_relu',
  elu: 'elu',
  celu: 'celu',
  selu: 'selu',
  gelu: 'gelu',
  geluNew: 'gelu_new',
  silu: 'swish',
  hardSilu: 'hard_silu',
  sigmoid: 'sigmoid',
  logSigmoid: 'log_sigmoid',
  sparseSigmoid: 'sparse_sigmoid',
  tanh: 'tanh',
  hardTanh: 'hard_tanh',
  tanhShrink: 'tanh_shrink',
  hardShrink: 'hard_shrink',
  softShrink: 'soft_shrink',
  softmax: 'softmax',
  logSoftmax: 'log_softmax',
  sparsemax: 'sparsemax',
  softplus: 'softplus',
  softsign: 'softsign',
  exponential: 'exponential',
  sparsePlus: 'sparse_plus',
  squareplus: 'squareplus',
  mish: 'mish',
};

const FROM_KERAS: ReadonlyMap<string, Plain> = new Map<string, Plain>([
  ...Object.entries(KERAS_NAME).map(([ours, keras]) => [keras, ours as Plain] as const),
  ['silu', 'silu'],
  ['hard_swish', 'hardSilu'],
]);

const NOT_ELEMENT_WISE: Readonly<Record<string, string>> = {
  glu: 'it halves the last axis',
  crelu: 'it doubles the last axis',
  threshold: 'it needs threshold and default_value arguments, which a name cannot carry',
};

/**
 * The rnnkit activation of a Keras config's `activation` (absent or null = linear); `who` names the
 * layer in errors.
 */
export function layerActivationFromKeras(name: unknown, flavour: HardSigmoidFlavour, who: string): DenseActivation {
  if (name === undefined || name === null) return 'linear';
  if (name === 'hard_sigmoid') return flavour === 'keras3' ? 'hardSigmoidKeras3' : 'hardSigmoidKeras2';
  const ours = typeof name === 'string' ? FROM_KERAS.get(name) : undefined;
  if (ours !== undefined) return ours;
  const reason = typeof name === 'string' ? NOT_ELEMENT_WISE[name] : undefined;
  if (reason !== undefined) throw new Error(`${who}: activation '${String(name)}' is not supported as a layer activation (${reason})`);
  throw new Error(`${who}: activation ${JSON.stringify(name)} is not supported (supported: hard_sigmoid, ${[...FROM_KERAS.keys()].join(', ')})`);
}

/**
 * The Keras name of an rnnkit activation, as a tfjs-layers file records it. Keras 3's hard sigmoid
 * has no name that a tfjs-layers file reads as such, so it throws.
 */
export function layerActivationToKeras(name: DenseActivation, who: string): string {
  if (name === 'hardSigmoidKeras2') return 'hard_sigmoid';
  if (name === 'hardSigmoidKeras3') throw new Error(`${who}: Keras 3's hard sigmoid (x/6 + 1/2) has no tfjs-layers equivalent`);
  return KERAS_NAME[name];
}
