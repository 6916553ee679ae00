import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fixture } from '../test-fixtures';
import { cachedFile, defaultCacheDir, type DownloadProgress } from './download';

const body = readFileSync(fixture('imdb.npz'));
const sha = createHash('sha256').update(body).digest('hex');

let server: Server;
let base: string;
let hits = 0;
beforeAll(async () => {
  server = createServer((req, res) => {
    hits++;
    if (req.url === '/file') {
      res.writeHead(200, { 'content-length': body.length });
      res.end(body);
    } else if (req.url === '/moved') {
      res.writeHead(302, { location: '/file' });
      res.end();
    } else if (req.url === '/truncated') {
      // promises the whole file, sends half, then drops the connection
      res.writeHead(200, { 'content-length': body.length });
      res.write(body.subarray(0, body.length >> 1), () => res.socket?.destroy());
    } else if (req.url === '/short-no-length') {
      res.writeHead(200);
      res.end(body.subarray(0, 100));
    } else {
      res.writeHead(404);
      res.end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'rnnkit-cache-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('cachedFile (local HTTP server on 127.0.0.1, never the network)', () => {
  test('downloads once, reports progress, verifies sha256, then serves from the cache', async () => {
    const progress: DownloadProgress[] = [];
    hits = 0;
    const file = await cachedFile({ url: `${base}/file`, fileName: 'imdb.npz', sha256: sha, cacheDir: dir, onProgress: (p) => progress.push(p) });
    expect(file).toBe(join(dir, 'imdb.npz'));
    expect(readFileSync(file).equals(body)).toBe(true);
    expect(progress.at(-1)).toEqual({ url: `${base}/file`, receivedBytes: body.length, totalBytes: body.length });
    await cachedFile({ url: `${base}/file`, fileName: 'imdb.npz', sha256: sha, cacheDir: dir });
    expect(hits).toBe(1);
    expect(readdirSync(dir)).toEqual(['imdb.npz']);
  });

  test('follows redirects', async () => {
    const file = await cachedFile({ url: `${base}/moved`, fileName: 'x.npz', sha256: sha, cacheDir: dir });
    expect(readFileSync(file).equals(body)).toBe(true);
  });

  test('checksum mismatch → error, and nothing left in the cache', async () => {
    await expect(cachedFile({ url: `${base}/file`, fileName: 'imdb.npz', sha256: '0'.repeat(64), cacheDir: dir })).rejects.toThrow(
      `checksum mismatch for ${base}/file: expected sha256 ${'0'.repeat(64)}, got ${sha}`,
    );
    expect(readdirSync(dir)).toEqual([]);
  });

  test('connection dropped mid-file → error, and nothing left in the cache', async () => {
    await expect(cachedFile({ url: `${base}/truncated`, fileName: 'imdb.npz', sha256: sha, cacheDir: dir })).rejects.toThrow(
      /connection lost while fetching .*\/truncated|truncated download/,
    );
    expect(readdirSync(dir)).toEqual([]);
  });

  test('short body without Content-Length is caught by the checksum', async () => {
    await expect(cachedFile({ url: `${base}/short-no-length`, fileName: 'imdb.npz', sha256: sha, cacheDir: dir })).rejects.toThrow('checksum mismatch');
    expect(readdirSync(dir)).toEqual([]);
  });

  test('HTTP errors and refused connections', async () => {
    await expect(cachedFile({ url: `${base}/nope`, fileName: 'a', sha256: sha, cacheDir: dir })).rejects.toThrow(`HTTP 404 fetching ${base}/nope`);
    await expect(cachedFile({ url: 'http://127.0.0.1:1/x', fileName: 'a', sha256: sha, cacheDir: dir })).rejects.toThrow('ECONNREFUSED');
    expect(readdirSync(dir)).toEqual([]);
  });

  test("the next attempt removes the .part files of killed downloads, not a running one's nor other files'", async () => {
    const dead = spawnSync(process.execPath, ['-e', '0']).pid!; // exited: its pid runs nothing (or something else)
    const hourAgo = new Date(Date.now() - 3_600_000);
    const parts = {
      deadProcess: `imdb.npz.${dead}.1700000000000.part`,
      silentTooLong: `imdb.npz.${process.pid}.1700000000001.part`,
      running: `imdb.npz.${process.pid}.1700000000002.part`,
      otherFile: `imdb_word_index.json.${dead}.1700000000003.part`,
    };
    for (const name of Object.values(parts)) writeFileSync(join(dir, name), 'half a download');
    utimesSync(join(dir, parts.silentTooLong), hourAgo, hourAgo);
    writeFileSync(join(dir, 'imdb.npz'), body); // cached and valid: no download at all
    const before = hits;
    await cachedFile({ url: `${base}/file`, fileName: 'imdb.npz', sha256: sha, cacheDir: dir });
    expect(hits).toBe(before);
    expect(readdirSync(dir).sort()).toEqual(['imdb.npz', parts.running, parts.otherFile].sort());
    // and after an interrupted attempt (this process "killed" mid-way: its part stays), the next one cleans up
    rmSync(join(dir, 'imdb.npz'));
    utimesSync(join(dir, parts.running), hourAgo, hourAgo);
    await cachedFile({ url: `${base}/file`, fileName: 'imdb.npz', sha256: sha, cacheDir: dir });
    expect(readdirSync(dir).sort()).toEqual(['imdb.npz', parts.otherFile].sort());
  });

  test('a corrupt cached file is replaced by a fresh download', async () => {
    writeFileSync(join(dir, 'imdb.npz'), 'garbage');
    const file = await cachedFile({ url: `${base}/file`, fileName: 'imdb.npz', sha256: sha, cacheDir: dir });
    expect(readFileSync(file).equals(body)).toBe(true);
  });

  test('defaultCacheDir honours RNNKIT_CACHE_DIR, then XDG_CACHE_HOME', () => {
    const saved = { ...process.env };
    try {
      process.env['RNNKIT_CACHE_DIR'] = '/x/cache';
      expect(defaultCacheDir()).toBe('/x/cache');
      delete process.env['RNNKIT_CACHE_DIR'];
      process.env['XDG_CACHE_HOME'] = '/y';
      expect(defaultCacheDir()).toBe('/y/rnnkit');
      delete process.env['XDG_CACHE_HOME'];
      expect(defaultCacheDir()).toMatch(/\.cache\/rnnkit$/);
    } finally {
      process.env = saved;
    }
    expect(existsSync(dir)).toBe(true);
  });
});
