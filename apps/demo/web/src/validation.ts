/**
 * Checks what a user typed into the page's number fields before anything is sent to the worker:
 * each field gets its own message (shown beside it), and the form is usable only when every field
 * holds a number inside its range. Plain functions over strings, so they are tested in Node.
 */
import type { CellChoice, TaskName, TrainSettings } from './protocol';

/** The range of a number field, and whether it takes whole numbers only. */
export interface NumberRule {
  readonly label: string;
  readonly min: number;
  readonly max: number;
  readonly integer: boolean;
}

export type SettingName = Exclude<keyof TrainSettings, 'task' | 'cell'>;

/** The training settings' ranges (the inputs' own min/max attributes are set from these). */
export const SETTING_RULES: Readonly<Record<SettingName, NumberRule>> = {
  units: { label: 'Units', min: 4, max: 256, integer: true },
  embed: { label: 'Embedding', min: 4, max: 128, integer: true },
  epochs: { label: 'Epochs', min: 1, max: 50, integer: true },
  batchSize: { label: 'Batch', min: 4, max: 256, integer: true },
  learningRate: { label: 'Learning rate', min: 0.0001, max: 0.1, integer: false },
  seed: { label: 'Seed', min: 0, max: 1_000_000, integer: true },
};

/** The generation length of the Characters tab. */
export const LENGTH_RULE: NumberRule = { label: 'Characters', min: 20, max: 2000, integer: true };

const show = (v: number): string => v.toLocaleString('en-US', { maximumFractionDigits: 6 });

/** "a whole number from 4 to 256", "a number from 0.0001 to 0.1" */
export function describeRule(rule: NumberRule): string {
  return `${rule.integer ? 'a whole number' : 'a number'} from ${show(rule.min)} to ${show(rule.max)}`;
}

/** The value of `raw`, or the message saying what is wrong with it. */
export function checkNumber(raw: string, rule: NumberRule): { readonly value: number } | { readonly error: string } {
  const text = raw.trim();
  const expected = describeRule(rule);
  if (text === '') return { error: `${rule.label} is empty: enter ${expected}.` };
  const value = Number(text);
  if (!Number.isFinite(value)) return { error: `${rule.label} must be ${expected}; “${text}” is not a number.` };
  if (rule.integer && !Number.isInteger(value)) return { error: `${rule.label} must be ${expected}; ${show(value)} has a fraction.` };
  if (value < rule.min || value > rule.max) return { error: `${rule.label} must be ${expected}; got ${show(value)}.` };
  return { value };
}

export type SettingsCheck =
  | { readonly ok: true; readonly settings: TrainSettings }
  | { readonly ok: false; readonly errors: Readonly<Partial<Record<SettingName, string>>> };

/** Checks every field of the training form; the settings only when all of them are valid. */
export function checkSettings(task: TaskName, cell: CellChoice, raw: Readonly<Record<SettingName, string>>): SettingsCheck {
  const errors: Partial<Record<SettingName, string>> = {};
  const values: Partial<Record<SettingName, number>> = {};
  for (const name of Object.keys(SETTING_RULES) as SettingName[]) {
    const result = checkNumber(raw[name], SETTING_RULES[name]);
    if ('error' in result) errors[name] = result.error;
    else values[name] = result.value;
  }
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  const v = values as Record<SettingName, number>;
  return { ok: true, settings: { task, cell, units: v.units, embed: v.embed, epochs: v.epochs, batchSize: v.batchSize, learningRate: v.learningRate, seed: v.seed } };
}

/**
 * The worker's own check of settings that arrive by message (the page checks first; this names
 * the first setting out of range, so a bad message fails before a model is built).
 */
export function assertSettings(settings: TrainSettings): void {
  for (const name of Object.keys(SETTING_RULES) as SettingName[]) {
    const result = checkNumber(String(settings[name]), SETTING_RULES[name]);
    if ('error' in result) throw new Error(result.error);
  }
}
