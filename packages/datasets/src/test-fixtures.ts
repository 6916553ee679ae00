/** Paths of the committed fixtures and of the optional shared data folder (tests only). */
import { join, resolve } from 'node:path';

export const FIXTURES = resolve(__dirname, '..', 'fixtures');
export const fixture = (...parts: string[]): string => join(FIXTURES, ...parts);

export { SHARED_DATA, describeWithSharedData } from '@rnnkit/testkit';
