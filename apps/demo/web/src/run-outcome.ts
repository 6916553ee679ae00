/**
 * What a training run leaves behind. A run that finishes replaces the task's model; a run that fails,
 * or is stopped before its first epoch ends (so it was never measured on held-out data), is thrown
 * away and the last good model stays — and the page says which model its scores, charts and heat
 * map now show.
 */

export type RunEnd = 'done' | 'stopped' | 'failed';

/** The model a task holds after a run: the run's own, the one from before it, or none. */
export type KeptModel = 'this run' | 'previous' | 'none';

export function keptModel(end: RunEnd, epochsCompleted: number, hadPrevious: boolean): KeptModel {
  if (end === 'done' || (end === 'stopped' && epochsCompleted > 0)) return 'this run';
  return hadPrevious ? 'previous' : 'none';
}

/** The held-out figures of a run, for the status line. */
export interface RunFigures {
  /** "LSTM · 32 units · 3 epochs" */
  readonly label: string;
  readonly heldOutAccuracy?: number;
  readonly heldOutLoss?: number;
}

export interface RunEndInfo {
  readonly end: RunEnd;
  readonly kept: KeptModel;
  readonly updates: number;
  readonly seconds: number;
  /** The error of a failed run. */
  readonly message?: string;
  /** 'test' or 'validation'. */
  readonly heldOutName: string;
  readonly thisRun: RunFigures;
  /** The run whose model was kept from before (when kept is 'previous'). */
  readonly previous?: RunFigures;
}

function figures(f: RunFigures, heldOutName: string): string {
  if (f.heldOutAccuracy === undefined) return f.label;
  return `${f.label}: ${heldOutName} accuracy ${f.heldOutAccuracy.toFixed(3)}${f.heldOutLoss === undefined ? '' : `, loss ${f.heldOutLoss.toFixed(3)}`}`;
}

/** The status line after a run: what happened, and which model the page now shows and uses. */
export function runEndText(info: RunEndInfo): string {
  const what =
    info.end === 'failed'
      ? `Training failed: ${info.message ?? 'unknown error'}.`
      : `${info.end === 'done' ? 'Done' : 'Stopped'} after ${info.updates} update${info.updates === 1 ? '' : 's'} in ${info.seconds.toFixed(1)} s`;
  if (info.kept === 'this run') return `${what} — ${figures(info.thisRun, info.heldOutName)}.`;
  const why = info.end === 'stopped' ? ', before its first epoch ended, so that run was discarded.' : '';
  const head = info.end === 'failed' ? what : `${what}${why}`;
  if (info.kept === 'previous' && info.previous !== undefined) {
    return `${head} On screen and in use: the previous model (${figures(info.previous, info.heldOutName)}).`;
  }
  return `${head} No model is trained yet.`;
}
