/**
 * Test helpers shared by the export tests: seeded inputs, non-zero biases, and running an exported
 * model in onnxruntime-node on named feeds.
 */
import * as ort from 'onnxruntime-node';
import { tensor } from '@rnnkit/tensor';
import type { Tensor } from '@rnnkit/tensor';

/** A seeded uniform stream in [−1, 1). */
export function uniforms(n: number, seed: number): Float32Array {
  let s = seed >>> 0;
  return Float32Array.from({ length: n }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return (s / 2 ** 32) * 2 - 1;
  });
}

/** Non-zero biases, shifts and statistics (initialisers give zero biases), so a dropped bias shows. */
export function randomizeBiases(params: Readonly<Record<string, { size: number; shape: number[]; assign(t: Tensor): void }>>): void {
  let seed = 100;
  for (const [name, v] of Object.entries(params)) {
    if (/(bh|bias|beta|moving_mean)$/.test(name)) v.assign(tensor(uniforms(v.size, seed++), v.shape));
    if (/(gamma|moving_variance)$/.test(name)) v.assign(tensor(uniforms(v.size, seed++).map((u) => 1 + 0.5 * u), v.shape));
  }
}

/** A feed value: int32 ids or float32 values with their dims. */
export interface Feed {
  readonly data: Float32Array | Int32Array;
  readonly dims: readonly number[];
}

/** The feed as an rnnkit tensor (the caller disposes it). */
export function feedTensor(feed: Feed): Tensor {
  return tensor(feed.data, [...feed.dims], feed.data instanceof Int32Array ? 'int32' : 'float32');
}

/** Runs `bytes` in onnxruntime-node; returns every output by name, in the graph's output order. */
export async function runOrt(bytes: Uint8Array, feeds: Readonly<Record<string, Feed>>): Promise<{ names: string[]; outputs: { data: Float32Array; dims: readonly number[] }[] }> {
  const session = await ort.InferenceSession.create(bytes);
  const given: Record<string, ort.Tensor> = {};
  for (const [name, f] of Object.entries(feeds)) given[name] = new ort.Tensor(f.data instanceof Int32Array ? 'int32' : 'float32', f.data, [...f.dims]);
  const result = await session.run(given);
  const names = [...session.outputNames];
  await session.release();
  return { names, outputs: names.map((n) => ({ data: result[n]!.data as Float32Array, dims: result[n]!.dims })) };
}
