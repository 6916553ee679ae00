/**
 * Node loaders for IMDB. Where the data comes from, in order:
 *   1. a local folder: `options.dataDir`, else `$RNNKIT_IMDB_DIR` — the shared copy's files
 *      (`keras_imdb_train.jsonl.gz`, `keras_imdb_test.jsonl.gz`, `imdb_word_index.json`) or
 *      Keras' own `imdb.npz`;
 *   2. Keras' canonical files, downloaded once into the cache folder (sha256 checked).
 */
import { DataFileError } from '../errors';
import { applyKerasImdbOptions, type ImdbData, type ImdbOptions } from '../imdb/imdb-keras';
import { imdbFromNpz, imdbFromSharedJsonl } from '../imdb/imdb-sources';
import { parseWordIndex, type WordIndex } from '../imdb/word-index';
import { node, readFileBytes } from './builtins';
import { cachedFile, defaultCacheDir, sha256File, type DownloadProgress } from './download';

/** Keras' download folder and the sha256 of its two IMDB files. */
export const KERAS_IMDB_FILES = {
  origin: 'https://storage.googleapis.com/tensorflow/tf-keras-datasets/',
  npz: { name: 'imdb.npz', sha256: '69664113be75683a8fe16e3ed0ab59fda8886cb3cd7ada244f7d9544e4676b9f' },
  wordIndex: { name: 'imdb_word_index.json', sha256: '027313fe9a320280f3bf0fac5baf58c4a683cf39a7ed9c3d3d3912bde4284cf6' },
} as const;

/** Reviews in each split of IMDB (Maas et al. 2011; Keras' `imdb.npz` and the shared copy alike). */
export const IMDB_COUNTS = { train: 25_000, test: 25_000 } as const;

const SHARED_TRAIN = 'keras_imdb_train.jsonl.gz';
const SHARED_TEST = 'keras_imdb_test.jsonl.gz';

/** Where the IMDB files come from: a local folder first, else the download cache. */
export interface ImdbSourceOptions {
  /** Folder with the shared copy's files or `imdb.npz`. Default `$RNNKIT_IMDB_DIR`. */
  readonly dataDir?: string;
  /** Download cache. Default `defaultCacheDir()` (`~/.cache/rnnkit`). */
  readonly cacheDir?: string;
  /** Download when no local copy is found. Default true. */
  readonly download?: boolean;
  /** Base URL of the Keras files. Default Keras' storage bucket. */
  readonly origin?: string;
  /** Called as bytes arrive while downloading. */
  readonly onProgress?: (progress: DownloadProgress) => void;
  readonly timeoutMs?: number;
  /** Expected sha256 of downloaded files, for a mirror with other bytes. Default: Keras' files. */
  readonly checksums?: { readonly npz?: string; readonly wordIndex?: string };
}

/** Options of {@link loadImdb}: Keras' `load_data` options, where the files come from and how many reviews they hold. */
export interface LoadImdbOptions extends ImdbOptions, ImdbSourceOptions {
  /**
   * Reviews each split must hold; a copy with another count is refused (truncated, or not IMDB).
   * Default {@link IMDB_COUNTS}, 25,000 and 25,000; `null` accepts any count (a subset in the same format).
   */
  readonly expectedCounts?: { readonly train: number; readonly test: number } | null;
}

/**
 * IMDB reviews and labels exactly as Keras' `imdb.load_data(num_words, skip_top, maxlen, seed,
 * start_char, oov_char, index_from)` returns them; see `applyKerasImdbOptions` for the rules
 * (notably: `maxlen` drops reviews with length ≥ maxlen instead of truncating them).
 *
 * @example
 * const { train, test } = await loadImdb({ numWords: 10000 });
 * const x = padSequences(train.sequences, { maxlen: 200 }); // [25000, 200]
 */
export async function loadImdb(options: LoadImdbOptions = {}): Promise<ImdbData> {
  const { data, files } = await loadRawImdb(options);
  const expected = options.expectedCounts === undefined ? IMDB_COUNTS : options.expectedCounts;
  if (expected !== null) {
    for (const split of ['train', 'test'] as const) {
      const found = data[split].sequences.length;
      if (found !== expected[split]) {
        const what = expected === IMDB_COUNTS ? `IMDB's ${split} split has` : 'expectedCounts says';
        throw new DataFileError(files[split], `holds ${count(found)} ${split} reviews, ${what} ${count(expected[split])} (a truncated or partial copy?)`);
      }
    }
  }
  return applyKerasImdbOptions(data, options);
}

/** The word index: word → frequency rank (1 = "the"), the same map as Keras' `get_word_index()`. */
export async function loadImdbWordIndex(options: ImdbSourceOptions = {}): Promise<WordIndex> {
  const { fs, path } = node();
  const dir = localDir(options);
  if (dir !== undefined) {
    const file = path.join(dir, KERAS_IMDB_FILES.wordIndex.name);
    if (!fs.existsSync(file)) throw new Error(missingLocal(dir, [KERAS_IMDB_FILES.wordIndex.name]));
    return parseWordIndex(fs.readFileSync(file, 'utf8'), file);
  }
  const file = await fromCache({ ...KERAS_IMDB_FILES.wordIndex, sha256: options.checksums?.wordIndex ?? KERAS_IMDB_FILES.wordIndex.sha256 }, options);
  return parseWordIndex(fs.readFileSync(file, 'utf8'), file);
}

/** The raw reviews and the file each split came from (the same `imdb.npz` for both, or the two shared files). */
async function loadRawImdb(options: ImdbSourceOptions): Promise<{ data: ImdbData; files: { train: string; test: string } }> {
  const { fs, path } = node();
  const dir = localDir(options);
  if (dir !== undefined) {
    const train = path.join(dir, SHARED_TRAIN);
    const test = path.join(dir, SHARED_TEST);
    if (fs.existsSync(train) && fs.existsSync(test)) {
      return { data: imdbFromSharedJsonl(readFileBytes(train), readFileBytes(test), { train, test }), files: { train, test } };
    }
    const npz = path.join(dir, KERAS_IMDB_FILES.npz.name);
    if (fs.existsSync(npz)) return { data: imdbFromNpz(readFileBytes(npz), npz), files: { train: npz, test: npz } };
    throw new Error(missingLocal(dir, [`${SHARED_TRAIN} and ${SHARED_TEST}`, KERAS_IMDB_FILES.npz.name]));
  }
  const npz = await fromCache({ ...KERAS_IMDB_FILES.npz, sha256: options.checksums?.npz ?? KERAS_IMDB_FILES.npz.sha256 }, options);
  return { data: imdbFromNpz(readFileBytes(npz), npz), files: { train: npz, test: npz } };
}

/** `25,000` */
function count(n: number): string {
  return n.toLocaleString('en-US');
}

function localDir(options: ImdbSourceOptions): string | undefined {
  return options.dataDir ?? (process.env['RNNKIT_IMDB_DIR'] || undefined);
}

function missingLocal(dir: string, wanted: string[]): string {
  return `IMDB: the folder ${dir} (from dataDir or RNNKIT_IMDB_DIR) does not hold ${wanted.join(', or ')}`;
}

async function fromCache(entry: { readonly name: string; readonly sha256: string }, options: ImdbSourceOptions): Promise<string> {
  const { path } = node();
  const cacheDir = options.cacheDir ?? defaultCacheDir();
  const cached = path.join(cacheDir, entry.name);
  const url = (options.origin ?? KERAS_IMDB_FILES.origin) + entry.name;
  const howTo =
    `To provide the data: pass { dataDir } or set RNNKIT_IMDB_DIR to a folder holding ${SHARED_TRAIN}, ` +
    `${SHARED_TEST} and imdb_word_index.json (e.g. the project's shared/data/imdb), or put Keras' ${entry.name} ` +
    `(sha256 ${entry.sha256}) at ${cached}.`;
  if (options.download === false) {
    if (node().fs.existsSync(cached) && sha256File(cached) === entry.sha256) return cached;
    throw new Error(`IMDB data not found: no dataDir, RNNKIT_IMDB_DIR is unset, no valid ${cached}, and downloads are off. ${howTo}`);
  }
  try {
    return await cachedFile({
      url,
      fileName: entry.name,
      sha256: entry.sha256,
      cacheDir,
      ...(options.onProgress === undefined ? {} : { onProgress: options.onProgress }),
      ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
    });
  } catch (e) {
    throw new Error(`IMDB data not found locally and the download failed (${(e as Error).message}). ${howTo}`);
  }
}
