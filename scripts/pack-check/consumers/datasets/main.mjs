import { padSequences } from '@rnnkit/datasets';
const padded = padSequences([[1, 2, 3], [4]], { maxlen: 2 });
console.log('datasets (esm): padSequences ->', Array.from(padded.data).join(','));
