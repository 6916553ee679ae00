import { createHash } from 'node:crypto';
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { fixture } from '../test-fixtures';
import { loadImdb, loadImdbWordIndex } from './imdb-load';

const npz = readFileSync(fixture('imdb.npz'));
const wordIndexJson = readFileSync(fixture('imdb', 'imdb_word_index.json'));
const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex');
const checksums = { npz: sha(npz), wordIndex: sha(wordIndexJson) };
/** The committed fixtures hold 24 train and 16 test reviews, not IMDB's 25,000 and 25,000. */
const FIXTURE_COUNTS = { train: 24, test: 16 };
const plain = (s: { sequences: Int32Array[]; labels: Uint8Array }) => ({ x: s.sequences.map((q) => Array.from(q)), y: Array.from(s.labels) });

let server: Server;
let origin: string;
beforeAll(async () => {
  server = createServer((req, res) => {
    const file = req.url === '/keras/imdb.npz' ? npz : req.url === '/keras/imdb_word_index.json' ? wordIndexJson : undefined;
    res.writeHead(file ? 200 : 404, file ? { 'content-length': file.length } : {});
    res.end(file);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}/keras/`;
});
afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

let cacheDir: string;
beforeEach(() => {
  cacheDir = mkdtempSync(join(tmpdir(), 'rnnkit-imdb-'));
});
afterEach(() => rmSync(cacheDir, { recursive: true, force: true }));

describe('loadImdb / loadImdbWordIndex on the committed fixtures', () => {
  test('dataDir with the shared-format files', async () => {
    const data = await loadImdb({ dataDir: fixture('imdb'), numWords: 100, expectedCounts: FIXTURE_COUNTS });
    expect(data.train.sequences).toHaveLength(24);
    expect(data.test.sequences).toHaveLength(16);
    expect(Math.max(...data.train.sequences.flatMap((s) => Array.from(s)))).toBeLessThan(100);
  });

  test('RNNKIT_IMDB_DIR is used when no dataDir is given', async () => {
    const saved = process.env['RNNKIT_IMDB_DIR'];
    process.env['RNNKIT_IMDB_DIR'] = fixture('imdb');
    try {
      const data = await loadImdb({ numWords: 100, cacheDir, download: false, expectedCounts: FIXTURE_COUNTS });
      expect(data.train.sequences).toHaveLength(24);
      expect((await loadImdbWordIndex({ download: false })).get('the')).toBe(1);
    } finally {
      if (saved === undefined) delete process.env['RNNKIT_IMDB_DIR'];
      else process.env['RNNKIT_IMDB_DIR'] = saved;
    }
  });

  test('download path (.npz from a local server) gives the same arrays as the local-folder path', async () => {
    const progress: number[] = [];
    const options = { numWords: 90, skipTop: 3, seed: 5, expectedCounts: FIXTURE_COUNTS };
    const downloaded = await loadImdb({ ...options, cacheDir, origin, checksums, onProgress: (p) => progress.push(p.receivedBytes) });
    const local = await loadImdb({ ...options, dataDir: fixture('imdb') });
    expect(plain(downloaded.train)).toEqual(plain(local.train));
    expect(plain(downloaded.test)).toEqual(plain(local.test));
    expect(progress.at(-1)).toBe(npz.length);
    expect(readdirSync(cacheDir)).toEqual(['imdb.npz']);
    const index = await loadImdbWordIndex({ cacheDir, origin, checksums });
    expect(index.get('and')).toBe(2);
    // now cached: works offline
    const again = await loadImdb({ ...options, cacheDir, checksums, download: false });
    expect(plain(again.train)).toEqual(plain(local.train));
  });

  test('a folder holding Keras imdb.npz also works as dataDir; a folder with neither is an error', async () => {
    copyFileSync(fixture('imdb.npz'), join(cacheDir, 'imdb.npz'));
    const fromNpz = await loadImdb({ dataDir: cacheDir, numWords: 70, expectedCounts: FIXTURE_COUNTS });
    const fromShared = await loadImdb({ dataDir: fixture('imdb'), numWords: 70, expectedCounts: FIXTURE_COUNTS });
    expect(plain(fromNpz.test)).toEqual(plain(fromShared.test));
    const missing = await loadImdb({ dataDir: fixture('no-such-dir') }).catch((e: Error) => e.message);
    expect(missing).toContain(`the folder ${fixture('no-such-dir')} (from dataDir or RNNKIT_IMDB_DIR) does not hold keras_imdb_train.jsonl.gz and keras_imdb_test.jsonl.gz, or imdb.npz`);
  });

  test('a copy holding fewer reviews than IMDB (or than expectedCounts) is refused, naming the file and both counts', async () => {
    const notImdb = await loadImdb({ dataDir: fixture('imdb') }).catch((e: Error) => e.message);
    expect(notImdb).toBe(`${fixture('imdb', 'keras_imdb_train.jsonl.gz')}: holds 24 train reviews, IMDB's train split has 25,000 (a truncated or partial copy?)`);
    // the train file cut to 20 of its 24 reviews, re-gzipped (a valid gzip: only the count can tell)
    const lines = gunzipSync(readFileSync(fixture('imdb', 'keras_imdb_train.jsonl.gz'))).toString('utf8').split('\n');
    writeFileSync(join(cacheDir, 'keras_imdb_train.jsonl.gz'), gzipSync(`${lines.slice(0, 20).join('\n')}\n`));
    copyFileSync(fixture('imdb', 'keras_imdb_test.jsonl.gz'), join(cacheDir, 'keras_imdb_test.jsonl.gz'));
    const cut = await loadImdb({ dataDir: cacheDir, expectedCounts: FIXTURE_COUNTS }).catch((e: Error) => e.message);
    expect(cut).toBe(`${join(cacheDir, 'keras_imdb_train.jsonl.gz')}: holds 20 train reviews, expectedCounts says 24 (a truncated or partial copy?)`);
    // the same for Keras' imdb.npz (both splits come from it), and null accepts any count
    copyFileSync(fixture('imdb.npz'), join(cacheDir, 'imdb.npz'));
    rmSync(join(cacheDir, 'keras_imdb_train.jsonl.gz'));
    const npzCount = await loadImdb({ dataDir: cacheDir, expectedCounts: { train: 24, test: 17 } }).catch((e: Error) => e.message);
    expect(npzCount).toBe(`${join(cacheDir, 'imdb.npz')}: holds 16 test reviews, expectedCounts says 17 (a truncated or partial copy?)`);
    expect((await loadImdb({ dataDir: cacheDir, expectedCounts: null })).train.sequences).toHaveLength(24);
  });

  test('offline with no local copy: the error says where the data is expected and how to provide it', async () => {
    const saved = process.env['RNNKIT_IMDB_DIR'];
    delete process.env['RNNKIT_IMDB_DIR'];
    try {
      const offline = await loadImdb({ cacheDir, download: false }).catch((e: Error) => e.message);
      expect(offline).toContain(`no valid ${join(cacheDir, 'imdb.npz')}`);
      expect(offline).toContain('RNNKIT_IMDB_DIR');
      expect(offline).toContain('keras_imdb_train.jsonl.gz');
      const unreachable = await loadImdb({ cacheDir, origin: 'http://127.0.0.1:1/' }).catch((e: Error) => e.message);
      expect(unreachable).toMatch(/IMDB data not found locally and the download failed \(fetching http:\/\/127\.0\.0\.1:1\/imdb\.npz failed: .*ECONNREFUSED/);
      expect(unreachable).toContain(`put Keras' imdb.npz (sha256 69664113`);
      const wrongHash = await loadImdb({ cacheDir, origin }).catch((e: Error) => e.message);
      expect(wrongHash).toContain('checksum mismatch');
      expect(readdirSync(cacheDir)).toEqual([]);
    } finally {
      if (saved !== undefined) process.env['RNNKIT_IMDB_DIR'] = saved;
    }
  });
});
