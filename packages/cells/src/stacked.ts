/**
 * Stacked (multi-layer) RNN, composed from fused scans: each layer's output sequence is the next
 * layer's input. Shapes: B batch, T time, I input size, H_l units of layer l.
 */
import type { Tensor } from '@rnnkit/tensor';
import type { RecurrentLayer } from './bidirectional';
import { scan } from './scan';
import type { ScanOptions } from './scan-options';
import type { CellState } from './state';
import { scoped } from './scoped';

/** Options of {@link stacked}: a mask, one initial state per layer, and the `scan` options applied to every layer. */
export interface StackedOptions extends Pick<ScanOptions, 'training' | 'dropout' | 'recurrentDropout'> {
  /** [B, T] validity mask, applied in every layer (Keras propagates it through return_sequences layers). */
  readonly mask?: Tensor;
  /** Initial state per layer (entries may be undefined for zeros). */
  readonly initialStates?: ReadonlyArray<CellState | undefined>;
  /** Return the last layer's whole sequence [B, T, H_L] rather than its last output [false]. */
  readonly returnSequences?: boolean;
  readonly zeroOutputForMask?: boolean;
  /** Dropout seed; layer l uses `seed + 2·l`. */
  readonly seed?: number;
}

/**
 * Runs `layers` in sequence: x⁰ = xs, x^{l+1} = scan(layer_l, x^l, returnSequences) for every layer
 * but the last, which returns sequences only when asked. Layer l's inputSize must equal layer
 * l−1's units. Returns the last layer's outputs and every layer's final state, first layer first.
 * The caller owns the returned tensors.
 */
export function stacked(layers: readonly RecurrentLayer[], xs: Tensor, options: StackedOptions = {}): { outputs: Tensor; states: CellState[] } {
  if (!Array.isArray(layers) || layers.length === 0) throw new Error(`stacked: layers must be a non-empty array, got ${String(layers)}`);
  layers.forEach((layer, l) => {
    const previous = l === 0 ? null : layers[l - 1]!.config.units;
    if (previous !== null && layer.config.inputSize !== previous) {
      throw new Error(`stacked: layers[${l}].config.inputSize must equal layers[${l - 1}].config.units (${previous}), got ${layer.config.inputSize}`);
    }
  });
  if (options.initialStates !== undefined && options.initialStates.length !== layers.length) {
    throw new Error(`stacked: initialStates must have one entry per layer (${layers.length}), got ${options.initialStates.length}`);
  }
  return scoped(() => {
    let x = xs;
    const states: CellState[] = [];
    layers.forEach((layer, l) => {
      const last = l === layers.length - 1;
      const initialState = options.initialStates?.[l];
      const layerOptions: ScanOptions = {
        returnSequences: last ? (options.returnSequences ?? false) : true,
        ...(options.mask === undefined ? {} : { mask: options.mask }),
        ...(initialState === undefined ? {} : { initialState }),
        ...(options.zeroOutputForMask === undefined ? {} : { zeroOutputForMask: options.zeroOutputForMask }),
        ...(options.training === undefined ? {} : { training: options.training }),
        ...(options.dropout === undefined ? {} : { dropout: options.dropout }),
        ...(options.recurrentDropout === undefined ? {} : { recurrentDropout: options.recurrentDropout }),
        ...(options.seed === undefined ? {} : { seed: options.seed + 2 * l }),
      };
      const result = scan(layer.config, layer.params, x, layerOptions);
      states.push(result.state);
      x = result.outputs;
    });
    return { outputs: x, states };
  });
}
