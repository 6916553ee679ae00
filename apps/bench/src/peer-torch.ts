/**
 * The PyTorch peer: the same cases run by `torch/bench_torch.py` (PyTorch 1.13 under Debian's Python) in one
 * long-lived child process, one contender per configuration (threads, flush-denormal), taking turns in the
 * harness's rounds with rnnkit and tfjs-layers. The child times its own steps, so the pipe is not timed.
 */
import { join } from 'node:path';
import { torchConfigLabel } from './args';
import type { TorchConfig } from './args';
import type { BenchCase } from './cases';
import type { BenchData, Contender, PreparedStep } from './runner';
import { spawnTorch } from './torch-client';
import type { TorchAnswer, TorchClient } from './torch-client';

/** Contender names of the PyTorch configurations start with this; the table reports the best of them. */
export const TORCH_PREFIX = 'PyTorch ';

export interface TorchInfo {
  readonly torch: string;
  readonly python: string;
  readonly blas: string;
  readonly openblas: boolean;
}

export interface TorchPeer {
  readonly info: TorchInfo;
  readonly contenders: readonly Contender[];
  close(): Promise<void>;
}

/** `bench_torch.py` beside the bundle (`dist/main.cjs` → `../torch/`) or the sources (`src/` → `../torch/`). */
export const TORCH_SCRIPT = join(__dirname, '..', 'torch', 'bench_torch.py');

function torchContender(client: TorchClient, config: TorchConfig, nextId: () => string): Contender {
  return {
    name: `${TORCH_PREFIX}${torchConfigLabel(config)}`,
    async prepare(c: BenchCase, data: BenchData): Promise<PreparedStep> {
      const id = nextId();
      await client.request({
        cmd: 'prepare',
        id,
        case: c,
        threads: config.threads,
        flushDenormal: config.flushDenormal,
        ids: data.ids.map((ids) => Array.from(ids)),
        labels: data.labels.map((labels) => Array.from(labels)),
      });
      const timed = async (steps: number): Promise<number> => {
        const answer = await client.request({ cmd: 'run', id, steps });
        if (typeof answer['seconds'] !== 'number') throw new Error(`PyTorch side: run answered without seconds: ${JSON.stringify(answer)}`);
        return answer['seconds'];
      };
      return {
        async run() {
          await timed(1);
        },
        timed,
        async dispose() {
          await client.request({ cmd: 'dispose', id });
        },
      };
    },
  };
}

/**
 * Starts the PyTorch side and checks it can import torch. Resolves with the contenders, or with the reason
 * PyTorch cannot run here (and how to install it) — the bench then goes on without it.
 */
export async function startTorchPeer(
  configs: readonly TorchConfig[],
  command: readonly [string, ...string[]],
): Promise<TorchPeer | { readonly missing: string }> {
  const [program, ...args] = command;
  const client = spawnTorch(program, args);
  let answer: TorchAnswer;
  try {
    answer = await client.request({ cmd: 'hello' });
  } catch (error) {
    await client.close();
    const why = error instanceof Error ? error.message : String(error);
    return { missing: `PyTorch is not available through ${program} (${why}). Install it with \`apt-get install python3-torch\` (Debian), or pass --python PATH.` };
  }
  const info: TorchInfo = {
    torch: String(answer['torch']),
    python: String(answer['python']),
    blas: String(answer['blas']),
    openblas: answer['openblas'] === true,
  };
  let counter = 0;
  const nextId = (): string => `p${++counter}`;
  return { info, contenders: configs.map((config) => torchContender(client, config, nextId)), close: () => client.close() };
}
