import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildVocabulary, CAPTION_WORDS, encode } from '@rnnkit/datasets';
import { beamSearch, greedyDecode, loadModel } from '@rnnkit/models';
import type { Generator } from '@rnnkit/models';
import { initBackend, memory, tensor, tidy } from '@rnnkit/tensor';
import { describeWithSharedData } from '@rnnkit/testkit';
import { captionScores, layoutScores, multisetOverlap } from './caption-metrics';
import { captioner } from './caption-model';
import { parseCaptionOptions } from './caption-options';
import { captionImages, captionMemory, layoutTargets, runCaptionCommand } from './caption-run';
import { captionSheetSvg } from './caption-sheet';
import { checkMemory, memoryLimit } from './memory-estimate';

describe('caption options', () => {
  it('defaults, and --help', () => {
    expect(parseCaptionOptions([])).toMatchObject({ encoderSteps: 800, encoderLearningRate: 0.004, fineTune: false, epochs: 3, stepsPerEpoch: 800, batchSize: 48, filters: 16, units: 128, cell: 'lstm', learningRate: 0.004, layoutLoss: 1, beamWidth: 4, testScenes: 500, sheet: 12, outDir: 'out/caption' });
    expect(parseCaptionOptions(['--encoder-steps', '0', '--fine-tune', '--encoder-lr', '0.01'])).toMatchObject({ encoderSteps: 0, fineTune: true, encoderLearningRate: 0.01 });
    expect(parseCaptionOptions(['--cell', 'gru', '--units', '64', '--sheet', '0'])).toMatchObject({ cell: 'gru', units: 64, sheet: 0 });
    expect(parseCaptionOptions(['--layout-loss', '0'])).toMatchObject({ layoutLoss: 0 });
    expect(parseCaptionOptions(['--help'])).toBeNull();
  });

  it('reject bad flags naming them', () => {
    expect(() => parseCaptionOptions(['--cell', 'rnn'])).toThrow('--cell must be one of lstm, gru, got "rnn"');
    expect(() => parseCaptionOptions(['--epochs', '0'])).toThrow('--epochs must be a positive integer, got "0"');
    expect(() => parseCaptionOptions(['--lr=-1'])).toThrow('--lr must be a positive number, got "-1"');
    expect(() => parseCaptionOptions(['--beam'])).toThrow(/Unknown option '--beam'/);
    expect(() => parseCaptionOptions(['--layout-loss=-0.5'])).toThrow('--layout-loss must be a non-negative number, got "-0.5"');
    expect(() => parseCaptionOptions(['--encoder-steps=-1'])).toThrow(/--encoder-steps must be a non-negative integer, got "-1"/);
    expect(() => parseCaptionOptions(['--encoder-lr', '0'])).toThrow('--encoder-lr must be a positive number, got "0"');
    expect(() => parseCaptionOptions(['a picture'])).toThrow('caption: unexpected argument "a picture"');
  });

  it('refuse a configuration that cannot fit in memory, before allocating it', () => {
    const options = parseCaptionOptions(['--features', '200000', '--filters', '512'])!;
    expect(() => checkMemory(captionMemory(options, 26), memoryLimit('wasm'), '--filters')).toThrow(/needs about .* GB .*more than the wasm backend's 4 GiB heap: reduce --filters/);
    expect(() => checkMemory(captionMemory(parseCaptionOptions([])!, 26), memoryLimit('wasm'), '--filters')).not.toThrow();
  });
});

describe('caption scores', () => {
  it('digit accuracy counts each digit shown once; exact match is against any phrasing', () => {
    expect(multisetOverlap([2, 2, 7], [2, 7, 7])).toBe(2);
    const scenes = [
      { captions: ['a large seven to the left of a small two', 'a small two to the right of a large seven'], digits: [{ digit: 7 }, { digit: 2 }] },
      { captions: ['a small three', 'a single small three'], digits: [{ digit: 3 }] },
    ];
    const s = captionScores([['a', 'small', 'two', 'to', 'the', 'right', 'of', 'a', 'large', 'seven'], ['a', 'small', 'three', 'above', 'a', 'small', 'three']], scenes);
    // named: 2, 7 | 3, 3 → right 2 + 1 of 4 named, of 3 shown; counts right in the first scene only
    expect(s).toEqual({ exactMatch: 0.5, digitAccuracy: 3 / 4, digitRecall: 1, countAccuracy: 0.5 });
  });
});

describe('layout scores', () => {
  it('count cells right, and digits read right at either size', () => {
    // truth: cell 0 a large 7 (8), cell 1 empty, cell 2 a small 2 (13), cell 3 a large 0 (1)
    // predicted: 7 but small (18: cell wrong, digit right), empty (right), 3 (wrong), 0 large (right)
    expect(layoutScores([18, 0, 14, 1], [8, 0, 13, 1])).toEqual({ cellAccuracy: 2 / 4, digitAccuracy: 2 / 3 });
    expect(layoutScores([5, 0], [0, 0])).toEqual({ cellAccuracy: 1 / 2, digitAccuracy: 0 });
    expect(() => layoutScores([1], [1, 2])).toThrow('layoutScores: 1 predicted cells for 2 true ones');
  });
});

describe('layout targets', () => {
  it('say what each cell holds: 0 empty, 1 + digit large, 11 + digit small, cells in reading order', () => {
    const scenes = [
      { digits: [{ digit: 7, size: 'large', row: 0, col: 1, image: 0, x: 32, y: 0 }, { digit: 2, size: 'small', row: 1, col: 0, image: 1, x: 0, y: 40 }] },
      { digits: [{ digit: 0, size: 'small', row: 1, col: 1, image: 2, x: 40, y: 40 }] },
    ] as const;
    expect(Array.from(layoutTargets(scenes))).toEqual([0, 8, 13, 0, 0, 0, 0, 11]);
  });
});

describe('caption sheet', () => {
  it('embeds each scene as a PNG and colours captions by exact match', () => {
    const row = { pixels: new Float32Array(64 * 64), size: 64, greedy: 'a small two', beam: 'a small <two>', reference: 'a small two', greedyExact: true, beamExact: false };
    const svg = captionSheetSvg([row, row], 'title', 3);
    expect(svg.match(/<image /g)).toHaveLength(2);
    expect(svg).toContain('data:image/png;base64,');
    expect(svg).toContain('a small &lt;two&gt;');
    expect(svg).toContain('fill="#2ca02c">a small two');
    expect(svg).toContain('fill="#d62728">a small &lt;two&gt;');
  });
});

describe('captioning a batch', () => {
  it('greedy equals beam search of width 1 on the captioner, and nothing leaks', async () => {
    await initBackend({ backend: 'cpu' });
    const vocabulary = buildVocabulary([CAPTION_WORDS], { specials: ['pad', 'start', 'end'] });
    const model = captioner({ size: 64, filters: 2, features: 8, vocabulary: vocabulary.tokens.length, embed: 4, units: 8, cell: 'lstm', seed: 3 });
    const images = Float32Array.from({ length: 3 * 64 * 64 }, (_, i) => ((i * 7919) % 101) / 101);
    const before = memory().numTensors;
    const greedy = captionImages(model, vocabulary, images, 3, 1);
    expect(greedy.beam).toEqual(greedy.greedy);
    expect(memory().numTensors).toBe(before);
    // the same through the models' decoders directly, from the encoder's vector
    const state = tidy(() => model.decoder.initialState(model.encoder.apply(tensor(images, [3, 64, 64, 1]), { training: false })));
    const options = { startToken: vocabulary.special.start!, endToken: vocabulary.special.end!, maxLength: 24 };
    expect(beamSearch(model.decoder.stepper, state, { ...options, beamWidth: 1 }).tokens).toEqual(greedyDecode(model.decoder.stepper, state, options).tokens);
    Object.values(state).forEach((t) => t.dispose());
    expect(encode(vocabulary, ['a', 'large', 'seven']).length).toBe(3);
    model.dispose();
    expect(memory().numTensors).toBe(before - Object.keys(model.params).length);
  });
});

describeWithSharedData('mnist', 'caption on the shared MNIST', (mnist) => {
  it('a tiny run trains, scores held-out scenes, writes sheet.svg, results.json and a model that loads back', async () => {
    const out = mkdtempSync(join(tmpdir(), 'rnnkit-caption-'));
    try {
      const lines: string[] = [];
      const result = await runCaptionCommand(
        ['--encoder-steps', '2', '--epochs', '1', '--steps-per-epoch', '2', '--batch-size', '4', '--filters', '2', '--features', '8', '--units', '8', '--test-scenes', '5', '--sheet', '2', '--beam-width', '2', '--backend', 'cpu', '--data-dir', mnist, '--out', out],
        (line) => lines.push(line),
      );
      expect(result?.epochs).toHaveLength(1);
      expect(result!.encoder).toMatchObject({ steps: 2 });
      expect(result!.encoder!.digitAccuracy).toBeGreaterThanOrEqual(0);
      expect(lines.join('\n')).toMatch(/Phase 1\/2 — the encoder alone: the layout loss[^\n]*\n {2}encoder \d+s — layout loss [\d.]+ {2}held-out layout head: cells [\d.]+ {2}digits read [\d.]+/);
      expect(lines.join('\n')).toContain('Phase 2/2 — captions: the decoder on the frozen encoder, 1 × 2 steps, Adam 0.004 decaying to');
      expect(result!.greedy.bleu.bleu).toBeGreaterThanOrEqual(0);
      expect(result!.samples).toHaveLength(5);
      expect(lines.join('\n')).toMatch(/Held-out scenes \(5, handwriting never seen in training\)/);
      expect(readFileSync(join(out, 'sheet.svg'), 'utf8').match(/<image /g)).toHaveLength(2);
      const saved = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as { greedy: { bleu: { bleu: number } }; options: { batchSize: number } };
      expect(saved.greedy.bleu.bleu).toBe(result!.greedy.bleu.bleu);
      expect(saved.options.batchSize).toBe(4);
      expect(existsSync(join(out, 'model', 'vocabulary.json'))).toBe(true);
      const decoder = (await loadModel(join(out, 'model', 'decoder'))) as unknown as Generator;
      expect(decoder.topology().kind).toBe('generator');
      decoder.dispose();
      const encoder = await loadModel(join(out, 'model', 'encoder'));
      expect(encoder.topology().kind).toBe('sequential');
      encoder.dispose();
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });

  it('with --encoder-steps 0, one phase trains encoder and decoder together', async () => {
    const out = mkdtempSync(join(tmpdir(), 'rnnkit-caption-joint-'));
    try {
      const lines: string[] = [];
      const argv = ['--encoder-steps', '0', '--epochs', '1', '--steps-per-epoch', '1', '--batch-size', '2', '--filters', '2', '--features', '8', '--units', '8', '--embed', '4'];
      const result = await runCaptionCommand([...argv, '--test-scenes', '2', '--sheet', '0', '--beam-width', '1', '--backend', 'cpu', '--data-dir', mnist, '--out', out], (line) => lines.push(line));
      expect(result!.encoder).toBeNull();
      expect(lines.join('\n')).toContain("Phase 1/1 — captions: decoder and encoder together (layout loss × 1 beside the captions'), 1 × 1 steps");
      expect(result!.sheetFile).toBeNull();
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });

  it('says where to put MNIST when it is missing', async () => {
    await expect(runCaptionCommand(['--data-dir', '/nonexistent/mnist'], () => undefined)).rejects.toThrow('--data-dir /nonexistent/mnist does not exist');
    const empty = mkdtempSync(join(tmpdir(), 'rnnkit-caption-empty-'));
    try {
      await expect(runCaptionCommand(['--data-dir', empty, '--backend', 'cpu'], () => undefined)).rejects.toThrow(/t10k-images-idx3-ubyte.gz does not exist/);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });
});
