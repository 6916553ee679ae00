/**
 * Bidirectional: a recurrent layer run forwards and a copy run backwards over the same input,
 * their outputs merged (Keras `Bidirectional`).
 *
 * Shapes: B batch, T time, I input size, H units.
 *   x [B, T, I] → forward y_f, backward y_b ([B, T, H] or [B, H]); with returnSequences y_b is flipped
 *   back into time order first.  merge: concat → [..., 2H]; sum, mul, ave → [..., H]
 * Weights: all of the forward layer (`forward/wxh`, …), then all of the backward layer (`backward/…`),
 * Keras' order. As in Keras, both directions output 0 at masked steps when returning sequences.
 */
import { add, concat, mul, reverse, scalar } from '@rnnkit/tensor';
import type { Tensor } from '@rnnkit/tensor';
import { scanMany } from '@rnnkit/cells';
import type { CellState, ScanResult } from '@rnnkit/cells';
import { tidyOutput } from '../layer';
import type { LayerImpl } from '../layer';
import { deriveSeed } from '../seeds';
import { lastDim } from '../shape';
import { recurrentLayer, recurrentOutputShape, recurrentScanCall } from './recurrent';
import type { RecurrentSpec, RunRecurrentOptions } from './recurrent';
import { finishLayer, isConfig } from './layer-options';
import type { CommonLayerOptions, Layer } from './layer-options';

/** How a bidirectional layer merges its two directions: concatenated (width 2H), summed, multiplied or averaged. */
export type MergeMode = 'concat' | 'sum' | 'mul' | 'ave';
const MERGE_MODES: readonly MergeMode[] = ['concat', 'sum', 'mul', 'ave'];

/** A bidirectional layer: the recurrent layer it runs in both directions and the merge mode. */
export interface BidirectionalSpec {
  readonly kind: 'bidirectional';
  readonly name?: string;
  readonly layer: RecurrentSpec;
  readonly mergeMode: MergeMode;
}

/** Options of {@link bidirectional}: how the two directions' outputs are merged (default `'concat'`). */
export interface BidirectionalOptions extends CommonLayerOptions {
  readonly mergeMode?: MergeMode;
}

/**
 * Wraps a recurrent layer to read its input in both directions.
 *
 * @example bidirectional(lstm({ units: 64, returnSequences: true }))   // Keras Bidirectional(LSTM(64, …)), concat
 * @example bidirectional({ layer: lstm({ units: 64 }), mergeMode: 'sum' })   // tfjs-layers' form
 */
export function bidirectional(layer: RecurrentSpec, options?: BidirectionalOptions): Layer<BidirectionalSpec>;
export function bidirectional(config: BidirectionalOptions & { readonly layer: RecurrentSpec }): Layer<BidirectionalSpec>;
export function bidirectional(first: RecurrentSpec | (BidirectionalOptions & { readonly layer: RecurrentSpec }), more: BidirectionalOptions = {}): Layer<BidirectionalSpec> {
  const options = isConfig(first, 'layer') ? first : more;
  const layer = (isConfig(first, 'layer') ? first.layer : first) as RecurrentSpec;
  if (typeof layer !== 'object' || layer === null || layer.kind !== 'rnn') {
    throw new Error(`bidirectional: layer must be a recurrent layer (simpleRnn, lstm, gru), got ${JSON.stringify((layer as { kind?: unknown } | null)?.kind)}`);
  }
  const mergeMode = options.mergeMode ?? 'concat';
  if (!MERGE_MODES.includes(mergeMode)) {
    throw new Error(`bidirectional: mergeMode must be one of ${MERGE_MODES.map((m) => `'${m}'`).join(', ')}, got ${JSON.stringify(mergeMode)}`);
  }
  const spec: BidirectionalSpec = { kind: 'bidirectional', layer, mergeMode };
  return finishLayer(spec, options, 'bidirectional');
}

/** The two directions' layer specs (the backward one reads the other way; both zero masked outputs with returnSequences). */
export function directions(spec: BidirectionalSpec): { forward: RecurrentSpec; backward: RecurrentSpec } {
  const forward: RecurrentSpec = { ...spec.layer, zeroOutputForMask: spec.layer.returnSequences };
  return { forward, backward: { ...forward, goBackwards: !spec.layer.goBackwards } };
}

function subParams(params: Readonly<Record<string, Tensor>>, prefix: string): Record<string, Tensor> {
  const out: Record<string, Tensor> = {};
  for (const [name, value] of Object.entries(params)) if (name.startsWith(prefix)) out[name.slice(prefix.length)] = value;
  return out;
}

/** Merges the two directions' outputs. */
export function mergeOutputs(mode: MergeMode, forward: Tensor, backward: Tensor): Tensor {
  switch (mode) {
    case 'concat':
      return concat([forward, backward], -1);
    case 'sum':
      return add(forward, backward);
    case 'mul':
      return mul(forward, backward);
    case 'ave':
      return mul(add(forward, backward), scalar(0.5));
  }
}

/**
 * Runs both directions and returns the merged output and each direction's final state (an encoder's
 * hand-off to a decoder). The caller owns the tensors.
 */
export function runBidirectional(
  spec: BidirectionalSpec,
  params: Readonly<Record<string, Tensor>>,
  x: Tensor,
  options: RunRecurrentOptions & { readonly initialState?: never; readonly initialStates?: { forward: CellState; backward: CellState } },
): { outputs: Tensor; forwardState: CellState; backwardState: CellState } {
  const { forward, backward } = directions(spec);
  const seed = options.seed ?? 0;
  const common = { training: options.training, mask: options.mask ?? null };
  // both directions in one kernel call: they run at once, one per thread
  const [f, b] = scanMany([
    recurrentScanCall(forward, subParams(params, 'forward/'), x, {
      ...common,
      seed: deriveSeed(seed, 0),
      ...(options.initialStates === undefined ? {} : { initialState: options.initialStates.forward }),
    }),
    recurrentScanCall(backward, subParams(params, 'backward/'), x, {
      ...common,
      seed: deriveSeed(seed, 1),
      ...(options.initialStates === undefined ? {} : { initialState: options.initialStates.backward }),
    }),
  ]) as [ScanResult, ScanResult];
  const backwardOut = spec.layer.returnSequences ? reverse(b.outputs, 1) : b.outputs;
  return { outputs: mergeOutputs(spec.mergeMode, f.outputs, backwardOut), forwardState: f.state, backwardState: b.state };
}

export const bidirectionalLayer: LayerImpl<BidirectionalSpec> = {
  className: () => 'Bidirectional',
  outputShape: (spec, input) => {
    const one = recurrentOutputShape(spec.layer, input, 'bidirectional');
    return spec.mergeMode === 'concat' ? [...one.slice(0, -1), 2 * spec.layer.cell.units] : one;
  },
  weights: (spec, input) => {
    const one = recurrentLayer.weights(spec.layer, input);
    return [...one.map((w) => ({ ...w, name: `forward/${w.name}` })), ...one.map((w) => ({ ...w, name: `backward/${w.name}` }))];
  },
  init: (spec, input, seed) => {
    lastDim(input, 'bidirectional');
    const out: Record<string, Tensor> = {};
    for (const [direction, s] of [['forward', deriveSeed(seed, 0)], ['backward', deriveSeed(seed, 1)]] as const) {
      for (const [name, value] of Object.entries(recurrentLayer.init(spec.layer, input, s))) out[`${direction}/${name}`] = value;
    }
    return out;
  },
  apply: (spec, params, x, context) =>
    tidyOutput(() => {
      const { outputs } = runBidirectional(spec, params, x, context);
      return { y: outputs, mask: spec.layer.returnSequences ? context.mask : null };
    }),
};
