/** `tidy` for functions that return plain objects of tensors (named states), keeping their type. */
import { tidy } from '@rnnkit/tensor';
import type { TensorContainer } from '@rnnkit/tensor';

/**
 * Runs `fn` inside `tidy`: every tensor it creates is disposed except those in its result.
 * tfjs types `tidy` over `TensorContainer`, whose index signature our state interfaces lack.
 */
export function scoped<T>(fn: () => T): T {
  return tidy(fn as unknown as () => TensorContainer) as unknown as T;
}
