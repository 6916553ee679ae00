/**
 * The training card of a task: settings (each checked as it is typed, with its message beside it),
 * Train / Stop, a progress line, and the live loss and accuracy charts (per step, smoothed, and the
 * held-out value after every epoch).
 *
 * The card always says which run is on screen: a run that fails, or is stopped before its first
 * epoch ends, gives way to the previous run (its charts and figures come back, and the worker keeps
 * its model), as run-outcome.ts decides.
 *
 * For the end-to-end test the card exposes its state as data attributes: data-state
 * (idle | starting | training | done | stopped | failed | loaded), data-kept (this run | previous |
 * none), data-steps (updates of the last run), data-loss-first (mean of its first 5 batch losses),
 * data-loss-recent (its smoothed loss now), data-test-accuracy (of the model on screen).
 */
import { formatInt, h, svg } from '../dom';
import { overfittingNote, timeLeft } from '../progress-notes';
import type { EpochLosses } from '../progress-notes';
import type { CellChoice, FromWorker, TaskName, TrainSettings } from '../protocol';
import { runEndText } from '../run-outcome';
import type { RunFigures } from '../run-outcome';
import { checkSettings, describeRule, SETTING_RULES } from '../validation';
import type { SettingName } from '../validation';
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

interface Curves {
  readonly losses: Point[];
  readonly smoothLoss: Point[];
  readonly accuracies: Point[];
  readonly smoothAccuracy: Point[];
  readonly testLoss: Point[];
  readonly testAccuracy: Point[];
}

/** A run as the card shows it, plain JSON (kept in localStorage beside a saved model). */
export interface RunRecord {
  readonly settings: TrainSettings;
  readonly params: number;
  readonly summary: string;
  readonly plannedSteps: number;
  readonly curves: Curves;
  readonly figures: RunFigures;
}

const TRAIN_COLOR = '#4f46e5';
const TEST_COLOR = '#c2410c';

const CELL_NAMES: Record<CellChoice, string> = { simplernn: 'SimpleRNN', lstm: 'LSTM', gru: 'GRU' };

/** Short hints under the fields (the symbol of the maths, and the range). */
const HINTS: Partial<Record<SettingName, string>> = { units: 'H', embed: 'E', batchSize: 'B', learningRate: 'Adam' };

export interface TrainPanel {
  readonly element: HTMLElement;
  readonly info: TaskInfo;
  /** Another run holds the worker (`reason` says which), or this task's run does (no reason). */
  setBusy(busy: boolean, reason?: string): void;
  /** The worker is ready: describes the task and enables training. */
  setReady(description: string): void;
  handle(event: FromWorker): void;
  /** The run whose model the task holds now (null before any). */
  shownRun(): RunRecord | null;
  /** Shows a run brought back from the browser's storage with its model. */
  showLoaded(record: RunRecord, savedAt: string): void;
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

const emptyCurves = (): Curves => ({ losses: [], smoothLoss: [], accuracies: [], smoothAccuracy: [], testLoss: [], testAccuracy: [] });

export function trainPanel(info: TaskInfo, onTrain: (settings: TrainSettings) => void, onStop: () => void): TrainPanel {
  const d = info.defaults;
  const id = (name: string): string => `${info.task}-${name}`;
  const cell = h(
    'select',
    { name: 'cell', id: id('cell'), 'data-testid': id('cell') },
    ...(['simplernn', 'lstm', 'gru'] as const).map((c) => h('option', { value: c, selected: c === d.cell }, CELL_NAMES[c])),
  );
  const inputs = {} as Record<SettingName, HTMLInputElement>;
  const errors = {} as Record<SettingName, HTMLElement>;
  const fields = (Object.keys(SETTING_RULES) as SettingName[]).map((name) => {
    const rule = SETTING_RULES[name];
    const hint = `${HINTS[name] === undefined ? '' : `${HINTS[name]} · `}${describeRule(rule).replace(/^a (whole )?number from /, '')}`;
    const input = h('input', {
      type: 'number',
      name,
      id: id(name),
      value: d[name],
      min: rule.min,
      max: rule.max,
      step: rule.integer ? 1 : 'any',
      inputmode: rule.integer ? 'numeric' : 'decimal',
      'aria-describedby': `${id(name)}-error ${id(name)}-hint`,
      'data-testid': id(name),
    });
    const error = h('small', { class: 'field-error', id: `${id(name)}-error`, 'data-testid': `${id(name)}-error` });
    inputs[name] = input;
    errors[name] = error;
    return h('div', { class: 'field' }, h('label', { for: id(name) }, rule.label), input, h('small', { id: `${id(name)}-hint` }, hint), error);
  });

  const trainButton = h('button', { class: 'primary', type: 'submit', disabled: true, 'data-testid': id('train') }, 'Train');
  const stopButton = h('button', { type: 'button', disabled: true, 'data-testid': id('stop') }, 'Stop');
  const formNote = h('span', { class: 'hint', id: id('form-note'), 'data-testid': id('form-note') });
  trainButton.setAttribute('aria-describedby', formNote.id);
  const description = h('p', { class: 'task-note' });
  const progressFill = h('div', { class: 'progress-fill' });
  const progress = h('div', { class: 'progress', role: 'progressbar', 'aria-label': `${info.task} training progress`, 'aria-valuemin': 0, 'aria-valuemax': 100, 'aria-valuenow': 0 }, progressFill);
  const status = h('p', { class: 'status', 'data-testid': id('status') }, 'Waiting for the worker…');
  // what a screen reader hears: the start, each epoch and the end of a run (not every update)
  const announce = h('p', { class: 'sr-only', role: 'status', 'data-testid': id('announce') });
  const warning = h('p', { class: 'warning', hidden: true, 'data-testid': id('overfitting') });
  const summary = h('pre', { class: 'summary', 'data-testid': id('summary') });
  const lossSvg = svg({ class: 'chart', 'data-testid': id('loss-chart'), role: 'img', 'aria-label': info.lossName });
  const accSvg = svg({ class: 'chart', 'data-testid': id('accuracy-chart'), role: 'img', 'aria-label': info.accuracyName });

  const form = h(
    'form',
    { class: 'settings-form', novalidate: true },
    h('div', { class: 'settings' }, h('div', { class: 'field' }, h('label', { for: id('cell') }, 'Cell'), cell), ...fields),
    h('div', { class: 'actions' }, trainButton, stopButton, formNote),
  );
  const element = h(
    'section',
    { class: 'card train', 'aria-labelledby': id('train-title'), 'data-testid': id('train-card'), 'data-state': 'idle', 'data-steps': 0 },
    h('h2', { id: id('train-title') }, 'Train'),
    description,
    form,
    progress,
    status,
    announce,
    warning,
    h('div', { class: 'charts' }, lossSvg, accSvg),
    h('details', {}, h('summary', {}, 'Model summary'), summary),
  );

  let ready = false;
  let busy = false;
  let busyReason: string | undefined;
  // the run being trained
  let curves = emptyCurves();
  let epochLosses: EpochLosses[] = [];
  let runSettings: TrainSettings | null = null;
  let runParams = 0;
  let runSummary = '';
  let plannedSteps = 1;
  let epochsPlanned = 1;
  let stepsPerEpoch = 1;
  let startedAt = 0;
  let smoothL = smoother(0.9);
  let smoothA = smoother(0.9);
  // the run whose model the task holds, and what the charts draw
  let shown: RunRecord | null = null;
  let view: { curves: Curves; plannedSteps: number } = { curves, plannedSteps };
  let frame = 0;

  const redraw = (): void => {
    if (frame !== 0) return;
    frame = requestAnimationFrame(() => {
      frame = 0;
      const c = view.curves;
      const series = (faint: readonly Point[], bold: readonly Point[], test: readonly Point[]): ChartSeries[] => [
        { label: 'per batch', color: TRAIN_COLOR, style: 'faint', points: faint },
        { label: 'train (smoothed)', color: TRAIN_COLOR, style: 'bold', points: bold },
        { label: info.heldOutName, color: TEST_COLOR, style: 'markers', points: test },
      ];
      // drawn at their width on screen, so their text keeps its size on a phone
      const width = (chart: SVGSVGElement): number => chart.getBoundingClientRect().width || 460;
      drawChart(lossSvg, { title: info.lossName, xLabel: 'update step', xMax: view.plannedSteps, width: width(lossSvg) }, series(c.losses, c.smoothLoss, c.testLoss));
      drawChart(
        accSvg,
        { title: info.accuracyName, xLabel: 'update step', xMax: view.plannedSteps, yRange: [0, 1], width: width(accSvg) },
        series(c.accuracies, c.smoothAccuracy, c.testAccuracy),
      );
      const last = (points: readonly Point[]): string => (points.length === 0 ? 'no values yet' : `last ${points.at(-1)![1].toFixed(3)}`);
      lossSvg.setAttribute('aria-label', `${info.lossName}: train (smoothed) ${last(c.smoothLoss)}; ${info.heldOutName} ${last(c.testLoss)}`);
      accSvg.setAttribute('aria-label', `${info.accuracyName}: train (smoothed) ${last(c.smoothAccuracy)}; ${info.heldOutName} ${last(c.testAccuracy)}`);
    });
  };
  redraw();
  // hidden panels measure 0 wide: redraw when the card is shown or resized
  new ResizeObserver(redraw).observe(element);

  const check = () =>
    checkSettings(info.task, cell.value as CellChoice, Object.fromEntries(Object.entries(inputs).map(([k, input]) => [k, input.value])) as Record<SettingName, string>);

  /** Shows each field's message, and enables Train only when the form is valid and the worker free. */
  const refreshForm = (): void => {
    const result = check();
    const problems = result.ok ? {} : result.errors;
    for (const name of Object.keys(inputs) as SettingName[]) {
      const message = problems[name];
      errors[name].textContent = message ?? '';
      if (message === undefined) inputs[name].removeAttribute('aria-invalid');
      else inputs[name].setAttribute('aria-invalid', 'true');
    }
    const count = Object.keys(problems).length;
    trainButton.disabled = !ready || busy || count > 0;
    formNote.textContent =
      busy && busyReason !== undefined
        ? busyReason
        : count > 0
          ? `Train is off until ${count === 1 ? 'the field marked above is' : `the ${count} fields marked above are`} fixed.`
          : '';
  };
  for (const input of Object.values(inputs)) input.addEventListener('input', refreshForm);

  const setState = (state: string): void => element.setAttribute('data-state', state);
  const say = (text: string): void => {
    announce.textContent = text;
  };
  const showView = (next: { curves: Curves; plannedSteps: number }, summaryText: string, accuracy: number | undefined): void => {
    view = next;
    summary.textContent = summaryText;
    if (accuracy === undefined) element.removeAttribute('data-test-accuracy');
    else element.setAttribute('data-test-accuracy', String(accuracy));
    redraw();
  };
  const figuresOf = (settings: TrainSettings, c: Curves, epochsDone: number): RunFigures => {
    const accuracy = c.testAccuracy.at(-1)?.[1];
    const loss = c.testLoss.at(-1)?.[1];
    return {
      label: `${CELL_NAMES[settings.cell]} · ${settings.units} units · embedding ${settings.embed} · ${epochsDone} epoch${epochsDone === 1 ? '' : 's'}`,
      ...(accuracy === undefined ? {} : { heldOutAccuracy: accuracy }),
      ...(loss === undefined ? {} : { heldOutLoss: loss }),
    };
  };
  const setForm = (settings: TrainSettings): void => {
    cell.value = settings.cell;
    for (const name of Object.keys(inputs) as SettingName[]) inputs[name].value = String(settings[name]);
    refreshForm();
  };
  const setWarning = (text: string | null): void => {
    warning.hidden = text === null;
    warning.textContent = text ?? '';
  };

  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const result = check();
    if (!result.ok || trainButton.disabled) return;
    setState('starting');
    status.textContent = 'Building the model…';
    onTrain(result.settings);
  });
  stopButton.addEventListener('click', () => {
    stopButton.disabled = true;
    status.textContent = 'Stopping after this update…';
    onStop();
  });

  return {
    element,
    info,
    shownRun: () => shown,
    setReady(text) {
      description.textContent = text;
      ready = true;
      refreshForm();
      status.textContent = 'Ready. Press Train — the charts fill in as the network learns.';
    },
    setBusy(isBusy, reason) {
      busy = isBusy;
      busyReason = reason;
      cell.disabled = isBusy && reason === undefined;
      for (const input of Object.values(inputs)) input.disabled = isBusy && reason === undefined;
      refreshForm();
    },
    showLoaded(record, savedAt) {
      shown = record;
      setForm(record.settings);
      setWarning(null);
      showView({ curves: record.curves, plannedSteps: record.plannedSteps }, record.summary, record.figures.heldOutAccuracy);
      setState('loaded');
      status.textContent = `Loaded from this browser's storage (saved ${savedAt}): ${record.figures.label}${
        record.figures.heldOutAccuracy === undefined ? '' : `, ${info.heldOutName} accuracy ${record.figures.heldOutAccuracy.toFixed(3)}`
      }. The charts are that run's.`;
      say(status.textContent);
    },
    handle(event) {
      switch (event.type) {
        case 'started': {
          curves = emptyCurves();
          epochLosses = [];
          smoothL = smoother(0.9);
          smoothA = smoother(0.9);
          runSettings = event.settings;
          runParams = event.params;
          runSummary = event.summary;
          stepsPerEpoch = event.stepsPerEpoch;
          epochsPlanned = event.settings.epochs;
          plannedSteps = stepsPerEpoch * epochsPlanned;
          startedAt = performance.now();
          stopButton.disabled = false;
          progressFill.style.width = '0%';
          progress.setAttribute('aria-valuenow', '0');
          status.textContent = `Training ${formatInt(event.params)} parameters…`;
          say(`Training started: ${formatInt(event.params)} parameters, ${epochsPlanned} epoch${epochsPlanned === 1 ? '' : 's'} of ${stepsPerEpoch} updates.`);
          setWarning(null);
          setState('training');
          element.setAttribute('data-steps', '0');
          element.removeAttribute('data-kept');
          showView({ curves, plannedSteps }, runSummary, undefined);
          return;
        }
        case 'batch': {
          const x = event.globalStep;
          curves.losses.push([x, event.loss]);
          curves.smoothLoss.push([x, smoothL(event.loss)]);
          curves.accuracies.push([x, event.accuracy]);
          curves.smoothAccuracy.push([x, smoothA(event.accuracy)]);
          const percent = Math.min(100, (100 * x) / plannedSteps);
          progressFill.style.width = `${percent}%`;
          progress.setAttribute('aria-valuenow', String(Math.round(percent)));
          status.textContent =
            `Epoch ${event.epoch + 1} of ${epochsPlanned} · step ${event.step + 1} of ${stepsPerEpoch} · ` +
            `${formatInt(event.samplesPerSecond)} ${info.unitName}/s · ${timeLeft((performance.now() - startedAt) / 1000, x, plannedSteps)} · ` +
            `loss ${curves.smoothLoss.at(-1)![1].toFixed(3)} · accuracy ${curves.smoothAccuracy.at(-1)![1].toFixed(3)}`;
          element.setAttribute('data-steps', String(x));
          const first = curves.losses.slice(0, 5);
          element.setAttribute('data-loss-first', String(first.reduce((a, [, l]) => a + l, 0) / first.length));
          element.setAttribute('data-loss-recent', String(curves.smoothLoss.at(-1)![1]));
          redraw();
          return;
        }
        case 'epoch': {
          const loss = event.logs['val_loss'];
          const accuracy = event.logs['val_accuracy'];
          const trainLoss = event.logs['loss'];
          if (loss !== undefined) curves.testLoss.push([event.globalStep, loss]);
          if (accuracy !== undefined) {
            curves.testAccuracy.push([event.globalStep, accuracy]);
            element.setAttribute('data-test-accuracy', String(accuracy));
          }
          if (loss !== undefined && trainLoss !== undefined) epochLosses.push({ loss: trainLoss, heldOut: loss });
          const note = overfittingNote(epochLosses, info.heldOutName);
          setWarning(note);
          say(
            `Epoch ${event.epoch + 1} of ${epochsPlanned} done` +
              (accuracy === undefined ? '.' : `: ${info.heldOutName} accuracy ${accuracy.toFixed(3)}.`) +
              (note === null ? '' : ` ${note}`),
          );
          redraw();
          return;
        }
        case 'finished': {
          stopButton.disabled = true;
          setState(event.reason);
          element.setAttribute('data-kept', event.kept);
          const started = runSettings !== null;
          const thisRun: RunFigures = runSettings === null ? { label: 'this run' } : figuresOf(runSettings, curves, epochLosses.length);
          const previous = shown;
          if (event.kept === 'this run' && runSettings !== null) {
            shown = { settings: runSettings, params: runParams, summary: runSummary, plannedSteps, curves, figures: thisRun };
          } else if (event.kept === 'previous' && previous !== null) {
            setWarning(null);
            showView({ curves: previous.curves, plannedSteps: previous.plannedSteps }, previous.summary, previous.figures.heldOutAccuracy);
          } else if (event.kept === 'none') {
            shown = null;
            setWarning(null);
            if (started) showView({ curves: emptyCurves(), plannedSteps: 1 }, '', undefined);
          }
          // a failure is an alert, read out at once; the other ends go through the polite announcer
          if (event.reason === 'failed') status.setAttribute('role', 'alert');
          else status.removeAttribute('role');
          status.textContent = runEndText({
            end: event.reason,
            kept: event.kept,
            updates: started ? curves.losses.length : 0,
            seconds: event.seconds,
            ...(event.message === undefined ? {} : { message: event.message }),
            heldOutName: info.heldOutName,
            thisRun,
            ...(previous === null ? {} : { previous: previous.figures }),
          });
          if (event.reason !== 'failed') say(status.textContent);
          runSettings = null;
          return;
        }
        default:
          return;
      }
    },
  };
}
