/**
 * Keras functional models that are a plain chain — one input, each layer called once on the one
 * before, one output — read as the sequential model they are. Converted Keras models are often
 * written this way (`Model(inputs, outputs)` around a stack of layers). Other graphs load as
 * functional models (keras-functional.ts).
 */
import type { KerasLayerJson } from './keras-config';
import type { KerasCall, KerasGraph } from './keras-graph';

/** Keyword arguments of a call that change nothing a chain computes. */
function harmless(call: KerasCall): boolean {
  return call.initialState.length === 0 && Object.entries(call.kwargs).every(([key, value]) => (key === 'training' || key === 'mask') && (value === null || value === undefined || typeof value === 'boolean'));
}

/** The layers of `graph` from input to output when they form a chain, else null. */
export function chainOf(graph: KerasGraph): KerasLayerJson[] | null {
  if (graph.inputs.length !== 1 || graph.outputs.length !== 1) return null;
  const consumers = new Map<string, string[]>();
  for (const layer of graph.layers) {
    if (layer.calls.length > 1) return null;
    const call = layer.calls[0];
    if (call === undefined) continue;
    if (call.inputs.length !== 1 || !harmless(call)) return null;
    const from = call.inputs[0]![0];
    consumers.set(from, [...(consumers.get(from) ?? []), layer.name]);
  }
  const byName = new Map(graph.layers.map((l) => [l.name, l] as const));
  const chain: KerasLayerJson[] = [];
  let current: string | undefined = graph.inputs[0]![0];
  while (current !== undefined) {
    const layer = byName.get(current);
    if (layer === undefined || chain.includes(layer.raw)) return null;
    chain.push(layer.raw);
    if (current === graph.outputs[0]![0]) break;
    const next: string[] = consumers.get(current) ?? [];
    if (next.length !== 1) return null;
    current = next[0];
  }
  return chain.length === graph.layers.length ? chain : null;
}
