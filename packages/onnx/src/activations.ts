/**
 * rnnkit's layer and cell activations as ONNX ops. Element-wise except softmax and logSoftmax (last axis).
 * Every formula matches packages/models/src/activations.ts; those without an exact ONNX form are refused.
 */
import type { DenseActivation, RecurrentSpec } from '@rnnkit/models';
import type { GraphBuilder } from './graph-builder';

function scalarConst(b: GraphBuilder, value: number): string {
  return b.floats(`const_${String(value).replace(/[^0-9]/g, '_')}`, [], [value]);
}

/** A cell's activation names (the cells' `ActivationName`, reached through the models package). */
type ActivationName = RecurrentSpec['cell']['activation'];

const ELEMENTWISE_OPS = { relu: 'Relu', sigmoid: 'Sigmoid', tanh: 'Tanh', elu: 'Elu', selu: 'Selu', softplus: 'Softplus', softsign: 'Softsign' } as const;

/** Writes `act(x)` into the graph; returns the output name (`x` itself for `linear`). `who` names the layer in errors. */
export function emitDenseActivation(b: GraphBuilder, name: DenseActivation, x: string, who: string): string {
  const one = (op: string, attributes = {}): string => b.node(op, [x], attributes)[0]!;
  switch (name) {
    case 'linear':
      return x;
    case 'relu':
    case 'sigmoid':
    case 'tanh':
    case 'elu':
    case 'selu':
    case 'softplus':
    case 'softsign':
      return one(ELEMENTWISE_OPS[name]);
    case 'celu':
      return one('Elu');
    case 'exponential':
      return one('Exp');
    case 'relu6':
      return b.node('Clip', [x, scalarConst(b, 0), scalarConst(b, 6)])[0]!;
    case 'hardTanh':
      return b.node('Clip', [x, scalarConst(b, -1), scalarConst(b, 1)])[0]!;
    case 'leakyRelu':
      return one('LeakyRelu', { alpha: { float: 0.2 } });
    case 'hardSigmoidKeras2':
      return one('HardSigmoid', { alpha: { float: 0.2 }, beta: { float: 0.5 } });
    case 'hardSigmoidKeras3':
      return one('HardSigmoid', { alpha: { float: 1 / 6 }, beta: { float: 0.5 } });
    case 'silu':
      return b.node('Mul', [x, one('Sigmoid')])[0]!;
    case 'hardSilu':
      return b.node('Mul', [x, one('HardSigmoid', { alpha: { float: 1 / 6 }, beta: { float: 0.5 } })])[0]!;
    case 'gelu': {
      const scaled = b.node('Mul', [x, scalarConst(b, Math.SQRT1_2)])[0]!;
      const erf = b.node('Erf', [scaled])[0]!;
      const onePlus = b.node('Add', [erf, scalarConst(b, 1)])[0]!;
      return b.node('Mul', [b.node('Mul', [x, scalarConst(b, 0.5)])[0]!, onePlus])[0]!;
    }
    case 'tanhShrink':
      return b.node('Sub', [x, one('Tanh')])[0]!;
    case 'softShrink':
      return one('Shrink', { lambd: { float: 0.5 }, bias: { float: 0.5 } });
    case 'logSigmoid':
      return b.node('Neg', [b.node('Softplus', [one('Neg')])[0]!])[0]!;
    case 'mish':
      return b.node('Mul', [x, b.node('Tanh', [one('Softplus')])[0]!])[0]!;
    case 'softmax':
      return one('Softmax', { axis: { int: -1 } });
    case 'logSoftmax':
      return one('LogSoftmax', { axis: { int: -1 } });
    default:
      throw new Error(`toOnnx: layer '${who}': activation '${name}' has no ONNX export`);
  }
}

/** An ONNX recurrent-op activation: its name and, for those with parameters, alpha and beta. */
export interface OnnxCellActivation {
  readonly name: string;
  readonly alpha?: number;
  readonly beta?: number;
}

/**
 * A cell activation as an entry of the RNN/LSTM/GRU `activations` attribute (operator docs: Relu, Tanh,
 * Sigmoid, Affine, HardSigmoid…). linear = Affine(1, 0); the hard sigmoids are HardSigmoid(α, 0.5).
 */
export function onnxCellActivation(name: ActivationName): OnnxCellActivation {
  switch (name) {
    case 'tanh':
      return { name: 'Tanh' };
    case 'sigmoid':
      return { name: 'Sigmoid' };
    case 'relu':
      return { name: 'Relu' };
    case 'linear':
      return { name: 'Affine', alpha: 1, beta: 0 };
    case 'hardSigmoidKeras2':
      return { name: 'HardSigmoid', alpha: 0.2, beta: 0.5 };
    case 'hardSigmoidKeras3':
      return { name: 'HardSigmoid', alpha: 1 / 6, beta: 0.5 };
  }
}
