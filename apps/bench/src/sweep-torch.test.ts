/**
 * The sweep's PyTorch side with a fake child (a Node script answering like bench_torch.py): the generated-data
 * prepare, the warm-up and the timed run per configuration, the best kept, memory as peak RSS above the RSS
 * before the first model — no Python, no timing assertions.
 */
import { rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sweepCase } from './sweep-plan';
import { runTorchShape } from './sweep';

// `2 thr` runs twice as fast as `1 thr`; RSS before each model 300 then 310 MiB, peaks 420 then 450 MiB
const FAKE_TORCH = `
const readline = require('node:readline');
const say = (answer) => process.stdout.write(JSON.stringify(answer) + '\\n');
const entries = new Map();
let prepares = 0;
readline.createInterface({ input: process.stdin }).on('line', (line) => {
  const r = JSON.parse(line);
  if (r.cmd === 'hello') return say({ ok: true, torch: '1.13.1', python: '3.11.2', blas: 'openblas', openblas: true });
  if (r.cmd === 'prepare') {
    if (r.generate === undefined || r.ids !== undefined) return say({ ok: false, error: 'expected generated data' });
    entries.set(r.id, { threads: r.threads, runs: 0 });
    return say({ ok: true, rssMiB: 300 + 10 * prepares++ });
  }
  if (r.cmd === 'run') {
    const e = entries.get(r.id);
    e.runs += 1;
    return say({ ok: true, seconds: (r.steps * 0.01) / e.threads, peakRssMiB: 390 + 30 * prepares });
  }
  if (r.cmd === 'dispose') return say({ ok: true });
  if (r.cmd === 'exit') { say({ ok: true }); process.exit(0); }
  say({ ok: false, error: 'unknown cmd ' + r.cmd });
});
`;

describe('runTorchShape', () => {
  const script = join(tmpdir(), `rnnkit-fake-torch-sweep-${process.pid}.cjs`);
  beforeAll(() => writeFileSync(script, FAKE_TORCH));
  afterAll(() => rmSync(script, { force: true }));

  it('keeps the best configuration and measures memory above the RSS before the first model', async () => {
    const c = sweepCase('lstm', { mode: 'train', units: 32, batch: 16, steps: 200 });
    const configs = [{ threads: 1, flushDenormal: false }, { threads: 2, flushDenormal: false }];
    const m = await runTorchShape([process.execPath, script], c, configs, 0.05);
    expect(m.config).toBe('2 thr');
    expect(m.timedSteps).toBe(10); // 0.05 s over a 0.005 s warm-up step
    expect(m.secondsPerStep).toBeCloseTo(0.005, 12);
    expect(m.samplesPerSecond).toBeCloseTo(16 / 0.005, 6);
    expect(m.memoryMiB).toBe(450 - 300);
  });

  it('runs a single configuration, and fails saying how the PyTorch process ended', async () => {
    const c = sweepCase('lstm', { mode: 'infer', units: 32, batch: 1, steps: 50 });
    await expect(runTorchShape([process.execPath, script], c, [{ threads: 1, flushDenormal: false }], 0.01)).resolves.toMatchObject({ config: '1 thr' });
    await expect(runTorchShape([process.execPath, '-e', 'process.stdin.on("data", () => process.exit(2))'], c, [], 0.01)).rejects.toThrow('the PyTorch process ended (exit code 2)');
  });
});
