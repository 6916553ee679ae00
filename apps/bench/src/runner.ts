/**
 * What the harness times: a contender builds its model for a case and returns one step
 * (a training step with the loss read back, or a forward pass with the output read back).
 */
import type { BenchCase } from './cases';

export interface PreparedStep {
  /** One timed unit of work; resolves when its result has been read back to JS. */
  run(): Promise<void>;
  /**
   * For a contender in another process (PyTorch): runs `steps` steps there and resolves with the seconds it
   * measured, so the round trip is not timed. Without it the harness times `run()` calls itself.
   */
  timed?: (steps: number) => Promise<number>;
  dispose(): void | Promise<void>;
}

export interface Contender {
  readonly name: string;
  prepare(benchCase: BenchCase, data: BenchData): PreparedStep | Promise<PreparedStep>;
}

/** The same random batches for every contender. */
export interface BenchData {
  readonly ids: readonly Int32Array[]; // each [B·T]
  readonly labels: readonly Float32Array[]; // each [B]
}
