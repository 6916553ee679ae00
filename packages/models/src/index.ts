/**
 * @rnnkit/models — layers, `sequential`, the four input/output structures of RNN practice,
 * decoding, summary, save/load and interop with tfjs-layers and PyTorch.
 */
export { embedding } from './layers/embedding';
export type { EmbeddingOptions, EmbeddingSpec } from './layers/embedding';
export { dense } from './layers/dense';
export type { DenseOptions, DenseSpec } from './layers/dense';
export { dropout } from './layers/dropout';
export type { DropoutSpec } from './layers/dropout';
export { masking } from './layers/masking';
export type { MaskingSpec } from './layers/masking';
export { timeDistributed } from './layers/time-distributed';
export type { TimeDistributedSpec } from './layers/time-distributed';
export { conv2d } from './layers/conv2d';
export type { Conv2dOptions, Conv2dSpec, Padding } from './layers/conv2d';
export { maxPool2d } from './layers/max-pool2d';
export type { MaxPool2dOptions, MaxPool2dSpec } from './layers/max-pool2d';
export { conv1d } from './layers/conv1d';
export type { Conv1dOptions, Conv1dPadding, Conv1dSpec } from './layers/conv1d';
export { averagePool1d, maxPool1d } from './layers/pool1d';
export type { Pool1dOptions, Pool1dSpec } from './layers/pool1d';
export { globalAveragePool1d, globalMaxPool1d } from './layers/global-pool1d';
export type { GlobalPool1dOptions, GlobalPool1dSpec } from './layers/global-pool1d';
export { flatten } from './layers/flatten';
export type { FlattenSpec } from './layers/flatten';
export { layerNormalization } from './layers/layer-normalization';
export type { LayerNormalizationOptions, LayerNormalizationSpec } from './layers/layer-normalization';
export { batchNormalization } from './layers/batch-normalization';
export type { BatchNormalizationOptions, BatchNormalizationSpec } from './layers/batch-normalization';
export { activation } from './layers/activation';
export type { ActivationSpec } from './layers/activation';
export { repeatVector } from './layers/repeat-vector';
export type { RepeatVectorSpec } from './layers/repeat-vector';
export { reshape } from './layers/reshape';
export type { ReshapeSpec } from './layers/reshape';
export { permute } from './layers/permute';
export type { PermuteSpec } from './layers/permute';
export { spatialDropout1d } from './layers/spatial-dropout1d';
export type { SpatialDropout1dSpec } from './layers/spatial-dropout1d';
export { gaussianNoise } from './layers/gaussian-noise';
export type { GaussianNoiseSpec } from './layers/gaussian-noise';
export { zeroPadding1d } from './layers/zero-padding1d';
export type { ZeroPadding1dSpec } from './layers/zero-padding1d';
export { cropping1d } from './layers/cropping1d';
export type { Cropping1dSpec } from './layers/cropping1d';
export { upSampling1d } from './layers/up-sampling1d';
export type { UpSampling1dSpec } from './layers/up-sampling1d';
export { gru, lstm, runRecurrent, simpleRnn } from './layers/recurrent';
export type { CellOptions, GruOptions, LstmOptions, RecurrentOptions, RecurrentSpec, RunRecurrentOptions } from './layers/recurrent';
export { bidirectional, runBidirectional } from './layers/bidirectional';
export type { BidirectionalSpec, MergeMode } from './layers/bidirectional';
export { add, average, concatenate, maximum, minimum, multiply, subtract } from './layers/merge';
export type { ConcatenateSpec, ElementwiseMergeSpec, ElementwiseOp, MergeOptions } from './layers/merge';
export { dot } from './layers/dot';
export type { DotSpec } from './layers/dot';
export type { AnyLayerSpec, LayerSpec, MultiInputSpec } from './layers/registry';
export type { DenseActivation } from './activations';
export { sequential, sequentialFromTopology } from './sequential';
export type { BuiltLayer, ModelOutput, Sequential, SequentialOptions, SequentialTopology } from './sequential';
export type { ApplyOptions, Model } from './model';
export { input, isSymbolic } from './functional/symbolic';
export type { GraphNode, InputDtype, InputOptions, InputSpec, SymbolicTensor } from './functional/symbolic';
export { applyLayer } from './functional/apply-layer';
export type { ApplyLayerOptions } from './functional/apply-layer';
export { model } from './functional/functional';
export type { Functional, FunctionalLayer, FunctionalOptions, FunctionalOutput } from './functional/functional';
export { functionalFromTopology } from './functional/topology';
export type { FunctionalTopology, FunctionalTopologyLayer, TensorRef } from './functional/topology';
export type {
  ModelCompileArgs,
  ModelEvaluateArgs,
  ModelFitArgs,
  ModelPredictArgs,
  ModelTraining,
  ValidationData,
} from './training/args';
export type { ClassWeight } from './training/class-weight';
export type { Verbosity } from './training/fit-callbacks';
export type { FitParams, History } from './training/history';
export type { NestedArray, TensorLike } from './training/inputs';
export type { WeightSource } from './params';
export type { Shape } from './shape';
export type { ModelTopology, SaveableModel } from './topology';
export { modelFromTopology } from './topology';
export { MODEL_FORMAT, MODEL_FORMAT_VERSION, loadModelFromArtifacts, saveModelToArtifacts } from './io/model-file';
export type { ModelArtifacts, ModelFile } from './io/model-file';
export type { WeightEntry } from './io/weights-blob';
export { loadModel, saveModel } from './io/node-files';
export { downloadModel, loadModelFromFiles, loadModelFromIndexedDb, saveModelToIndexedDb } from './io/browser';
export { beamSearch, greedyDecode, sampleDecode } from './decoding/decode';
export type { BeamOptions, BeamResult, DecodeOptions, DecodeResult, SampleOptions } from './decoding/decode';
export { ctcBeamDecode, ctcCollapse, ctcGreedyDecode, editDistance } from './decoding/ctc';
export type { CtcBeamOptions, CtcDecodeOptions, CtcHypothesis } from './decoding/ctc';
export { disposeState, gatherState } from './decoding/stepper';
export type { StepOutput, StepState, Stepper } from './decoding/stepper';
export { sequentialStepper } from './decoding/sequential-stepper';
export { attend } from './structures/attention';
export type { AttentionKind } from './structures/attention';
export { packSeq2seqInput, seq2seq } from './structures/seq2seq';
export type { CellKind, Seq2seq, Seq2seqConfig, Seq2seqOptions, Seq2seqTopology } from './structures/seq2seq';
export { sequenceClassifier, sequenceTagger } from './structures/classifier-tagger';
export type { SequenceModelOptions } from './structures/classifier-tagger';
export { conditionalGenerator, packGeneratorInput } from './structures/generator';
export type { Generator, GeneratorConfig, GeneratorTopology } from './structures/generator';
export { fromLayersArtifacts, toLayersArtifacts } from './interop/tfjs-layers';
export type { FromLayersOptions, LayersModelArtifacts, LayersWeightSpec, WeightQuantization } from './interop/tfjs-layers';
export { fromTorchStateDict, tensorFromJson, toTorchStateDict, torchModules } from './interop/torch';
export type { TorchModuleOptions, TorchTensorJson } from './interop/torch';
export type { TorchModule } from './interop/torch-modules';
export { parseSafetensors } from './interop/safetensors-format';
export { fromSafetensors, setWeightsFromSafetensors, toSafetensors } from './interop/safetensors';
export type { FromSafetensorsOptions, SafetensorsLayout, ToSafetensorsOptions } from './interop/safetensors';
export { loadSafetensors, saveSafetensors } from './interop/safetensors-files';
export { loadLayersModelFiles, saveLayersModelFiles } from './interop/tfjs-layers-files';
