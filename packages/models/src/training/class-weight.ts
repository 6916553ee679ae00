/**
 * Keras' `class_weight`: a weight per class becomes a weight per sample, from the class each target
 * names — the id itself for class ids ([N] or [N, 1], rounded), the argmax for one-hot rows [N, K].
 * Classes the map does not list weigh 1 (Keras 3).
 *
 * Shapes: N samples, K classes.
 */
import { Tensor } from '@rnnkit/tensor';
import type { ArrayData, Data } from '@rnnkit/training';
import { shapeOf } from './inputs';

/** Weight of each class id (tfjs-layers' `ClassWeight`). */
export type ClassWeight = Readonly<Record<number, number>>;

/** Per-sample weights [N] for targets `y` [N], [N, 1] or [N, K] under `classWeight`. */
export function classWeightToSampleWeight(y: Data, classWeight: ClassWeight, who: string): ArrayData {
  for (const [key, weight] of Object.entries(classWeight)) {
    if (!/^\d+$/.test(key)) throw new Error(`${who}: classWeight keys must be class ids (integers ≥ 0), got '${key}'`);
    if (typeof weight !== 'number' || !Number.isFinite(weight)) throw new Error(`${who}: classWeight[${key}] must be a finite number, got ${String(weight)}`);
  }
  const shape = shapeOf(y);
  if (shape.length > 2) throw new Error(`${who}: classWeight needs targets of rank 1 or 2 ([N], [N, 1] or one-hot [N, K]), got y of shape [${shape.join(', ')}]`);
  const n = shape[0]!;
  const width = shape[1] ?? 1;
  const values = y instanceof Tensor ? y.dataSync() : y.values;
  const weights = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    let id = 0;
    if (width === 1) id = Math.round(values[i]!);
    else for (let k = 1; k < width; k++) if (values[i * width + k]! > values[i * width + id]!) id = k;
    weights[i] = classWeight[id] ?? 1;
  }
  return { values: weights, shape: [n] };
}
