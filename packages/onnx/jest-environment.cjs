// jest's node environment with the host's typed-array classes: onnxruntime-node's native binding
// creates its output arrays in the host realm, and onnxruntime-common then checks them with
// `instanceof` against the test realm's classes, which fails in a plain jest sandbox.
const path = require('node:path');

const jestDir = path.dirname(require.resolve('jest/package.json', { paths: [path.join(__dirname, '../..')] }));
const NodeEnvironment = require(require.resolve('jest-environment-node', { paths: [jestDir, path.join(jestDir, '..', '..')] })).TestEnvironment;

const TYPED_ARRAYS = ['Float32Array', 'Float64Array', 'Int8Array', 'Int16Array', 'Int32Array', 'Uint8Array', 'Uint16Array', 'Uint32Array', 'BigInt64Array', 'BigUint64Array', 'ArrayBuffer'];

class OnnxRuntimeEnvironment extends NodeEnvironment {
  constructor(config, context) {
    super(config, context);
    for (const name of TYPED_ARRAYS) this.global[name] = globalThis[name];
  }
}

module.exports = OnnxRuntimeEnvironment;
