/**
 * Options of the `speech` command: train and evaluate the spoken-digit models, or transcribe a WAV.
 */
import { parseArgs } from 'node:util';
import { strictArgs, UsageError } from './usage-error';

export interface SpeechTrainOptions {
  readonly command: 'train';
  readonly task: 'classify' | 'ctc' | 'both';
  readonly units: number;
  readonly classifyEpochs: number;
  readonly ctcEpochs: number;
  readonly batchSize: number;
  readonly learningRate: number;
  readonly trainStrings: number;
  readonly testStrings: number;
  readonly beamWidth: number;
  readonly seed: number;
  readonly backend: 'wasm' | 'cpu';
  readonly dataDir: string | undefined;
  readonly outDir: string;
  /** Use only this many recordings per split (a quick smoke run). */
  readonly limit: number | undefined;
}

export interface SpeechTranscribeOptions {
  readonly command: 'transcribe';
  readonly file: string;
  readonly modelDir: string;
  readonly beamWidth: number;
  readonly backend: 'wasm' | 'cpu';
}

export type SpeechOptions = SpeechTrainOptions | SpeechTranscribeOptions;

export const SPEECH_HELP = `rnnkit demo speech — spoken digits (FSDD): N→1 classification and N→M recognition with CTC

Usage:
  pnpm demo speech [train] [options]          train, evaluate on the test split, save the models
  pnpm demo speech transcribe FILE.wav        the digits spoken in a WAV (16-bit PCM, any rate; resampled to 8 kHz)

  Features: 13 MFCCs (25 ms frames; 10 ms hop for single digits, 20 ms for strings), normalised with the
  training split's mean and deviation. Classifier: Masking → BiGRU(units) → Dense(10). Strings of 2–6
  recordings joined by 50–250 ms silences: Masking → BiGRU(units) ×2 → Dense(11) per frame, CTC loss
  (blank 0), greedy and prefix-beam decoding. Test strings are built only from test-split recordings.

Options (train):
  --task classify|ctc|both   which model(s) to train (default both)
  --units N                  GRU units per direction (default 64)
  --classify-epochs N        default 15
  --ctc-epochs N             default 20
  --batch-size N             default 32
  --learning-rate X          Adam's initial rate, decayed ×0.9 per epoch (default 0.003)
  --train-strings N          digit strings for CTC training (default 3000)
  --test-strings N           held-out digit strings (default 300)
  --beam-width N             prefix beam width (default 8)
  --seed N                   default 1
  --backend wasm|cpu         default wasm
  --data-dir DIR             folder with fsdd_{speaker}.tar.gz (default ../shared/data/fsdd when present)
  --out-dir DIR              default out/speech
  --limit N                  only N recordings per split (smoke run)
Options (transcribe):
  --model-dir DIR            where train saved the models (default out/speech)
  --beam-width N, --backend wasm|cpu
`;

const MAX_BEAM_WIDTH = 256;

function int(name: string, text: string | undefined, fallback: number, min = 1): number {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!Number.isInteger(n) || n < min) throw new UsageError(`--${name} must be an integer ≥ ${min}, got ${text}`);
  return n;
}

function backendOf(text: string | undefined): 'wasm' | 'cpu' {
  if (text === undefined || text === 'wasm' || text === 'cpu') return text ?? 'wasm';
  throw new UsageError(`--backend must be wasm or cpu, got ${text}`);
}

/** Parsed options, or null when help was asked for. */
export function parseSpeechOptions(argv: readonly string[]): SpeechOptions | null {
  const { values, positionals } = strictArgs(() =>
    parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: {
        help: { type: 'boolean', short: 'h' },
        task: { type: 'string' },
        units: { type: 'string' },
        'classify-epochs': { type: 'string' },
        'ctc-epochs': { type: 'string' },
        'batch-size': { type: 'string' },
        'learning-rate': { type: 'string' },
        'train-strings': { type: 'string' },
        'test-strings': { type: 'string' },
        'beam-width': { type: 'string' },
        seed: { type: 'string' },
        backend: { type: 'string' },
        'data-dir': { type: 'string' },
        'out-dir': { type: 'string' },
        'model-dir': { type: 'string' },
        limit: { type: 'string' },
      },
    }),
  );
  if (values.help === true) return null;
  const [command = 'train', ...rest] = positionals;
  const backend = backendOf(values.backend);
  const beamWidth = int('beam-width', values['beam-width'], 8);
  // each step extends every kept prefix by each of the 11 symbols: the beam bounds the work and memory
  if (beamWidth > MAX_BEAM_WIDTH) throw new UsageError(`--beam-width must be at most ${MAX_BEAM_WIDTH}, got ${beamWidth}`);
  if (command === 'transcribe') {
    const file = rest[0];
    if (file === undefined) throw new UsageError('speech transcribe needs a WAV file: pnpm demo speech transcribe FILE.wav');
    return { command, file, modelDir: values['model-dir'] ?? 'out/speech', beamWidth, backend };
  }
  if (command !== 'train') throw new UsageError(`speech: unknown subcommand "${command}" (train or transcribe)`);
  if (rest.length > 0) throw new UsageError(`speech train: unexpected argument "${rest[0]}"`);
  const task = values.task ?? 'both';
  if (task !== 'classify' && task !== 'ctc' && task !== 'both') throw new UsageError(`--task must be classify, ctc or both, got ${task}`);
  const learningRate = values['learning-rate'] === undefined ? 0.003 : Number(values['learning-rate']);
  if (!(learningRate > 0)) throw new UsageError(`--learning-rate must be a positive number, got ${values['learning-rate']}`);
  return {
    command,
    task,
    units: int('units', values.units, 64),
    classifyEpochs: int('classify-epochs', values['classify-epochs'], 15),
    ctcEpochs: int('ctc-epochs', values['ctc-epochs'], 20),
    batchSize: int('batch-size', values['batch-size'], 32),
    learningRate,
    trainStrings: int('train-strings', values['train-strings'], 3000),
    testStrings: int('test-strings', values['test-strings'], 300),
    beamWidth,
    seed: int('seed', values.seed, 1, 0),
    backend,
    dataDir: values['data-dir'],
    outDir: values['out-dir'] ?? 'out/speech',
    limit: values.limit === undefined ? undefined : int('limit', values.limit, 1),
  };
}
