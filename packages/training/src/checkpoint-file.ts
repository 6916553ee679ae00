/**
 * Node-only: checkpoints in a directory, replaced atomically. This is the one file of the package
 * that touches the file system; it reaches `node:fs` through `process.getBuiltinModule` at call
 * time, so bundles for the browser never see an import of it.
 *
 * Write protocol: write `checkpoint.rnnkit.tmp`, fsync it, rename it over `checkpoint.rnnkit`
 * (atomic on POSIX file systems), fsync the directory. A crash at any point leaves either the old
 * or the new checkpoint complete.
 */
import type { CheckpointStore } from './checkpoint';

type Fs = typeof import('node:fs');
type Path = typeof import('node:path');

/** File name of the checkpoint inside its directory. */
export const CHECKPOINT_FILE = 'checkpoint.rnnkit';

function node(): { fs: Fs; path: Path } {
  const processLike = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  const load = processLike?.getBuiltinModule;
  if (load === undefined) throw new Error('fileCheckpointStore: needs Node ≥ 20.16 (process.getBuiltinModule); in a browser pass a CheckpointStore');
  return { fs: load('node:fs') as Fs, path: load('node:path') as Path };
}

/** A {@link CheckpointStore} in directory `dir` (created when missing). */
export function fileCheckpointStore(dir: string): CheckpointStore & { readonly file: string } {
  const { fs, path } = node();
  const file = path.join(dir, CHECKPOINT_FILE);
  return {
    file,
    name: file,
    async save(bytes) {
      fs.mkdirSync(dir, { recursive: true });
      const temporary = `${file}.tmp`;
      const fd = fs.openSync(temporary, 'w');
      try {
        let written = 0;
        while (written < bytes.byteLength) written += fs.writeSync(fd, bytes, written, bytes.byteLength - written);
        fs.fsyncSync(fd);
      } finally {
        fs.closeSync(fd);
      }
      fs.renameSync(temporary, file);
      const dirFd = fs.openSync(dir, 'r');
      try {
        fs.fsyncSync(dirFd);
      } finally {
        fs.closeSync(dirFd);
      }
    },
    async load() {
      if (!fs.existsSync(file)) return null;
      return new Uint8Array(fs.readFileSync(file));
    },
  };
}
