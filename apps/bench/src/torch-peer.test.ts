/**
 * The PyTorch side's protocol and its place in the harness's rounds, with a fake child (a Node script that
 * answers like bench_torch.py) — no Python, no timing assertions.
 */
import { PassThrough } from 'node:stream';
import { ALL_CASES } from './cases';
import { runCase } from './harness';
import { startTorchPeer } from './peer-torch';
import type { BenchData, Contender } from './runner';
import { jsonLineClient, spawnTorch } from './torch-client';

// answers like bench_torch.py; `crash` exits with a message on stderr; a run of 0 steps prints an unasked line
const FAKE_TORCH = `
const readline = require('node:readline');
const prepared = new Map();
const say = (answer) => process.stdout.write(JSON.stringify(answer) + '\\n');
readline.createInterface({ input: process.stdin }).on('line', (line) => {
  const r = JSON.parse(line);
  if (r.cmd === 'hello') return say({ ok: true, torch: '1.13.1', python: '3.11.2', blas: '/x/libopenblas.so.0', openblas: true });
  if (r.cmd === 'prepare') { prepared.set(r.id, { case: r.case.name, threads: r.threads, flush: r.flushDenormal, batches: r.ids.length, tokens: r.ids[0].length }); return say({ ok: true }); }
  if (r.cmd === 'run') {
    if (!prepared.has(r.id)) return say({ ok: false, error: 'ValueError: no prepared case with id ' + r.id });
    return say({ ok: true, seconds: r.steps * 0.001, seen: prepared.get(r.id) });
  }
  if (r.cmd === 'dispose') { prepared.delete(r.id); return say({ ok: true }); }
  if (r.cmd === 'crash') { process.stderr.write('Traceback: boom'); process.exit(3); }
  if (r.cmd === 'exit') { say({ ok: true }); process.exit(0); }
  say({ ok: false, error: 'unknown cmd ' + r.cmd });
});
`;
const NO_TORCH = `
require('node:readline').createInterface({ input: process.stdin }).on('line', () =>
  process.stdout.write(JSON.stringify({ ok: false, error: "RuntimeError: PyTorch is not importable (No module named 'torch')" }) + '\\n'));
`;

const lstm = ALL_CASES.find((c) => c.name === 'LSTM-32 train')!;
const data: BenchData = { ids: [Int32Array.from({ length: lstm.batch * lstm.steps }, (_, i) => i % 7)], labels: [new Float32Array(lstm.batch)] };

describe('the JSON-lines client', () => {
  it('answers requests in order and turns ok: false into an error naming the command', async () => {
    const client = spawnTorch(process.execPath, ['-e', FAKE_TORCH]);
    const [hello, prepared] = await Promise.all([
      client.request({ cmd: 'hello' }),
      client.request({ cmd: 'prepare', id: 'a', case: lstm, threads: 2, flushDenormal: true, ids: [[1, 2, 3]], labels: [[0]] }),
    ]);
    expect(hello).toMatchObject({ ok: true, torch: '1.13.1', openblas: true });
    expect(prepared).toEqual({ ok: true });
    expect(await client.request({ cmd: 'run', id: 'a', steps: 4 })).toEqual({
      ok: true,
      seconds: 0.004,
      seen: { case: 'LSTM-32 train', threads: 2, flush: true, batches: 1, tokens: 3 },
    });
    await expect(client.request({ cmd: 'run', id: 'b', steps: 1 })).rejects.toThrow('PyTorch side, run: ValueError: no prepared case with id b');
    await client.close();
    await expect(client.request({ cmd: 'hello' })).rejects.toThrow(/hello: the PyTorch process ended \(exit code 0\)/);
  });

  it('fails pending requests with the exit code and stderr of a child that dies', async () => {
    const client = spawnTorch(process.execPath, ['-e', FAKE_TORCH]);
    await expect(client.request({ cmd: 'crash' })).rejects.toThrow('crash: the PyTorch process ended (exit code 3; stderr: Traceback: boom)');
    await client.close();
  });

  it('rejects a line that is not an answer, over plain streams', async () => {
    const toChild = new PassThrough();
    const fromChild = new PassThrough();
    const client = jsonLineClient(toChild, fromChild, () => 'closed by the test');
    const answer = client.request({ cmd: 'hello' });
    fromChild.write('{"torch": "1.13"}\n');
    await expect(answer).rejects.toThrow('PyTorch side answered a line without a boolean "ok": {"torch": "1.13"}');
    const second = client.request({ cmd: 'hello' });
    fromChild.end();
    await expect(second).rejects.toThrow('hello: the PyTorch process ended (closed by the test)');
    expect(JSON.parse(String(toChild.read()).split('\n')[0]!)).toEqual({ cmd: 'hello' });
  });
});

describe('startTorchPeer', () => {
  it('says how to install PyTorch when the Python cannot import it, or cannot start', async () => {
    const noTorch = await startTorchPeer([{ threads: 1, flushDenormal: false }], [process.execPath, '-e', NO_TORCH]);
    expect(noTorch).toEqual({ missing: expect.stringContaining("No module named 'torch'") });
    expect(noTorch).toEqual({ missing: expect.stringContaining('apt-get install python3-torch') });
    const noPython = await startTorchPeer([{ threads: 1, flushDenormal: false }], ['/nonexistent/python3', 'bench_torch.py']);
    expect(noPython).toEqual({ missing: expect.stringContaining('could not start /nonexistent/python3') });
  });

  it('takes its turns in the same rounds as the JS contenders, one contender per configuration', async () => {
    const peer = await startTorchPeer(
      [
        { threads: 1, flushDenormal: false },
        { threads: 2, flushDenormal: true },
      ],
      [process.execPath, '-e', FAKE_TORCH],
    );
    if ('missing' in peer) throw new Error(peer.missing);
    expect(peer.info).toEqual({ torch: '1.13.1', python: '3.11.2', blas: '/x/libopenblas.so.0', openblas: true });
    const log: string[] = [];
    const fakeJs = (name: string): Contender => ({
      name,
      prepare: () => ({
        async run() {
          log.push(name);
        },
        dispose() {
          log.push(`${name} disposed`);
        },
      }),
    });
    const logged = (contender: Contender): Contender => ({
      name: contender.name,
      async prepare(c, d) {
        const step = await contender.prepare(c, d);
        return {
          ...step,
          timed: async (steps: number) => {
            log.push(contender.name);
            return step.timed!(steps);
          },
        };
      },
    });
    const contenders = [fakeJs('rnnkit'), fakeJs('tfjs-layers'), ...peer.contenders.map(logged)];
    const result = await runCase(lstm, data, contenders, { runs: 2, secondsPerRun: 0.001, warmupSteps: 1 });
    await peer.close();
    const round = ['rnnkit', 'tfjs-layers', 'PyTorch 1 thr', 'PyTorch 2 thr, FTZ'];
    // warm-up (one step each), then two rounds in the same order, then disposal
    expect(log).toEqual([...round, ...round, ...round, 'rnnkit disposed', 'tfjs-layers disposed']);
    expect(result.results.map((r) => [r.contender, r.runs.length])).toEqual(round.map((name) => [name, 2]));
  });
});
