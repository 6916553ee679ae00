import { describeEachBackend, expectClose, expectNoLeaks } from '@rnnkit/testkit';
import { clone, dispose, tensor1d, train, variable } from '@rnnkit/tensor';
import type { Optimizer as TfjsOptimizer, Tensor, Variable } from '@rnnkit/tensor';
import { exponentialDecay } from '../schedules';
import { adagrad, adam, adamw, rmsprop, sgd } from './index';
import type { Optimizer } from './index';

const W0 = [0.5, -1.5, 2];
/** A fixed gradient sequence, so float64 references need no model. */
const G = [
  [0.1, -0.2, 0.3],
  [0.4, 0.1, -0.5],
  [-0.3, 0.2, 0.05],
  [1.2, -0.7, 0.0],
  [0.02, 0.9, -1.1],
];

let counter = 0;
function param(): Variable {
  return variable(tensor1d(W0), true, `w${counter++}`);
}

/** Runs an rnnkit optimiser over G and returns the weights after each step. */
function run(opt: Optimizer, steps = G.length): number[][] {
  const w = param();
  const out: number[][] = [];
  for (let k = 0; k < steps; k++) {
    const g = tensor1d(G[k % G.length]!);
    opt.applyGradients({ w }, { w: g });
    g.dispose();
    out.push(Array.from(w.dataSync()));
  }
  w.dispose();
  opt.dispose();
  return out;
}

/** Same with a tfjs-core optimiser (keyed by the variable's registered name). */
function runTfjs(opt: TfjsOptimizer): number[][] {
  const w = param();
  const out: number[][] = [];
  for (const gk of G) {
    const g = tensor1d(gk);
    opt.applyGradients({ [w.name]: g });
    g.dispose();
    out.push(Array.from(w.dataSync()));
  }
  w.dispose();
  opt.dispose();
  return out;
}

/** Float64 reference: applies `step(w, g, t, state)` elementwise over G. */
function reference<S>(init: () => S, step: (w: number, g: number, t: number, s: S) => number): number[][] {
  const states = W0.map(init);
  const w = [...W0];
  const out: number[][] = [];
  G.forEach((gk, k) => {
    for (let i = 0; i < w.length; i++) w[i] = step(w[i]!, gk[i]!, k + 1, states[i]!);
    out.push([...w]);
  });
  return out;
}

function expectTrajectory(actual: number[][], expected: number[][], rtol: number, label: string): void {
  actual.forEach((row, k) => expectClose(row, expected[k]!, { rtol, atol: 1e-7 }, `${label} step ${k + 1}`));
}

describeEachBackend(['cpu', 'wasm'], 'optimisers', () => {
  it('SGD: w ← w − η·g, equal to tfjs-core train.sgd', () => {
    const expected = reference(() => ({}), (w, g) => w - 0.1 * g);
    expectTrajectory(run(sgd({ learningRate: 0.1 })), expected, 1e-6, 'sgd');
    expectTrajectory(run(sgd({ learningRate: 0.1 })), runTfjs(train.sgd(0.1)), 1e-6, 'sgd vs tfjs');
  });

  it('SGD with momentum and Nesterov (Keras form), equal to tfjs-core train.momentum at constant η', () => {
    const momentum = reference(() => ({ m: 0 }), (w, g, _t, s) => {
      s.m = 0.9 * s.m - 0.1 * g;
      return w + s.m;
    });
    expectTrajectory(run(sgd({ learningRate: 0.1, momentum: 0.9 })), momentum, 1e-6, 'momentum');
    expectTrajectory(run(sgd({ learningRate: 0.1, momentum: 0.9 })), runTfjs(train.momentum(0.1, 0.9)), 1e-5, 'vs tfjs');
    const nesterov = reference(() => ({ m: 0 }), (w, g, _t, s) => {
      s.m = 0.9 * s.m - 0.1 * g;
      return w + 0.9 * s.m - 0.1 * g;
    });
    expectTrajectory(run(sgd({ learningRate: 0.1, momentum: 0.9, nesterov: true })), nesterov, 1e-6, 'nesterov');
    const tfjsNesterov = runTfjs(train.momentum(0.1, 0.9, true));
    expectTrajectory(run(sgd({ learningRate: 0.1, momentum: 0.9, nesterov: true })), tfjsNesterov, 1e-5, 'nesterov vs tfjs');
  });

  it('Adam, Keras 3 form: α = η√(1−β2ᵗ)/(1−β1ᵗ), ε on the uncorrected √v', () => {
    const [b1, b2, eps, lr] = [0.9, 0.999, 1e-7, 0.01];
    const expected = reference(() => ({ m: 0, v: 0 }), (w, g, t, s) => {
      s.m += (g - s.m) * (1 - b1);
      s.v += (g * g - s.v) * (1 - b2);
      const alpha = (lr * Math.sqrt(1 - b2 ** t)) / (1 - b1 ** t);
      return w - (alpha * s.m) / (Math.sqrt(s.v) + eps);
    });
    expectTrajectory(run(adam({ learningRate: lr })), expected, 1e-6, 'adam keras');
  });

  it('Adam, paper form (PyTorch, tfjs): ε on √v̂, equal to tfjs-core train.adam', () => {
    const [b1, b2, eps, lr] = [0.9, 0.999, 1e-8, 0.01];
    const expected = reference(() => ({ m: 0, v: 0 }), (w, g, t, s) => {
      s.m = b1 * s.m + (1 - b1) * g;
      s.v = b2 * s.v + (1 - b2) * g * g;
      return w - (lr * (s.m / (1 - b1 ** t))) / (Math.sqrt(s.v / (1 - b2 ** t)) + eps);
    });
    expectTrajectory(run(adam({ learningRate: lr, variant: 'paper', epsilon: 1e-8 })), expected, 1e-6, 'adam paper');
    const tfjs = runTfjs(train.adam(lr, b1, b2, 1e-7));
    expectTrajectory(run(adam({ learningRate: lr, variant: 'paper' })), tfjs, 1e-5, 'adam vs tfjs');
  });

  it('the two Adam forms differ where ε matters (tiny gradients), as NUMERICS §2.6 says', () => {
    const w1 = variable(tensor1d([0]), true, `w${counter++}`);
    const w2 = variable(tensor1d([0]), true, `w${counter++}`);
    const g = tensor1d([1e-6]);
    const keras = adam({ learningRate: 1 });
    const paper = adam({ learningRate: 1, variant: 'paper' });
    keras.applyGradients({ w: w1 }, { w: g });
    paper.applyGradients({ w: w2 }, { w: g });
    // keras: α·m/(√v + ε) = (√0.001/0.1)·1e-7 / (√0.001·1e-6 + 1e-7) ≈ −0.24; paper: 1e-6/(1e-6 + 1e-7) ≈ −0.909
    expectClose(w1.dataSync()[0]!, -((Math.sqrt(0.001) / 0.1) * 1e-7) / (Math.sqrt(0.001) * 1e-6 + 1e-7), { rtol: 1e-4 }, 'keras');
    expectClose(w2.dataSync()[0]!, -1e-6 / (1e-6 + 1e-7), { rtol: 1e-4 }, 'paper');
    dispose([w1, w2, g]);
    keras.dispose();
    paper.dispose();
  });

  it('AdamW decays decoupled from the gradient: w ← w − w·λ·η, then Adam', () => {
    const [b1, b2, eps, lr, wd] = [0.9, 0.999, 1e-7, 0.01, 0.004];
    const expected = reference(() => ({ m: 0, v: 0 }), (w0, g, t, s) => {
      const w = w0 - w0 * wd * lr;
      s.m += (g - s.m) * (1 - b1);
      s.v += (g * g - s.v) * (1 - b2);
      const alpha = (lr * Math.sqrt(1 - b2 ** t)) / (1 - b1 ** t);
      return w - (alpha * s.m) / (Math.sqrt(s.v) + eps);
    });
    expectTrajectory(run(adamw({ learningRate: lr })), expected, 1e-6, 'adamw');
  });

  it('RMSprop (plain, momentum, centered) and Adagrad, equal to tfjs-core', () => {
    const [rho, eps, lr] = [0.9, 1e-7, 0.01];
    const plain = reference(() => ({ v: 0 }), (w, g, _t, s) => {
      s.v = rho * s.v + (1 - rho) * g * g;
      return w - (lr * g) / Math.sqrt(s.v + eps);
    });
    expectTrajectory(run(rmsprop({ learningRate: lr })), plain, 1e-6, 'rmsprop');
    expectTrajectory(run(rmsprop({ learningRate: lr })), runTfjs(train.rmsprop(lr, rho, 0, eps)), 1e-5, 'rmsprop vs tfjs');
    const centered = reference(() => ({ v: 0, a: 0, b: 0 }), (w, g, _t, s) => {
      s.v = rho * s.v + (1 - rho) * g * g;
      s.a = rho * s.a + (1 - rho) * g;
      s.b = 0.5 * s.b + (lr * g) / Math.sqrt(s.v - s.a * s.a + eps);
      return w - s.b;
    });
    expectTrajectory(run(rmsprop({ learningRate: lr, momentum: 0.5, centered: true })), centered, 1e-5, 'centered+momentum');
    // tfjs-core 4.22's centered RMSprop computes √(v − (a² + ε)), subtracting ε; we follow Keras (+ε),
    // so only the uncentered form with momentum is compared with tfjs
    const tfjsMomentum = runTfjs(train.rmsprop(lr, rho, 0.5, eps));
    expectTrajectory(run(rmsprop({ learningRate: lr, momentum: 0.5 })), tfjsMomentum, 1e-5, 'momentum vs tfjs');
    const ada = reference(() => ({ s: 0.1 }), (w, g, _t, s) => {
      s.s += g * g;
      return w - (lr * g) / Math.sqrt(s.s + eps);
    });
    expectTrajectory(run(adagrad({ learningRate: lr })), ada, 1e-6, 'adagrad');
    expectTrajectory(run(adagrad({ learningRate: lr })), runTfjs(train.adagrad(lr, 0.1)), 1e-5, 'adagrad vs tfjs');
  });

  it('follows a learning-rate schedule of the step count, and a scale (reduce on plateau)', () => {
    const schedule = exponentialDecay({ initialLearningRate: 0.1, decaySteps: 1, decayRate: 0.5 });
    const opt = sgd({ learningRate: schedule });
    expect(opt.learningRate()).toBeCloseTo(0.1, 12);
    const expected = reference(() => ({}), (w, g, t) => w - 0.1 * 0.5 ** (t - 1) * g);
    expectTrajectory(run(opt), expected, 1e-6, 'scheduled');
    const scaled = sgd({ learningRate: 0.1 });
    scaled.scaleLearningRate(0.5);
    expect(scaled.learningRate()).toBeCloseTo(0.05, 12);
    expectTrajectory(run(scaled), reference(() => ({}), (w, g) => w - 0.05 * g), 1e-6, 'scaled');
  });

  it('exports and restores its state exactly: a restored run is bit-identical to an uninterrupted one', () => {
    const makers: Array<() => Optimizer> = [
      () => sgd({ learningRate: 0.05, momentum: 0.9, nesterov: true }),
      () => adam({ learningRate: 0.01 }),
      () => adamw({ learningRate: 0.01, variant: 'paper' }),
      () => rmsprop({ learningRate: 0.01, momentum: 0.3, centered: true }),
      () => adagrad({ learningRate: 0.1 }),
    ];
    for (const make of makers) {
      const straight = run(make(), 10);
      const w = param();
      let opt = make();
      const out: number[][] = [];
      for (let k = 0; k < 10; k++) {
        if (k === 4) {
          const state = opt.getState();
          opt.dispose();
          opt = make();
          opt.setState(state);
          for (const slots of Object.values(state.slots)) dispose(Object.values(slots));
        }
        const g = tensor1d(G[k % G.length]!);
        opt.applyGradients({ w }, { w: g });
        g.dispose();
        out.push(Array.from(w.dataSync()));
      }
      expect(opt.iterations).toBe(10);
      expect(out).toEqual(straight);
      w.dispose();
      opt.dispose();
    }
  });

  it('why we keep our own state: tfjs-core Adam restored through setWeights drifts from an uninterrupted run', async () => {
    // tfjs rebuilds its β-power accumulators with pow() on restore, while running them as products
    const straight = runTfjs(train.adam(0.01));
    const w = param();
    let opt: TfjsOptimizer = train.adam(0.01);
    let last: number[] = [];
    for (let k = 0; k < G.length; k++) {
      if (k === 2) {
        const weights = await opt.getWeights();
        const restored = train.adam(0.01);
        await restored.setWeights(weights.map((nw) => ({ name: nw.name, tensor: clone(nw.tensor) })));
        opt = restored;
      }
      const g = tensor1d(G[k]!);
      opt.applyGradients({ [w.name]: g });
      g.dispose();
      last = Array.from(w.dataSync());
    }
    expectClose(last, straight[G.length - 1]!, { rtol: 1e-5 }, 'close');
    expect(last).not.toEqual(straight[G.length - 1]);
    w.dispose();
  });

  it('checks its options and the gradients it gets', () => {
    expect(() => sgd({ momentum: 1.5 })).toThrow(/sgd: momentum must be in \[0, 1\], got 1.5/);
    expect(() => adam({ beta1: 1 })).toThrow(/adam: beta1 must be in \[0, 1\), got 1/);
    expect(() => adam({ learningRate: -1 })).toThrow(/learningRate must be ≥ 0, got -1/);
    const w = param();
    const g = tensor1d([1, 2, 3]);
    const opt = adam();
    expect(() => opt.applyGradients({ w }, { v: g })).toThrow(/gradient for "v", which is not among the params/);
    const state = opt.getState();
    expect(() => sgd().setState(state)).toThrow(/the state belongs to a adam optimiser/);
    dispose([w, g]);
    opt.dispose();
  });

  it('leaves no tensors behind', async () => {
    const w = param();
    const g = tensor1d([0.1, 0.2, 0.3]);
    const opts: Optimizer[] = [sgd({ momentum: 0.9 }), adam(), adamw(), rmsprop({ centered: true, momentum: 0.2 }), adagrad()];
    await expectNoLeaks(() => {
      for (const opt of opts) opt.applyGradients({ w }, { w: g as Tensor });
    }, 3, 'optimiser steps');
    opts.forEach((o) => o.dispose());
    dispose([w, g]);
  });
});
