import { DEFAULT_TORCH_CONFIGS, parseBenchArgs, parseTorchConfigs, SWEEP_DEFAULTS, SWEEP_TORCH_CONFIGS, torchConfigLabel } from './args';

describe('parseBenchArgs', () => {
  it('defaults to every case, 5 runs of 2 s, rnnkit threads auto, no PyTorch', () => {
    const o = parseBenchArgs([]);
    expect(o).toEqual({ quick: false, backend: 'wasm', threads: 'auto', runs: 5, secondsPerRun: 2, cases: undefined, json: undefined, torch: [], python: '/usr/bin/python3', sweep: undefined, roofline: false });
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

describe('parseBenchArgs --sweep and --roofline', () => {
  it('--sweep runs the issue\'s grid for the LSTM, 1 s per shape, 4096 MiB and 30 s per step at most', () => {
    const o = parseBenchArgs(['--sweep']);
    expect(o.sweep).toEqual({ cell: 'lstm', steps: [50, 200, 1000, 4000], units: [32, 128, 512], batches: [1, 16, 128], maxMemoryMiB: 4096, maxStepSeconds: 30 });
    expect(o.sweep).toMatchObject(SWEEP_DEFAULTS);
    expect(o.secondsPerRun).toBe(1);
    expect(o.roofline).toBe(false);
  });

  it('--cell, --sweep-t/-h/-b, --max-memory, --max-step and --seconds narrow it', () => {
    const o = parseBenchArgs(['--sweep', '--cell', 'gru', '--sweep-t', '50, 4000', '--sweep-h', '128', '--sweep-b', '1,16', '--max-memory', '1536', '--max-step', '2.5', '--seconds', '0.5']);
    expect(o.sweep).toEqual({ cell: 'gru', steps: [50, 4000], units: [128], batches: [1, 16], maxMemoryMiB: 1536, maxStepSeconds: 2.5 });
    expect(o.secondsPerRun).toBe(0.5);
    expect(parseBenchArgs(['--sweep', '--cell', 'simpleRnn']).sweep?.cell).toBe('simpleRnn');
    expect(parseBenchArgs(['--sweep', '--cell', 'SimpleRNN']).sweep?.cell).toBe('simpleRnn');
  });

  it('--sweep --torch tries PyTorch on 1 and 2 threads unless --torch-configs says otherwise', () => {
    expect(parseBenchArgs(['--sweep', '--torch']).torch).toEqual(parseTorchConfigs(SWEEP_TORCH_CONFIGS));
    expect(parseBenchArgs(['--sweep', '--torch']).torch.map(torchConfigLabel)).toEqual(['1 thr', '2 thr']);
    expect(parseBenchArgs(['--sweep', '--torch', '--torch-configs', '2+ftz']).torch).toEqual([{ threads: 2, flushDenormal: true }]);
  });

  it('--roofline takes one second per measurement by default', () => {
    expect(parseBenchArgs(['--roofline'])).toMatchObject({ roofline: true, sweep: undefined, secondsPerRun: 1 });
    expect(parseBenchArgs(['--roofline', '--threads', '1', '--seconds', '3'])).toMatchObject({ threads: 1, secondsPerRun: 3 });
  });

  it('names the option and the value it rejects', () => {
    expect(() => parseBenchArgs(['--sweep', '--sweep-t', '50,0'])).toThrow('--sweep-t must be a comma-separated list of positive integers, got "50,0"');
    expect(() => parseBenchArgs(['--sweep', '--sweep-h', '32,x'])).toThrow('--sweep-h must be a comma-separated list of positive integers, got "32,x"');
    expect(() => parseBenchArgs(['--sweep', '--sweep-b', '1.5'])).toThrow('--sweep-b must be a comma-separated list of positive integers, got "1.5"');
    expect(() => parseBenchArgs(['--sweep', '--cell', 'transformer'])).toThrow('--cell must be lstm, gru or simpleRnn, got "transformer"');
    expect(() => parseBenchArgs(['--sweep', '--max-memory', 'lots'])).toThrow('--max-memory must be a positive number, got "lots"');
    expect(() => parseBenchArgs(['--sweep', '--max-step', '0'])).toThrow('--max-step must be a positive number, got "0"');
  });

  it('refuses options that do not go together, saying which', () => {
    expect(() => parseBenchArgs(['--sweep-t', '50'])).toThrow('--sweep-t applies only with --sweep');
    expect(() => parseBenchArgs(['--cell', 'gru', '--max-memory', '100'])).toThrow('--cell, --max-memory apply only with --sweep');
    expect(() => parseBenchArgs(['--sweep', '--quick'])).toThrow('--quick does not apply with --sweep');
    expect(() => parseBenchArgs(['--sweep', '--runs', '3', '--cases', 'LSTM-32 train'])).toThrow('--runs, --cases do not apply with --sweep');
    expect(() => parseBenchArgs(['--sweep', '--roofline'])).toThrow('--roofline does not apply with --sweep');
    expect(() => parseBenchArgs(['--roofline', '--torch'])).toThrow('--quick, --cases and --torch do not apply with --roofline');
  });
});
