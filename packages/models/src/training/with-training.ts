/**
 * Puts the Keras-shaped training methods on a model. Every method calls @rnnkit/training through the
 * same structural interface its free functions take — `params` (all the model's variables; training
 * updates the trainable ones, checkpoints keep all) and a `forward` — so `model.fit(x, y, options)`
 * runs exactly the loop of `fit({ params: model.params, forward, … })`.
 *
 * A model with several inputs or outputs (`io`) trains through the same loop on row ids (multi-io.ts).
 *
 * Shapes: N samples, B batch; x is [N, ...] (the model's input), y is [N, ...] (its targets).
 */
import { Tensor as TensorClass, scalar, tensor } from '@rnnkit/tensor';
import type { Scalar, Tensor } from '@rnnkit/tensor';
import { evaluate, evaluateStream, fit, isBatchStream, predict, predictStream } from '@rnnkit/training';
import type { ArrayData, Batch, BatchStream, Callback, Data, FitOptions, Forward, Loss, Metric, Optimizer } from '@rnnkit/training';
import type { Model } from '../model';
import type { Shape } from '../shape';
import type { ModelCompileArgs, ModelEvaluateArgs, ModelFitArgs, ModelFitDatasetArgs, ModelFitStreamArgs, ModelPredictArgs, ModelStreamArgs, ModelTraining, ValidationData } from './args';
import type { ClassWeight } from './class-weight';
import { singleColumn } from './columns';
import type { ModelData } from './columns';
import { checkInputShape, checkTargetShape } from './check-shapes';
import { classWeightToSampleWeight } from './class-weight';
import { stopTrainingWatcher, verboseLogger } from './fit-callbacks';
import { giveParams, toHistory } from './history';
import type { FitParams } from './history';
import { shapeOf, toData } from './inputs';
import type { TensorLike } from './inputs';
import type { LossKind } from './loss-names';
import { batchParts, convertedStream, freeElement, predictionInput } from './model-batches';
import type { ModelBatchStream } from './model-batches';
import { multiIoTraining } from './multi-io';
import type { MultiIo } from './multi-io';
import { checkLogNames, resolveOutputs } from './output-losses';
import type { OutputTraining } from './output-losses';
import { resolveOptimizer } from './optimizer-names';
import { getWeights, setWeights } from './weights';
import { saveModel } from '../io/model-url';
import type { SaveableModel } from '../topology';

/** Shapes a model may declare (with `null` batch axis); checked before training when present. */
export interface ModelShapes {
  readonly inputShape?: Shape;
  readonly outputShape?: Shape;
}

interface Compiled {
  readonly optimizer: Optimizer;
  readonly ownsOptimizer: boolean;
  readonly outputs: readonly OutputTraining[];
  /** What the loop minimises and logs: the output's loss and metrics, or the packed ones of several outputs. */
  readonly loss: Loss;
  readonly metrics: readonly Metric[];
}

/** The loop's columns for one dataset. */
interface LoopData {
  readonly x: Data;
  readonly y: Data;
  readonly sampleWeight?: Data;
}

/** Argument names for errors: `x`, `y`, `sampleWeight`, or validationData's parts. */
interface ArgNames {
  readonly x: string;
  readonly y: string;
  readonly sampleWeight: string;
}

const ARGS: ArgNames = { x: 'x', y: 'y', sampleWeight: 'sampleWeight' };
const BATCH_ARGS: ArgNames = { x: 'batch.x', y: 'batch.y', sampleWeight: 'batch.sampleWeight' };

/** In-memory data as a tensor (a tensor itself, or a new one from `{ values, shape }`). */
function asTensor(data: Data): Tensor {
  if (data instanceof TensorClass) return data;
  const a = data as ArrayData;
  return tensor(a.values as Float32Array, [...a.shape], a.dtype ?? (a.values instanceof Int32Array || a.values instanceof Uint8Array ? 'int32' : 'float32'));
}

/** Batches to read from `args` (`steps`, or tfjs' `batches`), checked. */
function streamSteps(args: ModelStreamArgs, who: string): number | undefined {
  const steps = args.steps ?? args.batches;
  if (steps !== undefined && !(Number.isInteger(steps) && steps > 0)) throw new Error(`${who}: steps must be a positive integer, got ${steps}`);
  return steps;
}
const VALIDATION_ARGS: ArgNames = { x: 'validationData[0]', y: 'validationData[1]', sampleWeight: 'validationData[2]' };

/**
 * `model` with {@link ModelTraining}'s methods added (the same object, so the model's own methods
 * and fields stay as they are); `dispose` also frees an optimiser `compile` made from a name.
 * `M` is the model's full type, e.g. `withTraining<Sequential>({ kind: 'sequential', … })`. A model
 * with several inputs or outputs describes them in `io`; `predict` then returns one tensor per output.
 */
export function withTraining<M extends Model & ModelShapes>(model: Omit<M, keyof ModelTraining> & Model & ModelShapes, io?: MultiIo): M {
  const who = model.name;
  const disposeModel = model.dispose;
  const multi = io !== undefined && (io.inputNames.length > 1 || io.outputNames.length > 1) ? multiIoTraining(io, who) : null;
  const outputNames = io?.outputNames ?? ['output'];
  let compiled: Compiled | null = null;
  let busy = false;
  let runs = 0;

  const forward: Forward = multi?.forward ?? ((x, training, context) => model.apply(x, { training, seed: context.seed }));

  const requireCompiled = (method: string): Compiled => {
    if (compiled === null) throw new Error(`${who}.${method}: the model must be compiled first, e.g. model.compile({ optimizer: 'adam', loss: 'binary_crossentropy' })`);
    return compiled;
  };
  const inputs = (x: ModelData, method: string, name = 'x'): Data => {
    const data = toData(singleColumn(x, name, `${who}.${method}`), name, `${who}.${method}`);
    if (model.inputShape !== undefined) checkInputShape(shapeOf(data), model.inputShape, `${who}.${method}`, name);
    return data;
  };
  const targets = (y: ModelData, kind: LossKind, method: string, name = 'y'): Data => {
    const data = toData(singleColumn(y, name, `${who}.${method}`), name, `${who}.${method}`);
    if (model.outputShape !== undefined) checkTargetShape(shapeOf(data), model.outputShape, kind, `${who}.${method}`, name);
    return data;
  };
  /** The loop's columns for (x, y): the data itself, or row ids with several inputs or outputs. */
  const loopData = (c: Compiled, x: ModelData, y: ModelData, extra: { sampleWeight?: TensorLike; classWeight?: ClassWeight }, method: string, names = ARGS): LoopData => {
    const fn = `${who}.${method}`;
    if (multi !== null) {
      const ids = multi.data({ x, y, ...extra }, c.outputs, names, fn);
      return { x: ids, y: ids };
    }
    const xData = inputs(x, method, names.x);
    const yData = targets(y, c.outputs[0]!.kind, method, names.y);
    const sampleWeight =
      extra.classWeight !== undefined
        ? classWeightToSampleWeight(yData, extra.classWeight, fn)
        : extra.sampleWeight === undefined
          ? undefined
          : toData(extra.sampleWeight, names.sampleWeight, fn);
    return { x: xData, y: yData, ...(sampleWeight !== undefined && { sampleWeight }) };
  };
  /** The loop's x for `predict`. */
  const predictData = (x: ModelData, method: string): Data => (multi === null ? inputs(x, method) : multi.data({ x }, null, ARGS, `${who}.${method}`));
  /** What `predict` returns from the loop's predictions: the tensor, or one per output. */
  const predictions = (out: Tensor): Tensor | Tensor[] => {
    if (multi === null) return out;
    const parts = multi.unpack(out);
    out.dispose();
    return parts.length === 1 ? parts[0]! : parts;
  };
  /**
   * A stream element as a batch for the loop: its tensors (freed by the loop), or — with several inputs
   * or outputs — row ids of its columns, which are forgotten and freed when the loop reads the next one.
   */
  const streamBatch = (c: Compiled, element: unknown, where: string): { batch: Batch; release: () => void } => {
    const parts = batchParts(element, where);
    const extra = parts.sampleWeight === undefined ? {} : { sampleWeight: parts.sampleWeight };
    const mark = multi?.mark() ?? 0;
    try {
      if (multi === null) {
        const data = loopData(c, parts.x, parts.y, extra, 'fit', BATCH_ARGS);
        const sampleWeight = data.sampleWeight === undefined ? undefined : asTensor(data.sampleWeight);
        return { batch: { x: asTensor(data.x), y: asTensor(data.y), ...(sampleWeight && { sampleWeight }) }, release: () => undefined };
      }
      const ids = asTensor(multi.data({ x: parts.x, y: parts.y, ...extra }, c.outputs, BATCH_ARGS, where));
      return {
        batch: { x: ids, y: ids.clone() },
        release: () => {
          multi.release(mark);
          freeElement(parts);
        },
      };
    } catch (e) {
      // a refused element is freed here: the loop never received it
      multi?.release(mark);
      freeElement(parts);
      throw e;
    }
  };
  /** A stream for the loop from a model's stream (errors name `method`). */
  const loopStream = (c: Compiled, data: unknown, method: string, what = 'data'): AsyncIterable<Batch> =>
    convertedStream(data as BatchStream<unknown>, (element, where) => streamBatch(c, element, where), `${who}.${method}: ${what}`);

  /** Runs `run` with no other training method running; registered row ids are forgotten afterwards. */
  const exclusive = async <T>(method: string, run: () => Promise<T>): Promise<T> => {
    if (busy) throw new Error(`${who}.${method}: another fit() or trainOnBatch() on this model is still running`);
    busy = true;
    const mark = multi?.mark() ?? 0;
    try {
      return await run();
    } finally {
      busy = false;
      multi?.release(mark);
    }
  };
  /** Runs `run`, then forgets the row ids it registered (evaluate and predict may run inside fit's callbacks). */
  const released = <T>(run: () => T): T => {
    const mark = multi?.mark() ?? 0;
    try {
      return run();
    } finally {
      multi?.release(mark);
    }
  };

  const releasedAsync = async <T>(run: () => Promise<T>): Promise<T> => {
    const mark = multi?.mark() ?? 0;
    try {
      return await run();
    } finally {
      multi?.release(mark);
    }
  };

  /** What training's `fit` gets from every model method that trains: the forward pass, the compiled parts and the options passed through. */
  const fitCore = (c: Compiled, args: Pick<ModelFitArgs<ModelData>, 'clipping' | 'mask' | 'checkpoint' | 'resumeFrom'>) => ({
    params: model.params,
    forward,
    loss: c.loss,
    optimizer: c.optimizer,
    metrics: c.metrics,
    ...(args.clipping !== undefined && { clipping: args.clipping }),
    ...(args.mask !== undefined && { mask: args.mask }),
    ...(args.checkpoint !== undefined && { checkpoint: args.checkpoint }),
    ...(args.resumeFrom !== undefined && { resumeFrom: args.resumeFrom }),
  });
  /** A run's log names: `loss`, the metrics, then their `val_` counterparts when validating. */
  const logNames = (c: Compiled, validating: boolean): string[] => {
    const logged = ['loss', ...c.metrics.map((m) => m.name)];
    return validating ? [...logged, ...logged.map((k) => `val_${k}`)] : logged;
  };

  /** `fit` on a stream of batches. */
  const fitStream = (data: ModelBatchStream<ModelData>, args: ModelFitStreamArgs<ModelData>) =>
    exclusive('fit', async () => {
      const c = requireCompiled('fit');
      trained.stopTraining = false;
      if (multi !== null && args.mask !== undefined) throw new Error(`${who}.fit: mask is for models with one input and one output; weight the steps with sampleWeight instead`);
      const v = args.validationData;
      const validationData = v === undefined ? undefined : isBatchStream(v) ? loopStream(c, v, 'fit', 'validationData') : validation(c, v as ValidationData<ModelData>);
      const verbose = args.verbose ?? 0;
      const given: readonly Callback[] = args.callbacks === undefined ? [] : Array.isArray(args.callbacks) ? args.callbacks : [args.callbacks as Callback];
      const epochs = args.epochs ?? 1;
      const initialEpoch = args.initialEpoch ?? 0;
      const seed = args.seed ?? runs;
      runs++;
      const params: FitParams = {
        epochs,
        initialEpoch,
        samples: null,
        steps: args.stepsPerEpoch ?? null,
        batchSize: null,
        verbose,
        doValidation: validationData !== undefined,
        metrics: logNames(c, validationData !== undefined),
      };
      giveParams(given, params, trained);
      const history = await fit({
        ...fitCore(c, args),
        data: loopStream(c, data, 'fit'),
        epochs,
        initialEpoch,
        seed,
        callbacks: [...given, ...verboseLogger(verbose, args.stepsPerEpoch ?? 100, `${who}.fit`), stopTrainingWatcher(() => trained.stopTraining)],
        ...(args.stepsPerEpoch !== undefined && { stepsPerEpoch: args.stepsPerEpoch }),
        ...(validationData !== undefined && { validationData }),
        ...(args.validationSteps !== undefined && { validationSteps: args.validationSteps }),
      });
      return toHistory(history, params);
    });

  const validation = (c: Compiled, data: ValidationData<ModelData>): NonNullable<FitOptions['validationData']> => {
    if (!Array.isArray(data) || data.length < 2 || data.length > 3) {
      throw new Error(`${who}.fit: validationData must be [x, y] or [x, y, sampleWeight], got ${Array.isArray(data) ? `an array of ${data.length}` : typeof data}`);
    }
    const [x, y, sampleWeight] = data;
    return loopData(c, x, y, sampleWeight === undefined ? {} : { sampleWeight }, 'fit', VALIDATION_ARGS);
  };

  // the object gains exactly the members of ModelTraining, which completes an M
  const trained = Object.assign(model, {
    stopTraining: false,

    compile(args: ModelCompileArgs): void {
      if (args === null || typeof args !== 'object') throw new Error(`${who}.compile: expected { optimizer, loss, metrics? }, got ${String(args)}`);
      if (args.loss === undefined) throw new Error(`${who}.compile: loss is required (e.g. 'binary_crossentropy')`);
      if (args.optimizer === undefined) throw new Error(`${who}.compile: optimizer is required (e.g. 'adam')`);
      const outputs = resolveOutputs(args, outputNames, `${who}.compile`);
      const loss = multi === null ? outputs[0]!.loss : multi.loss(outputs);
      const metrics = multi === null ? outputs[0]!.metrics : multi.metrics(outputs);
      checkLogNames(['loss', ...metrics.map((m) => m.name)], `${who}.compile`);
      const { optimizer, owned } = resolveOptimizer(args.optimizer, `${who}.compile`);
      if (compiled?.ownsOptimizer === true && compiled.optimizer !== optimizer) compiled.optimizer.dispose();
      compiled = { optimizer, ownsOptimizer: owned, outputs, loss, metrics };
    },

    fit(x: ModelData | ModelBatchStream<ModelData>, y?: ModelData | ModelFitStreamArgs<ModelData>, args: ModelFitArgs<ModelData> = {}) {
      if (isBatchStream(x)) return fitStream(x as ModelBatchStream<ModelData>, (y ?? {}) as ModelFitStreamArgs<ModelData>);
      if (y === undefined) return Promise.reject(new Error(`${who}.fit: give targets y, or a stream of { x, y } batches as the only data argument`));
      return exclusive('fit', async () => {
        const c = requireCompiled('fit');
        trained.stopTraining = false;
        if (args.sampleWeight !== undefined && args.classWeight !== undefined) {
          throw new Error(`${who}.fit: give sampleWeight or classWeight, not both (Keras refuses them together)`);
        }
        if (multi !== null && args.mask !== undefined) throw new Error(`${who}.fit: mask is for models with one input and one output; weight the steps with sampleWeight instead`);
        const data = loopData(c, x as ModelData, y as ModelData, { ...(args.sampleWeight !== undefined && { sampleWeight: args.sampleWeight }), ...(args.classWeight !== undefined && { classWeight: args.classWeight }) }, 'fit');
        const validationData = args.validationData === undefined ? undefined : validation(c, args.validationData);
        const n = shapeOf(data.x)[0]!;
        const split = validationData === undefined ? args.validationSplit : undefined;
        const samples = split === undefined ? n : Math.floor(n * (1 - split));
        const batchSize = args.batchSize ?? 32;
        const steps = Math.ceil(samples / batchSize);
        const verbose = args.verbose ?? 0;
        const given: readonly Callback[] = args.callbacks === undefined ? [] : Array.isArray(args.callbacks) ? args.callbacks : [args.callbacks as Callback];
        const epochs = args.epochs ?? 1;
        const initialEpoch = args.initialEpoch ?? 0;
        const seed = args.seed ?? runs;
        runs++;
        const doValidation = validationData !== undefined || split !== undefined;
        const params: FitParams = {
          epochs,
          initialEpoch,
          samples,
          steps,
          batchSize,
          verbose,
          doValidation,
          metrics: logNames(c, doValidation),
        };
        giveParams(given, params, trained);
        const history = await fit({
          ...fitCore(c, args),
          ...data,
          epochs,
          initialEpoch,
          batchSize,
          seed,
          callbacks: [...given, ...verboseLogger(verbose, steps, `${who}.fit`), stopTrainingWatcher(() => trained.stopTraining)],
          ...(validationData !== undefined && { validationData }),
          ...(split !== undefined && { validationSplit: split }),
          ...(args.shuffle !== undefined && { shuffle: args.shuffle }),
        });
        return toHistory(history, params);
      });
    },

    fitDataset(data: ModelBatchStream<ModelData>, args: ModelFitDatasetArgs<ModelData> = {}) {
      const { batchesPerEpoch, validationBatches, ...rest } = args;
      return fitStream(data, { ...rest, ...(batchesPerEpoch !== undefined && { stepsPerEpoch: batchesPerEpoch }), ...(validationBatches !== undefined && { validationSteps: validationBatches }) });
    },

    evaluateDataset(data: ModelBatchStream<ModelData>, args: ModelStreamArgs = {}): Promise<Scalar | Scalar[]> {
      const c = requireCompiled('evaluateDataset');
      const steps = streamSteps(args, `${who}.evaluateDataset`);
      return releasedAsync(async () => {
        const logs = await evaluateStream({ forward, loss: c.loss, metrics: c.metrics, data: loopStream(c, data, 'evaluateDataset'), ...(steps !== undefined && { steps }) });
        const values = [logs['loss']!, ...c.metrics.map((m) => logs[m.name]!)];
        return values.length === 1 ? scalar(values[0]!) : values.map((v) => scalar(v));
      });
    },

    predictDataset(data: AsyncIterable<ModelData> | Iterable<ModelData>, args: ModelStreamArgs = {}): Promise<Tensor | Tensor[]> {
      const steps = streamSteps(args, `${who}.predictDataset`);
      return releasedAsync(async () => {
        const inputsOf = (element: unknown): { batch: Tensor; release: () => void } => {
          const x = predictionInput(element);
          if (multi === null) return { batch: asTensor(inputs(x, 'predictDataset', 'batch')), release: () => undefined };
          const mark = multi.mark();
          const ids = asTensor(multi.data({ x }, null, BATCH_ARGS, `${who}.predictDataset`));
          return { batch: ids, release: () => (multi.release(mark), freeElement({ x })) };
        };
        const stream = convertedStream(data as BatchStream<unknown>, inputsOf, `${who}.predictDataset: data`);
        return predictions(await predictStream({ forward, data: stream, ...(steps !== undefined && { steps }) }));
      });
    },

    evaluate(x: ModelData, y: ModelData, args: ModelEvaluateArgs = {}): Scalar | Scalar[] {
      const c = requireCompiled('evaluate');
      if (multi !== null && args.mask !== undefined) throw new Error(`${who}.evaluate: mask is for models with one input and one output; weight the steps with sampleWeight instead`);
      const logs = released(() =>
        evaluate({
          forward,
          loss: c.loss,
          metrics: c.metrics,
          ...loopData(c, x, y, args.sampleWeight === undefined ? {} : { sampleWeight: args.sampleWeight }, 'evaluate'),
          ...(args.batchSize !== undefined && { batchSize: args.batchSize }),
          ...(args.mask !== undefined && { mask: args.mask }),
        }),
      );
      const values = [logs['loss']!, ...c.metrics.map((m) => logs[m.name]!)];
      return values.length === 1 ? scalar(values[0]!) : values.map((v) => scalar(v));
    },

    predict(x: ModelData, args: ModelPredictArgs = {}): Tensor | Tensor[] {
      return released(() => predictions(predict({ forward, x: predictData(x, 'predict'), ...(args.batchSize !== undefined && { batchSize: args.batchSize }) })));
    },

    trainOnBatch(x: ModelData, y: ModelData): Promise<number | number[]> {
      return exclusive('trainOnBatch', async () => {
        const c = requireCompiled('trainOnBatch');
        const data = loopData(c, x, y, {}, 'trainOnBatch');
        const history = await fit({
          ...fitCore(c, {}),
          ...data,
          batchSize: Math.max(1, shapeOf(data.x)[0]!),
          shuffle: false,
          seed: runs++,
        });
        const values = [history.history['loss']![0]!, ...c.metrics.map((m) => history.history[m.name]![0]!)];
        return values.length === 1 ? values[0]! : values;
      });
    },

    predictOnBatch(x: ModelData): Tensor | Tensor[] {
      return released(() => {
        const data = predictData(x, 'predictOnBatch');
        return predictions(predict({ forward, x: data, batchSize: Math.max(1, shapeOf(data)[0]!) }));
      });
    },

    getWeights(trainableOnly = false): Tensor[] {
      return getWeights(model.params, trainableOnly);
    },

    setWeights(weights: readonly Tensor[]): void {
      setWeights(model.params, weights, who);
    },

    save: (address: string): Promise<void> => saveModel(trained as unknown as SaveableModel, address),

    dispose(): void {
      if (compiled?.ownsOptimizer === true) compiled.optimizer.dispose();
      compiled = null;
      disposeModel();
    },
  } satisfies ModelTraining<ModelData, Tensor | Tensor[]> & Pick<Model, 'dispose'>);
  return trained as unknown as M;
}
