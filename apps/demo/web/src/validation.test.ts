import { assertSettings, checkNumber, checkSettings, LENGTH_RULE, SETTING_RULES } from './validation';

const good = { units: '32', embed: '32', epochs: '3', batchSize: '32', learningRate: '0.003', seed: '1' };

describe('checkNumber', () => {
  it('takes a number inside the range', () => {
    expect(checkNumber(' 64 ', SETTING_RULES.units)).toEqual({ value: 64 });
    expect(checkNumber('0.0001', SETTING_RULES.learningRate)).toEqual({ value: 0.0001 });
    expect(checkNumber('2000', LENGTH_RULE)).toEqual({ value: 2000 });
  });

  it('names the field and the range for an empty field, not a number, a fraction, or a value outside the range', () => {
    expect(checkNumber('', SETTING_RULES.units)).toEqual({ error: 'Units is empty: enter a whole number from 4 to 256.' });
    expect(checkNumber('   ', SETTING_RULES.epochs)).toEqual({ error: 'Epochs is empty: enter a whole number from 1 to 50.' });
    expect(checkNumber('abc', SETTING_RULES.seed)).toEqual({ error: 'Seed must be a whole number from 0 to 1,000,000; “abc” is not a number.' });
    expect(checkNumber('3.5', SETTING_RULES.embed)).toEqual({ error: 'Embedding must be a whole number from 4 to 128; 3.5 has a fraction.' });
    expect(checkNumber('100000', SETTING_RULES.units)).toEqual({ error: 'Units must be a whole number from 4 to 256; got 100,000.' });
    expect(checkNumber('0', SETTING_RULES.batchSize)).toEqual({ error: 'Batch must be a whole number from 4 to 256; got 0.' });
    expect(checkNumber('-5', SETTING_RULES.batchSize)).toEqual({ error: 'Batch must be a whole number from 4 to 256; got -5.' });
    expect(checkNumber('0', SETTING_RULES.learningRate)).toEqual({ error: 'Learning rate must be a number from 0.0001 to 0.1; got 0.' });
    expect(checkNumber('Infinity', SETTING_RULES.learningRate)).toEqual({ error: 'Learning rate must be a number from 0.0001 to 0.1; “Infinity” is not a number.' });
  });

  it('bounds the generation length by the field’s own min and max', () => {
    expect(checkNumber('0', LENGTH_RULE)).toEqual({ error: 'Characters must be a whole number from 20 to 2,000; got 0.' });
    expect(checkNumber('-50', LENGTH_RULE)).toEqual({ error: 'Characters must be a whole number from 20 to 2,000; got -50.' });
    expect(checkNumber('20000', LENGTH_RULE)).toEqual({ error: 'Characters must be a whole number from 20 to 2,000; got 20,000.' });
  });
});

describe('checkSettings', () => {
  it('gives the settings when every field is valid', () => {
    expect(checkSettings('sentiment', 'gru', good)).toEqual({
      ok: true,
      settings: { task: 'sentiment', cell: 'gru', units: 32, embed: 32, epochs: 3, batchSize: 32, learningRate: 0.003, seed: 1 },
    });
  });

  it('gives one message per invalid field and no settings', () => {
    const result = checkSettings('chars', 'lstm', { ...good, epochs: '', learningRate: '', units: '100000' });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(Object.keys(result.errors).sort()).toEqual(['epochs', 'learningRate', 'units']);
    expect(result.errors.epochs).toMatch(/^Epochs is empty/);
  });
});

describe('assertSettings (the worker’s check of a message)', () => {
  it('throws the first setting out of range and passes valid ones', () => {
    const settings = { task: 'sentiment', cell: 'lstm', units: 32, embed: 32, epochs: 3, batchSize: 32, learningRate: 0.003, seed: 1 } as const;
    expect(() => assertSettings(settings)).not.toThrow();
    expect(() => assertSettings({ ...settings, units: 0 })).toThrow('Units must be a whole number from 4 to 256; got 0.');
    expect(() => assertSettings({ ...settings, learningRate: Number.NaN })).toThrow(/Learning rate must be a number/);
  });
});
