/**
 * What a demo configuration needs in memory, estimated from its sizes before anything is allocated,
 * so that `--units 20000` or `--num-words 100000000` is refused in a line instead of swapping for
 * minutes and dying with "Invalid typed array length" or "memory access out of bounds".
 *
 * Training holds four float32 copies of every parameter (the weights, their gradient, Adam's m and
 * v) and, per batch, the activations the backward pass reads: for a recurrent layer over T steps,
 * (gates + 2)·H values per sample and step (the gate pre-activations, h and c), per direction.
 * Shapes: B batch, T steps, I input width, H units, E embedding width, V vocabulary.
 */
import { totalmem } from 'node:os';
import type { BackendChoice } from './cli-options';
import { UsageError } from './usage-error';

/** A recurrent layer as the demo builds it. */
export type RecurrentKind = 'simplernn' | 'lstm' | 'gru' | 'bilstm';

const GATES: Record<RecurrentKind, number> = { simplernn: 1, lstm: 4, gru: 3, bilstm: 4 };
const DIRECTIONS: Record<RecurrentKind, number> = { simplernn: 1, lstm: 1, gru: 1, bilstm: 2 };

/** Parameters of a recurrent layer: G·(I + H)·H weights and its biases (GRU with resetAfter: two), per direction. */
export function recurrentParams(kind: RecurrentKind, inputWidth: number, units: number): number {
  const gates = GATES[kind];
  const biases = kind === 'gru' ? 2 * gates * units : gates * units;
  return DIRECTIONS[kind] * (gates * (inputWidth + units) * units + biases);
}

/** Float32 values a recurrent layer keeps per sample and step for the backward pass. */
export function recurrentActivations(kind: RecurrentKind, units: number): number {
  return DIRECTIONS[kind] * (GATES[kind] + 2) * units;
}

/** One part of the estimate: what it is and how many float32 values. */
export interface MemoryPart {
  readonly what: string;
  readonly values: number;
}

/** The training state of `params` parameters: weights, gradients, Adam's m and v. */
export function trainingState(params: number): MemoryPart {
  return { what: `weights, gradients and Adam's two moments of ${params.toLocaleString('en')} parameters`, values: 4 * params };
}

/** wasm: its heap (4 GiB − 64 KiB, tfjs-backend-wasm's maximum); cpu: the machine's memory. */
export function memoryLimit(backend: BackendChoice): { readonly bytes: number; readonly what: string } {
  if (backend === 'wasm') return { bytes: 4_294_901_760, what: "the wasm backend's 4 GiB heap" };
  const bytes = totalmem();
  return { bytes, what: `this machine's ${formatBytes(bytes)} of memory` };
}

export function formatBytes(bytes: number): string {
  if (bytes >= 1e9) return `${(bytes / 1e9).toFixed(1)} GB`;
  return `${Math.max(1, Math.round(bytes / 1e6))} MB`;
}

/**
 * Throws a UsageError saying what the configuration needs and what the limit is, when the parts
 * add up to more than `limit`. `flags` names the options that size it.
 */
export function checkMemory(parts: readonly MemoryPart[], limit: { readonly bytes: number; readonly what: string }, flags: string): void {
  const bytes = 4 * parts.reduce((total, p) => total + p.values, 0);
  if (bytes <= limit.bytes) return;
  const detail = parts.map((p) => `${p.what}: ${formatBytes(4 * p.values)}`).join('; ');
  throw new UsageError(`this configuration needs about ${formatBytes(bytes)} (${detail}), more than ${limit.what}: reduce ${flags}`);
}
