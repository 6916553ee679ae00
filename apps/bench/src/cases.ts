/**
 * Benchmark cases: the Keras IMDB seed model and its variants.
 * Shapes: ids [B, T] int32 over a vocabulary V → Embedding(V, E) → cell(H) (last state) → Dense(1, sigmoid);
 * the generation case feeds one token [1, 1] per step to a stateful Embedding → LSTM → Dense(V).
 */

export type CellKind = 'simpleRnn' | 'lstm' | 'gru';

export interface BenchCase {
  readonly name: string;
  readonly cell: CellKind;
  readonly bidirectional: boolean;
  readonly vocabulary: number;
  readonly embed: number;
  readonly units: number;
  readonly batch: number;
  readonly steps: number;
  /** `generate`: stateful next-token generation, batch 1, one token per timed step (samples/s = tokens/s). */
  readonly mode: 'train' | 'infer' | 'generate';
}

const seed = { vocabulary: 10_000, embed: 32, units: 32, batch: 128, steps: 200, bidirectional: false } as const;

export const ALL_CASES: readonly BenchCase[] = [
  { ...seed, name: 'SimpleRNN-32 train', cell: 'simpleRnn', mode: 'train' },
  { ...seed, name: 'GRU-32 train', cell: 'gru', mode: 'train' },
  { ...seed, name: 'LSTM-32 train', cell: 'lstm', mode: 'train' },
  { ...seed, name: 'SimpleRNN-32 infer', cell: 'simpleRnn', mode: 'infer' },
  { ...seed, name: 'GRU-32 infer', cell: 'gru', mode: 'infer' },
  { ...seed, name: 'LSTM-32 infer', cell: 'lstm', mode: 'infer' },
  { ...seed, name: 'LSTM-128 (E64) train', cell: 'lstm', embed: 64, units: 128, mode: 'train' },
  { ...seed, name: 'LSTM-128 (E64) infer', cell: 'lstm', embed: 64, units: 128, mode: 'infer' },
  { ...seed, name: 'BiLSTM-32 train', cell: 'lstm', bidirectional: true, mode: 'train' },
  // char-rnn generation: 65 characters, Embedding 32 → LSTM 128 → Dense(65), stateful, batch 1
  { name: 'char LSTM-128 generate', cell: 'lstm', bidirectional: false, vocabulary: 65, embed: 32, units: 128, batch: 1, steps: 1, mode: 'generate' },
];

/** The subset `--quick` runs: the seed model's three cells, training, and SimpleRNN inference. */
export const QUICK_CASES: readonly string[] = ['SimpleRNN-32 train', 'LSTM-32 train', 'SimpleRNN-32 infer'];
