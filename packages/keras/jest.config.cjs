// The shared set-up, plus h5wasm: it ships only as ES modules (no `require` export, and
// `import.meta.url` in its emscripten loader, naming where a .wasm file would be fetched from; the
// binary is inlined, so nothing is fetched). Jest runs CommonJS, so h5wasm is compiled like the
// sources by jest-esm-transform.cjs.
const path = require('node:path');

const base = require('../../jest.base.cjs')(__dirname);
const h5wasmEntry = path.join(__dirname, 'node_modules', 'h5wasm', 'dist', 'esm', 'hdf5_hl.js');

module.exports = {
  ...base,
  transform: { '[/\\\\]h5wasm[/\\\\]dist[/\\\\].+\\.js$': path.join(__dirname, 'jest-esm-transform.cjs'), ...base.transform },
  // the shared pattern's exception (tfjs-core's ES modules) and h5wasm's
  transformIgnorePatterns: ['/node_modules/(?!(\\.pnpm/[^/]+/node_modules/)?(@tensorflow/tfjs-core/dist/(?!tf-core)|h5wasm/dist/))'],
  moduleNameMapper: { ...base.moduleNameMapper, '^h5wasm$': h5wasmEntry },
};
