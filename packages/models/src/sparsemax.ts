/**
 * Sparsemax (Martins & Astudillo, 2016): the Euclidean projection of each row onto the probability
 * simplex — a softmax whose outputs can be exactly zero.
 *
 * Shapes: any rank; N the size of the last axis, along which each row is projected.
 *   z = the row sorted in descending order,  c_j = z_1 + … + z_j  (j = 1 … N)
 *   k = max { j : 1 + j·z_j > c_j }  (the support size),  τ = (c_k − 1)/k,  y = max(x − τ, 0)
 * Backward, with s = [y > 0] (the support) and |S| = Σ s along the row:
 *   ∂L/∂x = s ⊙ (∂L/∂y − (Σ_i s_i·∂L/∂y_i) / |S|)
 * Keras 3 took τ from the sum of every c_j in the support rather than from c_k, so its outputs did
 * not sum to 1 whenever the support held more than one element (keras-team/keras#23425, fixed by
 * #23469); this is the definition that fix restores.
 */
import { add, cast, cumsum, customGrad, div, greater, mul, relu, scalar, sub, sum, tensor, topk } from '@rnnkit/tensor';
import type { GradSaveFunc, Tensor } from '@rnnkit/tensor';

/** `sparsemax(x)` along the last axis, with the backward above. The caller owns the result. */
export function sparsemax(x: Tensor): Tensor {
  const run = customGrad((...args: Array<Tensor | GradSaveFunc>) => {
    const [input, save] = args as [Tensor, GradSaveFunc];
    const n = input.shape.at(-1) ?? 1;
    const z = topk(input, n, true).values;
    const c = cumsum(z, input.rank - 1);
    const j = tensor(Float32Array.from({ length: n }, (_, i) => i + 1));
    const support = cast(greater(add(scalar(1), mul(j, z)), c), 'float32');
    // the support is a prefix of z, so Σ z·support = c_k
    const tau = div(sub(sum(mul(z, support), -1, true), scalar(1)), sum(support, -1, true));
    const value = relu(sub(input, tau));
    save([value]);
    return {
      value,
      gradFunc: (dy: Tensor, saved: Tensor[]) => {
        const s = cast(greater(saved[0]!, scalar(0)), 'float32');
        const mean = div(sum(mul(dy, s), -1, true), sum(s, -1, true));
        return [mul(s, sub(dy, mean))];
      },
    };
  });
  return run(x);
}
