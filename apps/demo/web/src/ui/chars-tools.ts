/**
 * "Write like Shakespeare": continue a prompt one sampled character at a time, and the samples the
 * model wrote at the end of every epoch while it learned.
 */
import type { WorkerClient } from '../client';
import { h } from '../dom';
import type { FromWorker } from '../protocol';

export interface CharsTools {
  readonly element: HTMLElement;
  handle(event: FromWorker): void;
  prompt(): string;
}

export function charsTools(client: WorkerClient): CharsTools {
  const prompt = h('textarea', { rows: 2, 'data-testid': 'prompt-input', spellcheck: false }, 'ROMEO:\nWhat light');
  const temperature = h('input', { type: 'range', min: 0.1, max: 1.5, step: 0.05, value: 0.7, 'data-testid': 'temperature' });
  const temperatureValue = h('output', {}, '0.70');
  const length = h('input', { type: 'number', min: 20, max: 2000, step: 20, value: 300, 'data-testid': 'gen-length' });
  const button = h('button', { class: 'primary', type: 'button', 'data-testid': 'generate' }, 'Generate');
  const output = h('pre', { class: 'generated', 'data-testid': 'generated', hidden: true });
  const note = h('p', { class: 'hint' });
  const samples = h('ol', { class: 'samples', reversed: true });
  let seed = 1;

  temperature.addEventListener('input', () => {
    temperatureValue.textContent = Number(temperature.value).toFixed(2);
  });
  button.addEventListener('click', async () => {
    button.disabled = true;
    try {
      const answer = await client.ask({ type: 'generate', prompt: prompt.value, length: Number(length.value), temperature: Number(temperature.value), seed: seed++ });
      if (answer.type !== 'generated') return;
      output.hidden = false;
      output.replaceChildren(h('b', {}, answer.prompt), answer.text);
      note.textContent = answer.skipped === '' ? '' : `Skipped characters the model has never seen: ${JSON.stringify(answer.skipped)}`;
    } catch (error) {
      note.textContent = (error as Error).message;
    } finally {
      button.disabled = false;
    }
  });

  const element = h(
    'section',
    { class: 'card', 'data-testid': 'chars-tools' },
    h('h2', {}, 'Write like Shakespeare'),
    prompt,
    h(
      'div',
      { class: 'actions' },
      button,
      h('label', { class: 'inline' }, 'temperature ', temperature, ' ', temperatureValue),
      h('label', { class: 'inline' }, 'characters ', length),
    ),
    h('p', { class: 'hint' }, 'Low temperatures pick the likeliest characters (safe and repetitive); high ones take more risks.'),
    note,
    output,
    h('details', { open: true }, h('summary', {}, 'Samples after each epoch (prompt “ROMEO:”, temperature 0.7)'), samples),
  );
  return {
    element,
    prompt: () => prompt.value,
    handle(event) {
      if (event.type === 'started' && event.settings.task === 'chars') samples.replaceChildren();
      if (event.type === 'epoch' && event.task === 'chars' && event.sample !== undefined) {
        const loss = event.logs['val_loss'];
        samples.prepend(
          h('li', {}, h('div', { class: 'sample-head' }, `epoch ${event.epoch + 1}${loss === undefined ? '' : ` · validation loss ${loss.toFixed(3)}`}`), h('pre', {}, `ROMEO:\n${event.sample}`)),
        );
      }
    },
  };
}
