/**
 * Options of the `video` command: action (motion) recognition on Moving-MNIST-style clips.
 */
import { parseArgs } from 'node:util';
import { strictArgs, UsageError } from './usage-error';

export interface VideoOptions {
  readonly epochs: number;
  readonly stepsPerEpoch: number;
  readonly batchSize: number;
  readonly units: number;
  readonly cell: 'lstm' | 'gru';
  readonly level: 0 | 1 | 2;
  readonly testClips: number;
  readonly learningRate: number;
  readonly stripClips: number;
  readonly seed: number;
  readonly backend: 'wasm' | 'cpu';
  readonly dataDir: string | undefined;
  readonly outDir: string;
}

export const VIDEO_HELP = `rnnkit demo video — which way does the digit move? CNN per frame → RNN over frames

  16-frame 64×64 clips of a real MNIST digit moving up, down, left, right, clockwise or anticlockwise
  (level 1 adds a dimmer distractor digit bouncing around; level 2 two of them and pixel noise).
  Training clips use MNIST test images 0–7,999, held-out clips only images 8,000–9,999 (digits never
  seen in training). Model: TimeDistributed(Conv 5×5/2 → MaxPool → Conv 3×3 → MaxPool → Flatten)
  → LSTM/GRU → Dense(6), trained end to end with Adam on fresh clips every step.
  Writes the model and strip.svg (held-out clips with the predicted motion).

Options:
  --epochs N            default 3
  --steps-per-epoch N   batches per epoch (default 100)
  --batch-size N        default 32
  --units N             RNN units (default 64)
  --cell lstm|gru       default lstm
  --level 0|1|2         difficulty (default 1)
  --test-clips N        held-out clips (default 600)
  --learning-rate X     default 0.002
  --strip N             clips in strip.svg (default 6)
  --seed N              default 1
  --backend wasm|cpu    default wasm
  --data-dir DIR        folder with t10k-images-idx3-ubyte.gz (default ../shared/data/mnist when present)
  --out-dir DIR         default out/video
`;

/** strip.svg draws every frame of each clip: a bound keeps the file a picture, not a memory hog. */
const MAX_STRIP_CLIPS = 64;

function int(name: string, text: string | undefined, fallback: number, min = 1): number {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!Number.isInteger(n) || n < min) throw new UsageError(`--${name} must be an integer ≥ ${min}, got ${text}`);
  return n;
}

/** Parsed options, or null when help was asked for. */
export function parseVideoOptions(argv: readonly string[]): VideoOptions | null {
  const { values, positionals } = strictArgs(() =>
    parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: {
        help: { type: 'boolean', short: 'h' },
        epochs: { type: 'string' },
        'steps-per-epoch': { type: 'string' },
        'batch-size': { type: 'string' },
        units: { type: 'string' },
        cell: { type: 'string' },
        level: { type: 'string' },
        'test-clips': { type: 'string' },
        'learning-rate': { type: 'string' },
        strip: { type: 'string' },
        seed: { type: 'string' },
        backend: { type: 'string' },
        'data-dir': { type: 'string' },
        'out-dir': { type: 'string' },
      },
    }),
  );
  if (values.help === true) return null;
  if (positionals.length > 0 && !(positionals.length === 1 && positionals[0] === 'train')) throw new UsageError(`video: unexpected argument "${positionals[0]}"`);
  const cell = values.cell ?? 'lstm';
  if (cell !== 'lstm' && cell !== 'gru') throw new UsageError(`--cell must be lstm or gru, got ${cell}`);
  const level = int('level', values.level, 1, 0);
  if (level > 2) throw new UsageError(`--level must be 0, 1 or 2, got ${level}`);
  const backend = values.backend ?? 'wasm';
  if (backend !== 'wasm' && backend !== 'cpu') throw new UsageError(`--backend must be wasm or cpu, got ${backend}`);
  const learningRate = values['learning-rate'] === undefined ? 0.002 : Number(values['learning-rate']);
  if (!(learningRate > 0)) throw new UsageError(`--learning-rate must be a positive number, got ${values['learning-rate']}`);
  const stripClips = int('strip', values.strip, 6, 0);
  if (stripClips > MAX_STRIP_CLIPS) throw new UsageError(`--strip must be at most ${MAX_STRIP_CLIPS} clips, got ${stripClips}`);
  return {
    epochs: int('epochs', values.epochs, 3),
    stepsPerEpoch: int('steps-per-epoch', values['steps-per-epoch'], 100),
    batchSize: int('batch-size', values['batch-size'], 32),
    units: int('units', values.units, 64),
    cell,
    level: level as 0 | 1 | 2,
    testClips: int('test-clips', values['test-clips'], 600),
    learningRate,
    stripClips,
    seed: int('seed', values.seed, 1, 0),
    backend,
    dataDir: values['data-dir'],
    outDir: values['out-dir'] ?? 'out/video',
  };
}
