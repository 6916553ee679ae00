/**
 * Field-by-field validation of a saved topology, run before anything is built from it. The layer
 * factories (`dense`, `lstm`, …) validate their options, but a loaded spec never went through a
 * factory: without this, an activation named "foo" or "constructor" loads and fails on the first
 * forward pass as "Cannot read properties of undefined".
 *
 * A field means the same in every layer that has it (`units`, `activation`, `useBias`, …), so the
 * rules are one table keyed by field name; a field the table does not know is left to its layer.
 * Errors name the layer (index, name and kind) and the field, with the expected and the given value.
 */
import { ACTIVATION_NAMES } from '@rnnkit/cells';
import { assertDenseActivation } from '../activations';

/** Checks one field's value; throws with a message ending in what was expected and what was given. */
type FieldRule = (value: unknown, field: string) => void;

const shown = (v: unknown): string => {
  const text = JSON.stringify(v);
  return text === undefined ? String(v) : text.length > 80 ? `${text.slice(0, 80)}…` : text;
};

const fail = (field: string, expected: string, value: unknown): never => {
  throw new Error(`field '${field}' must be ${expected}, got ${shown(value)}`);
};

const isInt = (v: unknown, min: number): boolean => typeof v === 'number' && Number.isSafeInteger(v) && v >= min;

const positiveInt: FieldRule = (v, f) => {
  if (!isInt(v, 1)) fail(f, 'a positive integer', v);
};
const int: FieldRule = (v, f) => {
  if (!isInt(v, Number.MIN_SAFE_INTEGER)) fail(f, 'an integer', v);
};
const bool: FieldRule = (v, f) => {
  if (typeof v !== 'boolean') fail(f, 'true or false', v);
};
const rate: FieldRule = (v, f) => {
  if (typeof v !== 'number' || !(v >= 0 && v < 1)) fail(f, 'a number in [0, 1)', v);
};
const finite: FieldRule = (v, f) => {
  if (typeof v !== 'number' || !Number.isFinite(v)) fail(f, 'a finite number', v);
};
const nonNegative: FieldRule = (v, f) => {
  if (typeof v !== 'number' || !(v >= 0) || !Number.isFinite(v)) fail(f, 'a finite number ≥ 0', v);
};
const positive: FieldRule = (v, f) => {
  if (typeof v !== 'number' || !(v > 0) || !Number.isFinite(v)) fail(f, 'a finite number > 0', v);
};
/** A positive integer, or a pair of them (2-D kernels, strides and pools). */
const positiveIntOrPair: FieldRule = (v, f) => {
  const ok = isInt(v, 1) || (Array.isArray(v) && v.length === 2 && v.every((d) => isInt(d, 1)));
  if (!ok) fail(f, 'a positive integer or a pair of them', v);
};
const nonNegativePair: FieldRule = (v, f) => {
  if (!(Array.isArray(v) && v.length === 2 && v.every((d) => isInt(d, 0)))) fail(f, 'a pair of integers ≥ 0', v);
};
const oneOf =
  (allowed: readonly string[]): FieldRule =>
  (v, f) => {
    if (typeof v !== 'string' || !allowed.includes(v)) fail(f, `one of ${allowed.map((a) => `'${a}'`).join(', ')}`, v);
  };
const intArray =
  (min: number): FieldRule =>
  (v, f) => {
    if (!(Array.isArray(v) && v.length > 0 && v.every((d) => isInt(d, min) || (min === -1 && d === -1)))) {
      fail(f, min === -1 ? 'a non-empty array of positive integers or -1' : 'a non-empty array of positive integers', v);
    }
  };
const denseActivation: FieldRule = (v, f) => assertDenseActivation(v, `field '${f}'`);
const cellActivation = oneOf(ACTIVATION_NAMES);

/** Rules for the fields of a layer spec, by field name. */
const LAYER_FIELDS: Readonly<Record<string, FieldRule>> = {
  units: positiveInt,
  inputDim: positiveInt,
  outputDim: positiveInt,
  filters: positiveInt,
  n: positiveInt,
  size: positiveInt,
  dilationRate: positiveInt,
  kernelSize: positiveIntOrPair,
  strides: positiveIntOrPair,
  poolSize: positiveIntOrPair,
  axis: int,
  activation: denseActivation,
  useBias: bool,
  maskZero: bool,
  returnSequences: bool,
  goBackwards: bool,
  zeroOutputForMask: bool,
  returnState: bool,
  stateful: bool,
  center: bool,
  scale: bool,
  keepdims: bool,
  dropout: rate,
  recurrentDropout: rate,
  rate: rate,
  momentum: finite,
  epsilon: positive,
  stddev: nonNegative,
  maskValue: finite,
  cropping: nonNegativePair,
  dims: intArray(1),
  targetShape: intArray(-1),
  mergeMode: oneOf(['concat', 'sum', 'mul', 'ave']),
  numHeads: positiveInt,
  keyDim: positiveInt,
  valueDim: positiveInt,
  outputShape: (v, f) => {
    if (v !== null) positiveInt(v, f);
  },
  scoreMode: oneOf(['dot', 'concat']),
  useScale: bool,
  useCausalMask: bool,
  returnAttentionScores: bool,
  padding: (v, f) => (Array.isArray(v) ? nonNegativePair(v, f) : oneOf(['valid', 'same', 'causal'])(v, f)),
};

/** Rules for the fields of a recurrent layer's `cell`. */
const CELL_FIELDS: Readonly<Record<string, FieldRule>> = {
  kind: oneOf(['simpleRnn', 'lstm', 'gru']),
  units: positiveInt,
  activation: cellActivation,
  recurrentActivation: cellActivation,
  useBias: bool,
  unitForgetBias: bool,
  resetAfter: bool,
};

const isRecord = (v: unknown): v is Readonly<Record<string, unknown>> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Own fields only: a field named like an Object.prototype member ("constructor") is data, not a lookup. */
const ruleFor = (table: Readonly<Record<string, FieldRule>>, field: string): FieldRule | undefined =>
  Object.prototype.hasOwnProperty.call(table, field) ? table[field] : undefined;

/** Throws unless every field of layer spec `spec` (and of the specs and cell inside it) that the rules know is valid. */
function checkLayerSpec(spec: unknown, path: string): void {
  if (!isRecord(spec)) throw new Error(`${path === '' ? 'the layer' : `field '${path}'`} must be a layer spec (an object with a 'kind'), got ${shown(spec)}`);
  const at = (field: string): string => (path === '' ? field : `${path}.${field}`);
  if (typeof spec['kind'] !== 'string') fail(at('kind'), 'a layer kind (a string)', spec['kind']);
  if ('name' in spec && (typeof spec['name'] !== 'string' || spec['name'] === '' || spec['name'].includes('/'))) {
    fail(at('name'), "a non-empty string without '/'", spec['name']);
  }
  const nested = spec['kind'] === 'rnn' ? 'cell' : spec['kind'] === 'bidirectional' || spec['kind'] === 'timeDistributed' ? 'layer' : undefined;
  if (nested !== undefined && !(nested in spec)) fail(at(nested), 'present', undefined);
  for (const [field, value] of Object.entries(spec)) {
    if (field === 'layer') {
      checkLayerSpec(value, at('layer'));
    } else if (field === 'cell') {
      if (!isRecord(value)) fail(at('cell'), 'a cell configuration (an object)', value);
      const cellKind = (value as Readonly<Record<string, unknown>>)['kind'];
      const required = ['kind', 'units', 'activation', 'useBias', ...(cellKind === 'lstm' ? ['recurrentActivation', 'unitForgetBias'] : cellKind === 'gru' ? ['recurrentActivation', 'resetAfter'] : [])];
      for (const key of required) if (!(key in (value as object))) fail(at(`cell.${key}`), 'present', undefined);
      for (const [key, v] of Object.entries(value as object)) ruleFor(CELL_FIELDS, key)?.(v, at(`cell.${key}`));
    } else {
      ruleFor(LAYER_FIELDS, field)?.(value, at(field));
    }
  }
}

/**
 * Throws, naming the layer and the field, unless every layer of a sequential topology is a spec
 * whose known fields hold valid values (see the rules above). `who` starts the message.
 */
export function checkSequentialTopology(topology: unknown, who: string): void {
  if (!isRecord(topology)) throw new Error(`${who}: the topology must be an object, got ${shown(topology)}`);
  const { layers, inputShape, name } = topology;
  if (typeof name !== 'string') throw new Error(`${who}: the topology's 'name' must be a string, got ${shown(name)}`);
  if (!Array.isArray(inputShape) || inputShape.length < 2 || inputShape[0] !== null || inputShape.slice(1).some((d) => d !== null && !isInt(d, 1))) {
    throw new Error(`${who}: the topology's 'inputShape' must be [null, …] with positive integers or null after the batch axis, got ${shown(inputShape)}`);
  }
  if (!Array.isArray(layers) || layers.length === 0) throw new Error(`${who}: the topology's 'layers' must be a non-empty array, got ${shown(layers)}`);
  layers.forEach((spec: unknown, i) => {
    try {
      checkLayerSpec(spec, '');
    } catch (e) {
      const layerName = isRecord(spec) && typeof spec['name'] === 'string' ? ` '${spec['name']}'` : '';
      const kind = isRecord(spec) && typeof spec['kind'] === 'string' ? ` (${spec['kind']})` : '';
      throw new Error(`${who}: layers[${i}]${layerName}${kind}: ${(e as Error).message}`);
    }
  });
}

/** Rules for the `config` of the seq2seq and generator structures, and the fields each must have. */
const STRUCTURE_FIELDS: Readonly<Record<string, FieldRule>> = {
  sourceVocab: positiveInt,
  targetVocab: positiveInt,
  vocabSize: positiveInt,
  conditionSize: positiveInt,
  embeddingDim: positiveInt,
  units: positiveInt,
  sourceLength: positiveInt,
  cell: oneOf(['simpleRnn', 'lstm', 'gru']),
  attention: oneOf(['none', 'dot', 'general', 'bahdanau']),
  bidirectionalEncoder: bool,
};
const STRUCTURE_REQUIRED: Readonly<Record<'seq2seq' | 'generator', readonly string[]>> = {
  seq2seq: ['sourceVocab', 'targetVocab', 'embeddingDim', 'units', 'cell', 'attention', 'bidirectionalEncoder', 'sourceLength'],
  generator: ['conditionSize', 'vocabSize', 'embeddingDim', 'units', 'cell'],
};

/**
 * Throws, naming the field, unless a seq2seq or generator topology has a string name and a `config`
 * with every field its kind needs, each valid (a cell named "constructor" used to load as an LSTM).
 */
export function checkStructureTopology(topology: unknown, kind: 'seq2seq' | 'generator', who: string): void {
  if (!isRecord(topology)) throw new Error(`${who}: the topology must be an object, got ${shown(topology)}`);
  if (typeof topology['name'] !== 'string') throw new Error(`${who}: the topology's 'name' must be a string, got ${shown(topology['name'])}`);
  const config = topology['config'];
  if (!isRecord(config)) throw new Error(`${who}: a ${kind} topology needs a 'config' object, got ${shown(config)}`);
  try {
    for (const key of STRUCTURE_REQUIRED[kind]) if (!(key in config)) fail(`config.${key}`, 'present', undefined);
    for (const [key, value] of Object.entries(config)) ruleFor(STRUCTURE_FIELDS, key)?.(value, `config.${key}`);
  } catch (e) {
    throw new Error(`${who}: ${kind}: ${(e as Error).message}`);
  }
}

const isRef = (r: unknown): boolean => Array.isArray(r) && r.length === 3 && typeof r[0] === 'string' && isInt(r[1], 0) && isInt(r[2], 0);

function checkRefs(refs: unknown, field: string): void {
  if (!Array.isArray(refs) || !refs.every(isRef)) fail(field, "a list of [layerName, call, output] references", refs);
}

/** An input layer's spec: its shape with the batch axis (null) first, and its dtype. */
function checkInputSpec(spec: Readonly<Record<string, unknown>>): void {
  const shape = spec['shape'];
  if (!Array.isArray(shape) || shape.length < 2 || shape[0] !== null || shape.slice(1).some((d) => d !== null && !isInt(d, 1))) {
    fail('shape', '[null, …] with positive integers or null after the batch axis', shape);
  }
  oneOf(['float32', 'int32'])(spec['dtype'], 'dtype');
}

/**
 * Throws, naming the layer and the field, unless a functional topology has a name, layers whose specs
 * are valid (as in a sequential one) and named uniquely, calls and model inputs and outputs made of
 * `[layerName, call, output]` references. Which layer call a reference reaches is checked when building.
 */
export function checkFunctionalTopology(topology: Readonly<Record<string, unknown>>, who: string): void {
  const { layers, name } = topology;
  if (typeof name !== 'string') throw new Error(`${who}: the topology's 'name' must be a string, got ${shown(name)}`);
  if (!Array.isArray(layers) || layers.length === 0) throw new Error(`${who}: the topology's 'layers' must be a non-empty array, got ${shown(layers)}`);
  const names = new Set<string>();
  layers.forEach((layer: unknown, i) => {
    const spec = isRecord(layer) ? layer['spec'] : undefined;
    const label = isRecord(spec) && typeof spec['name'] === 'string' ? ` '${spec['name']}'` : '';
    try {
      if (!isRecord(layer)) return fail('layer', 'an object { spec, calls }', layer);
      if (!isRecord(spec) || typeof spec['name'] !== 'string') return fail('spec.name', 'a string', isRecord(spec) ? spec['name'] : spec);
      if (names.has(spec['name'])) fail('spec.name', 'unique among the layers', spec['name']);
      names.add(spec['name']);
      if (spec['kind'] === 'input') checkInputSpec(spec);
      else checkLayerSpec(spec, '');
      const calls = layer['calls'];
      if (!Array.isArray(calls) || calls.length === 0) fail('calls', 'a non-empty list', calls);
      (calls as unknown[]).forEach((call, c) => {
        if (!isRecord(call)) fail(`calls[${c}]`, 'an object { inputs, stateInputs }', call);
        checkRefs((call as Readonly<Record<string, unknown>>)['inputs'], `calls[${c}].inputs`);
        if (!isInt((call as Readonly<Record<string, unknown>>)['stateInputs'], 0)) fail(`calls[${c}].stateInputs`, 'an integer ≥ 0', (call as Readonly<Record<string, unknown>>)['stateInputs']);
      });
    } catch (e) {
      throw new Error(`${who}: layers[${i}]${label}: ${(e as Error).message}`);
    }
  });
  try {
    checkRefs(topology['inputs'], 'inputs');
    checkRefs(topology['outputs'], 'outputs');
  } catch (e) {
    throw new Error(`${who}: ${(e as Error).message}`);
  }
}

/** Validates any saveable topology by its kind (see the checks above); `who` starts the message. */
export function checkTopology(topology: unknown, who: string): void {
  const kind = isRecord(topology) ? topology['kind'] : undefined;
  if (kind === 'sequential') checkSequentialTopology(topology, who);
  else if (kind === 'functional') checkFunctionalTopology(topology as Readonly<Record<string, unknown>>, who);
  else if (kind === 'seq2seq' || kind === 'generator') checkStructureTopology(topology, kind, who);
  else throw new Error(`${who}: unknown model kind ${shown(kind)}`);
}
