/**
 * `pnpm bench --roofline`: the rate rnnkit reaches on the seed cases against a measured peak of a
 * WebAssembly SIMD matrix product on this machine.
 *
 * Peak: the recurrence kernel's own `gemm` (f32x4 mul + add, 2×16 register tiles; no FMA in Node 20's
 * WebAssembly) on one thread, over square and seed-shaped products whose operands fit in L2, the best
 * of them; beside it tfjs-backend-wasm's `MatMul` (XNNPACK, one thread under Node) at 512³ for scale.
 * Achieved: each seed case's whole timed step (as `pnpm bench` times it: embedding, recurrent layer,
 * head, loss and Adam, with the loss or prediction read back), counted by `flops.ts` (products only), so
 * the figure is a lower bound of the kernel's own rate. The kernel splits large layers over
 * `recurrenceThreads()` threads, so the bound to compare with is that many times the one-thread peak.
 *
 * Shapes: gemm C[m, n] = A[m, k]·B[k, n], row-major; 2·m·n·k FLOPs per product.
 */
import { recurrenceThreads } from '@rnnkit/cells';
import { matMul, tensor2d } from '@rnnkit/tensor';
import { makeData } from './bench-data';
import { ALL_CASES } from './cases';
import { rnnkit } from './contender-rnnkit';
import { stepFlops } from './flops';
import { recurrenceKernel, reserve, view } from './kernel-access';

export interface GemmShape {
  readonly m: number;
  readonly n: number;
  readonly k: number;
}

/** Square products from L1- to L2-sized, and the seed model's projection and recurrent products. */
export const PEAK_SHAPES: readonly GemmShape[] = [
  { m: 128, n: 128, k: 128 },
  { m: 256, n: 256, k: 256 },
  { m: 512, n: 512, k: 512 },
  { m: 128, n: 128, k: 32 }, // one LSTM-32 step of the batch: h [128, 32]·Whh [32, 128]
  { m: 128, n: 512, k: 128 }, // one LSTM-128 step
  { m: 25_600, n: 128, k: 32 }, // the LSTM-32 projection X·Wxh over B·T rows
];

/** Calls `f` until `seconds` have passed (at least `minimum` calls); seconds per call. */
function timePerCall(f: () => void, seconds: number, minimum = 3): number {
  f(); // warm-up
  let calls = 0;
  const started = performance.now();
  let elapsed = 0;
  while (calls < minimum || elapsed < seconds) {
    f();
    calls += 1;
    elapsed = (performance.now() - started) / 1000;
  }
  return elapsed / calls;
}

/** GFLOP/s of the kernel's gemm at one shape, one thread (this process's own instance of the module). */
export function kernelGemmRate(s: GemmShape, seconds: number): number {
  const kernel = recurrenceKernel();
  if (kernel === null) throw new Error('roofline: the recurrence kernel needs WebAssembly SIMD, which this engine lacks');
  const { pointers } = reserve(kernel, [s.m * s.k, s.k * s.n, s.m * s.n]);
  const [a, b, c] = pointers as [number, number, number];
  const fill = (ptr: number, floats: number): void => {
    const v = view(kernel, ptr, floats);
    for (let i = 0; i < floats; i++) v[i] = ((i * 7919) % 2001) / 1000 - 1; // in [−1, 1], no subnormals
  };
  fill(a, s.m * s.k);
  fill(b, s.k * s.n);
  const perCall = timePerCall(() => kernel.gemm(s.m, s.n, s.k, a, s.k, b, s.n, 0, 0, c, s.n), seconds / PEAK_SHAPES.length);
  return (2 * s.m * s.n * s.k) / perCall / 1e9;
}

/** GFLOP/s of tfjs' MatMul on the current backend (XNNPACK on wasm) at n³, result read back. */
export function tfjsMatMulRate(n: number, seconds: number): number {
  const values = Float32Array.from({ length: n * n }, (_, i) => ((i * 7919) % 2001) / 1000 - 1);
  const a = tensor2d(values, [n, n]);
  const b = tensor2d(values, [n, n]);
  const perCall = timePerCall(() => {
    const c = matMul(a, b);
    c.dataSync();
    c.dispose();
  }, seconds);
  a.dispose();
  b.dispose();
  return (2 * n * n * n) / perCall / 1e9;
}

export async function runRoofline(seconds: number): Promise<void> {
  console.log('Peak: the recurrence kernel\'s gemm, one thread (f32x4 mul + add), GFLOP/s:');
  let peak = 0;
  for (const s of PEAK_SHAPES) {
    const rate = kernelGemmRate(s, seconds * 2);
    peak = Math.max(peak, rate);
    console.log(`  [${s.m}, ${s.k}]·[${s.k}, ${s.n}]: ${rate.toFixed(1)}`);
  }
  console.log(`  tfjs-backend-wasm MatMul (XNNPACK, 1 thread) [512, 512]·[512, 512]: ${tfjsMatMulRate(512, seconds).toFixed(1)}`);
  const threads = recurrenceThreads();
  console.log(`peak ${peak.toFixed(1)} GFLOP/s per thread; rnnkit's kernel runs large layers on ${threads} thread(s): bound ${(peak * threads).toFixed(1)} GFLOP/s`);
  console.log('Achieved on the seed cases (whole timed step, matrix-product FLOPs only):');
  for (const c of ALL_CASES.filter((x) => x.mode !== 'generate')) {
    const step = await rnnkit.prepare(c, makeData(c, 4, 113));
    try {
      for (let i = 0; i < 2; i++) await step.run();
      let steps = 0;
      const started = performance.now();
      let elapsed = 0;
      while (steps < 2 || elapsed < seconds) {
        await step.run();
        steps += 1;
        elapsed = (performance.now() - started) / 1000;
      }
      const flops = stepFlops(c);
      const rate = (flops * steps) / elapsed / 1e9;
      const ms = (elapsed / steps) * 1000;
      console.log(
        `  ${c.name.padEnd(22)} ${(flops / 1e9).toFixed(2).padStart(6)} GFLOP/step  ${ms.toFixed(1).padStart(7)} ms  ${rate.toFixed(1).padStart(6)} GFLOP/s  ` +
          `${((100 * rate) / peak).toFixed(0).padStart(3)} % of one thread's peak, ${((100 * rate) / (peak * threads)).toFixed(0).padStart(3)} % of ${threads}`,
      );
    } finally {
      await step.dispose();
    }
  }
}
