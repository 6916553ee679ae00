const { padSequences } = require('@rnnkit/datasets');
const padded = padSequences([[1, 2, 3], [4]], { maxlen: 2 });
console.log('datasets (cjs): padSequences ->', Array.from(padded.data).join(','));
