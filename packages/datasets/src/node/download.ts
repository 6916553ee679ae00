/**
 * Download-once file cache: a per-user folder, sha256 checked, written atomically (a temporary
 * file in the same folder, renamed only once complete and verified), so an interrupted or bad
 * download never leaves a file that looks valid. A process killed mid-download leaves its
 * `<file>.<pid>.<time>.part` behind; the next call for that file removes it.
 */
import { node } from './builtins';

/** Progress of a download: bytes received so far and the total when the server sent it. */
export interface DownloadProgress {
  readonly url: string;
  readonly receivedBytes: number;
  /** From Content-Length; undefined when the server does not send it. */
  readonly totalBytes: number | undefined;
}

/** Options of {@link cachedFile}: where to download from, the file name in the cache, its sha256, the cache folder and a progress callback. */
export interface CachedFileOptions {
  readonly url: string;
  /** File name inside the cache folder. */
  readonly fileName: string;
  /** Expected sha256 (hex) of the whole file. */
  readonly sha256: string;
  /** Default: `defaultCacheDir()`. */
  readonly cacheDir?: string;
  /** Called as bytes arrive while downloading. */
  readonly onProgress?: (progress: DownloadProgress) => void;
  /** Give up when the server is silent this long. Default 30 s. */
  readonly timeoutMs?: number;
}

/** `$RNNKIT_CACHE_DIR`, else `$XDG_CACHE_HOME/rnnkit`, else `~/.cache/rnnkit`. */
export function defaultCacheDir(): string {
  const { path, os } = node();
  const env = process.env;
  if (env['RNNKIT_CACHE_DIR']) return env['RNNKIT_CACHE_DIR'];
  if (env['XDG_CACHE_HOME']) return path.join(env['XDG_CACHE_HOME'], 'rnnkit');
  return path.join(os.homedir(), '.cache', 'rnnkit');
}

/** sha256 (hex) of a file on disk. */
export function sha256File(file: string): string {
  const { fs, crypto } = node();
  return crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}

/**
 * Returns the path of the cached file, downloading it first when it is absent or its checksum
 * is wrong. Throws (and leaves nothing behind) on network errors, HTTP errors, truncated
 * bodies and checksum mismatches.
 */
export async function cachedFile(options: CachedFileOptions): Promise<string> {
  const { fs, path } = node();
  const dir = options.cacheDir ?? defaultCacheDir();
  const dest = path.join(dir, options.fileName);
  removeAbandonedParts(dir, options.fileName, options.timeoutMs ?? 30_000);
  if (fs.existsSync(dest)) {
    if (sha256File(dest) === options.sha256) return dest;
    fs.rmSync(dest, { force: true }); // stale or corrupt: fetch again
  }
  fs.mkdirSync(dir, { recursive: true });
  const temp = `${dest}.${process.pid}.${Date.now()}.part`;
  try {
    const digest = await downloadTo(options.url, temp, options, 5);
    if (digest !== options.sha256) {
      throw new Error(`checksum mismatch for ${options.url}: expected sha256 ${options.sha256}, got ${digest}`);
    }
    fs.renameSync(temp, dest);
    return dest;
  } finally {
    fs.rmSync(temp, { force: true });
  }
}

/**
 * Deletes the `<fileName>.<pid>.<time>.part` files of downloads that cannot still be running: their
 * process is gone, or they have not been written for longer than the silence after which a
 * download gives up (a live process with that pid is then another program that reused it).
 */
function removeAbandonedParts(dir: string, fileName: string, silenceMs: number): void {
  const { fs, path } = node();
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return; // no cache folder yet
  }
  const prefix = `${fileName}.`;
  for (const name of names) {
    const match = name.startsWith(prefix) ? /^(\d+)\.\d+\.part$/.exec(name.slice(prefix.length)) : null;
    if (match === null) continue;
    const file = path.join(dir, name);
    let writtenMsAgo: number;
    try {
      writtenMsAgo = Date.now() - fs.statSync(file).mtimeMs;
    } catch {
      continue; // removed meanwhile
    }
    if (processRunning(Number(match[1])) && writtenMsAgo <= silenceMs) continue;
    fs.rmSync(file, { force: true });
  }
}

function processRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as { code?: string }).code === 'EPERM'; // running, as another user
  }
}

function downloadTo(url: string, file: string, options: CachedFileOptions, redirectsLeft: number): Promise<string> {
  const { fs, crypto, http, https } = node();
  return new Promise<string>((resolve, reject) => {
    const client = url.startsWith('https:') ? https : http;
    const request = client.get(url, (response) => {
      const status = response.statusCode ?? 0;
      const location = response.headers.location;
      if (status >= 300 && status < 400 && location !== undefined) {
        response.resume();
        if (redirectsLeft === 0) return reject(new Error(`too many redirects fetching ${url}`));
        return resolve(downloadTo(new URL(location, url).toString(), file, options, redirectsLeft - 1));
      }
      if (status !== 200) {
        response.resume();
        return reject(new Error(`HTTP ${status} fetching ${url}`));
      }
      const header = response.headers['content-length'];
      const totalBytes = header === undefined ? undefined : Number(header);
      const hash = crypto.createHash('sha256');
      const out = fs.createWriteStream(file);
      let receivedBytes = 0;
      // the first failure wins; reject only once the file is closed, so the caller can delete it
      let failed = false;
      const fail = (error: Error): void => {
        if (failed) return;
        failed = true;
        response.unpipe(out);
        if (out.closed) return reject(error);
        out.once('close', () => reject(error));
        out.destroy();
      };
      response.on('data', (chunk: Buffer) => {
        receivedBytes += chunk.length;
        hash.update(chunk);
        options.onProgress?.({ url, receivedBytes, totalBytes });
      });
      response.on('error', (e) => fail(new Error(`connection lost while fetching ${url} after ${receivedBytes} bytes: ${e.message}`)));
      out.on('error', (e) => fail(new Error(`cannot write ${file}: ${e.message}`)));
      out.on('finish', () => {
        if (totalBytes !== undefined && receivedBytes !== totalBytes) {
          fail(new Error(`truncated download of ${url}: got ${receivedBytes} of ${totalBytes} bytes`));
        } else {
          out.once('close', () => resolve(hash.digest('hex')));
        }
      });
      response.pipe(out);
    });
    request.setTimeout(options.timeoutMs ?? 30_000, () => request.destroy(new Error(`no answer from ${url} for ${options.timeoutMs ?? 30_000} ms`)));
    request.on('error', (e) => reject(new Error(`fetching ${url} failed: ${e.message}`)));
  });
}
