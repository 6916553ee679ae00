/**
 * Training a model with several inputs or outputs through @rnnkit/training's one-x-one-y loop (so
 * shuffling, validation, callbacks, checkpoints and the NaN guard are the same code): the loop sees
 * row ids (see row-blocks.ts). The forward takes each input's rows for a batch of ids, runs the
 * model and packs its outputs side by side; the loss and the metrics unpack them and take each
 * target's rows for the same ids. The total loss is Keras': Σ_k w_k · L_k over the outputs.
 *
 * Shapes: B batch; output k is [B, ...s_k] with S_k = prod(s_k) values per sample; packed
 * predictions are [B, Σ_k S_k], output k in columns [Σ_{j<k} S_j, Σ_{j≤k} S_j).
 */
import { add, cast, concat, mul, reshape, slice, tidy } from '@rnnkit/tensor';
import type { Tensor } from '@rnnkit/tensor';
import type { ArrayData, Data, Forward, Loss, Metric } from '@rnnkit/training';
import type { Shape } from '../shape';
import { checkInputShape, checkTargetShape } from './check-shapes';
import { classWeightToSampleWeight } from './class-weight';
import type { ClassWeight } from './class-weight';
import { columnsOf } from './columns';
import type { ModelData } from './columns';
import { toData } from './inputs';
import type { TensorLike } from './inputs';
import type { OutputTraining } from './output-losses';
import { rowBlocks } from './row-blocks';
import type { BlockBatch } from './row-blocks';

/** What training needs of a model with several inputs or outputs. */
export interface MultiIo {
  readonly inputNames: readonly string[];
  readonly inputShapes: readonly Shape[];
  readonly outputNames: readonly string[];
  readonly outputShapes: readonly Shape[];
  /** The forward pass: one tensor per input in, one per output out (the caller owns them). */
  run(xs: readonly Tensor[], training: boolean, seed: number): Tensor[];
}

/** The loop's view of a model with several inputs or outputs. */
export interface MultiIoTraining {
  readonly forward: Forward;
  /** Registers a dataset for the loop; returns the ids it passes as x and y. */
  data(args: { readonly x: ModelData; readonly y?: ModelData; readonly sampleWeight?: TensorLike; readonly classWeight?: ClassWeight }, outputs: readonly OutputTraining[] | null, what: { readonly x: string; readonly y: string; readonly sampleWeight: string }, who: string): ArrayData;
  /** The total loss over packed predictions. */
  loss(outputs: readonly OutputTraining[]): Loss;
  /** Each output's loss (with several outputs) and metrics, logged as `<output>_loss`, `<output>_<metric>`. */
  metrics(outputs: readonly OutputTraining[]): Metric[];
  /** The outputs in packed predictions (the caller owns them; `packed` stays). */
  unpack(packed: Tensor): Tensor[];
  /** A mark to release back to. */
  mark(): number;
  /** Forgets the data registered since `mark`. */
  release(mark: number): void;
}

/** {@link MultiIoTraining} for `io` (errors name `who`). */
export function multiIoTraining(io: MultiIo, who: string): MultiIoTraining {
  const blocks = rowBlocks(who);
  // per-sample output shapes of the latest forward pass: fixed within a dataset, which is all a batch's loss and metrics see
  let sampleShapes: readonly (readonly number[])[] = [];
  const sizes = (): number[] => sampleShapes.map((s) => s.reduce((a, b) => a * b, 1));

  const unpack = (packed: Tensor): Tensor[] => {
    const b = packed.shape[0]!;
    let offset = 0;
    return sizes().map((size, k) => {
      const part = reshape(slice(packed, [0, offset], [b, size]), [b, ...sampleShapes[k]!]);
      offset += size;
      return part;
    });
  };

  const targets = (batch: BlockBatch, k: number): Tensor => batch.block.y[k]!.take(batch.rows);

  const forward: Forward = (ids, training, context) =>
    tidy(() => {
      const batch = blocks.batch(ids);
      const ys = io.run(batch.block.x.map((rows) => rows.take(batch.rows)), training, context.seed);
      sampleShapes = ys.map((y) => y.shape.slice(1));
      const flat = ys.map((y) => reshape(y.dtype === 'float32' ? y : cast(y, 'float32'), [y.shape[0]!, -1]));
      return flat.length === 1 ? flat[0]! : concat(flat, 1);
    });

  const outputLoss = (o: OutputTraining, k: number, batch: BlockBatch, yPred: Tensor): Tensor => {
    const sampleWeight = batch.block.sampleWeight?.take(batch.rows);
    return o.loss(targets(batch, k), yPred, sampleWeight === undefined ? undefined : { sampleWeight });
  };

  /** A metric of output k named `name`: `add` sees each batch and output k's predictions. */
  const outputMetric = (name: string, k: number, create: () => { add(batch: BlockBatch, yPred: Tensor): void; result(): number }): Metric => ({
    name,
    create() {
      const inner = create();
      return { update: (ids, packed) => tidy(() => inner.add(blocks.batch(ids), unpack(packed)[k]!)), result: () => inner.result() };
    },
  });

  /** Output k's loss as Keras logs it: the mean of batch losses weighted by batch size. */
  const lossMean = (o: OutputTraining, k: number) => (): { add(batch: BlockBatch, yPred: Tensor): void; result(): number } => {
    let total = 0;
    let count = 0;
    return {
      add(batch, yPred) {
        total += outputLoss(o, k, batch, yPred).dataSync()[0]! * batch.rows.length;
        count += batch.rows.length;
      },
      result: () => (count === 0 ? 0 : total / count),
    };
  };

  return {
    forward,
    data(args, outputs, what, whoCall) {
      const x = columnsOf(args.x, { names: io.inputNames, check: (shape, k, name) => checkInputShape(shape, io.inputShapes[k]!, whoCall, name) }, what.x, whoCall);
      const y =
        args.y === undefined || outputs === null
          ? undefined
          : columnsOf(args.y, { names: io.outputNames, check: (shape, k, name) => checkTargetShape(shape, io.outputShapes[k]!, outputs[k]!.kind, whoCall, name) }, what.y, whoCall);
      let sampleWeight: Data | undefined = args.sampleWeight === undefined ? undefined : toData(args.sampleWeight, what.sampleWeight, whoCall);
      if (args.classWeight !== undefined) {
        if (y === undefined || y.length !== 1) throw new Error(`${whoCall}: classWeight needs a model with one output (this one has ${io.outputNames.length}); give sampleWeight instead`);
        sampleWeight = classWeightToSampleWeight(y[0]!, args.classWeight, whoCall);
      }
      return blocks.add({ x, ...(y !== undefined && { y }), ...(sampleWeight !== undefined && { sampleWeight }) });
    },
    loss: (outputs) => (ids, packed) =>
      tidy(() => {
        const batch = blocks.batch(ids);
        const parts = unpack(packed);
        const terms = outputs.map((o, k) => (o.weight === 1 ? outputLoss(o, k, batch, parts[k]!) : mul(outputLoss(o, k, batch, parts[k]!), o.weight)));
        return terms.reduce((a, b) => add(a, b)) as ReturnType<Loss>;
      }),
    metrics(outputs) {
      const prefix = (o: OutputTraining, name: string): string => (outputs.length === 1 ? name : `${o.name}_${name}`);
      const losses = outputs.length === 1 ? [] : outputs.map((o, k) => outputMetric(`${o.name}_loss`, k, lossMean(o, k)));
      const metrics = outputs.flatMap((o, k) =>
        o.metrics.map((m) =>
          outputMetric(prefix(o, m.name), k, () => {
            const inner = m.create();
            return { add: (batch, yPred) => inner.update(targets(batch, k), yPred), result: () => inner.result() };
          }),
        ),
      );
      return [...losses, ...metrics];
    },
    unpack: (packed) => tidy(() => unpack(packed)),
    mark: () => blocks.mark(),
    release: (mark) => blocks.forget(mark),
  };
}

