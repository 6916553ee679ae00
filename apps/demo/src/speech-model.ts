/**
 * The two speech models: an N→1 digit classifier and an N→M CTC recogniser of digit strings.
 *
 * Shapes: B batch, T frames, F = 13 MFCCs, H units; classes 0–9 for the classifier; for CTC the
 * blank is class 0 and digit d is class d + 1 (11 classes).
 */
import { bidirectional, dense, gru, masking, sequential, timeDistributed } from '@rnnkit/models';
import type { Sequential } from '@rnnkit/models';

export const CTC_BLANK = 0;
export const CTC_CLASSES = 11;

/** MFCC frames [B, T, F] → masking → BiGRU(H) → Dense(10) logits [B, 10]. */
export function digitClassifier(features: number, units: number, seed: number): Sequential {
  return sequential([masking({ maskValue: 0 }), bidirectional(gru({ units })), dense({ units: 10 })], {
    inputShape: [null, features],
    seed,
    name: 'digit_classifier',
  });
}

/** MFCC frames [B, T, F] → masking → BiGRU(H, sequences) ×2 → Dense(11) per frame: logits [B, T, 11]. */
export function digitStringRecognizer(features: number, units: number, seed: number): Sequential {
  return sequential(
    [
      masking({ maskValue: 0 }),
      bidirectional(gru({ units, returnSequences: true })),
      bidirectional(gru({ units, returnSequences: true })),
      timeDistributed(dense({ units: CTC_CLASSES })),
    ],
    { inputShape: [null, features], seed, name: 'digit_string_ctc' },
  );
}
