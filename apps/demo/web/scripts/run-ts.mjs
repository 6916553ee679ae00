// Runs a TypeScript script of the page through Vite's SSR module loader, with the demo's Vite config
// (so @rnnkit/* resolve to their sources and no package build is needed), then calls its main(...args).
//   node web/scripts/run-ts.mjs web/scripts/make-data.ts [args…]
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createServer } from 'vite';

const [script, ...args] = process.argv.slice(2);
if (script === undefined) {
  console.error('usage: node web/scripts/run-ts.mjs SCRIPT.ts [ARGS…]');
  process.exit(2);
}
const server = await createServer({
  configFile: fileURLToPath(new URL('../../vite.config.ts', import.meta.url)),
  server: { middlewareMode: true, hmr: false, ws: false },
  appType: 'custom',
  optimizeDeps: { noDiscovery: true, include: [] },
  logLevel: 'warn',
});
try {
  const module = await server.ssrLoadModule(resolve(script));
  await module.main(...args);
} finally {
  await server.close();
}
