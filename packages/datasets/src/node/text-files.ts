/**
 * Node loaders for the text-like corpora. A local folder comes first (`options.dataDir`, else
 * `$RNNKIT_DATA_DIR/<dataset>` laid out as the project's shared/data); tiny-shakespeare can
 * also be downloaded once from char-rnn's repository (sha256 checked).
 */
import { DataFileError } from '../errors';
import { node, readFileBytes } from './builtins';
import { cachedFile, type DownloadProgress } from './download';

/** char-rnn's tiny-shakespeare `input.txt`: its URL, file name and sha256. */
export const TINY_SHAKESPEARE_FILE = {
  url: 'https://raw.githubusercontent.com/karpathy/char-rnn/master/data/tinyshakespeare/input.txt',
  name: 'tiny-shakespeare.txt',
  sha256: '86c4e6aa9db7c042ec79f339dcb96d42b0075e16b8fc2e86bf0ca57e2dc565ed',
} as const;

/** A local folder holding the data set's files (read before anything is downloaded). */
export interface LocalDataOptions {
  /** Folder holding the dataset's files. Default `$RNNKIT_DATA_DIR/<dataset folder>`. */
  readonly dataDir?: string;
}

/** The file `name` of dataset folder `sub`, or undefined when no local folder is configured. */
export function localDataFile(sub: string, name: string, options: LocalDataOptions): string | undefined {
  const { path } = node();
  if (options.dataDir !== undefined) return path.join(options.dataDir, name);
  const root = process.env['RNNKIT_DATA_DIR'];
  return root ? path.join(root, sub, name) : undefined;
}

/** Reads a UTF-8 text file; invalid UTF-8 is an error naming the file. */
export function readTextFile(file: string): string {
  const bytes = readFileBytes(file);
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new DataFileError(file, 'not valid UTF-8 text');
  }
}

/** Options of {@link loadTinyShakespeare}: a local folder, the download cache and a progress callback. */
export interface TinyShakespeareOptions extends LocalDataOptions {
  readonly cacheDir?: string;
  /** Download when no local copy is found. Default true. */
  readonly download?: boolean;
  readonly url?: string;
  /** Called as bytes arrive while downloading. */
  readonly onProgress?: (progress: DownloadProgress) => void;
}

/**
 * Karpathy's tiny-shakespeare (1,115,394 characters) as one string. A local copy must be that file
 * byte for byte (its SHA-256 is checked, as for a download).
 */
export async function loadTinyShakespeare(options: TinyShakespeareOptions = {}): Promise<string> {
  const { fs } = node();
  const local = localDataFile('tiny-shakespeare', 'input.txt', options);
  if (local !== undefined) {
    if (!fs.existsSync(local)) throw new Error(`tiny-shakespeare: ${local} does not exist (from dataDir or RNNKIT_DATA_DIR)`);
    const bytes = readFileBytes(local);
    const sha256 = node().crypto.createHash('sha256').update(bytes).digest('hex');
    if (sha256 !== TINY_SHAKESPEARE_FILE.sha256) {
      throw new DataFileError(
        local,
        `has SHA-256 ${sha256} and ${bytes.length.toLocaleString('en-US')} bytes; char-rnn's tiny-shakespeare has SHA-256 ${TINY_SHAKESPEARE_FILE.sha256} and 1,115,394 bytes (a truncated or different copy?)`,
      );
    }
    return new TextDecoder().decode(bytes); // the known file: plain ASCII
  }
  if (options.download === false) {
    throw new Error('tiny-shakespeare not found: pass { dataDir } (a folder with input.txt) or set RNNKIT_DATA_DIR to a folder with tiny-shakespeare/input.txt');
  }
  const file = await cachedFile({
    url: options.url ?? TINY_SHAKESPEARE_FILE.url,
    fileName: TINY_SHAKESPEARE_FILE.name,
    sha256: TINY_SHAKESPEARE_FILE.sha256,
    ...(options.cacheDir === undefined ? {} : { cacheDir: options.cacheDir }),
    ...(options.onProgress === undefined ? {} : { onProgress: options.onProgress }),
  });
  return readTextFile(file);
}
