/**
 * Vite config of the demo's browser page (apps/demo/web): the page and its training worker import
 * the @rnnkit packages from their sources, so no package build is needed to develop or test it.
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const packages = ['tensor', 'cells', 'models', 'training', 'datasets', 'keras'];
/**
 * Cross-origin isolation: with it the page and its workers get SharedArrayBuffer and shared
 * WebAssembly memory, so @rnnkit/cells' recurrence kernel runs large layers on helper threads
 * (and tfjs-backend-wasm loads its threaded build). A static host must send the same headers.
 */
const isolation = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' };
const source = (name: string): string => fileURLToPath(new URL(`../../packages/${name}/src/index.ts`, import.meta.url));

export default defineConfig({
  root: fileURLToPath(new URL('./web', import.meta.url)),
  base: './',
  resolve: {
    alias: packages.map((name) => ({ find: new RegExp(`^@rnnkit/${name}$`), replacement: source(name) })),
  },
  // scripts run through Vite's module runner (web/scripts) read the packages' sources too
  ssr: { noExternal: [/^@rnnkit\//] },
  worker: { format: 'es' },
  build: {
    outDir: fileURLToPath(new URL('./dist-web', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    chunkSizeWarningLimit: 2000,
  },
  server: { host: '127.0.0.1', port: 5173, headers: isolation },
  preview: { host: '127.0.0.1', port: 4173, headers: isolation },
});
