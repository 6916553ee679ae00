/**
 * "Write like Shakespeare": continue a prompt one sampled character at a time, and the samples the
 * model wrote at the end of every epoch while it learned.
 */
import type { WorkerClient } from '../client';
import { h } from '../dom';
import type { FromWorker } from '../protocol';
import { checkNumber, describeRule, LENGTH_RULE } from '../validation';

export interface CharsTools {
  readonly element: HTMLElement;
  handle(event: FromWorker): void;
  prompt(): string;
}

export function charsTools(client: WorkerClient, footer: HTMLElement): CharsTools {
  const prompt = h('textarea', { id: 'prompt-input', rows: 2, 'data-testid': 'prompt-input', spellcheck: false }, 'ROMEO:\nWhat light');
  const temperature = h('input', { id: 'temperature', type: 'range', min: 0.1, max: 1.5, step: 0.05, value: 0.7, 'data-testid': 'temperature' });
  const temperatureValue = h('output', { for: 'temperature' }, '0.70');
  const length = h('input', {
    id: 'gen-length',
    type: 'number',
    min: LENGTH_RULE.min,
    max: LENGTH_RULE.max,
    step: 1,
    value: 300,
    inputmode: 'numeric',
    'aria-describedby': 'gen-length-error',
    'data-testid': 'gen-length',
  });
  const lengthError = h('small', { class: 'field-error', id: 'gen-length-error', 'data-testid': 'gen-length-error' });
  const button = h('button', { class: 'primary', type: 'button', 'data-testid': 'generate' }, 'Generate');
  const output = h('pre', { class: 'generated', 'data-testid': 'generated', hidden: true, tabindex: 0, 'aria-label': 'Generated text' });
  const note = h('p', { class: 'hint', role: 'status', 'data-testid': 'generate-note' });
  const samples = h('ol', { class: 'samples', reversed: true, tabindex: 0, 'aria-label': 'Samples after each epoch' });
  let seed = 1;
  let generating = false;

  /** Shows the length's message beside it; Generate is off while the length is not valid. */
  const checkLength = (): number | null => {
    const result = checkNumber(length.value, LENGTH_RULE);
    lengthError.textContent = 'error' in result ? result.error : '';
    if ('error' in result) length.setAttribute('aria-invalid', 'true');
    else length.removeAttribute('aria-invalid');
    button.disabled = generating || 'error' in result;
    return 'error' in result ? null : result.value;
  };
  length.addEventListener('input', () => void checkLength());

  temperature.addEventListener('input', () => {
    temperatureValue.textContent = Number(temperature.value).toFixed(2);
  });
  button.addEventListener('click', async () => {
    const count = checkLength();
    if (count === null) return;
    generating = true;
    button.disabled = true;
    note.textContent = 'Generating…';
    try {
      const answer = await client.ask({ type: 'generate', prompt: prompt.value, length: count, temperature: Number(temperature.value), seed: seed++ });
      if (answer.type !== 'generated') return;
      output.hidden = false;
      output.replaceChildren(h('b', {}, answer.prompt), answer.text);
      note.textContent = answer.skipped === '' ? '' : `Skipped characters the model has never seen: ${JSON.stringify(answer.skipped)}`;
    } catch (error) {
      // an old text under a new error would read as the answer to this request
      output.hidden = true;
      output.replaceChildren();
      note.textContent = (error as Error).message;
    } finally {
      generating = false;
      checkLength();
    }
  });

  const element = h(
    'section',
    { class: 'card', 'aria-labelledby': 'generate-title', 'data-testid': 'chars-tools' },
    h('h2', { id: 'generate-title' }, 'Write like Shakespeare'),
    h('label', { class: 'sr-only', for: 'prompt-input' }, 'Prompt to continue'),
    prompt,
    h(
      'div',
      { class: 'actions' },
      button,
      h('label', { class: 'inline' }, 'temperature ', temperature, ' ', temperatureValue),
      h('label', { class: 'inline' }, 'characters ', length),
    ),
    h('small', { class: 'hint' }, `Characters: ${describeRule(LENGTH_RULE)}.`),
    lengthError,
    h('p', { class: 'hint' }, 'Low temperatures pick the likeliest characters (safe and repetitive); high ones take more risks.'),
    note,
    output,
    h('details', { open: true }, h('summary', {}, 'Samples after each epoch (prompt “ROMEO:”, temperature 0.7)'), samples),
    footer,
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
