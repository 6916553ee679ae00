/**
 * "Score a review": the model's probability that a review is positive, and each word coloured by
 * its contribution (occlusion, in log-odds). Works during training too — the worker answers between
 * two updates — and re-scores after every epoch, so the verdict can be watched forming.
 */
import type { WorkerClient } from '../client';
import { h } from '../dom';
import type { WordScore } from '../protocol';

const EXAMPLES: readonly [string, string][] = [
  ['Loved it', 'One of the best films I have seen this year. The acting is brilliant, the story is moving and the ending is perfect. I loved every minute of it.'],
  ['Hated it', 'What a waste of time. The plot makes no sense, the acting is awful and the dialogue is even worse. Boring from start to finish, avoid this movie.'],
  ['Mixed', 'The cast does a great job and the music is lovely, but the story is slow and predictable, and the last hour is a bit of a mess.'],
];

export interface SentimentTools {
  readonly element: HTMLElement;
  /** Re-scores the current text if one was scored (after an epoch, or when training ends). */
  refresh(): void;
  text(): string;
}

function wordChip(w: WordScore, scale: number): HTMLElement {
  const strength = Math.min(1, Math.abs(w.contribution) / scale);
  const color = w.contribution >= 0 ? `rgba(22, 163, 74, ${(0.12 + 0.75 * strength).toFixed(3)})` : `rgba(220, 38, 38, ${(0.12 + 0.75 * strength).toFixed(3)})`;
  const classes = ['word', w.known ? '' : 'unknown', w.read ? '' : 'unread'].filter(Boolean).join(' ');
  const title = !w.read
    ? `“${w.word}” was cut off: the model reads only the last 100 words`
    : `“${w.word}”${w.known ? '' : ' (not among the 5,000 words the model knows: read as [unknown])'}: ${w.contribution >= 0 ? '+' : ''}${w.contribution.toFixed(3)} log-odds`;
  return h('span', { class: classes, style: w.read && strength > 0.01 ? `background:${color}` : undefined, title }, w.word);
}

export function sentimentTools(client: WorkerClient, onScored: (text: string) => void): SentimentTools {
  const textarea = h('textarea', { rows: 4, 'data-testid': 'review-input', spellcheck: false }, EXAMPLES[0]![1]);
  const scoreButton = h('button', { class: 'primary', type: 'button', 'data-testid': 'review-score' }, 'Score it');
  const randomButton = h('button', { type: 'button', 'data-testid': 'review-random' }, 'A test review');
  const saveButton = h('button', { type: 'button', 'data-testid': 'model-save', title: "Keep the trained model in this browser's storage (IndexedDB)" }, 'Save model');
  const loadButton = h('button', { type: 'button', 'data-testid': 'model-load', title: 'Bring back the model saved in this browser' }, 'Load saved model');
  const storageNote = h('span', { class: 'hint', 'data-testid': 'model-storage' });
  const note = h('p', { class: 'hint' });
  const meterFill = h('div', { class: 'meter-marker' });
  const verdict = h('div', { class: 'verdict', 'data-testid': 'review-verdict' });
  const scoreText = h('span', { class: 'score', 'data-testid': 'review-score-value' });
  const words = h('p', { class: 'words', 'data-testid': 'review-words' });
  const result = h(
    'div',
    { class: 'result', hidden: true },
    h('div', { class: 'verdict-row' }, verdict, scoreText),
    h('div', { class: 'meter' }, h('span', { class: 'meter-end' }, 'negative'), h('div', { class: 'meter-bar' }, meterFill), h('span', { class: 'meter-end' }, 'positive')),
    words,
    h(
      'p',
      { class: 'hint' },
      'Each word is coloured by how much it moved the score: the change in log-odds when that word is removed (occlusion). ',
      h('span', { class: 'swatch pos' }),
      ' towards positive ',
      h('span', { class: 'swatch neg' }),
      ' towards negative; grey italics: a word outside the vocabulary.',
    ),
  );
  let scoredText: string | null = null;
  let reviewIndex = 0;

  const score = async (text: string): Promise<void> => {
    try {
      const answer = await client.ask({ type: 'classify', text });
      if (answer.type !== 'classified') return;
      scoredText = text;
      note.textContent = '';
      result.hidden = false;
      const p = answer.score;
      verdict.textContent = p >= 0.5 ? 'Positive' : 'Negative';
      verdict.className = `verdict ${p >= 0.5 ? 'pos' : 'neg'}`;
      scoreText.textContent = `p(positive) = ${p.toFixed(3)}`;
      meterFill.style.left = `${(100 * p).toFixed(1)}%`;
      const scale = Math.max(0.05, ...answer.words.map((w) => Math.abs(w.contribution)));
      words.replaceChildren(...answer.words.flatMap((w) => [wordChip(w, scale), ' ']));
      onScored(text);
    } catch (error) {
      note.textContent = (error as Error).message;
    }
  };

  scoreButton.addEventListener('click', () => void score(textarea.value));
  const store = async (type: 'save' | 'load'): Promise<void> => {
    try {
      const answer = await client.ask({ type, task: 'sentiment' });
      if (answer.type !== 'saved' && answer.type !== 'loaded') return;
      storageNote.textContent = `${answer.type === 'saved' ? 'Saved' : 'Loaded'} (${answer.params.toLocaleString('en')} parameters, IndexedDB)`;
      if (answer.type === 'loaded' && scoredText !== null) void score(textarea.value);
    } catch (error) {
      storageNote.textContent = (error as Error).message;
    }
  };
  saveButton.addEventListener('click', () => void store('save'));
  loadButton.addEventListener('click', () => void store('load'));
  randomButton.addEventListener('click', async () => {
    try {
      const answer = await client.ask({ type: 'review', index: reviewIndex++ * 37 });
      if (answer.type !== 'review') return;
      textarea.value = answer.text;
      note.textContent = `A review from the test slice, labelled ${answer.label === 1 ? 'positive' : 'negative'} (▯ marks a word outside the 5,000 the model knows).`;
      if (scoredText !== null) void score(answer.text);
    } catch (error) {
      note.textContent = (error as Error).message;
    }
  });

  const element = h(
    'section',
    { class: 'card', 'data-testid': 'sentiment-tools' },
    h('h2', {}, 'Score a review'),
    textarea,
    h(
      'div',
      { class: 'actions' },
      scoreButton,
      randomButton,
      h('span', { class: 'chips' }, ...EXAMPLES.map(([label, text]) => h('button', { type: 'button', class: 'chip', onclick: () => void ((textarea.value = text), score(text)) }, label))),
    ),
    note,
    result,
    h('div', { class: 'actions' }, saveButton, loadButton, storageNote),
  );
  return {
    element,
    refresh: () => {
      if (scoredText !== null) void score(textarea.value);
    },
    text: () => textarea.value,
  };
}
