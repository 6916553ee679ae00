/** Test helpers shared by the rnnkit packages (private). */
export { ALL_BACKENDS, describeEachBackend } from './backends';
export { expectClose } from './expect-close';
export type { Tolerance } from './expect-close';
export { expectNoLeaks } from './leaks';
