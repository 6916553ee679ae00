/**
 * "Open a Keras model": a drop zone and a file input (for the keyboard) taking a `.keras` or `.h5`
 * file, read in the worker by `loadKerasModel` of `@rnnkit/keras`. A model that fits the page's IMDB
 * pipeline becomes the sentiment model (its summary and where it came from are shown); any other file
 * gets its reason beside the drop zone — the loader's message for a corrupt or non-Keras file, what
 * the model takes for one that does not read word ids — and the previous model stays.
 */
import type { WorkerClient } from '../client';
import { h } from '../dom';

export interface KerasOpen {
  readonly element: HTMLElement;
  /** Off while a run trains (the worker would refuse), saying why. */
  refresh(training: boolean): void;
}

const ACCEPT = '.keras,.h5';

export function kerasOpen(client: WorkerClient, onOpened: () => void): KerasOpen {
  const input = h('input', { type: 'file', id: 'keras-file', accept: ACCEPT, 'data-testid': 'keras-file', 'aria-describedby': 'keras-help keras-error' });
  const help = h('p', { class: 'hint', id: 'keras-help' }, 'A Keras 3 .keras or Keras 2 .h5 file of a model Embedding → … → Dense(1, sigmoid) trained on imdb word ids (num_words ≤ 5,000, reviews of 100 words). It is read here, in this browser; nothing is uploaded.');
  const error = h('p', { class: 'warning', id: 'keras-error', role: 'alert', hidden: true, 'data-testid': 'keras-error' });
  const status = h('p', { class: 'hint', role: 'status', 'data-testid': 'keras-status' });
  const summary = h('pre', { class: 'summary', 'data-testid': 'keras-summary' });
  const details = h('details', { class: 'keras-summary', hidden: true }, h('summary', {}, 'Summary of the opened model'), summary);
  const zone = h(
    'div',
    { class: 'dropzone', 'data-testid': 'keras-drop' },
    h('span', {}, 'Drop a .keras or .h5 file here, or'),
    h('label', { for: 'keras-file' }, 'choose one:'),
    input,
  );
  let busy = false;

  const open = async (file: File, how: 'dropped' | 'chosen'): Promise<void> => {
    if (busy) return;
    busy = true;
    zone.setAttribute('aria-busy', 'true');
    const before = status.textContent ?? '';
    status.textContent = `Reading ${file.name}…`;
    try {
      const answer = await client.ask({ type: 'open-keras', file });
      if (answer.type !== 'opened-keras') return;
      error.hidden = true;
      error.textContent = '';
      const at = new Date().toLocaleTimeString('en-GB', { timeStyle: 'short' });
      status.textContent = `Scoring with ${answer.name} (${how} at ${at}, ${answer.bytes.toLocaleString('en-US')} bytes): ${answer.layers}, ${answer.params.toLocaleString('en-US')} parameters.`;
      summary.textContent = answer.summary;
      details.hidden = false;
      onOpened();
    } catch (e) {
      error.textContent = `Could not use ${file.name} — the model in use has not changed. ${(e as Error).message}`;
      error.hidden = false;
      status.textContent = before;
    } finally {
      busy = false;
      zone.removeAttribute('aria-busy');
      input.value = '';
    }
  };

  input.addEventListener('change', () => {
    const file = input.files?.[0];
    if (file !== undefined) void open(file, 'chosen');
  });
  zone.addEventListener('dragover', (event) => {
    event.preventDefault();
    zone.classList.add('over');
  });
  zone.addEventListener('dragleave', () => zone.classList.remove('over'));
  zone.addEventListener('drop', (event) => {
    event.preventDefault();
    zone.classList.remove('over');
    const file = event.dataTransfer?.files[0];
    if (file !== undefined) void open(file, 'dropped');
  });

  const element = h(
    'section',
    { class: 'keras-open', 'aria-labelledby': 'keras-title', 'data-testid': 'keras-open' },
    h('h3', { id: 'keras-title' }, 'Open a Keras model'),
    zone,
    help,
    error,
    status,
    details,
  );
  return {
    element,
    refresh: (training) => {
      input.disabled = training;
      if (!training) return;
      // the run's model takes over the sentiment tools
      status.textContent = '';
      details.hidden = true;
    },
  };
}
