/**
 * "Score a review": the model's probability that a review is positive, and each word coloured by
 * its contribution (occlusion, in log-odds). Works during training too — the worker answers between
 * two updates — and re-scores after every epoch, so the verdict can be watched forming.
 *
 * No verdict for an empty review or one without a word the model knows (readScore); the words cut
 * off by pre-truncation are folded into one line; a test review keeps its label beside the verdict.
 */
import type { WorkerClient } from '../client';
import { h } from '../dom';
import type { WordScore } from '../protocol';
import { readScore } from '../sentiment';

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
  // opacity up to 0.75, where dark text on the red keeps a contrast of 5:1 (WCAG AA asks 4.5:1)
  const alpha = (0.12 + 0.63 * strength).toFixed(3);
  const color = w.contribution >= 0 ? `rgba(22, 163, 74, ${alpha})` : `rgba(220, 38, 38, ${alpha})`;
  const sign = `${w.contribution >= 0 ? '+' : '−'}${Math.abs(w.contribution).toFixed(3)} log-odds`;
  const title = `“${w.word}”${w.known ? '' : ' (not among the words the model knows: read as [unknown])'}: ${sign}`;
  return h('span', { class: w.known ? 'word' : 'word unknown', style: strength > 0.01 ? `background:${color}` : undefined, title, 'aria-label': title }, w.word);
}

/** The words the model never reads (cut off by pre-truncation), folded into one line that opens on request. */
function unreadWords(words: readonly WordScore[], readCount: number): HTMLElement {
  return h(
    'details',
    { class: 'unread', 'data-testid': 'review-unread' },
    h('summary', {}, `${words.length.toLocaleString('en-US')} earlier word${words.length === 1 ? '' : 's'} not read — the model reads only the last ${readCount}`),
    h('p', { class: 'unread-text' }, words.map((w) => w.word).join(' ')),
  );
}

export function sentimentTools(client: WorkerClient, onScored: (text: string) => void, footer: HTMLElement): SentimentTools {
  const textarea = h('textarea', { id: 'review-input', rows: 4, 'data-testid': 'review-input', spellcheck: false }, EXAMPLES[0]![1]);
  const scoreButton = h('button', { class: 'primary', type: 'button', 'data-testid': 'review-score' }, 'Score it');
  const randomButton = h('button', { type: 'button', 'data-testid': 'review-random' }, 'A test review');
  const note = h('p', { class: 'hint', role: 'status', 'data-testid': 'review-note' });
  const truth = h('p', { class: 'truth', hidden: true, 'data-testid': 'review-truth' });
  const warning = h('p', { class: 'warning', hidden: true, 'data-testid': 'review-warning' });
  const meterFill = h('div', { class: 'meter-marker' });
  const verdict = h('div', { class: 'verdict', 'data-testid': 'review-verdict' });
  const scoreText = h('span', { class: 'score', 'data-testid': 'review-score-value' });
  const words = h('div', { class: 'words', 'data-testid': 'review-words' });
  const verdictRow = h('div', { class: 'verdict-row', role: 'status' }, verdict, scoreText);
  const meter = h(
    'div',
    { class: 'meter', 'aria-hidden': 'true' },
    h('span', { class: 'meter-end' }, 'negative'),
    h('div', { class: 'meter-bar' }, meterFill),
    h('span', { class: 'meter-end' }, 'positive'),
  );
  const result = h(
    'div',
    { class: 'result', hidden: true },
    verdictRow,
    meter,
    words,
    h(
      'p',
      { class: 'hint' },
      'Each word is coloured by how much it moved the score: the change in log-odds when that word is removed (occlusion). ',
      h('span', { class: 'swatch pos' }),
      ' towards positive ',
      h('span', { class: 'swatch neg' }),
      ' towards negative; italic with a dotted underline: a word outside the vocabulary.',
    ),
  );
  let scoredText: string | null = null;
  let reviewIndex = 0;
  /** The label of the test review in the field (until the text is edited). */
  let label: { text: string; positive: boolean } | null = null;

  const showTruth = (positive: boolean | null): void => {
    if (label === null || label.text !== textarea.value) {
      truth.hidden = true;
      return;
    }
    const said = label.positive ? 'positive' : 'negative';
    truth.hidden = false;
    truth.textContent =
      positive === null
        ? `A review from the test slice, labelled ${said} (▯ marks a word outside the ones the model knows).`
        : `A review from the test slice, labelled ${said}: the model ${positive === label.positive ? 'agrees' : 'gets it wrong'}.`;
  };

  // for the end-to-end test: data-scores counts the answers shown
  let answers = 0;
  const answered = (): void => element.setAttribute('data-scores', String(++answers));
  const score = async (text: string): Promise<void> => {
    if (text.trim() === '') {
      result.hidden = true;
      scoredText = null;
      warning.hidden = false;
      warning.textContent = 'There are no words to score: type or paste a review.';
      answered();
      return;
    }
    try {
      const answer = await client.ask({ type: 'classify', text });
      if (answer.type !== 'classified') return;
      scoredText = text;
      note.textContent = '';
      const reading = readScore(answer.words, answer.numWords);
      warning.hidden = reading.warning === null;
      warning.textContent = reading.warning ?? '';
      result.hidden = false;
      const p = answer.score;
      const positive = p >= 0.5;
      verdict.textContent = reading.verdict ? (positive ? 'Positive' : 'Negative') : 'No verdict';
      verdict.className = `verdict ${reading.verdict ? (positive ? 'pos' : 'neg') : 'none'}`;
      scoreText.textContent = reading.verdict ? `p(positive) = ${p.toFixed(3)}` : '';
      scoreText.dataset['p'] = String(p); // the full value, for the end-to-end test
      meter.hidden = !reading.verdict;
      meterFill.style.left = `${(100 * p).toFixed(1)}%`;
      const read = answer.words.filter((w) => w.read);
      const unread = answer.words.filter((w) => !w.read);
      const scale = Math.max(0.05, ...read.map((w) => Math.abs(w.contribution)));
      words.replaceChildren(
        ...(unread.length === 0 ? [] : [unreadWords(unread, read.length)]),
        h('p', { class: 'chips-line' }, ...read.flatMap((w) => [wordChip(w, scale), ' '])),
      );
      showTruth(reading.verdict ? positive : null);
      onScored(text);
    } catch (error) {
      note.textContent = (error as Error).message;
    }
    answered();
  };

  scoreButton.addEventListener('click', () => void score(textarea.value));
  textarea.addEventListener('input', () => showTruth(null));
  randomButton.addEventListener('click', async () => {
    try {
      const answer = await client.ask({ type: 'review', index: reviewIndex++ * 37 });
      if (answer.type !== 'review') return;
      textarea.value = answer.text;
      label = { text: answer.text, positive: answer.label === 1 };
      showTruth(null);
      if (scoredText !== null) void score(answer.text);
    } catch (error) {
      note.textContent = (error as Error).message;
    }
  });

  const element = h(
    'section',
    { class: 'card', 'aria-labelledby': 'review-title', 'data-testid': 'sentiment-tools' },
    h('h2', { id: 'review-title' }, 'Score a review'),
    h('label', { class: 'sr-only', for: 'review-input' }, 'Review to score'),
    textarea,
    h(
      'div',
      { class: 'actions' },
      scoreButton,
      randomButton,
      h(
        'span',
        { class: 'chips', role: 'group', 'aria-label': 'Example reviews' },
        ...EXAMPLES.map(([name, text]) => h('button', { type: 'button', class: 'chip', onclick: () => void ((textarea.value = text), showTruth(null), score(text)) }, name)),
      ),
    ),
    truth,
    note,
    warning,
    result,
    footer,
  );
  return {
    element,
    refresh: () => {
      if (scoredText !== null) void score(textarea.value);
    },
    text: () => textarea.value,
  };
}
