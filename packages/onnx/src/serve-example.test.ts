/**
 * The serving example (examples/serve.mjs, shown in docs/guide/10-production.md) started as users start
 * it — `node serve.mjs model.onnx --port 0` — on a model saveOnnx wrote: it answers /health and /predict on
 * localhost with rnnkit's outputs (within 1e-5), refuses a bad request with 400, and stops on SIGTERM.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expectClose } from '@rnnkit/testkit';
import { initBackend, tensor } from '@rnnkit/tensor';
import { applyLayer, dense, embedding, input, model, simpleRnn } from '@rnnkit/models';
import type { SymbolicTensor } from '@rnnkit/models';
import { saveOnnx } from './index';
import { randomizeBiases } from './test-ort';

const SERVER = join(__dirname, '..', 'examples', 'serve.mjs');

/** An HTTP request to localhost; resolves with the status and the parsed JSON body. */
function call(port: number, method: 'GET' | 'POST', path: string, body?: string): Promise<{ status: number; json: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method, path, headers: { 'content-type': 'application/json' } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, json: JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown> }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** Starts the example; resolves with the child and the port it printed. */
function startServer(modelPath: string): Promise<{ child: ChildProcess; port: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [SERVER, modelPath, '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      const match = /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(out);
      if (match !== null) resolve({ child, port: Number(match[1]) });
    });
    child.stderr!.on('data', (c: Buffer) => {
      err += c.toString();
    });
    child.on('exit', (code) => reject(new Error(`serve.mjs exited with ${String(code)} before listening:\n${err}`)));
  });
}

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
});

it('examples/serve.mjs serves an exported IMDB-style classifier on localhost', async () => {
  // the IMDB script's model, functional, with its input named as the HTTP field
  const ids = input({ shape: [null], dtype: 'int32', name: 'ids' });
  const h = applyLayer(simpleRnn({ units: 6 }), applyLayer(embedding({ inputDim: 20, outputDim: 4, maskZero: true }), ids)) as SymbolicTensor;
  const m = model({ inputs: ids, outputs: applyLayer(dense({ units: 1, activation: 'sigmoid', name: 'score' }), h), seed: 4 });
  randomizeBiases(m.params);
  const dir = mkdtempSync(join(tmpdir(), 'rnnkit-serve-'));
  await saveOnnx(m, join(dir, 'imdb.onnx'));
  const { child, port } = await startServer(join(dir, 'imdb.onnx'));
  try {
    const health = await call(port, 'GET', '/health');
    expect(health.status).toBe(200);
    expect((health.json['inputs'] as { name: string }[]).map((i) => i.name)).toEqual(['ids']);

    const rows = [
      [0, 0, 14, 2, 9, 11],
      [3, 5, 7, 1, 19, 4],
    ];
    const answer = await call(port, 'POST', '/predict', JSON.stringify({ ids: rows }));
    expect(answer.status).toBe(200);
    const x = tensor(Int32Array.from(rows.flat()), [2, 6], 'int32');
    const y = m.apply(x, { training: false });
    expectClose(Float32Array.from((answer.json['score'] as number[][]).flat()), y, { atol: 1e-5, rtol: 1e-5 });
    x.dispose();
    y.dispose();

    const bad = await call(port, 'POST', '/predict', JSON.stringify({ tokens: rows }));
    expect(bad.status).toBe(400);
    expect(bad.json['error']).toMatch(/missing input 'ids'/);
    expect((await call(port, 'POST', '/predict', '{not json')).status).toBe(400);
  } finally {
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    rmSync(dir, { recursive: true });
    m.dispose();
  }
});
