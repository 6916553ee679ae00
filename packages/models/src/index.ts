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
export { gru, lstm, runRecurrent, simpleRnn } from './layers/recurrent';
export type { CellOptions, GruOptions, LstmOptions, RecurrentOptions, RecurrentSpec, RunRecurrentOptions } from './layers/recurrent';
export { bidirectional, runBidirectional } from './layers/bidirectional';
export type { BidirectionalSpec, MergeMode } from './layers/bidirectional';
export type { LayerSpec } from './layers/registry';
export type { DenseActivation } from './activations';
export { sequential, sequentialFromTopology } from './sequential';
export type { BuiltLayer, ModelOutput, Sequential, SequentialOptions, SequentialTopology } from './sequential';
export type { ApplyOptions, Model } from './model';
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
export type { LayersModelArtifacts, LayersWeightSpec } from './interop/tfjs-layers';
export { fromTorchStateDict, parseSafetensors, tensorFromJson, toTorchStateDict } from './interop/torch';
export type { TorchModuleOptions, TorchTensorJson } from './interop/torch';
