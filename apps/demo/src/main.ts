/**
 * `pnpm demo [command] [options]` — the rnnkit demo. With no command: Keras' IMDB sentiment script.
 */
import type { BackendInfo } from '@rnnkit/tensor';
import { formatSeconds } from './progress-bar';
import { IMDB_HELP, parseImdbOptions } from './imdb-options';
import { runImdb } from './imdb-run';
import { UsageError } from './usage-error';
import { parseTextgenOptions, TEXTGEN_HELP } from './textgen-options';
import { runTextgen } from './textgen-run';
import { FORECAST_HELP, parseForecastOptions } from './forecast-options';
import { formatErrorTable, runForecast } from './forecast-run';

const HELP = `rnnkit demo — recurrent networks in TypeScript

Usage: pnpm demo [command] [options]      (command-specific help: pnpm demo <command> --help)

Commands:
  imdb        Keras' IMDB sentiment script, reproduced (default)
  textgen     character-level LSTM on tiny-shakespeare: truncated BPTT, samples as it learns
  forecast    airline passengers: one-step and multi-step forecasts against the seasonal naive baseline
`;

function backendText(b: BackendInfo): string {
  return `${b.backend}${b.backend === 'wasm' ? ` (SIMD ${b.simd ? 'on' : 'off'}, ${b.threads} thread${b.threads === 1 ? '' : 's'})` : ''}`;
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
