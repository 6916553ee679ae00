import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { describeWithSharedData } from '@rnnkit/testkit';
import { join } from 'node:path';
import { inflateSync } from 'node:zlib';
import { frameStrip, grayscalePng, stripsSvg } from './video-image';
import { parseVideoOptions } from './video-options';
import { runVideoCommand } from './video-run';


describe('video options', () => {
  it('default to an LSTM on level-1 clips', () => {
    expect(parseVideoOptions([])).toMatchObject({ epochs: 3, stepsPerEpoch: 100, batchSize: 32, units: 64, cell: 'lstm', level: 1, testClips: 600, outDir: 'out/video' });
    expect(parseVideoOptions(['--cell', 'gru', '--level', '2'])).toMatchObject({ cell: 'gru', level: 2 });
    expect(parseVideoOptions(['--help'])).toBeNull();
  });

  it('reject bad values naming the flag', () => {
    expect(() => parseVideoOptions(['--cell', 'rnn'])).toThrow('--cell must be lstm or gru, got rnn');
    expect(() => parseVideoOptions(['--level', '3'])).toThrow('--level must be 0, 1 or 2, got 3');
    expect(() => parseVideoOptions(['--epochs', '0'])).toThrow('--epochs must be an integer ≥ 1, got 0');
  });
});

describe('images', () => {
  it('a grayscale PNG that zlib inflates back to the pixels (filter byte 0 per row)', () => {
    const pixels = Float32Array.from({ length: 6 }, (_, i) => i / 5);
    const png = grayscalePng(pixels, 3, 2);
    expect(Array.from(png.subarray(0, 8))).toEqual([137, 80, 78, 71, 13, 10, 26, 10]);
    const idat = Buffer.from(png).indexOf('IDAT');
    const length = Buffer.from(png).readUInt32BE(idat - 4);
    const raw = inflateSync(png.subarray(idat + 4, idat + 4 + length));
    expect(Array.from(raw)).toEqual([0, 0, 51, 102, 0, 153, 204, 255]);
  });

  it('frames side by side, and an SVG with captions', () => {
    const frames = Float32Array.from([1, 2, 3, 4, 5, 6, 7, 8]); // two 2×2 frames
    expect(Array.from(frameStrip(frames, 2, 2))).toEqual([1, 2, 5, 6, 3, 4, 7, 8]);
    const svg = stripsSvg([{ png: grayscalePng(new Float32Array(4), 2, 2), width: 2, height: 2, caption: 'predicted up <ok>', correct: true }], 't');
    expect(svg).toContain('predicted up &lt;ok&gt;');
    expect(svg).toContain('data:image/png;base64,');
  });
});


describeWithSharedData('mnist', 'video on the shared MNIST', (mnist) => {
  it('a tiny run trains the CNN → LSTM, evaluates held-out clips and writes strip.svg', async () => {
    const out = mkdtempSync(join(tmpdir(), 'rnnkit-video-'));
    try {
      const result = await runVideoCommand(
        ['--epochs', '1', '--steps-per-epoch', '2', '--batch-size', '4', '--units', '8', '--test-clips', '6', '--strip', '2', '--data-dir', mnist, '--out-dir', out],
        () => undefined,
      );
      expect(result?.accuracies).toHaveLength(1);
      expect(result!.testAccuracy).toBeGreaterThanOrEqual(0);
      expect(readFileSync(join(out, 'strip.svg'), 'utf8').match(/<image /g)).toHaveLength(2);
      expect(existsSync(join(out, 'model', 'model.json'))).toBe(true);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});
