/**
 * One row of a recurrent stack, one step at a time, with the weights and the state resident in the
 * kernel memory: what batch-1 generation runs per token. A step is two kernel calls per layer
 * (the input projection, the cell's one-step recurrence) and one for the dense head, with no
 * copies of the weights, which are placed once.
 *
 * Every other kernel call lays its buffers out from the heap base and so overwrites them; the
 * stepper notices (the kernel's layout count has moved on, or the kernel was reloaded) and places
 * the weights and its last state again before the next step.
 *
 * Shapes: I input width, H units, Hp = H padded to a multiple of 4, G gate blocks, N = G·Hp,
 * V head outputs, Vp = V padded. Per layer: x [Ip], Wxh [Ip, N], bIn [N], Whh [Hp, N], bRec [N]
 * (GRU reset-after), p [N], h, c [Hp]; head: Wd [Hp, Vp], bd [Vp], logits [Vp].
 */
import type { CellConfig } from '../config';
import { ACTIVATION_CODES } from './activation-codes';
import { layoutCount, recurrenceKernel } from './kernel-module';
import type { KernelExports } from './kernel-module';
import { padBlocks, paddedUnits, place } from './layout';
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

/** A stack stepper for one row; see the file comment. */
export interface KernelStackStepper {
  /**
   * Feeds `input` [I] to the first layer and returns the head's logits [V] and every layer's new
   * state (h, then c for an LSTM, per layer; new arrays each step, which the stepper keeps too, so
   * they must not be modified). `state` in the same order sets the state first; null continues
   * from the previous step (zeros at first). Null when the kernel is not available right now (a
   * browser compiling it again after `releaseRecurrenceKernel`): nothing ran, try again later.
   */
  step(input: Float32Array, state: readonly Float32Array[] | null): { logits: Float32Array; state: Float32Array[] } | null;
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
  /** The recurrence for one step: buffers by byte address (the slots' layout, {@link SLOT}), h/c from `from` to `to`. */
  run(k: KernelExports, at: readonly number[], from: number, to: number): void;
}

/** Where each layer buffer sits in a layer's slots (h and c are pairs: the state read and the state written swap every step). */
const SLOT = { wxh: 0, bIn: 1, whh: 2, bRec: 3, p: 4, h: 5, c: 7, scratch: 9 } as const;

function plan({ config, wxh, whh, bh }: StackLayer): LayerPlan {
  const units = config.units;
  const gates = config.kind === 'lstm' ? 4 : config.kind === 'gru' ? 3 : 1;
  const hp = paddedUnits(units);
  const ip = paddedUnits(config.inputSize);
  const n = gates * hp;
  const resetAfter = config.kind === 'gru' && config.resetAfter;
  const width = gates * units;
  const bIn = bh === null ? null : padBlocks(bh.subarray(0, width), 1, gates, units);
  const bRec = bh !== null && resetAfter ? padBlocks(bh.subarray(width, 2 * width), 1, gates, units) : null;
  const hasCellState = config.kind === 'lstm';
  const act = ACTIVATION_CODES[config.activation];
  const recAct = config.kind === 'simpleRnn' ? 0 : ACTIVATION_CODES[config.recurrentActivation];
  const scratch =
    config.kind === 'simpleRnn' ? [hp]
    : config.kind === 'lstm' ? [4 * hp, hp, hp]
    : resetAfter ? [n, hp, hp, n]
    : [n, hp, hp, 2 * hp, hp];
  const slots: Slot[] = [
    padBlocks(wxh, config.inputSize, gates, units, ip),
    bIn,
    padBlocks(whh, units, gates, units, hp),
    bRec,
    n,
    new Float32Array(hp),
    new Float32Array(hp),
    hasCellState ? new Float32Array(hp) : null,
    hasCellState ? new Float32Array(hp) : null,
    ...scratch,
  ];
  const run = (k: KernelExports, at: readonly number[], from: number, to: number): void => {
    const [w, b, p, h0, h1, c0, c1] = [at[SLOT.whh]!, at[SLOT.bRec]!, at[SLOT.p]!, at[SLOT.h + from]!, at[SLOT.h + to]!, at[SLOT.c + from]!, at[SLOT.c + to]!];
    const s = (i: number): number => at[SLOT.scratch + i]!;
    if (config.kind === 'simpleRnn') k.simpleRnnForward(1, 1, hp, act, p, h0, w, 0, 0, h1, s(0));
    else if (config.kind === 'lstm') k.lstmForward(1, 1, hp, act, recAct, p, h0, c0, w, 0, 0, h1, c1, s(0), s(1), s(2));
    else if (resetAfter) k.gruResetAfterForward(1, 1, hp, act, recAct, p, h0, w, b, 0, 0, h1, s(0), s(1), s(2), s(3));
    else k.gruResetBeforeForward(1, 1, hp, act, recAct, p, h0, w, 0, 0, h1, s(0), s(1), s(2), s(3), s(4));
  };
  return { units, hp, ip, n, hasCellState, slots, run };
}

/** Where the stack lives in the kernel memory, valid while no other call has laid out buffers since. */
interface Placement {
  readonly kernel: KernelExports;
  readonly layouts: number;
  /** The whole memory as floats (a float at byte address a is heap[a / 4]). */
  readonly heap: Float32Array;
  readonly x: number;
  readonly layers: ReadonlyArray<readonly number[]>;
  readonly head: readonly number[];
}

/**
 * A {@link KernelStackStepper} over `layers` (each layer's input width the previous one's units)
 * and `head`, or null where the WebAssembly SIMD kernel is unavailable.
 *
 * @example
 * const stepper = kernelStackStepper([{ config: lstmCell({ inputSize: 32, units: 128 }), wxh, whh, bh }], { kernel: wd, bias: bd, units: 65 });
 * const { logits } = stepper!.step(embeddingRow, null)!;
 */
export function kernelStackStepper(layers: readonly StackLayer[], head: StackHead): KernelStackStepper | null {
  if (recurrenceKernel() === null || layers.length === 0) return null;
  const plans = layers.map(plan);
  const top = plans.at(-1)!;
  const inputSize = layers[0]!.config.inputSize;
  const vp = paddedUnits(head.units);
  const headSlots: Slot[] = [padBlocks(head.kernel, top.units, 1, head.units, top.hp), head.bias === null ? null : padBlocks(head.bias, 1, 1, head.units), vp];
  /** The state after the last step (the arrays are shared with the caller, and neither side modifies them). */
  let state: Float32Array[] = plans.flatMap((l) => (l.hasCellState ? [new Float32Array(l.units), new Float32Array(l.units)] : [new Float32Array(l.units)]));
  let placement: Placement | null = null;
  let from = 0;

  const writeState = ({ heap, layers: at }: Placement, values: readonly Float32Array[]): void => {
    let i = 0;
    plans.forEach((l, j) => {
      heap.set(values[i++]!, at[j]![SLOT.h + from]! >> 2);
      if (l.hasCellState) heap.set(values[i++]!, at[j]![SLOT.c + from]! >> 2);
    });
  };

  const placed = (kernel: KernelExports): Placement => {
    if (placement !== null && placement.kernel === kernel && placement.layouts === layoutCount()) return placement;
    const { pointers } = place(kernel, [plans[0]!.ip, ...plans.flatMap((l) => l.slots), ...headSlots]);
    let next = 1;
    const at = plans.map((l) => pointers.slice(next, (next += l.slots.length)));
    const heap = new Float32Array(kernel.memory.buffer);
    placement = { kernel, layouts: layoutCount(), heap, x: pointers[0]!, layers: at, head: pointers.slice(next) };
    heap.fill(0, placement.x >> 2, (placement.x >> 2) + plans[0]!.ip);
    from = 0;
    writeState(placement, state);
    return placement;
  };

  return {
    step(input, given) {
      if (input.length !== inputSize) throw new Error(`kernelStackStepper: the input must have ${inputSize} values, got ${input.length}`);
      if (given !== null && given.length !== state.length) throw new Error(`kernelStackStepper: the state must have ${state.length} arrays, got ${given.length}`);
      const kernel = recurrenceKernel();
      if (kernel === null) return null;
      const where = placed(kernel);
      const { heap } = where;
      if (given !== null) writeState(where, given);
      heap.set(input, where.x >> 2);
      const to = 1 - from;
      let x = where.x;
      for (let j = 0; j < plans.length; j++) {
        const l = plans[j]!;
        const at = where.layers[j]!;
        kernel.gemm(1, l.n, l.ip, x, l.ip, at[SLOT.wxh]!, l.n, at[SLOT.bIn]!, 0, at[SLOT.p]!, l.n); // p = x·Wxh + bIn
        l.run(kernel, at, from, to);
        x = at[SLOT.h + to]!;
      }
      const [wd, bd, logits] = where.head as [number, number, number];
      kernel.gemm(1, vp, top.hp, x, top.hp, wd, vp, bd, 0, logits, vp);
      from = to;
      const read = (ptr: number, floats: number): Float32Array => heap.slice(ptr >> 2, (ptr >> 2) + floats);
      state = plans.flatMap((l, j) => {
        const at = where.layers[j]!;
        const h = read(at[SLOT.h + to]!, l.units);
        return l.hasCellState ? [h, read(at[SLOT.c + to]!, l.units)] : [h];
      });
      return { logits: read(logits, head.units), state };
    },
  };
}
