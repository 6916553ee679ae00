// Builds the fused recurrence kernel: AssemblyScript sources in assembly/ → two .wasm modules (f32x4
// SIMD) → src/kernel/recurrence-wasm.generated.ts (see scripts/assemblyscript-module.mjs at the
// repository root). The two modules are the same code: one with its own memory, one that imports a
// shared memory (threads), which several threads' instances use at once (`src/kernel/kernel-threads.ts`).
//
//   node scripts/build-kernel.mjs           rebuild the generated module
//   node scripts/build-kernel.mjs --check   exit 1 when the generated module is stale
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildAssemblyScriptModule } from '../../../scripts/assemblyscript-module.mjs';

const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const flags = ['--enable', 'simd', '--runtime', 'stub', '--noAssert', '--optimizeLevel', '3', '--shrinkLevel', '0', '--converge'];

await buildAssemblyScriptModule({
  packageDir,
  sourceDir: join(packageDir, 'assembly'),
  entry: 'index.ts',
  target: join(packageDir, 'src', 'kernel', 'recurrence-wasm.generated.ts'),
  rebuild: 'pnpm --filter @rnnkit/cells build:kernel',
  argv: process.argv.slice(2),
  variants: [
    { constant: 'RECURRENCE_WASM_BASE64', flags, describe: (n) => `The kernel module (${n} bytes, f32x4 SIMD), base64.` },
    {
      constant: 'RECURRENCE_WASM_SHARED_BASE64',
      // the shared memory's maximum: 32,768 pages of 64 KiB = 2 GiB, `KERNEL_MEMORY_LIMIT`
      flags: [...flags, '--enable', 'threads', '--importMemory', '--sharedMemory', '--maximumMemory', '32768'],
      describe: (n) => `The same kernel importing a shared memory (\`env.memory\`, at most 2 GiB) for threads (${n} bytes), base64.`,
    },
  ],
});
