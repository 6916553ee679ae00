import { assertDtype, assertIndicesInRange, assertRank, assertShape, assertTensor, initBackend, tensor, zerosTensor } from './index';
import type { Tensor } from './index';

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
});

describe('assertions', () => {
  let x: Tensor;
  beforeAll(() => {
    x = zerosTensor([4, 10, 16]);
  });
  afterAll(() => x.dispose());

  it('accept matching shapes, with named or unknown dimensions', () => {
    expect(() => assertShape(x, ['B', 'T', 16], 'inputs')).not.toThrow();
    expect(() => assertShape(x, [null, 10, null], 'inputs')).not.toThrow();
  });

  it('name the argument, the expected and the given shape', () => {
    expect(() => assertShape(x, ['B', 'T', 8], 'lstm: inputs')).toThrow('lstm: inputs must have shape [B, T, 8], got [4, 10, 16]');
    expect(() => assertRank(x, 2, 'dense: inputs')).toThrow('dense: inputs must have rank 2, got rank 3 (shape [4, 10, 16])');
    expect(() => assertDtype(x, 'int32', 'ids')).toThrow('ids must have dtype int32, got float32');
    expect(() => assertTensor([1, 2], 'mask')).toThrow('mask must be a Tensor, got object');
  });

  it('find ids out of range', () => {
    const ids = tensor([0, 3, 10], [3], 'int32');
    expect(() => assertIndicesInRange(ids, 10, 'embedding: ids')).toThrow('embedding: ids must hold ids in [0, 10), got 10 at flat index 2');
    expect(() => assertIndicesInRange(ids, 11, 'embedding: ids')).not.toThrow();
    ids.dispose();
  });
});
