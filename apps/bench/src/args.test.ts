import { DEFAULT_TORCH_CONFIGS, parseBenchArgs, parseTorchConfigs, torchConfigLabel } from './args';

describe('parseBenchArgs', () => {
  it('defaults to every case, 5 runs of 2 s, rnnkit threads auto, no PyTorch', () => {
    const o = parseBenchArgs([]);
    expect(o).toEqual({ quick: false, backend: 'wasm', threads: 'auto', runs: 5, secondsPerRun: 2, cases: undefined, json: undefined, torch: [], python: '/usr/bin/python3' });
  });

  it('--quick shortens the runs; explicit values win', () => {
    expect(parseBenchArgs(['--quick'])).toMatchObject({ quick: true, runs: 3, secondsPerRun: 1 });
    expect(parseBenchArgs(['--quick', '--runs', '2', '--seconds', '0.5'])).toMatchObject({ runs: 2, secondsPerRun: 0.5 });
  });

  it('--torch tries 1 and 2 threads with flush-denormal off and on', () => {
    const o = parseBenchArgs(['--torch']);
    expect(o.torch).toEqual(parseTorchConfigs(DEFAULT_TORCH_CONFIGS));
    expect(o.torch.map(torchConfigLabel)).toEqual(['1 thr', '2 thr', '1 thr, FTZ', '2 thr, FTZ']);
  });

  it('--torch-configs and --python narrow and redirect the PyTorch side', () => {
    const o = parseBenchArgs(['--torch', '--torch-configs', '2+ftz', '--python', '/opt/py/bin/python3', '--cases', 'LSTM-32 train, GRU-32 infer']);
    expect(o.torch).toEqual([{ threads: 2, flushDenormal: true }]);
    expect(o.python).toBe('/opt/py/bin/python3');
    expect(o.cases).toEqual(['LSTM-32 train', 'GRU-32 infer']);
    expect(parseBenchArgs(['--threads', '1']).threads).toBe(1);
  });

  it('names the option and the value it rejects', () => {
    expect(() => parseBenchArgs(['--backend', 'webgl'])).toThrow('--backend must be wasm or cpu, got "webgl"');
    expect(() => parseBenchArgs(['--threads', '0'])).toThrow('--threads must be auto or a positive integer, got "0"');
    expect(() => parseBenchArgs(['--runs', '2.5'])).toThrow('--runs must be a positive integer, got "2.5"');
    expect(() => parseBenchArgs(['--seconds', 'x'])).toThrow('--seconds must be a positive number, got "x"');
    expect(() => parseBenchArgs(['--torch', '--torch-configs', '1,ftz'])).toThrow('--torch-configs: "ftz" is not THREADS or THREADS+ftz');
    expect(() => parseBenchArgs(['--torch-configs', '1'])).toThrow('--torch-configs and --python only apply with --torch');
    expect(() => parseBenchArgs(['--torhc'])).toThrow(/torhc/);
  });
});
