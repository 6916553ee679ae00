/**
 * Stateful streaming for a sequential language model (e.g. embedding → lstm → dense): one token in,
 * next-token logits and the recurrent layers' states out, so generation never re-runs the prefix.
 *
 * Shapes: N rows, V vocabulary, H units. State: `<layer>/h` [N, H] (and `<layer>/c` for an LSTM) per recurrent layer.
 */
import { clone, reshape, tidy, zerosTensor } from '@rnnkit/tensor';
import type { Tensor } from '@rnnkit/tensor';
import type { CellState } from '@rnnkit/cells';
import { layerImpl } from '../layers/registry';
import type { LayerSpec } from '../layers/registry';
import { runRecurrent } from '../layers/recurrent';
import type { Sequential } from '../sequential';
import { residentStep } from './resident-step';
import type { StepState, Stepper } from './stepper';

/** With a softmax output layer, streaming returns its input (the logits) instead of probabilities. */
function withoutSoftmax(spec: LayerSpec): LayerSpec {
  if (spec.kind === 'dense' && spec.activation === 'softmax') return { ...spec, activation: 'linear' };
  if (spec.kind === 'timeDistributed' && spec.layer.kind === 'dense' && spec.layer.activation === 'softmax') {
    return { ...spec, layer: { ...spec.layer, activation: 'linear' } };
  }
  return spec;
}

/**
 * A {@link Stepper} over a sequential model whose recurrent layers run forwards (no bidirectional,
 * no goBackwards), plus the all-zero initial state. The model's first layer must take token ids.
 * One row of embedding → recurrent layers → dense head steps with its weights and state resident
 * in the recurrence kernel (`resident-step.ts`); anything else runs the layers' own forward.
 *
 * @example
 * const { stepper, initialState } = sequentialStepper(charModel);
 * const { tokens } = sampleDecode(stepper, initialState(1), { startToken: 0, maxLength: 200, temperature: 0.8, seed: 1 });
 */
export function sequentialStepper(model: Sequential): {
  /** One step of the model: token ids → logits and the next state. */
  stepper: Stepper;
  /** The zero state for `rows` parallel sequences. */
  initialState(rows: number): StepState;
} {
  const recurrent = model.layers.filter((l) => l.spec.kind === 'rnn' || l.spec.kind === 'bidirectional');
  for (const layer of recurrent) {
    if (layer.spec.kind === 'bidirectional' || (layer.spec.kind === 'rnn' && layer.spec.goBackwards)) {
      throw new Error(`sequentialStepper: layer '${layer.name}' reads its input backwards, so it cannot run one step at a time`);
    }
  }
  const last = model.layers.length - 1;
  const layerParams = model.layers.map((layer) =>
    Object.fromEntries(layer.weightNames.map((full) => [full.slice(layer.name.length + 1), model.params[full]! as Tensor])),
  );
  const initialState = (rows: number): StepState => {
    const state: Record<string, Tensor> = {};
    for (const layer of recurrent) {
      if (layer.spec.kind !== 'rnn') continue;
      state[`${layer.name}/h`] = zerosTensor([rows, layer.spec.cell.units]);
      if (layer.spec.cell.kind === 'lstm') state[`${layer.name}/c`] = zerosTensor([rows, layer.spec.cell.units]);
    }
    return state;
  };
  const fast = residentStep(model);
  const stepper: Stepper = {
    ...(fast === null ? {} : { stepRow: fast.stepRow }),
    step: (state, tokens) =>
      fast?.step(state, tokens) ??
      tidy(() => {
        let y: Tensor = reshape(tokens, [tokens.shape[0]!, 1]);
        const next: Record<string, Tensor> = {};
        model.layers.forEach((layer, i) => {
          const spec = layer.spec;
          if (spec.kind === 'rnn') {
            const h = state[`${layer.name}/h`];
            const c = state[`${layer.name}/c`];
            if (h === undefined || (spec.cell.kind === 'lstm' && c === undefined)) throw new Error(`sequentialStepper: the state lacks '${layer.name}/h' or '/c'`);
            const initial: CellState = spec.cell.kind === 'lstm' ? { h, c: c! } : { h };
            const run = runRecurrent({ ...spec, returnSequences: true }, layerParams[i]!, y, { training: false, initialState: initial });
            next[`${layer.name}/h`] = run.state.h;
            if ('c' in run.state) next[`${layer.name}/c`] = run.state.c;
            y = spec.returnSequences ? run.outputs : reshape(run.outputs, [run.outputs.shape[0]!, run.outputs.shape[2]!]);
            return;
          }
          const used = i === last ? withoutSoftmax(spec) : spec;
          y = layerImpl(used).apply(used, layerParams[i]!, y, { training: false, mask: null, seed: 0 }).y;
        });
        for (const [name, t] of Object.entries(state)) if (!(name in next)) next[name] = clone(t);
        return { logits: reshape(y, [tokens.shape[0]!, -1]), state: next };
      }),
  };
  return { stepper, initialState };
}
