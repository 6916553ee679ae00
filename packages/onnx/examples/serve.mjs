// Serves an ONNX model (e.g. one rnnkit's saveOnnx wrote) over HTTP with onnxruntime-node — no rnnkit and
// no tfjs at serving time, only ONNX Runtime.
//
//   node serve.mjs MODEL.onnx [--port 8080] [--host 127.0.0.1]
//
//   GET  /health   → 200 {"inputs": [...], "outputs": [...]}  the graph's input and output names, types, dims
//   POST /predict  {"<input name>": [[…], …], …}  one nested array per graph input (rows of ids or values)
//                  → 200 {"<output name>": [[…], …], …}   every graph output as nested arrays
//
// A bad request (not JSON, a missing input, ragged rows) is answered 400 with {"error": "..."}; `--port 0`
// picks a free port. The first line on stdout is `listening on http://HOST:PORT`. SIGINT/SIGTERM stop it.
import { createServer } from 'node:http';
import { parseArgs } from 'node:util';
import * as ort from 'onnxruntime-node';

const { values: flags, positionals } = parseArgs({ allowPositionals: true, options: { port: { type: 'string', default: '8080' }, host: { type: 'string', default: '127.0.0.1' } } });
const modelPath = positionals[0];
if (modelPath === undefined) {
  console.error('usage: node serve.mjs MODEL.onnx [--port 8080] [--host 127.0.0.1]');
  process.exit(2);
}

const session = await ort.InferenceSession.create(modelPath);
const inputs = session.inputMetadata.filter((m) => m.isTensor);

/** A nested array of rows as a flat typed array and its dims; throws when the rows are ragged. */
function toTensor(name, type, value) {
  const dims = [];
  for (let level = value; Array.isArray(level); level = level[0]) dims.push(level.length);
  const flat = Array.isArray(value) ? value.flat(Infinity) : [value];
  if (flat.length !== dims.reduce((a, d) => a * d, 1) || flat.some((v) => typeof v !== 'number')) {
    throw new Error(`input '${name}' must be a rectangular nested array of numbers, got dims [${dims.join(', ')}] and ${flat.length} values`);
  }
  const data = type === 'int32' ? Int32Array.from(flat) : type === 'int64' ? BigInt64Array.from(flat, BigInt) : Float32Array.from(flat);
  return new ort.Tensor(type, data, dims);
}

/** A tensor as nested arrays, row-major, as the request gave them. */
function toNested(tensor) {
  const values = Array.from(tensor.data, Number);
  const nest = (offset, axis) => {
    if (axis === tensor.dims.length) return values[offset];
    const stride = tensor.dims.slice(axis + 1).reduce((a, d) => a * d, 1);
    return Array.from({ length: tensor.dims[axis] }, (_, i) => nest(offset + i * stride, axis + 1));
  };
  return nest(0, 0);
}

async function predict(body) {
  const feeds = {};
  for (const { name, type } of inputs) {
    if (!(name in body)) throw new Error(`missing input '${name}' (the model takes ${inputs.map((m) => `'${m.name}'`).join(', ')})`);
    feeds[name] = toTensor(name, type, body[name]);
  }
  const results = await session.run(feeds);
  return Object.fromEntries(session.outputNames.map((name) => [name, toNested(results[name])]));
}

function reply(res, status, payload) {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(payload));
}

const server = createServer((req, res) => {
  if (req.method === 'GET' && req.url === '/health') {
    reply(res, 200, { inputs: session.inputMetadata, outputs: session.outputMetadata });
    return;
  }
  if (req.method !== 'POST' || req.url !== '/predict') {
    reply(res, 404, { error: 'use GET /health or POST /predict' });
    return;
  }
  const chunks = [];
  req.on('data', (chunk) => chunks.push(chunk));
  req.on('end', () => {
    let body;
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      reply(res, 400, { error: 'the body must be JSON' });
      return;
    }
    predict(body).then(
      (outputs) => reply(res, 200, outputs),
      (error) => reply(res, 400, { error: error.message }),
    );
  });
});

server.listen(Number(flags.port), flags.host, () => {
  const { address, port } = server.address();
  console.log(`listening on http://${address}:${port}`);
});

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    server.close(() => session.release().then(() => process.exit(0)));
  });
}
