/** Public API of @rnnkit/datasets: explicit named exports only. */
export { padSequences } from './pad-sequences';
export type { PadSequencesOptions, Padded, PadSide, PadDtype } from './pad-sequences';
export { DataFileError } from './errors';

// seeded randomness (own PRNG; numpy's RandomState shuffle for Keras parity)
export { createRandom, permutation, shuffleInPlace } from './random';
export type { Random } from './random';
export { createMt19937, numpyShuffledRange } from './numpy-random-state';

// numpy files
export { readNpy } from './numpy/npy';
export { readNpz } from './numpy/npz';
export type { NdArray, NumericArray } from './numpy/ndarray';

// IMDB
export { applyKerasImdbOptions } from './imdb/imdb-keras';
export type { ImdbData, ImdbOptions, ImdbSplit } from './imdb/imdb-keras';
export { imdbFromNpz, imdbFromSharedJsonl } from './imdb/imdb-sources';
export { decodeReview, parseWordIndex } from './imdb/word-index';
export type { DecodeReviewOptions, WordIndex } from './imdb/word-index';
export { IMDB_COUNTS, KERAS_IMDB_FILES, loadImdb, loadImdbWordIndex } from './node/imdb-load';
export type { ImdbSourceOptions, LoadImdbOptions } from './node/imdb-load';
export { cachedFile, defaultCacheDir } from './node/download';
export type { CachedFileOptions, DownloadProgress } from './node/download';

// text
export { buildCharVocabulary, buildVocabulary, charTokens, decode, encode, wordTokens } from './text/vocabulary';
export type { EncodeOptions, SpecialToken, Vocabulary, VocabularyOptions, WordTokenOptions } from './text/vocabulary';
export { bpttChunks, splitStream, textWindows } from './text/char-corpus';
export type { BpttChunk, Windows } from './text/char-corpus';
export { loadTinyShakespeare, readTextFile, TINY_SHAKESPEARE_FILE } from './node/text-files';
export type { LocalDataOptions, TinyShakespeareOptions } from './node/text-files';

// time series
export { fillDailyGaps, parseCsvLine, parseCsvSeries } from './timeseries/csv';
export type { CsvSeriesOptions, Series } from './timeseries/csv';
export { fitMinMaxScaler, fitStandardScaler, scale, unscale } from './timeseries/scaling';
export type { Scaler } from './timeseries/scaling';
export { chronologicalSplit, slidingWindows } from './timeseries/windows';
export type { ChronologicalSplit, ForecastWindows } from './timeseries/windows';
export { loadAirlinePassengers, loadCsvSeries, loadDailyMinTemperatures } from './node/timeseries-files';

// parallel corpora
export { normalizeSentence, parseParallelText, prepareTranslationCorpus } from './parallel/parallel-corpus';
export type { NormalizeOptions, SentencePair, TranslationCorpus, TranslationCorpusOptions, TranslationExample } from './parallel/parallel-corpus';
export { loadFraEng } from './node/parallel-files';

// tagged corpora (CoNLL-U, UD English EWT) and tagging batches
export { parseConllu } from './conllu/conllu';
export type { ConlluOptions, TaggedSentence } from './conllu/conllu';
export { loadUdEwt, readConlluFile, UD_EWT_FILES } from './conllu/conllu-load';
export type { TreebankSplits } from './conllu/conllu-load';
export { buildTaggingVocabularies, encodeTagged, encodeTaggedWords, shortenWord, taggingBatch, taggingVocabulariesFromJson, taggingVocabulariesToJson } from './tagging/tagging';
export type { EncodedSentence, TaggedWords, TaggingBatch, TaggingBatchOptions, TaggingVocabularies, TaggingVocabulariesJson, TaggingVocabularyOptions } from './tagging/tagging';

// batching
export { batchIndices, bucketByLength, padBatch, takeRows } from './batching/batching';
export type { BatchOptions, BucketOptions, PaddedBatch, Remainder } from './batching/batching';

// toy tasks
export { ADDITION_CHARS, additionTask, reversalTask, runningSumSignTask } from './toy/toy-tasks';
export type { AdditionTask, ReversalTask, RunningSumSignTask } from './toy/toy-tasks';

// audio and spoken digits (FSDD)
export { encodeWav, parseWav } from './audio/wav';
export type { Wav } from './audio/wav';
export { readTar, readTarGz } from './fsdd/tar';
export type { TarEntry } from './fsdd/tar';
export { FSDD_LAST_TEST_INDEX, FSDD_SAMPLE_RATE, FSDD_SPEAKERS, fsddFromRecordings, fsddFromTarGz, fsddSplitOf, parseFsddName } from './fsdd/fsdd';
export type { Fsdd, FsddRecording, FsddSplit } from './fsdd/fsdd';
export { loadFsdd } from './fsdd/fsdd-load';
export type { LoadFsddOptions } from './fsdd/fsdd-load';
export { buildDigitStrings } from './fsdd/digit-strings';
export type { DigitSource, DigitString, DigitStringOptions } from './fsdd/digit-strings';
export { featureExtractor, hzToMel, melFilterbank, melToHz, resolveFeatureOptions } from './audio/features';
export type { FeatureExtractor, FeatureFrames, FeatureOptions } from './audio/features';
export { fitFeatureNormalizer, normalizeFeatures } from './audio/normalize';
export type { FeatureNormalizer } from './audio/normalize';

// MNIST and Moving-MNIST-style clips
export { mnistFromIdx, parseIdx, sliceDigits } from './moving-mnist/idx';
export type { IdxArray, MnistDigits } from './moving-mnist/idx';
export { loadMnistTest, MNIST_TEST_FILES } from './moving-mnist/mnist-load';
export { MOTION_CLASSES, movingMnistBatch, movingMnistClip } from './moving-mnist/clips';
export type { Clip, ClipBatch, ClipOptions, MotionClass } from './moving-mnist/clips';

// captioned scenes of MNIST digits (1→N captioning)
export { captionedScene, captionedSceneBatch, DIGIT_SIDES, resizeArea, SCENE_SIZE, SCENE_SPLITS, sceneImageRange } from './captions/scenes';
export type { DigitSize, Scene, SceneDigit, SceneOptions, SceneSplit } from './captions/scenes';
export { CAPTION_WORDS, captionDigits, DIGIT_NAMES, readingOrder, relation, relations, sceneCaptions, SIZE_WORDS } from './captions/scene-captions';
