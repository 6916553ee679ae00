/**
 * The `.keras` archive (Keras 3): a zip holding `metadata.json`, `config.json` and
 * `model.weights.h5`, stored uncompressed as Keras writes it. Zip through fflate.
 */
import { unzipSync, zipSync } from 'fflate';
import { crc32 } from '@rnnkit/tensor';
import { KerasFileError } from './hdf5';
import { zipDirectory } from './zip-directory';

/** The zip signature of a local file header, first in every zip Keras writes. */
export function isZip(bytes: Uint8Array): boolean {
  return bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04;
}

/** The three members of a `.keras` archive, parsed and checked. */
export interface KerasArchive {
  readonly config: unknown;
  readonly metadata: Readonly<Record<string, unknown>>;
  readonly weights: Uint8Array;
}

function json(bytes: Uint8Array | undefined, member: string, who: string): unknown {
  if (bytes === undefined) throw new KerasFileError(`${who}: the archive has no '${member}' (a .keras file holds config.json, metadata.json and model.weights.h5)`);
  try {
    return JSON.parse(new TextDecoder().decode(bytes));
  } catch (e) {
    throw new KerasFileError(`${who}: '${member}' is not valid JSON (${(e as Error).message})`);
  }
}

/** Each member must be as long as the central directory says and have its CRC-32. */
function checkMembers(bytes: Uint8Array, members: Readonly<Record<string, Uint8Array>>, who: string): void {
  let directory;
  try {
    directory = zipDirectory(bytes);
  } catch (e) {
    throw new KerasFileError(`${who}: not a readable zip archive (${(e as Error).message}); the file is truncated or corrupt`);
  }
  for (const [name, data] of Object.entries(members)) {
    const entry = directory.get(name);
    if (entry === undefined) throw new KerasFileError(`${who}: member '${name}' is missing from the zip's central directory; the file is corrupt`);
    if (entry.size !== data.length) throw new KerasFileError(`${who}: member '${name}' unpacks to ${data.length} bytes, the zip records ${entry.size}; the file is truncated or corrupt`);
    const actual = crc32(data);
    if (actual !== entry.crc) {
      const hex = (n: number): string => n.toString(16).padStart(8, '0');
      throw new KerasFileError(`${who}: member '${name}' is damaged: its CRC-32 is ${hex(actual)}, the zip records ${hex(entry.crc)}`);
    }
  }
}

/** Reads a `.keras` archive; throws, naming the member, for a corrupt zip, a damaged member (CRC-32) or a missing or unreadable member. */
export function readKerasArchive(bytes: Uint8Array, who: string): KerasArchive {
  let members: Record<string, Uint8Array>;
  try {
    members = unzipSync(bytes, { filter: (f) => ['config.json', 'metadata.json', 'model.weights.h5', 'model.weights.npz'].includes(f.name) });
  } catch (e) {
    throw new KerasFileError(`${who}: not a readable zip archive (${(e as Error).message}); the file is truncated or corrupt`);
  }
  checkMembers(bytes, members, who);
  const config = json(members['config.json'], 'config.json', who);
  const metadata = json(members['metadata.json'], 'metadata.json', who);
  const weights = members['model.weights.h5'];
  if (weights === undefined) {
    const npz = members['model.weights.npz'] !== undefined;
    throw new KerasFileError(`${who}: the archive has no 'model.weights.h5'${npz ? " (its weights are in 'model.weights.npz', Keras' npz format, which is not supported)" : ''}`);
  }
  if (typeof metadata !== 'object' || metadata === null) throw new KerasFileError(`${who}: 'metadata.json' is not a JSON object`);
  return { config, metadata: metadata as Record<string, unknown>, weights };
}

/** A `.keras` archive from its members, in Keras' order, stored uncompressed. */
export function writeKerasArchive(config: unknown, metadata: unknown, weights: Uint8Array): Uint8Array {
  const text = (value: unknown): Uint8Array => new TextEncoder().encode(JSON.stringify(value));
  return zipSync({ 'metadata.json': [text(metadata), { level: 0 }], 'config.json': [text(config), { level: 0 }], 'model.weights.h5': [weights, { level: 0 }] });
}
