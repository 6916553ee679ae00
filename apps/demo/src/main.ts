/**
 * `pnpm demo [command] [options]` — the rnnkit demo. With no command: Keras' IMDB sentiment script.
 */
import { recurrenceThreads } from '@rnnkit/cells';
import type { BackendInfo } from '@rnnkit/tensor';
import { formatSeconds } from './progress-bar';
import { IMDB_HELP, parseImdbOptions } from './imdb-options';
import { runImdb } from './imdb-run';
import { UsageError } from './usage-error';
import { parseTextgenOptions, TEXTGEN_HELP } from './textgen-options';
import { runTextgen } from './textgen-run';
import { FORECAST_HELP, parseForecastOptions } from './forecast-options';
import { formatErrorTable, runForecast } from './forecast-run';
import { parseTranslateOptions, TRANSLATE_HELP } from './translate-options';
import { formatTranslations, runTranslate } from './translate-run';
import { CLASSIFY_HELP, parseClassifyOptions } from './classify-options';
import { formatClassification, runClassify } from './classify-run';
import { runSpeechCommand } from './speech-run';
import { runVideoCommand } from './video-run';
import { runTagCommand } from './tag-run';
import { runCaptionCommand } from './caption-run';

const HELP = `rnnkit demo — recurrent networks in TypeScript

Usage: pnpm demo [command] [options]      (command-specific help: pnpm demo <command> --help)

Commands:
  imdb        Keras' IMDB sentiment script, reproduced (default)
  textgen     character-level LSTM on tiny-shakespeare: truncated BPTT, samples as it learns
  forecast    airline passengers: one-step and multi-step forecasts against the seasonal naive baseline
  translate   English → French encoder–decoder with attention: greedy and beam output, attention heat-map
  classify    score a review with the model imdb saved, and show which words moved the score
  speech      spoken digits (FSDD): MFCC → BiGRU classifier, and digit strings with CTC; transcribe a WAV
  video       which way does the digit move? CNN per frame → LSTM on Moving-MNIST-style clips
  tag         part-of-speech tags on UD English EWT: BiLSTM over words and characters; tag a sentence
  caption     describe a picture of MNIST digits in words: CNN encoder → LSTM decoder, BLEU-4 on held-out scenes
`;

function threadsText(n: number): string {
  return `${n} thread${n === 1 ? '' : 's'}`;
}

function backendText(b: BackendInfo): string {
  const tfjs = b.backend === 'wasm' ? ` (SIMD ${b.simd ? 'on' : 'off'}, tfjs on ${threadsText(b.threads)})` : '';
  return `${b.backend}${tfjs}; recurrence kernel: up to ${threadsText(recurrenceThreads())}`;
}

async function imdb(argv: readonly string[]): Promise<void> {
  const options = parseImdbOptions(argv);
  if (options === null) {
    console.log(IMDB_HELP);
    return;
  }
  const result = await runImdb(options);
  const b = result.backend;
  console.log('');
  console.log(`Test loss ${result.test.loss.toFixed(4)} · test accuracy ${result.test.accuracy.toFixed(4)}`);
  console.log(`Total time ${formatSeconds(result.seconds)} on ${backendText(b)}`);
  console.log(`Wrote ${result.outDir}/curves.svg (loss/accuracy curves), history.json and checkpoint/`);
  console.log(`Saved the trained model to ${result.modelDir} (score a review with: pnpm demo classify "…" --model ${result.modelDir})`);
}

async function textgen(argv: readonly string[]): Promise<void> {
  const options = parseTextgenOptions(argv);
  if (options === null) {
    console.log(TEXTGEN_HELP);
    return;
  }
  const result = await runTextgen(options);
  console.log('');
  console.log(`Validation loss per epoch: ${result.validationLosses.map((v) => v.toFixed(4)).join(', ')} (nats/char)`);
  console.log(`Total time ${formatSeconds(result.seconds)} on ${backendText(result.backend)}`);
  console.log(`Wrote ${result.modelDir} (model.json, weights.bin) and vocabulary.json`);
}

async function forecast(argv: readonly string[]): Promise<void> {
  const options = parseForecastOptions(argv);
  if (options === null) {
    console.log(FORECAST_HELP);
    return;
  }
  const result = await runForecast(options);
  console.log('');
  for (const line of formatErrorTable(result, options.cell.toUpperCase())) console.log(line);
  console.log(`Total time ${formatSeconds(result.seconds)} on ${backendText(result.backend)}`);
  console.log(`Wrote ${result.outDir}/forecast.svg (truth vs forecasts) and forecast.csv`);
}

async function translate(argv: readonly string[]): Promise<void> {
  const options = parseTranslateOptions(argv);
  if (options === null) {
    console.log(TRANSLATE_HELP);
    return;
  }
  const result = await runTranslate(options);
  console.log('');
  console.log(`Held-out loss ${result.test.loss.toFixed(4)} · word accuracy ${result.test.accuracy.toFixed(4)} (teacher forcing, ${result.pairs.test} pairs)`);
  console.log('');
  for (const line of formatTranslations(result.translations, options.beamWidth)) console.log(line);
  console.log(`Total time ${formatSeconds(result.seconds)} on ${backendText(result.backend)}`);
  console.log(`Wrote ${result.heatmapFile} (attention of the first sentence) and the model to ${result.modelDir}`);
}

async function classify(argv: readonly string[]): Promise<void> {
  const options = parseClassifyOptions(argv);
  if (options === null) {
    console.log(CLASSIFY_HELP);
    return;
  }
  const result = await runClassify(options);
  for (const line of formatClassification(result, options.top)) console.log(line);
}

async function main(argv: readonly string[]): Promise<void> {
  const [first, ...rest] = argv;
  if (first === '--help' || first === '-h' || first === 'help') {
    console.log(HELP);
    console.log(IMDB_HELP);
    return;
  }
  if (first === undefined || first.startsWith('-')) return imdb(argv);
  if (first === 'imdb') return imdb(rest);
  if (first === 'textgen') return textgen(rest);
  if (first === 'forecast') return forecast(rest);
  if (first === 'translate') return translate(rest);
  if (first === 'classify') return classify(rest);
  if (first === 'speech') return runSpeechCommand(rest).then(() => undefined);
  if (first === 'video') return runVideoCommand(rest).then(() => undefined);
  if (first === 'tag') return runTagCommand(rest).then(() => undefined);
  if (first === 'caption') return runCaptionCommand(rest).then(() => undefined);
  throw new UsageError(`unknown command "${first}" (try: pnpm demo --help)`);
}

main(process.argv.slice(2)).catch((error: unknown) => {
  if (error instanceof UsageError) {
    console.error(`error: ${error.message}`);
    process.exitCode = 2;
  } else {
    console.error(`error: ${error instanceof Error ? error.message : String(error)}`);
    if (process.env['RNNKIT_DEBUG'] !== undefined && error instanceof Error) console.error(error.stack);
    process.exitCode = 1;
  }
});
