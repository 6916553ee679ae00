/**
 * One row of a recurrent stack, one step at a time, with the weights and the state resident in the
 * kernel memory: what batch-1 generation runs per token. A step is two kernel calls per layer
 * (the input projection, the cell's one-step recurrence) and one for the dense head, with no
 * copies of the weights, which are placed once, and none of the state, which stays where the
 * previous step wrote it. The products of a step are one row's (`rowProduct`, and `lstmStep` for an
 * LSTM, of assembly/step.ts: the same sums in the same order as `gemm`'s, in a loop made for one row).
 *
 * Made with `inputRows` (an embedding matrix), the stepper computes the first layer's input
 * projection of every row once, table[r] = rows[r]·Wxh + bIn, with the kernel's own product in
 * the same summation order as a step's (so the values are bit-identical), and a step given a row
 * index starts the recurrence from that table row: one kernel call fewer per token.
 *
 * Every other kernel call lays its buffers out from the heap base and so overwrites them; the
 * stepper notices (the kernel's layout count has moved on, or the kernel was reloaded) and places
 * the weights again before the next step. The state of the last step is then gone from the kernel
 * memory, so that step must be given it ({@link KernelStackStepper.holdsState}).
 *
 * Shapes: I input width, H units, Hp = H padded ({@link stepUnits}), G gate blocks, N = G·Hp,
 * V head outputs, Vp = V padded, R input rows. Per layer: x [Ip], Wxh [Ip, N], bIn [N], Whh [Hp, N],
 * bRec [N] (GRU reset-after), p [N], h, c [Hp]; head: Wd [Hp, Vp], bd [Vp], logits [Vp];
 * table [R, N] (the first layer's N).
 */
import type { CellConfig } from '../config';
import { ACTIVATION_CODES } from './activation-codes';
import { layoutCount, recurrenceKernel } from './kernel-module';
import type { KernelExports } from './kernel-module';
import { padBlocks, paddedUnits, place, read } from './layout';
import type { Slot } from './layout';

/** One recurrent layer: its configuration and weights in the cells' layout (`wxh` [I, G·H], `whh` [H, G·H], `bh` [G·H] or GRU reset-after [2, 3H]). */
export interface StackLayer {
  readonly config: CellConfig;
  readonly wxh: Float32Array;
  readonly whh: Float32Array;
  readonly bh: Float32Array | null;
}

/** The dense head after the last layer: `logits = h·kernel + bias`, kernel [H, V], bias [V] or null. */
export interface StackHead {
  readonly kernel: Float32Array;
  readonly bias: Float32Array | null;
  readonly units: number;
}

/** What a step returns: views of the kernel memory, valid until the next step or kernel call (copy what you keep). */
export interface StackStep {
  /** The head's outputs [V]. */
  readonly logits: Float32Array;
  /** Every layer's new state: h, then c for an LSTM, per layer. */
  readonly state: readonly Float32Array[];
}

/** A stack stepper for one row; see the file comment. */
export interface KernelStackStepper {
  /**
   * Feeds the first layer `input`: an array [I], or the index of a row of the stepper's
   * `inputRows`. `state` (in {@link StackStep.state}'s order) sets the state first; null continues
   * from the state in the kernel memory: zeros before the first step, else the last step's, which
   * only {@link holdsState} tells is still there. Null when the kernel is not available right now
   * (a browser compiling it again after `releaseRecurrenceKernel`): nothing ran, try again later.
   */
  step(input: Float32Array | number, state: readonly Float32Array[] | null): StackStep | null;
  /**
   * Whether a step may continue with a null state: no step has run yet, or the kernel memory still
   * holds the last step's state (no other kernel call has laid out its buffers since, and the kernel
   * was not reloaded).
   */
  holdsState(): boolean;
}

/** A layer's padded host arrays and its one-step call over buffers in the kernel memory. */
interface LayerPlan {
  readonly units: number;
  readonly hp: number;
  readonly ip: number;
  readonly n: number;
  readonly hasCellState: boolean;
  /** Host data (or sizes) of [Wxh, bIn, Whh, bRec, p, h, h', c, c', ...scratch]. */
  readonly slots: Slot[];
  /** The recurrence for one step from the input projection at `p`: buffers by byte address (the slots' layout, {@link SLOT}), h/c from `from` to `to`. */
  run(k: KernelExports, at: readonly number[], p: number, from: number, to: number): void;
}

/** Where each layer buffer sits in a layer's slots (h and c are pairs: the state read and the state written swap every step). */
const SLOT = { wxh: 0, bIn: 1, whh: 2, bRec: 3, p: 4, h: 5, c: 7, scratch: 9 } as const;

/**
 * Hp: H padded to a multiple of 4; for the GRU and SimpleRNN, whose step runs `gemm`, by 4 more
 * while a row of the weights (N floats) spans a multiple of 1 KiB. `gemm` walks each column tile
 * down the rows; rows that far apart share a few of the L1 cache's 64 sets (which repeat every
 * 4 KiB) and evict one another (LSTM-128 through `gemm`, N = 512 with 2 KiB rows, stepped ~10%
 * faster with Hp = 132). The LSTM step and the head run `rowProduct`, which walks the rows
 * themselves, so they need no more than 4: LSTM-128's step with Hp = 128 ran 6% faster than with
 * 132. The extra units are zero-padded like the rest, so they only add exact zeros to every sum.
 */
function stepUnits(units: number, gates: number, rowWise: boolean): number {
  let hp = paddedUnits(units);
  while (!rowWise && (4 * gates * hp) % 1024 === 0) hp += 4;
  return hp;
}

function plan({ config, wxh, whh, bh }: StackLayer): LayerPlan {
  const units = config.units;
  const gates = config.kind === 'lstm' ? 4 : config.kind === 'gru' ? 3 : 1;
  const hp = stepUnits(units, gates, config.kind === 'lstm');
  const ip = paddedUnits(config.inputSize);
  const n = gates * hp;
  const resetAfter = config.kind === 'gru' && config.resetAfter;
  const width = gates * units;
  const bIn = bh === null ? null : padBlocks(bh.subarray(0, width), 1, gates, units, 1, hp);
  const bRec = bh !== null && resetAfter ? padBlocks(bh.subarray(width, 2 * width), 1, gates, units, 1, hp) : null;
  const hasCellState = config.kind === 'lstm';
  const act = ACTIVATION_CODES[config.activation];
  const recAct = config.kind === 'simpleRnn' ? 0 : ACTIVATION_CODES[config.recurrentActivation];
  const scratch =
    config.kind === 'simpleRnn' ? [hp]
    : config.kind === 'lstm' ? [4 * hp]
    : resetAfter ? [n, hp, hp, n]
    : [n, hp, hp, 2 * hp, hp];
  const slots: Slot[] = [
    padBlocks(wxh, config.inputSize, gates, units, ip, hp),
    bIn,
    padBlocks(whh, units, gates, units, hp, hp),
    bRec,
    n,
    new Float32Array(hp),
    new Float32Array(hp),
    hasCellState ? new Float32Array(hp) : null,
    hasCellState ? new Float32Array(hp) : null,
    ...scratch,
  ];
  const run = (k: KernelExports, at: readonly number[], p: number, from: number, to: number): void => {
    const [w, b, h0, h1, c0, c1] = [at[SLOT.whh]!, at[SLOT.bRec]!, at[SLOT.h + from]!, at[SLOT.h + to]!, at[SLOT.c + from]!, at[SLOT.c + to]!];
    const s = (i: number): number => at[SLOT.scratch + i]!;
    if (config.kind === 'simpleRnn') k.simpleRnnForward(1, 1, hp, act, p, h0, w, 0, 0, h1, s(0));
    else if (config.kind === 'lstm') k.lstmStep(hp, act, recAct, p, h0, c0, w, h1, c1, s(0));
    else if (resetAfter) k.gruResetAfterForward(1, 1, hp, act, recAct, p, h0, w, b, 0, 0, h1, s(0), s(1), s(2), s(3));
    else k.gruResetBeforeForward(1, 1, hp, act, recAct, p, h0, w, 0, 0, h1, s(0), s(1), s(2), s(3), s(4));
  };
  return { units, hp, ip, n, hasCellState, slots, run };
}

/** table [R, N] = rows [R, I]·Wxh + bIn of the first layer, by the kernel's product (a step's x·Wxh + bIn, row by row). */
function inputTable(kernel: KernelExports, rows: Float32Array, count: number, inputSize: number, first: LayerPlan): Float32Array {
  const { ip, n, slots } = first;
  const { pointers } = place(kernel, [padBlocks(rows, count, 1, inputSize), slots[SLOT.wxh] ?? null, slots[SLOT.bIn] ?? null, count * n]);
  const [x, w, b, out] = pointers as [number, number, number, number];
  kernel.gemm(count, n, ip, x, ip, w, n, b, 0, out, n);
  return read(kernel, out, count * n);
}

/** Where the stack lives in the kernel memory, valid while no other call has laid out buffers since. */
interface Placement {
  readonly kernel: KernelExports;
  readonly layouts: number;
  /** The whole memory as floats (a float at byte address a is heap[a / 4]). */
  readonly heap: Float32Array;
  readonly x: number;
  /** The input table's address (0 without `inputRows`). */
  readonly table: number;
  readonly layers: ReadonlyArray<readonly number[]>;
  readonly head: readonly number[];
  /** What a step returns, by the buffer of each h/c pair it wrote: views made once per placement. */
  readonly results: readonly [StackStep, StackStep];
}

/**
 * A {@link KernelStackStepper} over `layers` (each layer's input width the previous one's units)
 * and `head`, or null where the WebAssembly SIMD kernel is unavailable. `inputRows` [R, I] (an
 * embedding matrix) lets steps take a row index instead of an input array; see the file comment.
 *
 * @example
 * const stepper = kernelStackStepper([{ config: lstmCell({ inputSize: 32, units: 128 }), wxh, whh, bh }], { kernel: wd, bias: bd, units: 65 }, embeddings);
 * const { logits } = stepper!.step(token, null)!;
 */
export function kernelStackStepper(layers: readonly StackLayer[], head: StackHead, inputRows?: Float32Array): KernelStackStepper | null {
  const kernel = recurrenceKernel();
  if (kernel === null || layers.length === 0) return null;
  const plans = layers.map(plan);
  const first = plans[0]!;
  const top = plans.at(-1)!;
  const inputSize = layers[0]!.config.inputSize;
  if (inputRows !== undefined && inputRows.length % inputSize !== 0) {
    throw new Error(`kernelStackStepper: inputRows must hold whole rows of ${inputSize} values, got ${inputRows.length} values`);
  }
  const rowCount = inputRows === undefined ? 0 : inputRows.length / inputSize;
  const table = inputRows === undefined ? null : inputTable(kernel, inputRows, rowCount, inputSize, first);
  const vp = stepUnits(head.units, 1, true);
  const headSlots: Slot[] = [padBlocks(head.kernel, top.units, 1, head.units, top.hp, vp), head.bias === null ? null : padBlocks(head.bias, 1, 1, head.units, 1, vp), vp];
  const stateCount = plans.reduce((sum, l) => sum + (l.hasCellState ? 2 : 1), 0);
  let placement: Placement | null = null;
  /** Which buffer of each h/c pair holds the current state. */
  let from = 0;
  let stepped = false;

  const current = (k: KernelExports): boolean => placement !== null && placement.kernel === k && placement.layouts === layoutCount();

  /** The stack in `k`'s memory (placed again, with a zero state, when it is no longer intact). */
  const placed = (k: KernelExports): Placement => {
    if (placement !== null && current(k)) return placement;
    const { pointers } = place(k, [first.ip, table, ...plans.flatMap((l) => l.slots), ...headSlots]);
    let next = 2;
    const at = plans.map((l) => pointers.slice(next, (next += l.slots.length)));
    const heap = new Float32Array(k.memory.buffer);
    const view = (ptr: number, floats: number): Float32Array => heap.subarray(ptr >> 2, (ptr >> 2) + floats);
    const headAt = pointers.slice(next);
    const result = (to: number): StackStep => ({
      logits: view(headAt[2]!, head.units),
      state: plans.flatMap((l, j) => (l.hasCellState ? [view(at[j]![SLOT.h + to]!, l.units), view(at[j]![SLOT.c + to]!, l.units)] : [view(at[j]![SLOT.h + to]!, l.units)])),
    });
    placement = { kernel: k, layouts: layoutCount(), heap, x: pointers[0]!, table: pointers[1]!, layers: at, head: headAt, results: [result(0), result(1)] };
    heap.fill(0, placement.x >> 2, (placement.x >> 2) + first.ip);
    from = 0;
    return placement;
  };

  const writeState = ({ heap, layers: at }: Placement, values: readonly Float32Array[]): void => {
    let i = 0;
    plans.forEach((l, j) => {
      heap.set(values[i++]!, at[j]![SLOT.h + from]! >> 2);
      if (l.hasCellState) heap.set(values[i++]!, at[j]![SLOT.c + from]! >> 2);
    });
  };

  const checkInput = (input: Float32Array | number): void => {
    if (typeof input !== 'number') {
      if (input.length !== inputSize) throw new Error(`kernelStackStepper: the input must have ${inputSize} values, got ${input.length}`);
    } else if (table === null) {
      throw new Error('kernelStackStepper: a row index needs the inputRows the stepper was made with; pass an input array instead');
    } else if (!Number.isInteger(input) || input < 0 || input >= rowCount) {
      throw new Error(`kernelStackStepper: row ${input} is not a row of inputRows: rows lie in [0, ${rowCount})`);
    }
  };

  return {
    holdsState() {
      if (!stepped) return true;
      const k = recurrenceKernel();
      return k !== null && current(k);
    },
    step(input, given) {
      checkInput(input);
      if (given !== null && given.length !== stateCount) throw new Error(`kernelStackStepper: the state must have ${stateCount} arrays, got ${given.length}`);
      const k = recurrenceKernel();
      if (k === null) return null;
      if (given === null && stepped && !current(k)) {
        throw new Error('kernelStackStepper: the last state is no longer in the kernel memory (another kernel call ran since): pass it in');
      }
      const where = placed(k);
      const { heap } = where;
      if (given !== null) writeState(where, given);
      const to = 1 - from;
      let x = where.x;
      if (typeof input !== 'number') heap.set(input, x >> 2);
      for (let j = 0; j < plans.length; j++) {
        const l = plans[j]!;
        const at = where.layers[j]!;
        let p = at[SLOT.p]!;
        if (j === 0 && typeof input === 'number') p = where.table + 4 * input * l.n; // the table row: x·Wxh + bIn already
        else k.rowProduct(l.n, l.ip, x, at[SLOT.wxh]!, l.n, at[SLOT.bIn]!, p); // p = x·Wxh + bIn
        l.run(k, at, p, from, to);
        x = at[SLOT.h + to]!;
      }
      const [wd, bd, logits] = where.head as [number, number, number];
      k.rowProduct(vp, top.hp, x, wd, vp, bd, logits);
      from = to;
      stepped = true;
      return where.results[to]!;
    },
  };
}
