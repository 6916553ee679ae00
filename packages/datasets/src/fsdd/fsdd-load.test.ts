import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'fflate';
import { describeWithSharedData, fixture } from '../test-fixtures';
import { loadFsdd } from './fsdd-load';
import { readTarGz } from './tar';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'rnnkit-fsdd-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('loadFsdd checks the archive of each known speaker holds its 500 recordings', () => {
  test('an archive under a known speaker’s name with other recordings is refused, naming it', () => {
    const file = join(dir, 'fsdd_jackson.tar.gz');
    copyFileSync(fixture('fsdd', 'fsdd_tiny.tar.gz'), file);
    expect(() => loadFsdd({ dataDir: dir, speakers: ['jackson'] })).toThrow(
      `${file}: holds 3 recordings (0 distinct digit/index pairs of jackson), FSDD's archive for jackson has 500: each digit 0–9 with index 0–49 (a truncated or partial copy?)`,
    );
    // a speaker FSDD does not have is read as it is (the committed fixture)
    expect(loadFsdd({ dataDir: fixture('fsdd'), speakers: ['tiny'] }).recordings).toHaveLength(3);
  });
});

describeWithSharedData('fsdd', 'loadFsdd on a truncated copy of a shared archive', (shared) => {
  test('nicolas’ archive cut to its first 450 recordings (a valid tar.gz) fails naming the file and the count', () => {
    const entries = readTarGz(readFileSync(join(shared, 'fsdd_nicolas.tar.gz')));
    const cutAt = entries[450]!.data.byteOffset - 512; // the header of entry 450
    const tar = new Uint8Array(cutAt + 1024); // + the two zero blocks that end an archive
    tar.set(new Uint8Array(entries[0]!.data.buffer, 0, cutAt));
    const file = join(dir, 'fsdd_nicolas.tar.gz');
    writeFileSync(file, gzipSync(tar));
    expect(readTarGz(readFileSync(file))).toHaveLength(450);
    expect(() => loadFsdd({ dataDir: dir, speakers: ['nicolas'] })).toThrow(`${file}: holds 450 recordings (450 distinct digit/index pairs of nicolas), FSDD's archive for nicolas has 500`);
  });
});
