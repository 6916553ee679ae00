import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeWithSharedData } from '../test-fixtures';
import { bpttChunks } from '../text/char-corpus';
import { buildCharVocabulary, charTokens, encode } from '../text/vocabulary';
import { loadTinyShakespeare, readTextFile } from './text-files';

test('readTextFile refuses invalid UTF-8 and names the file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rnnkit-text-'));
  try {
    writeFileSync(join(dir, 'bad.txt'), Buffer.from([0x61, 0xff, 0x62]));
    expect(() => readTextFile(join(dir, 'bad.txt'))).toThrow(`${join(dir, 'bad.txt')}: not valid UTF-8 text`);
    expect(() => readTextFile(join(dir, 'missing.txt'))).toThrow(`cannot read ${join(dir, 'missing.txt')}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('loadTinyShakespeare offline without a local copy says how to provide it', async () => {
  const saved = process.env['RNNKIT_DATA_DIR'];
  delete process.env['RNNKIT_DATA_DIR'];
  try {
    await expect(loadTinyShakespeare({ download: false })).rejects.toThrow('set RNNKIT_DATA_DIR');
  } finally {
    if (saved !== undefined) process.env['RNNKIT_DATA_DIR'] = saved;
  }
});

describeWithSharedData('tiny-shakespeare', 'tiny-shakespeare from the shared copy', (dataDir) => {
  test('1,115,394 characters, 65 distinct, char-rnn batches', async () => {
    const text = await loadTinyShakespeare({ dataDir });
    expect(text).toHaveLength(1115394);
    expect(text.startsWith('First Citizen:\nBefore we proceed any further, hear me speak.')).toBe(true);
    const vocab = buildCharVocabulary(text, { specials: [] });
    expect(vocab.tokens).toHaveLength(65);
    const ids = encode(vocab, charTokens(text));
    const chunks = bpttChunks(ids, { batchSize: 50, steps: 50 });
    expect(chunks).toHaveLength(Math.floor(Math.floor((1115394 - 1) / 50) / 50));
  });
});

test('a local tiny-shakespeare that is not char-rnn’s file byte for byte is refused, naming it', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'rnnkit-text-'));
  try {
    writeFileSync(join(dir, 'input.txt'), 'First Citizen:\nBefore we proceed any further, hear me speak.\n');
    await expect(loadTinyShakespeare({ dataDir: dir })).rejects.toThrow(
      /input\.txt: has SHA-256 [0-9a-f]{64} and 61 bytes; char-rnn's tiny-shakespeare has SHA-256 86c4e6aa.* and 1,115,394 bytes \(a truncated or different copy\?\)$/,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
