import { initBackend } from '@rnnkit/tensor';

async function main(): Promise<void> {
  const info = await initBackend();
  console.log(`rnnkit ${process.argv[1]?.includes('bench') ? 'bench' : 'demo'}: backend ${info.backend} (simd ${info.simd}, threads ${info.threads}) — not implemented yet`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exitCode = 1;
});
