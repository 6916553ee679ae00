import { formatProgress, formatSeconds } from './progress-bar';
import { parseImdbOptions } from './imdb-options';
import { renderHeatmapSvg, renderLineChartSvg, renderPanelsSvg } from './plot-svg';

describe('imdb options', () => {
  it('default to the Keras script', () => {
    expect(parseImdbOptions([])).toMatchObject({
      cell: 'simplernn', units: 32, embed: 32, epochs: 5, batchSize: 128, maxlen: 200, numWords: 10_000,
      backend: 'wasm', validationSplit: 0.2, resume: false, limit: undefined, outDir: 'out/imdb-simplernn',
    });
  });

  it('read every flag', () => {
    const o = parseImdbOptions(['--cell', 'bilstm', '--units', '64', '--epochs', '2', '--batch-size', '32', '--limit', '500', '--backend', 'cpu', '--resume', '--data-dir', '/d']);
    expect(o).toMatchObject({ cell: 'bilstm', units: 64, epochs: 2, batchSize: 32, limit: 500, backend: 'cpu', resume: true, dataDir: '/d' });
    expect(parseImdbOptions(['--help'])).toBeNull();
  });

  it('reject bad values with one line naming the flag', () => {
    expect(() => parseImdbOptions(['--cell', 'transformer'])).toThrow('--cell must be one of simplernn, lstm, gru, bilstm, got "transformer"');
    expect(() => parseImdbOptions(['--epochs', '0'])).toThrow('--epochs must be a positive integer, got "0"');
    expect(() => parseImdbOptions(['--units', '3.5'])).toThrow('--units must be a positive integer, got "3.5"');
    expect(() => parseImdbOptions(['--bogus'])).toThrow("Unknown option '--bogus'");
  });
});

describe('progress bar', () => {
  it('shows epoch, bar, metrics, throughput and ETA', () => {
    const text = formatProgress({ epoch: 2, epochs: 5, batch: 78, batches: 157, metrics: { loss: 0.43121, acc: 0.8 }, samplesPerSecond: 1830.4, etaSeconds: 75 });
    expect(text).toBe('epoch 2/5 [==========>.............]  78/157  loss 0.4312  acc 0.8000  1830 samples/s  ETA 1m15s');
    expect(formatSeconds(3725)).toBe('1h02m');
  });
});

describe('svg plot', () => {
  it('draws one panel per metric with a polyline per series', () => {
    const svg = renderPanelsSvg(
      [
        { title: 'loss', series: [{ label: 'train', values: [0.6, 0.4, 0.3], color: 'red' }, { label: 'val', values: [0.5, 0.45, 0.44], color: 'blue' }] },
        { title: 'accuracy', series: [{ label: 'train', values: [0.6, 0.8, 0.9], color: 'red' }] },
      ],
      'test',
    );
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg.match(/<polyline/g)).toHaveLength(3);
    expect(svg).toContain('>loss<');
  });
});

describe('svg line chart and heat-map', () => {
  it('draws series with gaps as separate polylines, a legend and the origin marker', () => {
    const svg = renderLineChartSvg(
      {
        title: 'passengers',
        xLabels: ['1949-01', '1949-02', '1949-03', '1949-04'],
        series: [
          { label: 'truth', values: [1, 2, 3, 4], color: 'black' },
          { label: 'forecast', values: [null, null, 3.1, 3.9], color: 'red', dashed: true },
        ],
        marker: { index: 2, label: 'forecast origin' },
      },
      'caption',
    );
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg.match(/<polyline/g)).toHaveLength(2);
    expect(svg).toContain('stroke-dasharray="6 4"');
    expect(svg).toContain('>forecast origin<');
    expect(svg).toContain('>1949-01<');
  });

  it('shades one cell per weight with both label axes', () => {
    const svg = renderHeatmapSvg({ title: 'attention', rowLabels: ['je', '<end>'], columnLabels: ['i', '.', '<end>'], values: [[0.9, 0.05, 0.05], [0, 0, 1]] }, 'caption & more');
    expect(svg.match(/<rect x=/g)).toHaveLength(6);
    expect(svg).toContain('fill="rgb(25,25,255)"'); // 0.9 → dark
    expect(svg).toContain('&lt;end&gt;');
    expect(svg).toContain('caption &amp; more');
  });
});
