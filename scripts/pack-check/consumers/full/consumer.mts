import { initBackend, tensor } from '@rnnkit/tensor';
import type { Tensor } from '@rnnkit/tensor';
import { dense, embedding, sequential } from '@rnnkit/models';
import type { Model } from '@rnnkit/models';
import { padSequences } from '@rnnkit/datasets';
import { binaryCrossentropy } from '@rnnkit/training';

await initBackend({ backend: 'cpu' });
const ids = padSequences([[1, 2, 3]], { maxlen: 3 });
const model: Model = sequential([embedding({ inputDim: 10, outputDim: 4 }), dense({ units: 1, activation: 'sigmoid' })], { seed: 1 });
const y: Tensor = model.apply(tensor(ids.data, [...ids.shape], 'int32'), { training: false });
console.log(y.shape, typeof binaryCrossentropy);
