import { padSequences } from '@rnnkit/datasets';
const padded = padSequences([[1, 2, 3], [4]], { maxlen: 2 });
const first: number = padded.data[0] ?? 0;
console.log(first, padded.shape);
