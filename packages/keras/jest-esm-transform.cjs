// Compiles an ES module for jest (CommonJS) as the shared swc set-up does, with `import.meta.url`
// replaced by the module's file URL (CommonJS has no import.meta).
const { pathToFileURL } = require('node:url');
const path = require('node:path');

const swcJest = require(require.resolve('@swc/jest', { paths: [path.join(__dirname, '..', '..')] }));
const swc = swcJest.createTransformer({ jsc: { parser: { syntax: 'ecmascript' }, target: 'es2022' }, module: { type: 'commonjs' } });

module.exports = {
  process(source, filename, options) {
    const patched = source.split('import.meta.url').join(JSON.stringify(pathToFileURL(filename).href));
    return swc.process(patched, filename, options);
  },
  getCacheKey(source, filename, options) {
    return `esm-import-meta-${swc.getCacheKey(source, filename, options)}`;
  },
};
