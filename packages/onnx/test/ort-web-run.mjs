// Runs an ONNX model in onnxruntime-web (wasm) under plain Node, outside jest (whose vm sandbox refuses
// the dynamic import of ort-web's wasm loader). argv: model path, input JSON path; prints the output as JSON.
import { readFileSync } from 'node:fs';
import * as ort from 'onnxruntime-web';

const [modelPath, inputPath] = process.argv.slice(2);
const input = JSON.parse(readFileSync(inputPath, 'utf8'));
ort.env.wasm.numThreads = 1;
const session = await ort.InferenceSession.create(readFileSync(modelPath), { executionProviders: ['wasm'] });
const data = input.dtype === 'int32' ? Int32Array.from(input.data) : Float32Array.from(input.data);
const result = await session.run({ [session.inputNames[0]]: new ort.Tensor(input.dtype, data, input.dims) });
const out = result[session.outputNames[0]];
process.stdout.write(JSON.stringify({ dims: out.dims, data: Array.from(out.data) }));
await session.release();
