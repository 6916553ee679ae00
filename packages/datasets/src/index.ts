/** Public API of @rnnkit/datasets: explicit named exports only. */
export { padSequences } from './pad-sequences';
export type { PadSequencesOptions, Padded, PadSide, PadDtype } from './pad-sequences';
export { DataFileError } from './errors';
