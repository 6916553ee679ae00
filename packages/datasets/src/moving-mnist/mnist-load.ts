/**
 * Node loader of the MNIST test set from the project's shared/data/mnist (idx files, gzipped).
 */
import { DataFileError } from '../errors';
import { gunzipChecked } from '../gzip';
import { node, readFileBytes } from '../node/builtins';
import { mnistFromIdx, parseIdx } from './idx';
import type { MnistDigits } from './idx';

/** File names of MNIST's test images and labels (gzipped idx). */
export const MNIST_TEST_FILES = { images: 't10k-images-idx3-ubyte.gz', labels: 't10k-labels-idx1-ubyte.gz' } as const;

/**
 * SHA-256 of the unpacked idx files of MNIST's test set (shared/data/mnist/README.md; their MD5s are
 * the canonical ones loaders check). The `.gz` wrappers vary between copies; their content does not.
 */
const MNIST_TEST_SHA256 = {
  images: '0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7',
  labels: 'ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2',
} as const;

/** Digits in MNIST's test set. */
const MNIST_TEST_COUNT = 10_000;

/**
 * The 10,000 MNIST test digits from `dataDir` (default `$RNNKIT_DATA_DIR/mnist`). Each file's gzip
 * trailer, shape (10,000 × 28 × 28 images, 10,000 labels) and SHA-256 are checked; errors name the file.
 *
 * @example const digits = loadMnistTest({ dataDir: '../shared/data/mnist' }); // digits.count === 10000
 */
export function loadMnistTest(options: { readonly dataDir?: string } = {}): MnistDigits {
  const { fs, path } = node();
  const root = process.env['RNNKIT_DATA_DIR'];
  const dir = options.dataDir ?? (root ? path.join(root, 'mnist') : undefined);
  if (dir === undefined) throw new Error('MNIST not found: pass { dataDir } (a folder with t10k-*-ubyte.gz, e.g. shared/data/mnist) or set RNNKIT_DATA_DIR');
  const read = (kind: 'images' | 'labels', shape: readonly number[]): Uint8Array => {
    const file = path.join(dir, MNIST_TEST_FILES[kind]);
    if (!fs.existsSync(file)) throw new Error(`loadMnistTest: ${file} does not exist`);
    const raw = gunzipChecked(readFileBytes(file), file);
    const found = parseIdx(raw, file).shape;
    if (found.length !== shape.length || found.some((d, i) => d !== shape[i])) {
      throw new DataFileError(file, `holds ${kind} of shape [${found.join(', ')}], MNIST's test set has [${shape.join(', ')}] (a truncated or different copy?)`);
    }
    const sha256 = node().crypto.createHash('sha256').update(raw).digest('hex');
    if (sha256 !== MNIST_TEST_SHA256[kind]) {
      throw new DataFileError(file, `unpacks to SHA-256 ${sha256}, MNIST's test ${kind} have ${MNIST_TEST_SHA256[kind]} (the copy is damaged or not MNIST)`);
    }
    return raw;
  };
  const images = read('images', [MNIST_TEST_COUNT, 28, 28]);
  const labels = read('labels', [MNIST_TEST_COUNT]);
  return mnistFromIdx(images, labels, dir);
}
