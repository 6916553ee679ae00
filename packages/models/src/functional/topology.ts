/**
 * A functional model's graph as plain JSON (Keras' `inbound_nodes` in spirit): each layer's spec and,
 * for each of its calls, where its inputs come from; the model's inputs and outputs likewise.
 * With the weights it rebuilds the model.
 */
import { isMultiInput } from '../layers/registry';
import type { AnyLayerSpec } from '../layers/registry';
import type { WeightSource } from '../params';
import { applyLayer } from './apply-layer';
import { buildFunctional } from './functional';
import type { Functional } from './functional';
import { input } from './symbolic';
import type { InputSpec, SymbolicTensor } from './symbolic';

/** An output of one call of a layer: `[layerName, callIndex, outputIndex]`. */
export type TensorRef = readonly [string, number, number];

/** One layer of a functional topology: its spec (named) and its calls. */
export interface FunctionalTopologyLayer {
  readonly spec: AnyLayerSpec | InputSpec;
  readonly calls: readonly { readonly inputs: readonly TensorRef[]; readonly stateInputs: number }[];
}

/** Everything needed to rebuild a functional model (weights aside): plain JSON. */
export interface FunctionalTopology {
  readonly kind: 'functional';
  readonly name: string;
  /** Layers in the order of their first call (a layer's inputs come from layers before it). */
  readonly layers: readonly FunctionalTopologyLayer[];
  readonly inputs: readonly TensorRef[];
  readonly outputs: readonly TensorRef[];
}

/** Builds a functional model from its topology; `{ seed }` initialises, `{ weights }` loads (no initialiser runs). */
export function functionalFromTopology(topology: FunctionalTopology, source: WeightSource): Functional {
  if (topology?.kind !== 'functional') throw new Error(`functionalFromTopology: topology.kind must be 'functional', got ${JSON.stringify(topology?.kind)}`);
  const made = new Map<string, (SymbolicTensor[] | undefined)[]>();
  const lookup = (ref: TensorRef, who: string): SymbolicTensor => {
    const t = made.get(ref[0])?.[ref[1]]?.[ref[2]];
    if (t === undefined) throw new Error(`functionalFromTopology: ${who} reads [${ref.join(', ')}], which no earlier layer call makes`);
    return t;
  };
  // calls run in rounds: a call whose inputs are all made runs; a shared layer's later call may wait for other layers
  const pending = topology.layers.flatMap((layer, li) => layer.calls.map((call, ci) => ({ layer, li, call, ci })));
  while (pending.length > 0) {
    const ready = pending.findIndex(({ call }) => call.inputs.every((r) => made.get(r[0])?.[r[1]] !== undefined));
    if (ready < 0) {
      const { layer, call } = pending[0]!;
      lookup(call.inputs.find((r) => made.get(r[0])?.[r[1]] === undefined)!, `layer '${layer.spec.name}'`);
    }
    const { layer, call, ci } = pending.splice(ready, 1)[0]!;
    const name = layer.spec.name;
    if (name === undefined) throw new Error('functionalFromTopology: every layer spec must have a name');
    const spec = layer.spec;
    let outputs: SymbolicTensor[];
    if (spec.kind === 'input') {
      outputs = [input({ shape: spec.shape.slice(1), dtype: spec.dtype, name })];
    } else {
      const ins = call.inputs.map((r) => lookup(r, `layer '${name}'`));
      const data = ins.slice(0, ins.length - call.stateInputs);
      const states = ins.slice(data.length);
      const out = applyLayerAny(spec, data, states);
      outputs = Array.isArray(out) ? out : [out];
    }
    const calls = made.get(name) ?? [];
    calls[ci] = outputs;
    made.set(name, calls);
  }
  return buildFunctional(
    { inputs: topology.inputs.map((r) => lookup(r, 'the model input')), outputs: topology.outputs.map((r) => lookup(r, 'the model output')), name: topology.name },
    source,
  );
}

/** `applyLayer` for a spec whose kind is known only at run time (one object per layer, so shared calls share). */
function applyLayerAny(spec: AnyLayerSpec, data: readonly SymbolicTensor[], states: readonly SymbolicTensor[]): SymbolicTensor | SymbolicTensor[] {
  const call = applyLayer as (layer: AnyLayerSpec, inputs: SymbolicTensor | readonly SymbolicTensor[], options?: { initialState?: readonly SymbolicTensor[] }) => SymbolicTensor | SymbolicTensor[];
  const inputs = isMultiInput(spec) ? data : data[0]!;
  return call(spec, inputs, states.length > 0 ? { initialState: states } : {});
}
