/**
 * Where a Keras file comes from: a path (Node), a `File` or `Blob` (browsers, Node 20), an
 * `ArrayBuffer` or a `Uint8Array`. Node's `fs` is imported only for a path.
 */

/** A Keras file's bytes: a path (Node), a `File`/`Blob`, an `ArrayBuffer` or a `Uint8Array`. */
export type KerasSource = string | Blob | ArrayBuffer | Uint8Array;

/** The bytes of a source and the name its errors use (the path, the File's name, or a description). */
export async function readSource(source: KerasSource, who: string): Promise<{ bytes: Uint8Array; name: string }> {
  if (typeof source === 'string') {
    const { readFile } = await import('node:fs/promises');
    try {
      const data = await readFile(source);
      return { bytes: new Uint8Array(data.buffer, data.byteOffset, data.byteLength), name: source };
    } catch (e) {
      throw new Error(`${who}: cannot read '${source}' (${(e as Error).message})`);
    }
  }
  if (source instanceof Uint8Array) return { bytes: source, name: `a Uint8Array of ${source.byteLength} bytes` };
  if (source instanceof ArrayBuffer) return { bytes: new Uint8Array(source), name: `an ArrayBuffer of ${source.byteLength} bytes` };
  if (typeof Blob !== 'undefined' && source instanceof Blob) {
    const name = typeof (source as { name?: unknown }).name === 'string' ? (source as File).name : `a Blob of ${source.size} bytes`;
    return { bytes: new Uint8Array(await source.arrayBuffer()), name };
  }
  throw new Error(`${who}: the source must be a path, a File or Blob, an ArrayBuffer or a Uint8Array, got ${Object.prototype.toString.call(source)}`);
}
