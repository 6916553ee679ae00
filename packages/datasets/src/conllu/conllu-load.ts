/**
 * Node loaders for CoNLL-U files: one file (plain or gzipped), and the UD English Web Treebank's three
 * splits from a folder laid out as the project's shared/data/ud-ewt.
 */
import { gunzipChecked } from '../gzip';
import { node, readFileBytes } from '../node/builtins';
import { readTextFile } from '../node/text-files';
import { DataFileError } from '../errors';
import { parseConllu } from './conllu';
import type { ConlluOptions, TaggedSentence } from './conllu';

/** File names of UD English EWT's splits (gzipped CoNLL-U). */
export const UD_EWT_FILES = {
  train: 'en_ewt-ud-train.conllu.gz',
  dev: 'en_ewt-ud-dev.conllu.gz',
  test: 'en_ewt-ud-test.conllu.gz',
} as const;

/** The three splits of a treebank. */
export interface TreebankSplits {
  readonly train: readonly TaggedSentence[];
  readonly dev: readonly TaggedSentence[];
  readonly test: readonly TaggedSentence[];
}

/** Reads a CoNLL-U file, gunzipping it when it starts with the gzip magic (the trailer's CRC and length are checked). */
export function readConlluFile(file: string, options: Omit<ConlluOptions, 'file'> = {}): TaggedSentence[] {
  const bytes = readFileBytes(file);
  const gzipped = bytes[0] === 0x1f && bytes[1] === 0x8b;
  let text: string;
  if (gzipped) {
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(gunzipChecked(bytes, file));
    } catch (e) {
      if (e instanceof DataFileError) throw e;
      throw new DataFileError(file, 'does not unpack to valid UTF-8 text');
    }
  } else {
    text = readTextFile(file);
  }
  const sentences = parseConllu(text, { ...options, file });
  if (sentences.length === 0) throw new DataFileError(file, 'holds no sentences (an empty or non-CoNLL-U file?)');
  return sentences;
}

/**
 * UD English EWT (Silveira et al. 2014; CC BY-SA 4.0) from `dataDir` (default `$RNNKIT_DATA_DIR/ud-ewt`):
 * 12,544 / 2,001 / 2,077 sentences in the v2.16-era release the project keeps. Errors name the file.
 *
 * @example const { train, dev, test } = loadUdEwt({ dataDir: '../shared/data/ud-ewt' }); // train[0].tags[0] === 'PROPN'
 */
export function loadUdEwt(options: { readonly dataDir?: string; readonly tagColumn?: 'upos' | 'xpos' } = {}): TreebankSplits {
  const { fs, path } = node();
  const root = process.env['RNNKIT_DATA_DIR'];
  const dir = options.dataDir ?? (root ? path.join(root, 'ud-ewt') : undefined);
  if (dir === undefined) {
    throw new Error('UD English EWT not found: pass { dataDir } (a folder with en_ewt-ud-{train,dev,test}.conllu.gz, e.g. shared/data/ud-ewt) or set RNNKIT_DATA_DIR');
  }
  const read = (split: keyof typeof UD_EWT_FILES): TaggedSentence[] => {
    const file = path.join(dir, UD_EWT_FILES[split]);
    if (!fs.existsSync(file)) throw new Error(`loadUdEwt: ${file} does not exist`);
    return readConlluFile(file, options.tagColumn === undefined ? {} : { tagColumn: options.tagColumn });
  };
  return { train: read('train'), dev: read('dev'), test: read('test') };
}
