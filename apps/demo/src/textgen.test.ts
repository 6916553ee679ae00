import { mkdtempSync, existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initBackend, memory, tensor1d, tensor2d, tidy } from '@rnnkit/tensor';
import { disposeState, loadModel, sequentialStepper } from '@rnnkit/models';
import { buildCharModel, charChunkStep, zeroCharState } from './textgen-model';
import { parseTextgenOptions } from './textgen-options';
import { runTextgen } from './textgen-run';
import { describeWithSharedData } from '@rnnkit/testkit';

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
});

describe('textgen options', () => {
  it('default to a run of a few minutes', () => {
    expect(parseTextgenOptions([])).toMatchObject({ cell: 'lstm', units: 128, batchSize: 16, steps: 64, epochs: 1, chars: undefined, temperatures: [0.5, 0.8, 1], prompt: 'ROMEO:' });
    expect(parseTextgenOptions(['--chars', '5000', '--temperatures', '0.2, 1.5', '--cell', 'gru'])).toMatchObject({ chars: 5000, temperatures: [0.2, 1.5], cell: 'gru' });
    expect(parseTextgenOptions(['--help'])).toBeNull();
  });

  it('reject bad values with one line naming the flag', () => {
    expect(() => parseTextgenOptions(['--temperatures', '0.5,,1'])).toThrow('--temperatures must be a comma-separated list of positive numbers, got "0.5,,1"');
    expect(() => parseTextgenOptions(['--steps=-3'])).toThrow('--steps must be a positive integer, got "-3"');
    expect(() => parseTextgenOptions(['--lr', 'fast'])).toThrow('--lr must be a positive number, got "fast"');
    expect(() => parseTextgenOptions(['--cell', 'rnn'])).toThrow('--cell must be one of lstm, gru, got "rnn"');
    expect(() => parseTextgenOptions(['--prompt', ''])).toThrow('--prompt must not be empty');
    expect(() => parseTextgenOptions(['extra'])).toThrow("Unexpected argument 'extra'");
  });
});

describe('the character model', () => {
  it('runs a chunk from a carried state exactly as apply and the one-step stepper do', () => {
    const model = buildCharModel({ vocabularySize: 7, embed: 4, units: 5, cell: 'lstm', seed: 3 });
    const ids = [1, 4, 2, 6, 0, 3];
    const full = tidy(() => model.apply(tensor2d([ids], [1, 6], 'int32'), { training: false }).arraySync()) as number[][][];
    // two chunks of 3 with the state handed over equal one pass over 6
    const step = charChunkStep(model);
    const first = tidy(() => {
      const out = step(tensor2d([ids.slice(0, 3)], [1, 3], 'int32'), zeroCharState(model, 1), false);
      return { y: out.y, state: out.state };
    });
    const second = tidy(() => step(tensor2d([ids.slice(3)], [1, 3], 'int32'), first.state, false).y.arraySync()) as number[][][];
    const { stepper, initialState } = sequentialStepper(model);
    let state = initialState(1);
    const stepped: number[][] = [];
    for (const id of ids) {
      const input = tensor1d([id], 'int32');
      const out = stepper.step(state, input);
      stepped.push((out.logits.arraySync() as number[][])[0]!);
      tidy(() => [input, out.logits].forEach((t) => t.dispose()));
      disposeState(state);
      state = out.state;
    }
    disposeState(state);
    const firstY = first.y.arraySync() as number[][][];
    for (let t = 0; t < 6; t++) {
      const chunked = t < 3 ? firstY[0]![t]! : second[0]![t - 3]!;
      chunked.forEach((v, j) => expect(v).toBeCloseTo(full[0]![t]![j]!, 5));
      stepped[t]!.forEach((v, j) => expect(v).toBeCloseTo(full[0]![t]![j]!, 5));
    }
    first.y.dispose();
    disposeState(first.state);
    model.dispose();
  });
});

describeWithSharedData('tiny-shakespeare', 'textgen on a slice of tiny-shakespeare', (dataDir) => {
  it('trains, lowers the loss, samples at each temperature and saves a loadable model', async () => {
    const out = mkdtempSync(join(tmpdir(), 'rnnkit-textgen-'));
    const lines: string[] = [];
    try {
      const before = memory().numTensors;
      const options = parseTextgenOptions(['--chars', '6000', '--units', '16', '--embed', '8', '--batch-size', '4', '--steps', '16', '--epochs', '2', '--lr', '0.02', '--sample-every', '40', '--sample-length', '30', '--temperatures', '0.5,1', '--backend', 'cpu', '--data-dir', dataDir, '--out', out])!;
      const result = await runTextgen(options, (line) => lines.push(line));
      expect(memory().numTensors).toBe(before);
      const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
      expect(mean(result.losses.slice(-10))).toBeLessThan(mean(result.losses.slice(0, 10)));
      expect(result.validationLosses).toHaveLength(2);
      expect(result.samples.map((s) => s.temperature)).toEqual([0.5, 1]);
      for (const s of result.samples) expect(s.text.startsWith('ROMEO:') && s.text.length === 'ROMEO:'.length + 30).toBe(true);
      expect(lines.some((l) => l.includes('── temperature 0.5 ──'))).toBe(true);
      expect(existsSync(join(out, 'vocabulary.json'))).toBe(true);
      const loaded = await loadModel(result.modelDir);
      expect(loaded.countParams()).toBeGreaterThan(0);
      loaded.dispose();
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  }, 600_000);

  it('refuses a prompt with characters the training text never uses, in one line', async () => {
    const options = parseTextgenOptions(['--chars', '2000', '--prompt', 'R€', '--backend', 'cpu', '--data-dir', dataDir])!;
    await expect(runTextgen(options, () => undefined)).rejects.toThrow('--prompt has characters the training text never uses: "€"');
  });
});
