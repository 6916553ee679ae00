// Builds the row-copy kernel that runs on tfjs-backend-wasm's own heap: assembly/rows.ts → one .wasm
// (f32x4 SIMD, importing the backend's memory) → src/kernels/rows-wasm.generated.ts (see
// scripts/assemblyscript-module.mjs at the repository root).
//
//   node scripts/build-rows-kernel.mjs           rebuild the generated module
//   node scripts/build-rows-kernel.mjs --check   exit 1 when the generated module is stale
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildAssemblyScriptModule } from '../../../scripts/assemblyscript-module.mjs';

const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..');

await buildAssemblyScriptModule({
  packageDir,
  sourceDir: join(packageDir, 'assembly'),
  entry: 'rows.ts',
  target: join(packageDir, 'src', 'kernels', 'rows-wasm.generated.ts'),
  rebuild: 'pnpm --filter @rnnkit/tensor build:kernel',
  argv: process.argv.slice(2),
  variants: [
    {
      constant: 'ROWS_WASM_BASE64',
      // no static data and no memory of its own: instantiating it writes nothing into the backend's heap
      flags: ['--enable', 'simd', '--runtime', 'stub', '--noAssert', '--optimizeLevel', '3', '--importMemory', '--initialMemory', '0'],
      describe: (n) => `The row kernel (${n} bytes, f32x4 SIMD, imports \`env.memory\`), base64.`,
    },
  ],
});
