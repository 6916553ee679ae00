/** Node loader for the English–French pairs (`fra.txt`, manythings.org / Tatoeba, CC-BY 2.0 FR). */
import { parseParallelText, type SentencePair } from '../parallel/parallel-corpus';
import { node } from './builtins';
import { localDataFile, readTextFile, type LocalDataOptions } from './text-files';

/** Reads `fra.txt` (from `dataDir`, else `$RNNKIT_DATA_DIR/fra-eng`) as English → French pairs. */
export function loadFraEng(options: LocalDataOptions & { readonly swap?: boolean } = {}): SentencePair[] {
  const file = localDataFile('fra-eng', 'fra.txt', options);
  if (file === undefined) {
    throw new Error('fra.txt not found: pass { dataDir } (a folder with fra.txt) or set RNNKIT_DATA_DIR to a folder with fra-eng/fra.txt');
  }
  if (!node().fs.existsSync(file)) throw new Error(`fra-eng: ${file} does not exist (from dataDir or RNNKIT_DATA_DIR)`);
  return parseParallelText(readTextFile(file), { file, ...(options.swap === undefined ? {} : { swap: options.swap }) });
}
