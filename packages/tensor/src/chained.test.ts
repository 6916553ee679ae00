import { cast, grad, initBackend, scalar, sum, tensor1d, train, variable } from './index';
import type { Scalar, Tensor } from './index';

describe.each(['cpu', 'wasm'] as const)('chained tensor methods and tfjs optimisers [%s]', (backend) => {
  beforeAll(async () => {
    await initBackend({ backend });
  });

  it('clone, square and other chained methods work on every tensor', () => {
    const x = tensor1d([1, 2, 3]);
    expect(Array.from(x.clone().dataSync())).toEqual([1, 2, 3]);
    expect(Array.from(x.square().dataSync())).toEqual([1, 4, 9]);
  });

  it('differentiates through Cast (its gradient clones) and runs train.adam().minimize', () => {
    const dx = grad((x: Tensor) => sum(cast(cast(x, 'int32'), 'float32')))(tensor1d([1.5, 2]));
    expect(Array.from(dx.dataSync())).toEqual([1, 1]);
    const w = variable(scalar(3));
    train.adam(0.1).minimize(() => w.square() as Scalar);
    expect(w.dataSync()[0]).toBeLessThan(3);
  });
});
