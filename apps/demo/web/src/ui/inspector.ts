/**
 * "Inside the recurrent layer": h_t (and c_t and the gates, for LSTM and GRU) for every token of a
 * text, as a heat-map with one column per token and one row per unit.
 */
import type { WorkerClient } from '../client';
import { h } from '../dom';
import type { Readout, StateSeries, TaskName } from '../protocol';
import { describeHeatmap, drawHeatmap, heatColor, readoutColor } from './heatmap';

export interface Inspector {
  readonly element: HTMLElement;
  /** Shows `text` (or the text already in the field). */
  show(text?: string): Promise<void>;
}

/** −1, 0, 1 as they are; other bounds (the range of c) with two decimals. */
const label = (v: number): string => (Number.isInteger(v) ? String(v) : v.toFixed(2)).replace('-', '−');

export function inspector(client: WorkerClient, task: TaskName, defaultText: string): Inspector {
  const input = h('input', { type: 'text', id: `${task}-inspect-input`, value: defaultText, 'data-testid': `${task}-inspect-input`, spellcheck: false });
  const button = h('button', { type: 'button', 'data-testid': `${task}-inspect` }, 'Show');
  const tabs = h('div', { class: 'series-tabs', role: 'group', 'aria-label': 'Which values to show' });
  const description = h('p', { class: 'hint' });
  const canvas = h('canvas', { class: 'heatmap', role: 'img', 'aria-label': 'heat map', 'data-testid': `${task}-heatmap` });
  const tooltip = h('p', { class: 'tooltip' });
  const legend = h('div', { class: 'legend-scale' });
  const note = h('p', { class: 'hint', role: 'status', 'data-testid': `${task}-inspect-note` }, 'Train a model, then look at what its recurrent layer computes for each token.');
  const body = h('div', { class: 'heatmap-wrap', hidden: true }, tabs, description, h('div', { class: 'heatmap-scroll', role: 'group', 'aria-label': 'Heat map (scrolls sideways when it is wider than the card)', tabindex: 0 }, canvas), tooltip, legend);
  let series: readonly StateSeries[] = [];
  let tokens: readonly string[] = [];
  let readout: Readout | undefined;
  let selected = 'h';
  let drawnWidth = 0;

  const drawSelected = (): void => {
    const s = series.find((x) => x.name === selected) ?? series[0];
    if (s === undefined) return;
    selected = s.name;
    for (const tab of tabs.children) tab.setAttribute('aria-pressed', String(tab.getAttribute('data-name') === s.name));
    description.textContent =
      `${s.description}. Rows: the ${s.values[0]?.length ?? 0} units; columns: the ${tokens.length} tokens the model reads` +
      (readout === undefined ? '.' : `; top strip “${readout.label}”: ${readout.description}.`);
    const width = body.clientWidth || 900;
    drawnWidth = body.clientWidth;
    const heat = { tokens, values: s.values, range: s.range, ...(readout === undefined ? {} : { readout }) };
    drawHeatmap(canvas, tooltip, heat, width);
    canvas.setAttribute('aria-label', describeHeatmap(s.name, heat));
    const [lo, hi] = s.range;
    const stops = Array.from({ length: 11 }, (_, i) => heatColor(lo + ((hi - lo) * i) / 10, s.range));
    // each scale in one piece, so a narrow card wraps between the scales, not inside one
    legend.replaceChildren(
      h(
        'span',
        { class: 'legend-group' },
        h('span', {}, s.name),
        h('span', {}, label(lo)),
        h('span', { class: 'legend-bar', style: `background: linear-gradient(to right, ${stops.join(', ')})` }),
        h('span', {}, label(hi)),
      ),
    );
    if (readout !== undefined) {
      const kind = readout.kind;
      const readoutStops = Array.from({ length: 11 }, (_, i) => readoutColor(i / 10, kind));
      legend.append(
        h(
          'span',
          { class: 'legend-group' },
          h('span', {}, readout.label),
          h('span', {}, kind === 'sentiment' ? 'negative' : '0'),
          h('span', { class: 'legend-bar', style: `background: linear-gradient(to right, ${readoutStops.join(', ')})` }),
          h('span', {}, kind === 'sentiment' ? 'positive' : '1'),
        ),
      );
    }
  };

  const show = async (text?: string): Promise<void> => {
    if (text !== undefined) input.value = text;
    if (input.value.trim() === '') {
      body.hidden = true;
      note.textContent = 'Type some text to look inside the recurrent layer.';
      return;
    }
    try {
      const answer = await client.ask({ type: 'inspect', task, text: input.value });
      if (answer.type !== 'inspected') return;
      series = answer.series;
      tokens = answer.tokens;
      readout = answer.readout;
      note.textContent = '';
      body.hidden = false;
      tabs.replaceChildren(
        ...series.map((s) =>
          h(
            'button',
            {
              type: 'button',
              class: 'series-tab',
              'data-name': s.name,
              onclick: () => {
                selected = s.name;
                drawSelected();
              },
            },
            s.name,
          ),
        ),
      );
      drawSelected();
    } catch (error) {
      // the old heat map would read as the answer to this text
      body.hidden = true;
      note.textContent = (error as Error).message;
    }
  };
  // drawn to the card's width: drawn again when the card changes width (a phone turned, a window resized)
  new ResizeObserver(() => {
    if (!body.hidden && body.clientWidth !== drawnWidth) drawSelected();
  }).observe(body);
  button.addEventListener('click', () => void show());
  input.addEventListener('keydown', (e) => {
    if (e.key === 'Enter') void show();
  });

  const element = h(
    'section',
    { class: 'card', 'aria-labelledby': `${task}-inspect-title`, 'data-testid': `${task}-inspector` },
    h('h2', { id: `${task}-inspect-title` }, 'Inside the recurrent layer'),
    h('label', { class: 'sr-only', for: `${task}-inspect-input` }, task === 'sentiment' ? 'Text to look inside (words)' : 'Text to look inside (characters)'),
    h('div', { class: 'actions' }, input, button),
    note,
    body,
  );
  return { element, show };
}
