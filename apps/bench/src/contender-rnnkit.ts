/**
 * rnnkit's side: the same model from @rnnkit/cells' fused `scan` (hand-written BPTT), the
 * tensor package's `embeddingLookup`, a dense head and tfjs-core's Adam — the update rule
 * tfjs-layers uses too, so the two sides differ only in how the network is computed.
 *
 * Shapes: ids [B, T] → E [B, T, Emb] → h_T [B, H] (or [B, 2H] bidirectional) → p [B, 1].
 */
import {
  add,
  embeddingLookup,
  glorotUniform,
  matMul,
  randomUniform,
  registerWasmMatMulKernels,
  registerWasmSliceKernels,
  sigmoid,
  tensor2d,
  tidy,
  train,
  variable,
  zeros,
  dispose,
  concat,
} from '@rnnkit/tensor';
import type { Scalar, Tensor, Variable } from '@rnnkit/tensor';
import { bidirectional, gruCell, initCellParams, lstmCell, scan, simpleRnnCell } from '@rnnkit/cells';
import type { CellConfig, CellParams } from '@rnnkit/cells';
import { binaryCrossentropy } from '@rnnkit/training';
import type { BenchCase } from './cases';
import type { BenchData, Contender, PreparedStep } from './runner';

function cellConfig(c: BenchCase): CellConfig {
  const sizes = { inputSize: c.embed, units: c.units };
  if (c.cell === 'simpleRnn') return simpleRnnCell(sizes);
  if (c.cell === 'gru') return gruCell(sizes);
  return lstmCell(sizes);
}

function variables(params: CellParams, prefix: string): Record<string, Variable> {
  const out: Record<string, Variable> = { [`${prefix}wxh`]: variable(params.wxh), [`${prefix}whh`]: variable(params.whh) };
  if (params.bh !== undefined) out[`${prefix}bh`] = variable(params.bh);
  return out;
}

function asParams(vars: Record<string, Variable>, prefix: string): CellParams {
  const bh = vars[`${prefix}bh`];
  return { wxh: vars[`${prefix}wxh`]!, whh: vars[`${prefix}whh`]!, ...(bh === undefined ? {} : { bh }) };
}

export const rnnkit: Contender = {
  name: 'rnnkit',
  prepare(c: BenchCase, data: BenchData): PreparedStep {
    registerWasmSliceKernels();
    registerWasmMatMulKernels();
    const config = cellConfig(c);
    const directions = c.bidirectional ? ['fwd/', 'bwd/'] : ['fwd/'];
    const vars: Record<string, Variable> = {
      embeddings: variable(randomUniform()([c.vocabulary, c.embed], 1)),
      kernel: variable(glorotUniform([c.units * directions.length, 1], 2)),
      bias: variable(zeros([1], 0)),
    };
    directions.forEach((prefix, i) => {
      const params = initCellParams(config, 3 + i);
      Object.assign(vars, variables(params, prefix));
      dispose([params.wxh, params.whh, ...(params.bh === undefined ? [] : [params.bh])]);
    });
    const optimizer = train.adam(1e-3);
    const loss = binaryCrossentropy();
    const xs = data.ids.map((ids) => tensor2d(ids, [c.batch, c.steps], 'int32'));
    const ys = data.labels.map((labels) => tensor2d(labels, [c.batch, 1]));

    const forward = (x: Tensor): Tensor => {
      const embedded = embeddingLookup(vars['embeddings']!, x);
      const features = c.bidirectional
        ? concat(
            bidirectional({ config, params: asParams(vars, 'fwd/') }, { config, params: asParams(vars, 'bwd/') }, embedded, { mergeMode: 'none' }).outputs as Tensor[],
            -1,
          )
        : scan(config, asParams(vars, 'fwd/'), embedded).outputs;
      return sigmoid(add(matMul(features, vars['kernel']!), vars['bias']!));
    };

    let i = 0;
    return {
      async run() {
        registerWasmSliceKernels();
        registerWasmMatMulKernels();
        const k = i++ % xs.length;
        if (c.mode === 'train') {
          const value = tidy(() => optimizer.minimize(() => loss(ys[k]!, forward(xs[k]!)), true) as Scalar);
          await value.data();
          value.dispose();
        } else {
          const out = tidy(() => forward(xs[k]!));
          await out.data();
          out.dispose();
        }
      },
      dispose() {
        optimizer.dispose();
        dispose([...Object.values(vars), ...xs, ...ys]);
      },
    };
  },
};
