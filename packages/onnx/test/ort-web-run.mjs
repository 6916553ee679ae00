// Runs an ONNX model in onnxruntime-web (wasm) under plain Node, outside jest (whose vm sandbox refuses
// the dynamic import of ort-web's wasm loader). argv: model path, input JSON path; prints the outputs as JSON.
// The input JSON is one feed { dtype, dims, data } for the model's first input, or { feeds: { name: feed } }.
// The output JSON is { dims, data } of the first output, and { outputs: { name: { dims, data } } } of all.
import { readFileSync } from 'node:fs';
import * as ort from 'onnxruntime-web';

const [modelPath, inputPath] = process.argv.slice(2);
const input = JSON.parse(readFileSync(inputPath, 'utf8'));
ort.env.wasm.numThreads = 1;
const session = await ort.InferenceSession.create(readFileSync(modelPath), { executionProviders: ['wasm'] });
const toTensor = (feed) => new ort.Tensor(feed.dtype, feed.dtype === 'int32' ? Int32Array.from(feed.data) : Float32Array.from(feed.data), feed.dims);
const feeds = input.feeds === undefined ? { [session.inputNames[0]]: toTensor(input) } : Object.fromEntries(Object.entries(input.feeds).map(([name, feed]) => [name, toTensor(feed)]));
const result = await session.run(feeds);
const outputs = Object.fromEntries(session.outputNames.map((name) => [name, { dims: result[name].dims, data: Array.from(result[name].data) }]));
process.stdout.write(JSON.stringify({ ...outputs[session.outputNames[0]], outputs }));
await session.release();
