/**
 * The bench's read-only window on @rnnkit/cells' recurrence kernel module, which the package does not
 * export: the memory bound `scan` plans with (to skip what would leave the kernel) and the module's
 * own GEMM (the roofline's peak). The bundle gets its own copy of the module, so `recurrenceKernel()`
 * here is a second instance of the same WebAssembly bytes, apart from the one `scan` runs on.
 */
export { KERNEL_MEMORY_LIMIT, kernelMemoryBytes, recurrenceKernel, reserve, view } from '../../../packages/cells/src/kernel/kernel-module';
export type { KernelExports } from '../../../packages/cells/src/kernel/kernel-module';
