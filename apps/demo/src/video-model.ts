/**
 * The video model: a small CNN on every frame (timeDistributed), an RNN over the frame features,
 * a dense layer over the motion classes — CNN for space, RNN for time, trained end to end.
 *
 * Shapes: B clips, T frames, S×S pixels, 1 channel.
 *   [B, T, 64, 64, 1] → Conv 5×5/2 (8, relu) → [B, T, 30, 30, 8] → MaxPool 2 → [B, T, 15, 15, 8]
 *   → Conv 3×3 (16, relu) → [B, T, 13, 13, 16] → MaxPool 2 → [B, T, 6, 6, 16] → Flatten → [B, T, 576]
 *   → LSTM/GRU(units) → [B, units] → Dense(classes) logits
 */
import { conv2d, dense, flatten, gru, lstm, maxPool2d, sequential, timeDistributed } from '@rnnkit/models';
import type { Sequential } from '@rnnkit/models';

export function videoClassifier(options: { readonly frames: number; readonly size: number; readonly classes: number; readonly units: number; readonly cell: 'lstm' | 'gru'; readonly seed: number }): Sequential {
  const rnn = options.cell === 'lstm' ? lstm({ units: options.units }) : gru({ units: options.units });
  return sequential(
    [
      timeDistributed(conv2d({ filters: 8, kernelSize: 5, strides: 2, activation: 'relu' })),
      timeDistributed(maxPool2d({ poolSize: 2 })),
      timeDistributed(conv2d({ filters: 16, kernelSize: 3, activation: 'relu' })),
      timeDistributed(maxPool2d({ poolSize: 2 })),
      timeDistributed(flatten()),
      rnn,
      dense({ units: options.classes }),
    ],
    { inputShape: [options.frames, options.size, options.size, 1], seed: options.seed, name: 'cnn_rnn_video' },
  );
}
