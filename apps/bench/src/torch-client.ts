/**
 * The bench's end of the JSON-lines conversation with `torch/bench_torch.py`: one request per line to the
 * child's stdin, one answer per line back on its stdout, answered in order. A child that dies, or cannot be
 * started, fails every pending and later request with what it printed on stderr.
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';

/** An answer line: `ok` plus the command's fields (`seconds` for `run`, versions for `hello`). */
export interface TorchAnswer {
  readonly ok: boolean;
  readonly error?: string;
  readonly [field: string]: unknown;
}

export interface TorchClient {
  /** Sends one request and resolves with its answer; rejects when the answer is `ok: false` or the child is gone. */
  request(message: Record<string, unknown>): Promise<TorchAnswer>;
  /** Asks the child to exit and waits for its stdout to end. */
  close(): Promise<void>;
}

interface Pending {
  readonly cmd: string;
  resolve(answer: TorchAnswer): void;
  reject(error: Error): void;
}

function parseAnswer(line: string): TorchAnswer {
  const value: unknown = JSON.parse(line);
  if (typeof value !== 'object' || value === null || typeof (value as { ok?: unknown }).ok !== 'boolean') {
    throw new Error(`PyTorch side answered a line without a boolean "ok": ${line.slice(0, 200)}`);
  }
  return value as TorchAnswer;
}

/**
 * A client over any pair of streams (a child's stdio, or a fake in tests). `describeEnd` says why the
 * output ended (exit code, stderr), for the errors of requests still waiting.
 */
export function jsonLineClient(input: Writable, output: Readable, describeEnd: () => string | Promise<string>): TorchClient {
  const pending: Pending[] = [];
  let ended: Error | undefined;
  const fail = (error: Error): void => {
    ended ??= error;
    for (const p of pending.splice(0)) p.reject(new Error(`${p.cmd}: ${error.message}`));
  };
  const lines = createInterface({ input: output });
  lines.on('line', (line) => {
    if (line.trim() === '') return;
    const p = pending.shift();
    if (p === undefined) return fail(new Error(`PyTorch side sent a line nobody asked for: ${line.slice(0, 200)}`));
    let answer: TorchAnswer;
    try {
      answer = parseAnswer(line);
    } catch (error) {
      p.reject(error instanceof Error ? error : new Error(String(error)));
      return;
    }
    if (answer.ok) p.resolve(answer);
    else p.reject(new Error(`PyTorch side, ${p.cmd}: ${answer.error ?? 'failed without a message'}`));
  });
  const closed = new Promise<void>((resolve) => lines.on('close', resolve));
  const finished = closed.then(async () => fail(new Error(`the PyTorch process ended (${await describeEnd()})`)));
  // a write to a child that is gone fails with EPIPE; the end of its output says why, above
  input.on('error', () => undefined);
  return {
    request(message) {
      const cmd = String(message['cmd']);
      if (ended !== undefined) return Promise.reject(new Error(`${cmd}: ${ended.message}`));
      return new Promise<TorchAnswer>((resolve, reject) => {
        pending.push({ cmd, resolve, reject });
        input.write(`${JSON.stringify(message)}\n`);
      });
    },
    async close() {
      if (ended === undefined) await this.request({ cmd: 'exit' }).catch(() => undefined);
      input.end();
      await finished;
    },
  };
}

/** Starts `command args…` (e.g. `/usr/bin/python3 bench_torch.py`) and talks to it over its stdio. */
export function spawnTorch(command: string, args: readonly string[]): TorchClient {
  const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  let spawnError: Error | undefined;
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-2000);
  });
  // 'close' comes after the exit and the end of stderr; a child that never started sends only 'error'
  const done = new Promise<void>((resolve) => {
    child.on('error', (error) => {
      spawnError = error;
      resolve();
    });
    child.on('close', () => resolve());
  });
  const describeEnd = async (): Promise<string> => {
    await done;
    if (spawnError !== undefined) return `could not start ${command}: ${spawnError.message}`;
    const tail = stderr.trim();
    return `exit code ${child.exitCode ?? 'unknown'}${tail === '' ? '' : `; stderr: ${tail}`}`;
  };
  return jsonLineClient(child.stdin, child.stdout, describeEnd);
}
