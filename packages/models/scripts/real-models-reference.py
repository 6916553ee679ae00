#!/usr/bin/python3
"""Float64 NumPy reference predictions for the corpus of real tfjs-layers model files.

Run with Debian's interpreter (python3-numpy), from anywhere:

    /usr/bin/python3 packages/models/scripts/real-models-reference.py [--data DIR]

It reads `fixtures/real-models/corpus.json`, finds each entry's model.json and weight shards under
DIR (default: the fixtures folder itself, else `<repo>/../shared/data/real-models`), builds the
entry's deterministic input with the generator below (the same one `src/interop/real-models.test.ts`
uses), runs the Keras equations of the model's layers in float64 and writes
`fixtures/real-models/numpy-reference.json`. It is independent of rnnkit and of tfjs: the weights
are read from the shards as the manifest lays them out (dequantised where the manifest says so),
and every layer is written out below from Keras' definitions.

Shapes: B batch, T time, F features, H units, V vocabulary.

Generator (identical in the test):
  seed  = FNV-1a 32-bit hash of the slug's characters
  u     = mulberry32(seed) draws in [0, 1), row-major over [B, *shape]
  int32 : lo + floor(u * (hi - lo + 1));  float32: float32(lo + u * (hi - lo))
  B     = input.batch when given, else 2
"""
import argparse
import json
import math
import os
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.normpath(os.path.join(HERE, '..', 'fixtures', 'real-models'))
SHARED = os.path.normpath(os.path.join(HERE, '..', '..', '..', '..', 'shared', 'data', 'real-models'))
MASK32 = 0xFFFFFFFF


# ---- deterministic inputs -------------------------------------------------------------------

def fnv1a(text):
    h = 0x811C9DC5
    for ch in text:
        h ^= ord(ch)
        h = (h * 0x01000193) & MASK32
    return h


def imul(a, b):
    return (a * b) & MASK32


def mulberry32(seed):
    state = seed & MASK32
    while True:
        state = (state + 0x6D2B79F5) & MASK32
        t = state
        t = imul(t ^ (t >> 15), t | 1)
        t ^= (t + imul(t ^ (t >> 7), t | 61)) & MASK32
        yield ((t ^ (t >> 14)) & MASK32) / 4294967296.0


def make_input(entry):
    spec = entry['input']
    batch = spec.get('batch', 2)
    shape = [batch] + list(spec['shape'])
    lo, hi = spec['range']
    rng = mulberry32(fnv1a(entry['slug']))
    n = int(np.prod(shape))
    if spec['dtype'] == 'int32':
        values = [lo + math.floor(next(rng) * (hi - lo + 1)) for _ in range(n)]
        return np.array(values, dtype=np.int64).reshape(shape)
    values = [float(np.float32(lo + next(rng) * (hi - lo))) for _ in range(n)]
    return np.array(values, dtype=np.float64).reshape(shape)


# ---- weights ----------------------------------------------------------------------------------

DTYPES = {'float32': np.float32, 'int32': np.int32, 'uint8': np.uint8, 'uint16': np.uint16, 'float16': np.float16}


def read_weights(model_json_path, manifest):
    """All weights by manifest name, float64, shards concatenated in manifest order."""
    folder = os.path.dirname(model_json_path)
    blob = b''.join(open(os.path.join(folder, p), 'rb').read() for g in manifest for p in g['paths'])
    out = {}
    offset = 0
    for spec in (w for g in manifest for w in g['weights']):
        count = int(np.prod(spec['shape'])) if spec['shape'] else 1
        quant = spec.get('quantization')
        stored = DTYPES[quant['dtype'] if quant else spec['dtype']]
        size = count * np.dtype(stored).itemsize
        raw = np.frombuffer(blob, dtype=stored, count=count, offset=offset).astype(np.float64)
        offset += size
        if quant and quant['dtype'] in ('uint8', 'uint16'):
            raw = raw * quant['scale'] + quant['min']
        out[spec['name']] = raw.reshape(spec['shape'])
    if offset != len(blob):
        raise ValueError(f'{model_json_path}: the manifest describes {offset} bytes, the shards hold {len(blob)}')
    return out


class Weights:
    """Finds a layer's weights by name: `<layer>/…`, also under a model-name prefix (Keras 3)."""

    def __init__(self, weights, model_name):
        self.items = {}
        for name, value in weights.items():
            if model_name and name.startswith(model_name + '/'):
                name = name[len(model_name) + 1:]
            self.items[name] = value

    def get(self, layer, suffix, part=''):
        found = [v for k, v in self.items.items()
                 if k.startswith(layer + '/') and k.split('/')[-1] == suffix and part in k[len(layer):]]
        if len(found) != 1:
            raise KeyError(f'{layer}: expected one weight ending in /{suffix} (part {part!r}), found {len(found)}')
        return found[0]


# ---- activations ------------------------------------------------------------------------------

def activation(name, keras3):
    if name in (None, 'linear'):
        return lambda x: x
    if name == 'tanh':
        return np.tanh
    if name == 'sigmoid':
        return lambda x: 1.0 / (1.0 + np.exp(-x))
    if name == 'relu':
        return lambda x: np.maximum(x, 0.0)
    if name == 'hard_sigmoid':
        # Keras 2 and tfjs-layers: clip(0.2x + 0.5); Keras 3: relu6(x + 3) / 6
        if keras3:
            return lambda x: np.clip(x / 6.0 + 0.5, 0.0, 1.0)
        return lambda x: np.clip(0.2 * x + 0.5, 0.0, 1.0)
    if name == 'softmax':
        def softmax(x):
            e = np.exp(x - x.max(axis=-1, keepdims=True))
            return e / e.sum(axis=-1, keepdims=True)
        return softmax
    raise ValueError(f'activation {name!r} is not implemented in this reference')


def act_name(value):
    return value if isinstance(value, str) or value is None else value.get('config', {}).get('name', value.get('class_name'))


# ---- recurrent layers -------------------------------------------------------------------------

def lstm_step(cfg, w, keras3):
    """h, c ← LSTM(x, h, c): z = x·W + h·U + b, gates i, f, c̃, o in Keras order."""
    act, rec = activation(act_name(cfg.get('activation', 'tanh')), keras3), activation(act_name(cfg.get('recurrent_activation', 'sigmoid')), keras3)
    W, U, b = w
    H = U.shape[0]

    def step(x, state):
        h, c = state
        z = x @ W + h @ U + b
        i, f, g, o = rec(z[:, :H]), rec(z[:, H:2 * H]), act(z[:, 2 * H:3 * H]), rec(z[:, 3 * H:])
        c = f * c + i * g
        h = o * act(c)
        return h, (h, c)
    return step, (H, 2)


def gru_step(cfg, w, keras3):
    """h ← GRU(x, h), gates z, r, h̃; reset_after applies r to (h·U_h + b_rec,h)."""
    act, rec = activation(act_name(cfg.get('activation', 'tanh')), keras3), activation(act_name(cfg.get('recurrent_activation', 'sigmoid')), keras3)
    W, U, b = w
    H = U.shape[0]
    reset_after = bool(cfg.get('reset_after', False))

    def step(x, state):
        (h,) = state
        if reset_after:
            bx, bh = (b[0], b[1]) if b.ndim == 2 else (b, np.zeros_like(b))
            mx = x @ W + bx
            mh = h @ U + bh
            z = rec(mx[:, :H] + mh[:, :H])
            r = rec(mx[:, H:2 * H] + mh[:, H:2 * H])
            hh = act(mx[:, 2 * H:] + r * mh[:, 2 * H:])
        else:
            mx = x @ W + b
            z = rec(mx[:, :H] + h @ U[:, :H])
            r = rec(mx[:, H:2 * H] + h @ U[:, H:2 * H])
            hh = act(mx[:, 2 * H:] + (r * h) @ U[:, 2 * H:])
        h = z * h + (1.0 - z) * hh
        return h, (h,)
    return step, (H, 1)


def simple_rnn_step(cfg, w, keras3):
    act = activation(act_name(cfg.get('activation', 'tanh')), keras3)
    W, U, b = w
    H = U.shape[0]

    def step(x, state):
        (h,) = state
        h = act(x @ W + h @ U + b)
        return h, (h,)
    return step, (H, 1)


STEPS = {'LSTM': lstm_step, 'GRU': gru_step, 'SimpleRNN': simple_rnn_step}


def run_rnn(cfg, step_and_size, x, mask):
    """Scan over T (x [B, T, F]); masked steps keep the state and repeat the previous output, as Keras."""
    step, (H, n_states) = step_and_size
    B, T = x.shape[0], x.shape[1]
    state = tuple(np.zeros((B, H)) for _ in range(n_states))
    output = np.zeros((B, H))
    order = range(T - 1, -1, -1) if cfg.get('go_backwards', False) else range(T)
    outputs = []
    for t in order:
        y, new_state = step(x[:, t, :], state)
        if mask is not None:
            keep = mask[:, t][:, None]
            y = np.where(keep, y, output)
            new_state = tuple(np.where(keep, n, o) for n, o in zip(new_state, state))
        state, output = new_state, y
        outputs.append(y)
    if cfg.get('return_sequences', False):
        return np.stack(outputs, axis=1)
    return output


def rnn_weights(weights, layer, part=''):
    return (weights.get(layer, 'kernel', part), weights.get(layer, 'recurrent_kernel', part), weights.get(layer, 'bias', part))


# ---- the model --------------------------------------------------------------------------------

def strings(value):
    """Every string inside a JSON value (the layer names an inbound_nodes entry mentions)."""
    if isinstance(value, str):
        return {value}
    if isinstance(value, dict):
        return set().union(*(strings(v) for v in value.values())) if value else set()
    if isinstance(value, list):
        return set().union(*(strings(v) for v in value)) if value else set()
    return set()


def layer_list(topology):
    config = topology.get('model_config', topology)
    inner = config['config']
    layers = inner if isinstance(inner, list) else inner['layers']
    name = None if isinstance(inner, list) else inner.get('name')
    if config['class_name'] in ('Model', 'Functional'):
        known = {layer['config']['name'] for layer in layers}
        for prev, layer in zip(layers, layers[1:]):
            sources = strings(layer.get('inbound_nodes', [])) & known
            if sources != {prev['config']['name']}:
                raise ValueError(f"functional model is not a chain: {layer['config']['name']} reads {sorted(sources)}, not {prev['config']['name']}")
    return layers, name


def predict(model_json_path, x):
    model = json.load(open(model_json_path))
    topology = model['modelTopology']
    version = str(topology.get('keras_version', ''))
    keras3 = version.startswith('3.')
    layers, model_name = layer_list(topology)
    weights = Weights(read_weights(model_json_path, model['weightsManifest']), model_name)
    return run_layers(layers, weights, keras3, x)


def run_layers(layers, weights, keras3, x):
    """The Keras equations of `layers` in order on x; `weights` a Weights (also used by packages/keras/scripts)."""
    mask = None
    h = x
    for layer in layers:
        kind, cfg, name = layer['class_name'], layer['config'], layer['config']['name']
        if kind == 'InputLayer' or kind == 'Dropout':
            continue
        if kind == 'Embedding':
            ids = h.astype(np.int64)
            h = weights.get(name, 'embeddings')[ids]
            mask = ids != 0 if cfg.get('mask_zero', False) else None
        elif kind in STEPS:
            h = run_rnn(cfg, STEPS[kind](cfg, rnn_weights(weights, name), keras3), h, mask)
            if not cfg.get('return_sequences', False):
                mask = None
        elif kind == 'Bidirectional':
            inner = cfg['layer']
            inner_cfg = inner['config']
            fw = run_rnn(inner_cfg, STEPS[inner['class_name']](inner_cfg, rnn_weights(weights, name, 'forward_'), keras3), h, mask)
            back_cfg = dict(inner_cfg, go_backwards=not inner_cfg.get('go_backwards', False))
            bw = run_rnn(back_cfg, STEPS[inner['class_name']](back_cfg, rnn_weights(weights, name, 'backward_'), keras3), h, mask)
            if inner_cfg.get('return_sequences', False):
                bw = bw[:, ::-1, :]
            merge = cfg.get('merge_mode', 'concat')
            h = {'concat': lambda: np.concatenate([fw, bw], axis=-1), 'sum': lambda: fw + bw,
                 'mul': lambda: fw * bw, 'ave': lambda: (fw + bw) / 2}[merge]()
            if not inner_cfg.get('return_sequences', False):
                mask = None
        elif kind == 'Dense':
            h = h @ weights.get(name, 'kernel')
            if cfg.get('use_bias', True):
                h = h + weights.get(name, 'bias')
            h = activation(act_name(cfg.get('activation')), keras3)(h)
        elif kind == 'Activation':
            h = activation(act_name(cfg['activation']), keras3)(h)
        elif kind == 'GlobalMaxPooling1D':
            h = h.max(axis=1)
            mask = None
        elif kind == 'Reshape':
            h = h.reshape([h.shape[0]] + [-1 if d is None else d for d in cfg['target_shape']])
        elif kind == 'BatchNormalization':
            # inference: (x - moving_mean) / sqrt(moving_variance + epsilon) * gamma + beta, last axis
            eps = cfg.get('epsilon', 1e-3)
            h = (h - weights.get(name, 'moving_mean')) / np.sqrt(weights.get(name, 'moving_variance') + eps)
            if cfg.get('scale', True):
                h = h * weights.get(name, 'gamma')
            if cfg.get('center', True):
                h = h + weights.get(name, 'beta')
        else:
            raise ValueError(f'layer class {kind} is not implemented in this reference')
    return h


def resolve(data_dir, entry):
    for base in ([data_dir] if data_dir else [FIXTURES, SHARED]):
        path = os.path.join(base, entry['modelJson'])
        if os.path.exists(path):
            return path
    return None


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--data', help='folder holding <slug>/model.json (default: the fixtures, else shared/data/real-models)')
    args = parser.parse_args()
    corpus = json.load(open(os.path.join(FIXTURES, 'corpus.json')))
    result = {'generator': 'FNV-1a(slug) → mulberry32; int32 lo + floor(u·(hi − lo + 1)), float32 fround(lo + u·(hi − lo)); batch input.batch or 2',
              'script': 'packages/models/scripts/real-models-reference.py', 'entries': {}}
    for entry in corpus:
        path = resolve(args.data, entry)
        if path is None:
            print(f"{entry['slug']}: model files not found, skipped", file=sys.stderr)
            continue
        x = make_input(entry)
        try:
            y = predict(path, x)
        except (ValueError, KeyError) as error:
            print(f"{entry['slug']}: not computed ({error})", file=sys.stderr)
            continue
        result['entries'][entry['slug']] = {'inputShape': list(x.shape), 'outputShape': list(y.shape),
                                            'output': [float(f'{v:.10g}') for v in y.reshape(-1)]}
        print(f"{entry['slug']}: output {list(y.shape)}")
    with open(os.path.join(FIXTURES, 'numpy-reference.json'), 'w') as out:
        # one line per entry: small, and a changed entry shows as one changed line
        entries = ',\n'.join(f'  {json.dumps(slug)}: {json.dumps(value)}' for slug, value in result['entries'].items())
        head = json.dumps({k: v for k, v in result.items() if k != 'entries'}, ensure_ascii=False)[:-1]
        out.write(f'{head},\n "entries": {{\n{entries}\n }}\n}}\n')


if __name__ == '__main__':
    main()
