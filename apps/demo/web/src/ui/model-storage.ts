/**
 * Save / Load of a task's model: the worker keeps the weights in IndexedDB (`saveModelToIndexedDb`),
 * and the page keeps the run beside it in localStorage — its settings, figures and charts — so a
 * loaded model comes back with the form and charts of the run that trained it. Load is off, saying
 * why, until something was saved in this browser.
 */
import type { WorkerClient } from '../client';
import { h } from '../dom';
import type { TaskName } from '../protocol';
import type { RunRecord, TrainPanel } from './train-panel';

export interface ModelStorage {
  readonly element: HTMLElement;
  /** Re-reads what can be saved or loaded now (after a run, or while one trains). */
  refresh(training: boolean): void;
}

interface Saved {
  readonly record: RunRecord;
  readonly savedAt: string;
}

const recordKey = (task: TaskName): string => `rnnkit-demo/${task}/run`;

const WAITING = 'Save and Load wait for the run to end.';

function readSaved(task: TaskName): Saved | null {
  try {
    const text = localStorage.getItem(recordKey(task));
    return text === null ? null : (JSON.parse(text) as Saved);
  } catch {
    return null;
  }
}

export function modelStorage(client: WorkerClient, task: TaskName, panel: TrainPanel, onLoaded: () => void): ModelStorage {
  const what = task === 'sentiment' ? 'sentiment model' : 'character model';
  const saveButton = h('button', { type: 'button', 'data-testid': `${task}-model-save` }, 'Save model');
  const loadButton = h('button', { type: 'button', 'data-testid': `${task}-model-load` }, 'Load saved model');
  const note = h('span', { class: 'hint', role: 'status', 'data-testid': `${task}-model-storage` });
  let training = false;

  const refresh = (isTraining: boolean): void => {
    training = isTraining;
    const saved = readSaved(task);
    saveButton.disabled = training || panel.shownRun() === null;
    loadButton.disabled = training || saved === null;
    saveButton.title = training ? 'Wait for the run to end' : panel.shownRun() === null ? `Train the ${what} first` : "Keep the trained model in this browser's storage (IndexedDB)";
    loadButton.title = training ? 'Wait for the run to end' : saved === null ? `Nothing saved in this browser yet: train the ${what}, then Save model` : `Bring back the model saved ${saved.savedAt}`;
    // the note says why the buttons are off (a disabled button's title is not read out)
    if (training) note.textContent = WAITING;
    else if (note.textContent === '' || note.textContent === WAITING) {
      note.textContent = saved === null ? `No ${what} saved in this browser yet.` : `A ${what} is saved in this browser (${saved.savedAt}): ${saved.record.figures.label}.`;
    }
  };

  saveButton.addEventListener('click', async () => {
    const record = panel.shownRun();
    if (record === null) return;
    try {
      const answer = await client.ask({ type: 'save', task });
      if (answer.type !== 'saved') return;
      const savedAt = new Date().toLocaleString('en-GB', { dateStyle: 'medium', timeStyle: 'short' });
      localStorage.setItem(recordKey(task), JSON.stringify({ record, savedAt } satisfies Saved));
      note.textContent = `Saved (${answer.params.toLocaleString('en')} parameters, IndexedDB): ${record.figures.label}.`;
    } catch (error) {
      note.textContent = `Could not save: ${(error as Error).message}`;
    }
    refresh(training);
  });
  loadButton.addEventListener('click', async () => {
    const saved = readSaved(task);
    if (saved === null) return;
    try {
      const answer = await client.ask({ type: 'load', task });
      if (answer.type !== 'loaded') return;
      panel.showLoaded(saved.record, saved.savedAt);
      note.textContent = `Loaded (${answer.params.toLocaleString('en')} parameters, IndexedDB), saved ${saved.savedAt}.`;
      onLoaded();
    } catch (error) {
      note.textContent = `Could not load the saved ${what}: ${(error as Error).message}`;
    }
    refresh(training);
  });

  const element = h('div', { class: 'actions storage' }, saveButton, loadButton, note);
  return { element, refresh };
}
