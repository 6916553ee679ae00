/**
 * Leak checks: a function run several times must leave `memory().numTensors` where it was.
 */
import { numTensors } from '@rnnkit/tensor';

/**
 * Runs `fn` once to warm up (caches, lazily created variables), then `repeats` more times, and
 * throws if the number of live tensors grew during the repeats.
 */
export async function expectNoLeaks(fn: () => unknown, repeats = 3, label = 'function'): Promise<void> {
  await fn();
  const before = numTensors();
  for (let i = 0; i < repeats; i++) await fn();
  const after = numTensors();
  if (after !== before) {
    throw new Error(`${label} leaked: ${after - before} tensors over ${repeats} runs (${before} → ${after})`);
  }
}
