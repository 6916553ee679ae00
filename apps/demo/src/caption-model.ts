/**
 * The captioner of `pnpm demo caption`: a CNN encodes the picture into one vector, which sets the
 * initial state of an LSTM decoder that writes the caption word by word (1→N).
 *
 * Shapes: B scenes, 64×64 pixels, F features, T caption length (with <start>), V vocabulary, H units.
 *   image [B, 64, 64, 1] ─ Conv 5×5/2 same (f, relu) ─ BN [B, 32, 32, f] ─ MaxPool 2 [B, 16, 16, f]
 *     ─ Conv 3×3 same (2f, relu) ─ BN [B, 16, 16, 2f] ─ MaxPool 2 [B, 8, 8, 2f]
 *     ─ Conv 3×3 same (4f, relu) ─ BN [B, 8, 8, 4f] ─ MaxPool 4 [B, 2, 2, 4f] ─ Flatten [B, 16f]
 *     ─ Dense(F, relu) ─ BN = z [B, F]
 *   decoder (conditionalGenerator): h_0 = tanh(z·Wz + bz), c_0 = 0;
 *     h_t = LSTM(h_{t−1}, emb(y_{t−1})),  logits_t = h_t·Wo + bo   → [B, T, V]
 *   layout head (training only): z ─ Dense(4·21) → [B, 4, 21]: what each cell holds (empty, or one of
 *     10 digits × 2 sizes). caption-run.ts first trains encoder + layout head alone, a digit and layout
 *     recogniser (the captioner's pretrained CNN, as in Show and Tell), then the decoder on the frozen
 *     encoder; trained together (`--fine-tune`), the layout loss reaches the encoder without the decoder.
 * The last pooling takes the maximum over each 32×32 cell of the scene, so one set of filters reads
 * the digit of every cell (4× the examples per weight) and the flattened 2×2 map still says which cell
 * holds what, which the relations of the caption need. Batch normalisation makes every feature of z
 * vary across pictures from the first step: without it z is almost the same vector for every mostly-black
 * canvas, and the decoder settles on the captions' word statistics without reading the picture (measured:
 * loss stuck at 0.89 for 600 steps). Its moving statistics use momentum 0.9, not Keras' 0.99: in a run of
 * a few hundred steps the weights move so fast that 0.99's averages lag the batch statistics, and four
 * stacked layers of lag broke inference (a layout head's held-out accuracy after 300 steps: 0.04 with the
 * moving statistics, 0.85 with the batch's own; with 0.9, 0.28 already at step 100).
 */
import { batchNormalization, conditionalGenerator, conv2d, dense, flatten, maxPool2d, reshape, sequential } from '@rnnkit/models';
import type { Generator, Sequential } from '@rnnkit/models';
import type { Tensor, Variable } from '@rnnkit/tensor';

export const CAPTION_CELLS = ['lstm', 'gru'] as const;

/** Momentum of the moving statistics of batch normalisation (see above). */
const NORM_MOMENTUM = 0.9;
export type CaptionCell = (typeof CAPTION_CELLS)[number];

/** Sizes of the captioner. */
export interface CaptionerOptions {
  /** S, the canvas side: a multiple of 32 (2×2 cells after the pooling). */
  readonly size: number;
  /** f: filters of the first convolution (then 2f, 4f). */
  readonly filters: number;
  /** F: the image vector. */
  readonly features: number;
  readonly vocabulary: number;
  readonly embed: number;
  readonly units: number;
  readonly cell: CaptionCell;
  readonly seed: number;
}

/** The two halves, trained together: the encoder's vector is the decoder's condition. */
export interface Captioner {
  readonly encoder: Sequential;
  readonly decoder: Generator;
  /** The layout head on z (training only; not saved). */
  readonly layoutHead: Sequential;
  /** Every weight, named `encoder/…`, `decoder/…` and `layout/…` (the moving statistics of batch normalisation are not trainable). */
  readonly params: Readonly<Record<string, Variable>>;
  /** The weights of the encoder and the layout head: what the pretraining phase trains. */
  readonly encoderParams: Readonly<Record<string, Variable>>;
  /** The decoder's weights: what the caption phase trains on a frozen encoder. */
  readonly decoderParams: Readonly<Record<string, Variable>>;
  /** Teacher forcing: images [B, 64, 64, 1] and input words [B, T] → word logits [B, T, V] and layout logits [B, 4, 21]. */
  forward(images: Tensor, words: Tensor, training: boolean): { readonly words: Tensor; readonly layout: Tensor };
  dispose(): void;
}

export function captionEncoder(o: Pick<CaptionerOptions, 'size' | 'filters' | 'features' | 'seed'>): Sequential {
  return sequential(
    [
      conv2d({ filters: o.filters, kernelSize: 5, strides: 2, padding: 'same', activation: 'relu' }),
      batchNormalization({ momentum: NORM_MOMENTUM }),
      maxPool2d({ poolSize: 2 }),
      conv2d({ filters: 2 * o.filters, kernelSize: 3, padding: 'same', activation: 'relu' }),
      batchNormalization({ momentum: NORM_MOMENTUM }),
      maxPool2d({ poolSize: 2 }),
      conv2d({ filters: 4 * o.filters, kernelSize: 3, padding: 'same', activation: 'relu' }),
      batchNormalization({ momentum: NORM_MOMENTUM }),
      maxPool2d({ poolSize: 4 }),
      flatten(),
      dense({ units: o.features, activation: 'relu' }),
      batchNormalization({ momentum: NORM_MOMENTUM }),
    ],
    { inputShape: [o.size, o.size, 1], seed: o.seed, name: 'caption_encoder' },
  );
}

/** Cells of a scene, and what the layout head says a cell holds: empty, or a digit 0–9 large (1–10) or small (11–20). */
export const LAYOUT_CELLS = 4;
export const LAYOUT_CLASSES = 21;

export function captioner(o: CaptionerOptions): Captioner {
  const encoder = captionEncoder(o);
  const decoder = conditionalGenerator({ conditionSize: o.features, vocabSize: o.vocabulary, embeddingDim: o.embed, units: o.units, cell: o.cell, seed: o.seed + 1, name: 'caption_decoder' });
  const layoutHead = sequential([dense({ units: LAYOUT_CELLS * LAYOUT_CLASSES }), reshape({ targetShape: [LAYOUT_CELLS, LAYOUT_CLASSES] })], { inputShape: [o.features], seed: o.seed + 2, name: 'caption_layout' });
  const named = (prefix: string, weights: Readonly<Record<string, Variable>>) => Object.fromEntries(Object.entries(weights).map(([name, v]) => [`${prefix}/${name}`, v]));
  const encoderParams = { ...named('encoder', encoder.params), ...named('layout', layoutHead.params) };
  const decoderParams = named('decoder', decoder.params);
  return {
    encoder,
    decoder,
    layoutHead,
    params: { ...encoderParams, ...decoderParams },
    encoderParams,
    decoderParams,
    forward: (images, words, training) => {
      const z = encoder.apply(images, { training });
      return { words: decoder.forward(z, words, { training }), layout: layoutHead.apply(z, { training }) };
    },
    dispose: () => {
      encoder.dispose();
      decoder.dispose();
      layoutHead.dispose();
    },
  };
}
