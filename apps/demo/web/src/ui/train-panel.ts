/**
 * The training card of a task: settings, Train / Stop, a progress line, and the live loss and
 * accuracy charts (per step, smoothed, and the held-out value after every epoch).
 *
 * For the end-to-end test the card exposes its state as data attributes: data-state
 * (idle | starting | training | done | stopped), data-steps, data-loss-first (mean of the first 5 batch
 * losses), data-loss-recent (the smoothed loss now), data-test-accuracy.
 */
import { formatInt, h, svg } from '../dom';
import type { CellChoice, FromWorker, TaskName, TrainSettings } from '../protocol';
import { drawChart } from './chart';
import type { ChartSeries } from './chart';

export interface TaskInfo {
  readonly task: TaskName;
  readonly defaults: Omit<TrainSettings, 'task'>;
  readonly lossName: string;
  readonly accuracyName: string;
  readonly heldOutName: string;
  readonly unitName: string;
}

type Point = readonly [number, number];

const TRAIN_COLOR = '#4f46e5';
const TEST_COLOR = '#ea580c';

export interface TrainPanel {
  readonly element: HTMLElement;
  readonly info: TaskInfo;
  setBusy(busy: boolean): void;
  /** The worker is ready: describes the task and enables training. */
  setReady(description: string): void;
  handle(event: FromWorker): void;
  /** The settings in the form. */
  settings(): TrainSettings;
}

/** Exponential moving average with bias correction (as Adam's moments): smooth from the first step. */
function smoother(beta: number): (value: number) => number {
  let m = 0;
  let t = 0;
  return (value) => {
    t++;
    m = beta * m + (1 - beta) * value;
    return m / (1 - beta ** t);
  };
}

export function trainPanel(info: TaskInfo, onTrain: (settings: TrainSettings) => void, onStop: () => void): TrainPanel {
  const d = info.defaults;
  const field = (label: string, input: HTMLElement, hint?: string) => h('label', { class: 'field' }, h('span', {}, label), input, hint === undefined ? null : h('small', {}, hint));
  const number = (name: string, value: number, min: number, max: number, step: number) =>
    h('input', { type: 'number', name, value, min, max, step, 'data-testid': `${info.task}-${name}` });
  const cell = h(
    'select',
    { name: 'cell', 'data-testid': `${info.task}-cell` },
    ...(['simplernn', 'lstm', 'gru'] as const).map((c) =>
      h('option', { value: c, selected: c === d.cell }, c === 'simplernn' ? 'SimpleRNN' : c.toUpperCase()),
    ),
  );
  const units = number('units', d.units, 4, 256, 4);
  const embed = number('embed', d.embed, 4, 128, 4);
  const epochs = number('epochs', d.epochs, 1, 50, 1);
  const batchSize = number('batchSize', d.batchSize, 4, 256, 4);
  const learningRate = number('learningRate', d.learningRate, 0.0001, 0.1, 0.0005);
  const seed = number('seed', d.seed, 0, 1_000_000, 1);

  const trainButton = h('button', { class: 'primary', type: 'button', disabled: true, 'data-testid': `${info.task}-train` }, 'Train');
  const stopButton = h('button', { type: 'button', disabled: true, 'data-testid': `${info.task}-stop` }, 'Stop');
  const description = h('p', { class: 'task-note' });
  const progressFill = h('div', { class: 'progress-fill' });
  const status = h('p', { class: 'status', 'data-testid': `${info.task}-status` }, 'Waiting for the worker…');
  const summary = h('pre', { class: 'summary', 'data-testid': `${info.task}-summary` });
  const lossSvg = svg({ class: 'chart', 'data-testid': `${info.task}-loss-chart`, role: 'img', 'aria-label': 'loss' });
  const accSvg = svg({ class: 'chart', 'data-testid': `${info.task}-accuracy-chart`, role: 'img', 'aria-label': 'accuracy' });

  const element = h(
    'section',
    { class: 'card train', 'data-testid': `${info.task}-train-card`, 'data-state': 'idle', 'data-steps': 0 },
    h('h2', {}, 'Train'),
    description,
    h(
      'form',
      { class: 'settings', onsubmit: (e: Event) => e.preventDefault() },
      field('Cell', cell),
      field('Units', units, 'H'),
      field('Embedding', embed, 'E'),
      field('Epochs', epochs),
      field('Batch', batchSize, 'B'),
      field('Learning rate', learningRate, 'Adam'),
      field('Seed', seed),
    ),
    h('div', { class: 'actions' }, trainButton, stopButton),
    h('div', { class: 'progress' }, progressFill),
    status,
    h('div', { class: 'charts' }, lossSvg, accSvg),
    h('details', {}, h('summary', {}, 'Model summary'), summary),
  );

  // the run being drawn
  let losses: Point[] = [];
  let smoothLoss: Point[] = [];
  let accuracies: Point[] = [];
  let smoothAccuracy: Point[] = [];
  let testLoss: Point[] = [];
  let testAccuracy: Point[] = [];
  let plannedSteps = 1;
  let epochsPlanned = 1;
  let stepsPerEpoch = 1;
  let smoothL = smoother(0.9);
  let smoothA = smoother(0.9);
  let frame = 0;

  const redraw = (): void => {
    if (frame !== 0) return;
    frame = requestAnimationFrame(() => {
      frame = 0;
      const series = (faint: Point[], bold: Point[], test: Point[]): ChartSeries[] => [
        { label: 'per batch', color: TRAIN_COLOR, style: 'faint', points: faint },
        { label: 'train (smoothed)', color: TRAIN_COLOR, style: 'bold', points: bold },
        { label: info.heldOutName, color: TEST_COLOR, style: 'markers', points: test },
      ];
      drawChart(lossSvg, { title: info.lossName, xLabel: 'update step', xMax: plannedSteps }, series(losses, smoothLoss, testLoss));
      drawChart(accSvg, { title: info.accuracyName, xLabel: 'update step', xMax: plannedSteps, yRange: [0, 1] }, series(accuracies, smoothAccuracy, testAccuracy));
    });
  };
  redraw();

  const settings = (): TrainSettings => ({
    task: info.task,
    cell: cell.value as CellChoice,
    units: Number(units.value),
    embed: Number(embed.value),
    epochs: Number(epochs.value),
    batchSize: Number(batchSize.value),
    learningRate: Number(learningRate.value),
    seed: Number(seed.value),
  });

  trainButton.addEventListener('click', () => {
    element.setAttribute('data-state', 'starting');
    status.textContent = 'Building the model…';
    onTrain(settings());
  });
  stopButton.addEventListener('click', () => {
    stopButton.disabled = true;
    status.textContent = 'Stopping after this update…';
    onStop();
  });

  const setState = (state: string): void => element.setAttribute('data-state', state);

  return {
    element,
    info,
    settings,
    setReady(text) {
      description.textContent = text;
      trainButton.disabled = false;
      status.textContent = 'Ready. Press Train — the charts fill in as the network learns.';
    },
    setBusy(busy) {
      trainButton.disabled = busy;
      for (const input of [cell, units, embed, epochs, batchSize, learningRate, seed]) input.disabled = busy;
    },
    handle(event) {
      switch (event.type) {
        case 'started': {
          losses = [];
          smoothLoss = [];
          accuracies = [];
          smoothAccuracy = [];
          testLoss = [];
          testAccuracy = [];
          smoothL = smoother(0.9);
          smoothA = smoother(0.9);
          stepsPerEpoch = event.stepsPerEpoch;
          epochsPlanned = event.settings.epochs;
          plannedSteps = stepsPerEpoch * epochsPlanned;
          summary.textContent = event.summary;
          stopButton.disabled = false;
          progressFill.style.width = '0%';
          status.textContent = `Training ${formatInt(event.params)} parameters…`;
          setState('training');
          element.setAttribute('data-steps', '0');
          element.removeAttribute('data-test-accuracy');
          redraw();
          return;
        }
        case 'batch': {
          const x = event.globalStep;
          losses.push([x, event.loss]);
          smoothLoss.push([x, smoothL(event.loss)]);
          accuracies.push([x, event.accuracy]);
          smoothAccuracy.push([x, smoothA(event.accuracy)]);
          progressFill.style.width = `${(100 * x) / plannedSteps}%`;
          status.textContent =
            `Epoch ${event.epoch + 1} of ${epochsPlanned} · step ${event.step + 1} of ${stepsPerEpoch} · ` +
            `${formatInt(event.samplesPerSecond)} ${info.unitName}/s · loss ${smoothLoss.at(-1)![1].toFixed(3)} · ` +
            `accuracy ${smoothAccuracy.at(-1)![1].toFixed(3)}`;
          element.setAttribute('data-steps', String(x));
          const first = losses.slice(0, 5);
          element.setAttribute('data-loss-first', String(first.reduce((a, [, l]) => a + l, 0) / first.length));
          element.setAttribute('data-loss-recent', String(smoothLoss.at(-1)![1]));
          redraw();
          return;
        }
        case 'epoch': {
          const loss = event.logs['val_loss'];
          const accuracy = event.logs['val_accuracy'];
          if (loss !== undefined) testLoss.push([event.globalStep, loss]);
          if (accuracy !== undefined) {
            testAccuracy.push([event.globalStep, accuracy]);
            element.setAttribute('data-test-accuracy', String(accuracy));
          }
          redraw();
          return;
        }
        case 'finished': {
          stopButton.disabled = true;
          setState(event.reason);
          const last = testAccuracy.at(-1)?.[1];
          const lastLoss = testLoss.at(-1)?.[1];
          status.textContent =
            `${event.reason === 'done' ? 'Done' : 'Stopped'} after ${losses.length} updates in ${event.seconds.toFixed(1)} s` +
            (last === undefined ? '.' : ` — ${info.heldOutName} accuracy ${last.toFixed(3)}, loss ${lastLoss?.toFixed(3)}.`);
          return;
        }
        default:
          return;
      }
    },
  };
}
