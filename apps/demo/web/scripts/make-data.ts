/**
 * Writes the page's data into web/public from the shared offline copies, through @rnnkit/datasets:
 *
 *   imdb-slice.bin    the first TRAIN train and TEST test reviews of Keras' imdb.load_data(num_words=5000),
 *                     pre-truncated to maxlen 100 as pad_sequences does (see ../src/imdb-slice.ts)
 *   imdb-words.json   the words of ranks 1 … numWords − 4 (id = rank + 3), to encode what a user types
 *   shakespeare.txt   the first ~200,000 characters of tiny-shakespeare, cut at a line end
 *
 * Run: pnpm --filter @rnnkit/demo make:web-data  (finds ../shared/data, or $RNNKIT_SHARED_DATA)
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadImdb, loadImdbWordIndex } from '@rnnkit/datasets';
import { encodeImdbSlice } from '../src/imdb-slice';

export const SLICE = { numWords: 5000, maxlen: 100, train: 2000, test: 500, shakespeareChars: 200_000 } as const;

function sharedData(from: string): string {
  const env = process.env['RNNKIT_SHARED_DATA'];
  if (env !== undefined && env !== '') return env;
  for (let dir = resolve(from); ; dir = dirname(dir)) {
    const candidate = join(dir, 'shared', 'data');
    if (existsSync(join(candidate, 'imdb'))) return candidate;
    if (dirname(dir) === dir) throw new Error(`make-data: no shared/data folder above ${from}; set RNNKIT_SHARED_DATA`);
  }
}

/** Keras pad_sequences' truncating='pre': keep the last `maxlen` ids. */
function truncatePre(ids: Int32Array, maxlen: number): Int32Array {
  return ids.length <= maxlen ? ids : ids.slice(ids.length - maxlen);
}

export async function main(outDir = fileURLToPath(new URL("../public", import.meta.url))): Promise<void> {
  const shared = sharedData(process.cwd());
  mkdirSync(outDir, { recursive: true });

  const imdb = await loadImdb({ numWords: SLICE.numWords, dataDir: join(shared, 'imdb') });
  const take = (split: typeof imdb.train, n: number) => ({
    sequences: split.sequences.slice(0, n).map((s) => truncatePre(s, SLICE.maxlen)),
    labels: split.labels.slice(0, n),
  });
  const slice = { numWords: SLICE.numWords, maxlen: SLICE.maxlen, train: take(imdb.train, SLICE.train), test: take(imdb.test, SLICE.test) };
  const bytes = encodeImdbSlice(slice);
  writeFileSync(join(outDir, 'imdb-slice.bin'), bytes);
  const positives = (labels: Uint8Array) => labels.reduce((a, b) => a + b, 0);
  console.log(
    `imdb-slice.bin: ${bytes.length} bytes; train ${SLICE.train} (${positives(slice.train.labels)} positive), ` +
      `test ${SLICE.test} (${positives(slice.test.labels)} positive)`,
  );

  const wordIndex = await loadImdbWordIndex({ dataDir: join(shared, 'imdb') });
  const words = new Array<string>(SLICE.numWords - 4).fill('');
  for (const [word, rank] of wordIndex) if (rank >= 1 && rank <= words.length) words[rank - 1] = word;
  const wordsJson = JSON.stringify(words);
  writeFileSync(join(outDir, 'imdb-words.json'), wordsJson + '\n');
  console.log(`imdb-words.json: ${wordsJson.length} bytes, ${words.length} words`);

  const text = readFileSync(join(shared, 'tiny-shakespeare', 'input.txt'), 'utf8');
  const cut = text.indexOf('\n\n', SLICE.shakespeareChars);
  const shakespeare = text.slice(0, cut < 0 ? SLICE.shakespeareChars : cut + 1);
  writeFileSync(join(outDir, 'shakespeare.txt'), shakespeare);
  console.log(`shakespeare.txt: ${shakespeare.length} characters`);
}
