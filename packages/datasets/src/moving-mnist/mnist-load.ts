/**
 * Node loader of the MNIST test set from the project's shared/data/mnist (idx files, gzipped).
 */
import { node, readFileBytes } from '../node/builtins';
import { mnistFromIdx } from './idx';
import type { MnistDigits } from './idx';

/** File names of MNIST's test images and labels (gzipped idx). */
export const MNIST_TEST_FILES = { images: 't10k-images-idx3-ubyte.gz', labels: 't10k-labels-idx1-ubyte.gz' } as const;

/**
 * The 10,000 MNIST test digits from `dataDir` (default `$RNNKIT_DATA_DIR/mnist`).
 *
 * @example const digits = loadMnistTest({ dataDir: '../shared/data/mnist' }); // digits.count === 10000
 */
export function loadMnistTest(options: { readonly dataDir?: string } = {}): MnistDigits {
  const { fs, path } = node();
  const root = process.env['RNNKIT_DATA_DIR'];
  const dir = options.dataDir ?? (root ? path.join(root, 'mnist') : undefined);
  if (dir === undefined) throw new Error('MNIST not found: pass { dataDir } (a folder with t10k-*-ubyte.gz, e.g. shared/data/mnist) or set RNNKIT_DATA_DIR');
  const files = [MNIST_TEST_FILES.images, MNIST_TEST_FILES.labels].map((name) => path.join(dir, name));
  for (const file of files) if (!fs.existsSync(file)) throw new Error(`loadMnistTest: ${file} does not exist`);
  return mnistFromIdx(readFileBytes(files[0]!), readFileBytes(files[1]!), dir);
}
