import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { describeWithSharedData } from '@rnnkit/testkit';
import { join } from 'node:path';
import { encodeWav, loadFsdd } from '@rnnkit/datasets';
import { parseSpeechOptions } from './speech-options';
import { runSpeechCommand } from './speech-run';


describe('speech options', () => {
  it('default to training both models', () => {
    expect(parseSpeechOptions([])).toMatchObject({ command: 'train', task: 'both', units: 64, classifyEpochs: 15, ctcEpochs: 20, batchSize: 32, beamWidth: 8, outDir: 'out/speech' });
    expect(parseSpeechOptions(['transcribe', 'a.wav', '--model-dir', 'm'])).toEqual({ command: 'transcribe', file: 'a.wav', modelDir: 'm', beamWidth: 8, backend: 'wasm' });
    expect(parseSpeechOptions(['--help'])).toBeNull();
  });

  it('reject bad values naming the flag', () => {
    expect(() => parseSpeechOptions(['--task', 'tts'])).toThrow('--task must be classify, ctc or both, got tts');
    expect(() => parseSpeechOptions(['--units', '0'])).toThrow('--units must be an integer ≥ 1, got 0');
    expect(() => parseSpeechOptions(['transcribe'])).toThrow(/needs a WAV file/);
    expect(() => parseSpeechOptions(['sing'])).toThrow('speech: unknown subcommand "sing" (train or transcribe)');
  });
});


describeWithSharedData('fsdd', 'speech on the shared FSDD', (fsdd) => {
  it('a tiny run trains both models, saves them, and transcribes a WAV', async () => {
    const out = mkdtempSync(join(tmpdir(), 'rnnkit-speech-'));
    const lines: string[] = [];
    try {
      const result = await runSpeechCommand(
        ['train', '--limit', '10', '--units', '4', '--classify-epochs', '1', '--ctc-epochs', '1', '--test-strings', '5', '--train-strings', '10', '--data-dir', fsdd, '--out-dir', out],
        (line) => lines.push(line),
      );
      expect(result?.classifier?.testCount).toBe(10);
      expect(result?.ctc?.testCount).toBe(5);
      expect(result?.ctc?.greedyCer).toBeGreaterThanOrEqual(0);
      expect(existsSync(join(out, 'ctc', 'model.json'))).toBe(true);
      expect(existsSync(join(out, 'classifier', 'features.json'))).toBe(true);
      const recording = loadFsdd({ dataDir: fsdd, speakers: ['nicolas'] }).test[0]!;
      const wav = join(out, 'one.wav');
      writeFileSync(wav, encodeWav(recording.samples, 8000));
      await runSpeechCommand(['transcribe', wav, '--model-dir', out], (line) => lines.push(line));
      expect(lines.at(-1)).toMatch(/one\.wav: 0\.\d\d s → "[0-9 ]*"|single-digit classifier: \d/);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});
