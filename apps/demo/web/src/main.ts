/**
 * The page: two tasks (sentiment on an IMDB slice, characters of tiny-shakespeare), each with its
 * training card, its tools and a look inside the recurrent layer. All tensor work is in the worker.
 */
import { connectWorker } from './client';
import { formatInt, h } from './dom';
import type { BackendSummary, FromWorker, TaskName, TrainSettings } from './protocol';
import { charsTools } from './ui/chars-tools';
import { inspector } from './ui/inspector';
import { kerasOpen } from './ui/keras-open';
import { modelStorage } from './ui/model-storage';
import { sentimentTools } from './ui/sentiment-tools';
import { trainPanel } from './ui/train-panel';
import type { TaskInfo } from './ui/train-panel';

const SENTIMENT: TaskInfo = {
  task: 'sentiment',
  defaults: { cell: 'lstm', units: 32, embed: 32, epochs: 3, batchSize: 32, learningRate: 0.003, seed: 1 },
  lossName: 'loss · binary cross-entropy',
  accuracyName: 'accuracy',
  heldOutName: 'test',
  unitName: 'reviews',
};

const CHARS: TaskInfo = {
  task: 'chars',
  defaults: { cell: 'lstm', units: 128, embed: 16, epochs: 4, batchSize: 32, learningRate: 0.01, seed: 1 },
  lossName: 'loss · cross-entropy per character (nats)',
  accuracyName: 'next-character accuracy',
  heldOutName: 'validation',
  unitName: 'windows',
};

const client = connectWorker();
const app = document.getElementById('app')!;
const badge = document.getElementById('backend')!;

const TASK_NAMES: Record<TaskName, string> = { sentiment: 'Sentiment', chars: 'Characters' };

/** The recurrence kernel's threads and running helpers, as data attributes of the badge (its title says them). */
function showKernel(kernel: BackendSummary['kernel']): void {
  badge.dataset['kernelThreads'] = String(kernel.threads);
  badge.dataset['kernelHelpers'] = String(kernel.helpers);
  badge.title = `@rnnkit/cells' recurrence kernel: large layers split over ${kernel.threads} thread${kernel.threads === 1 ? '' : 's'}; ${kernel.helpers} helper thread${kernel.helpers === 1 ? '' : 's'} running`;
}
const banner = h('div', { class: 'banner', role: 'alert', hidden: true, 'data-testid': 'error' });
app.before(banner);

let training: TaskName | null = null;
const onStop = (): void => client.send({ type: 'stop' });
/** One run at a time (one worker): the other task's card says why its Train is off. */
const setTraining = (task: TaskName | null): void => {
  training = task;
  for (const p of panels) {
    const reason = task !== null && task !== p.info.task ? `${TASK_NAMES[task]} is training (one run at a time): stop it or wait for it to end.` : undefined;
    p.setBusy(task !== null, reason);
  }
  for (const s of storages) s.refresh(task !== null);
  sentimentKeras.refresh(task !== null);
};
const onTrain = (settings: TrainSettings): void => {
  if (training !== null) return;
  setTraining(settings.task);
  banner.hidden = true;
  client.send({ type: 'train', settings });
};
// a reload or closing the tab during a run would throw the run away: the browser asks first
window.addEventListener('beforeunload', (event) => {
  if (training !== null) event.preventDefault();
});

const sentimentTrain = trainPanel(SENTIMENT, onTrain, onStop);
const charsTrain = trainPanel(CHARS, onTrain, onStop);
const panels = [sentimentTrain, charsTrain];
const sentimentInspector = inspector(client, 'sentiment', 'The acting was great, but the story was boring and far too long.');
const charsInspector = inspector(client, 'chars', 'To be, or not to be, that is the question:');
const sentimentStorage = modelStorage(client, 'sentiment', sentimentTrain, () => {
  sentiment.refresh();
  void sentimentInspector.show();
});
const charsStorage = modelStorage(client, 'chars', charsTrain, () => void charsInspector.show());
const storages = [sentimentStorage, charsStorage];
const sentimentKeras = kerasOpen(client, () => {
  sentiment.refresh();
  void sentimentInspector.show();
});
const sentiment = sentimentTools(client, (text) => void sentimentInspector.show(text), h('div', {}, sentimentStorage.element, sentimentKeras.element));
const chars = charsTools(client, charsStorage.element);

const panel = (task: TaskName, ...children: HTMLElement[]): HTMLElement =>
  h('div', { class: 'task', id: `panel-${task}`, role: 'tabpanel', 'aria-labelledby': `tab-${task}`, 'data-task': task, hidden: task !== 'sentiment' }, ...children);
const views: Record<TaskName, HTMLElement> = {
  sentiment: panel('sentiment', sentimentTrain.element, h('div', { class: 'pair' }, sentiment.element, sentimentInspector.element)),
  chars: panel('chars', charsTrain.element, h('div', { class: 'pair' }, chars.element, charsInspector.element)),
};
app.append(views.sentiment, views.chars);

// tabs as WAI-ARIA describes them: one tab stop, arrow keys (and Home / End) move between tabs
const tabs = [...document.querySelectorAll<HTMLButtonElement>('.tab')];
const selectTab = (tab: HTMLButtonElement, focus: boolean): void => {
  const task = tab.dataset['task'] as TaskName;
  for (const other of tabs) {
    other.setAttribute('aria-selected', String(other === tab));
    other.tabIndex = other === tab ? 0 : -1;
  }
  for (const [name, view] of Object.entries(views)) view.hidden = name !== task;
  if (focus) tab.focus();
};
for (const [i, tab] of tabs.entries()) {
  tab.addEventListener('click', () => selectTab(tab, false));
  tab.addEventListener('keydown', (event) => {
    const next = { ArrowRight: i + 1, ArrowLeft: i - 1, Home: 0, End: tabs.length - 1 }[event.key];
    if (next === undefined) return;
    event.preventDefault();
    selectTab(tabs[(next + tabs.length) % tabs.length]!, true);
  });
}

function taskOf(event: FromWorker): TaskName | null {
  if (event.type === 'started') return event.settings.task;
  if (event.type === 'batch' || event.type === 'epoch' || event.type === 'finished') return event.task;
  return null;
}

client.onEvent((event) => {
  switch (event.type) {
    case 'ready': {
      const b = event.backend;
      badge.textContent = `${b.backend === 'wasm' ? 'wasm (WebAssembly)' : b.backend}${b.simd ? ' · SIMD' : ''} · in a Web Worker · recurrent layers on ${b.kernel.threads} thread${b.kernel.threads === 1 ? '' : 's'}`;
      showKernel(b.kernel);
      badge.classList.add('ok');
      const d = event.data;
      for (const s of storages) s.refresh(false);
      sentimentTrain.setReady(
        `Embedding → recurrent layer → Dense(1, sigmoid) on ${formatInt(d.imdbTrain)} IMDB reviews (Keras' imdb.load_data: top ${formatInt(d.numWords)} words, ` +
          `the last ${d.maxlen} words of each), tested after every epoch on ${formatInt(d.imdbTest)} others.`,
      );
      charsTrain.setReady(
        `Embedding → recurrent layer (every step) → Dense(${d.charVocabulary}) predicting the next character of ${formatInt(d.characters)} characters of Shakespeare ` +
          `(windows of ${d.charWindow}; the last 10 % held out for validation).`,
      );
      document.body.setAttribute('data-ready', 'true');
      return;
    }
    case 'error':
      banner.textContent = event.message;
      banner.hidden = false;
      return;
    default:
      break;
  }
  const task = taskOf(event);
  if (task === null) return;
  const panel = task === 'sentiment' ? sentimentTrain : charsTrain;
  panel.handle(event);
  if (task === 'chars') chars.handle(event);
  if (event.type === 'epoch' && task === 'sentiment') sentiment.refresh();
  if (event.type === 'finished') {
    showKernel(event.kernel);
    setTraining(null);
    if (event.kept === 'none') return;
    if (task === 'sentiment') {
      sentiment.refresh();
      void sentimentInspector.show();
    } else {
      void charsInspector.show();
    }
  }
});
