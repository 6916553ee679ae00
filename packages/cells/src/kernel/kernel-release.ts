/**
 * Giving the recurrence kernel's memory back: WebAssembly memories only grow, so after a large
 * model the kernel keeps its largest layout (hundreds of MB for LSTM-128 at the seed shape) for
 * the life of the process unless it is released.
 */
import { unloadRecurrenceKernel } from './kernel-module';
import { stopHelpers } from './kernel-threads';
import { evictResident } from './layout';

/**
 * Frees the recurrence kernel's memory and stops its helper threads; the next `scan` loads a fresh
 * kernel (a few milliseconds). Results a pending backward pass still needs are copied out first,
 * so it is safe at any point, between a forward pass and its gradient too.
 *
 * @example
 * await fit(model, data, { epochs: 5 }); // the kernel grew to the largest layer's layout
 * releaseRecurrenceKernel();              // and is given back
 */
export function releaseRecurrenceKernel(): void {
  stopHelpers();
  evictResident();
  unloadRecurrenceKernel();
}
