/**
 * One sweep shape on rnnkit in a fresh process (`dist/sweep-child.cjs`, started by `sweep.ts`), so that
 * its peak memory is its own: the process's peak RSS (getrusage's maxRSS) above its RSS after the backend
 * started. That covers everything the shape made — tfjs' wasm heap (tensors), the recurrence kernel's
 * WebAssembly memory (the layer's layout and the results held from forward to backward), the helper
 * thread and the JS heap. Prints one JSON line: { samplesPerSecond, secondsPerStep, timedSteps, memoryMiB }.
 *
 * Request (argv[2], JSON): { case: BenchCase, seconds, threads: 'auto' | N, backend }.
 */
import { setRecurrenceThreads } from '@rnnkit/cells';
import { initBackend } from '@rnnkit/tensor';
import { makeData } from './bench-data';
import type { BenchCase } from './cases';
import { rnnkit } from './contender-rnnkit';
import type { Measured } from './sweep-plan';

export interface ChildRequest {
  readonly case: BenchCase;
  /** The timed window: steps run until it is over (at least one) after one warm-up step. */
  readonly seconds: number;
  readonly threads: 'auto' | number;
  readonly backend: 'wasm' | 'cpu';
}

async function main(): Promise<void> {
  const request = JSON.parse(process.argv[2] ?? 'null') as ChildRequest | null;
  if (request === null) throw new Error('sweep-child: pass the request as JSON in the first argument');
  setRecurrenceThreads(request.threads);
  await initBackend({ backend: request.backend });
  const before = process.memoryUsage().rss;
  const c = request.case;
  const step = await rnnkit.prepare(c, makeData(c, 2, 113));
  await step.run(); // warm-up: compiles, grows the memories
  let steps = 0;
  const started = performance.now();
  let seconds = 0;
  while (steps === 0 || seconds < request.seconds) {
    await step.run();
    steps += 1;
    seconds = (performance.now() - started) / 1000;
  }
  const peak = process.resourceUsage().maxRSS * 1024;
  await step.dispose();
  const measured: Measured = { samplesPerSecond: (steps * c.batch) / seconds, secondsPerStep: seconds / steps, timedSteps: steps, memoryMiB: Math.max(0, peak - before) / 2 ** 20 };
  process.stdout.write(`${JSON.stringify(measured)}\n`);
  // helper threads would keep the process alive for their idle timeout
  process.exit(0);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
