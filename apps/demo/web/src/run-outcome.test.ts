import { keptModel, runEndText } from './run-outcome';

describe('keptModel', () => {
  it('keeps a finished run, and a stopped one measured after at least one epoch', () => {
    expect(keptModel('done', 3, true)).toBe('this run');
    expect(keptModel('stopped', 1, true)).toBe('this run');
  });

  it('keeps the last good model when a run fails or stops before its first epoch ended', () => {
    expect(keptModel('failed', 2, true)).toBe('previous');
    expect(keptModel('stopped', 0, true)).toBe('previous');
    expect(keptModel('failed', 0, false)).toBe('none');
    expect(keptModel('stopped', 0, false)).toBe('none');
  });
});

describe('runEndText says what happened and which model is on screen', () => {
  const thisRun = { label: 'GRU · 64 units · embedding 32 · 0 epochs' };
  const previous = { label: 'LSTM · 32 units · embedding 32 · 3 epochs', heldOutAccuracy: 0.756, heldOutLoss: 0.512 };
  const base = { updates: 9, seconds: 1.24, heldOutName: 'test', thisRun } as const;

  it('for a finished run: its own figures', () => {
    expect(runEndText({ ...base, end: 'done', kept: 'this run', updates: 189, thisRun: previous })).toBe(
      'Done after 189 updates in 1.2 s — LSTM · 32 units · embedding 32 · 3 epochs: test accuracy 0.756, loss 0.512.',
    );
  });

  it('for a stopped run: that it was discarded, and the previous model in use', () => {
    expect(runEndText({ ...base, end: 'stopped', kept: 'previous', previous })).toBe(
      'Stopped after 9 updates in 1.2 s, before its first epoch ended, so that run was discarded. ' +
        'On screen and in use: the previous model (LSTM · 32 units · embedding 32 · 3 epochs: test accuracy 0.756, loss 0.512).',
    );
  });

  it('for a failed run: the error, and the previous model in use or none', () => {
    expect(runEndText({ ...base, end: 'failed', kept: 'previous', message: 'out of memory', previous })).toBe(
      'Training failed: out of memory. On screen and in use: the previous model (LSTM · 32 units · embedding 32 · 3 epochs: test accuracy 0.756, loss 0.512).',
    );
    expect(runEndText({ ...base, end: 'failed', kept: 'none', message: 'out of memory' })).toBe('Training failed: out of memory. No model is trained yet.');
  });
});
