#!/usr/bin/python3
"""Float64 NumPy reference predictions for real Keras files (.keras and .h5), read with h5py.

Run with Debian's interpreter (python3-numpy, python3-h5py), from anywhere:

    /usr/bin/python3 packages/keras/scripts/keras-files-reference.py

It reads `fixtures/real-models/corpus.json`, finds each entry's file in `fixtures/real-models/<slug>/`
(else `<repo>/../shared/data/real-models/<slug>/`), reads the model config and the weights with h5py
(and zipfile for .keras archives), runs the Keras equations in float64 — the layer code of
`packages/models/scripts/real-models-reference.py`, imported — on the entry's deterministic input
(the generator there, identical in `src/real-files.test.ts`) and writes `fixtures/real-models/keras-reference.json`.
Nothing here comes from rnnkit: the weights are found by this script's own reading of the layouts:

  Keras 2 .h5   model_weights/<layer>/ lists its datasets in the attribute weight_names
  Keras 3       model.weights.h5: the k-th layer of a class at layers/<snake_case class>[_k], its
                variables vars/0, 1, … (cells at cell/vars, Bidirectional at forward_layer/cell/vars and
                backward_layer/cell/vars, TimeDistributed at layer/vars), in the order Keras creates
                them (KERAS3_VARIABLES below); tf.keras 2.13–2.15 wrote the same store in .keras files,
                on Windows with the groups before /vars joined by backslashes (store_group)

The layers the imported code lacks (Conv1D, MaxPooling1D, Flatten, TimeDistributed, RepeatVector,
Masking before a recurrent layer) are run here (run_model). A corpus entry's input may set
`maskedTail: [k, v]`: the second sequence's last k steps become v, so a Masking layer masks them.
An entry's `outputStride` keeps every so many values of a large output. Files not found keep their
committed entries in keras-reference.json.

With --compare-layout SAVED REAL it instead compares two .keras files' weights layout (groups, their
attributes, dataset names, dtypes and shapes; the real file's optimizer and metrics state left out)
and their config.json (class names and config keys), and prints the differences; exit status 1 if
there are any.
"""
import argparse
import importlib.util
import io
import json
import os
import re
import sys
import zipfile

import h5py
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.normpath(os.path.join(HERE, '..', 'fixtures', 'real-models'))
SHARED = os.path.normpath(os.path.join(HERE, '..', '..', '..', '..', 'shared', 'data', 'real-models'))

_spec = importlib.util.spec_from_file_location('real_models_reference', os.path.join(HERE, '..', '..', 'models', 'scripts', 'real-models-reference.py'))
ref = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(ref)

# Keras 3's variable order per class (what each layer's build() creates), with the names we call them
KERAS3_VARIABLES = {
    'Dense': lambda c: ['kernel'] + (['bias'] if c.get('use_bias', True) else []),
    'Conv1D': lambda c: ['kernel'] + (['bias'] if c.get('use_bias', True) else []),
    'Embedding': lambda c: ['embeddings'],
    'LSTM': lambda c: ['kernel', 'recurrent_kernel'] + (['bias'] if c.get('use_bias', True) else []),
    'GRU': lambda c: ['kernel', 'recurrent_kernel'] + (['bias'] if c.get('use_bias', True) else []),
    'SimpleRNN': lambda c: ['kernel', 'recurrent_kernel'] + (['bias'] if c.get('use_bias', True) else []),
    'BatchNormalization': lambda c: (['gamma'] if c.get('scale', True) else []) + (['beta'] if c.get('center', True) else []) + ['moving_mean', 'moving_variance'],
    'LayerNormalization': lambda c: (['gamma'] if c.get('scale', True) else []) + (['beta'] if c.get('center', True) else []),
}
RECURRENT = {'LSTM', 'GRU', 'SimpleRNN'}


def snake_case(name):
    name = re.sub(r'\W+', '', name)
    name = re.sub('(.)([A-Z][a-z]+)', r'\1_\2', name)
    return re.sub('([a-z])([A-Z])', r'\1_\2', name).lower()


def read_vars(group, names, where):
    keys = sorted(group.keys(), key=int)
    if len(keys) != len(names):
        raise ValueError(f'{where}: {len(keys)} variables, expected {names}')
    return {n: np.array(group[k], dtype=np.float64) for n, k in zip(names, keys)}


def store_group(h5, path):
    """h5[path] (`layers/lstm/cell/vars`), or h5['layers\\lstm\\cell/vars']: tf.keras 2.13–2.15 on
    Windows joined the part before /vars with the OS separator, a backslash, into one group name."""
    if path in h5:
        return h5[path]
    head, tail = path.rsplit('/', 1)
    return h5[head.replace('/', '\\') + '/' + tail]


def keras3_weights(h5, layers):
    """{'<layer>/<name>': value, '<bidi>/forward_<inner>/<name>': …, '<td>/<name>': …} from a Keras 3 store."""
    out, used = {}, {}
    for layer in layers:
        kind, cfg = layer['class_name'], layer['config']
        if kind == 'InputLayer':
            continue
        base = snake_case(kind)
        used[base] = used.get(base, -1) + 1
        path = 'layers/' + (base if used[base] == 0 else f'{base}_{used[base]}')
        name = cfg['name']
        if kind in RECURRENT:
            for n, v in read_vars(store_group(h5, path + '/cell/vars'), KERAS3_VARIABLES[kind](cfg), path).items():
                out[f'{name}/{n}'] = v
        elif kind == 'Bidirectional':
            inner = cfg['layer']
            for direction in ('forward', 'backward'):
                sub = f'{path}/{direction}_layer/cell/vars'
                for n, v in read_vars(store_group(h5, sub), KERAS3_VARIABLES[inner['class_name']](inner['config']), sub).items():
                    out[f'{name}/{direction}_{inner["config"]["name"]}/{n}'] = v
        elif kind == 'TimeDistributed':
            inner = cfg['layer']
            names = KERAS3_VARIABLES.get(inner['class_name'], lambda c: [])(inner['config'])
            for n, v in read_vars(store_group(h5, path + '/layer/vars'), names, path + '/layer').items():
                out[f'{name}/{n}'] = v
        elif kind in KERAS3_VARIABLES:
            for n, v in read_vars(store_group(h5, path + '/vars'), KERAS3_VARIABLES[kind](cfg), path).items():
                out[f'{name}/{n}'] = v
        elif len(store_group(h5, path + '/vars').keys()) != 0:
            raise ValueError(f'{path}: {kind} has variables this reference does not know')
    return out


def keras2_weights(h5):
    """{'<layer>/<weight name without :0>': value} from model_weights/."""
    root = h5['model_weights']
    out = {}
    for layer in [n.decode() if isinstance(n, bytes) else n for n in root.attrs['layer_names']]:
        for wn in root[layer].attrs['weight_names']:
            wn = wn.decode() if isinstance(wn, bytes) else wn
            key = wn if wn.startswith(layer + '/') else f'{layer}/{wn}'
            out[re.sub(r':\d+$', '', key)] = np.array(root[layer][wn], dtype=np.float64)
    return out


def open_model(path):
    """(layers, weights as ref.Weights, keras3 flag) of a .keras or .h5 file."""
    with open(path, 'rb') as f:
        head = f.read(4)
    if head == b'PK\x03\x04':
        z = zipfile.ZipFile(path)
        config = json.loads(z.read('config.json'))
        version = json.loads(z.read('metadata.json'))['keras_version']
        layers, model_name = ref.layer_list(config)
        with h5py.File(io.BytesIO(z.read('model.weights.h5')), 'r') as h5:
            weights = keras3_weights(h5, layers)
        return layers, ref.Weights(weights, None), version.startswith('3.')
    with h5py.File(path, 'r') as h5:
        config = json.loads(h5.attrs['model_config'])
        version = h5.attrs.get('keras_version', '')
        version = version.decode() if isinstance(version, bytes) else str(version)
        layers, model_name = ref.layer_list(config)
        weights = keras2_weights(h5)
    return layers, ref.Weights(weights, model_name), version.startswith('3.')


def conv1d(cfg, kernel, bias, x):
    """Keras Conv1D, channels_last: y[b, t, o] = act(Σ_k Σ_c x_pad[b, t·s + k·d, c] · kernel[k, c, o] + bias[o]);
    padding 'same' pads as TensorFlow does (⌊total/2⌋ before, the rest after), 'valid' not at all."""
    if cfg.get('data_format', 'channels_last') != 'channels_last' or cfg.get('groups', 1) != 1:
        raise ValueError(f"{cfg['name']}: this reference does channels_last, groups 1 Conv1D only")
    K = kernel.shape[0]
    (s,), (d,) = cfg.get('strides', [1]), cfg.get('dilation_rate', [1])
    T = x.shape[1]
    if cfg.get('padding', 'valid') == 'same':
        out = -(-T // s)
        total = max((out - 1) * s + (K - 1) * d + 1 - T, 0)
        x = np.pad(x, ((0, 0), (total // 2, total - total // 2), (0, 0)))
    elif cfg.get('padding', 'valid') != 'valid':
        raise ValueError(f"{cfg['name']}: padding {cfg['padding']!r} is not in this reference")
    out = (x.shape[1] - (K - 1) * d - 1) // s + 1
    y = sum(x[:, k * d: k * d + (out - 1) * s + 1: s, :] @ kernel[k] for k in range(K))
    if bias is not None:
        y = y + bias
    return ref.activation(ref.act_name(cfg.get('activation')), False)(y)


def max_pool1d(cfg, x):
    """Keras MaxPooling1D, channels_last, padding 'valid': y[b, t, c] = max_j x[b, t·s + j, c], j < pool_size."""
    (p,), (s,) = cfg['pool_size'], cfg.get('strides') or cfg['pool_size']
    if cfg.get('padding', 'valid') != 'valid':
        raise ValueError(f"{cfg['name']}: this reference does padding 'valid' MaxPooling1D only")
    out = (x.shape[1] - p) // s + 1
    return np.max(np.stack([x[:, j: j + (out - 1) * s + 1: s, :] for j in range(p)]), axis=0)


def own_layer(kind, cfg, name, weights, h, keras3=False):
    """The output of a layer class ref.run_layers lacks (no mask: these come before any Embedding), or None."""
    if kind == 'Conv1D':
        return conv1d(cfg, weights.get(name, 'kernel'), weights.get(name, 'bias') if cfg.get('use_bias', True) else None, h)
    if kind == 'MaxPooling1D':
        return max_pool1d(cfg, h)
    if kind == 'Flatten':
        return h.reshape(h.shape[0], -1)
    if kind == 'TimeDistributed':
        # the wrapped layer on each time step: [B, T, …] → [B·T, …] → layer → [B, T, …]
        inner = cfg['layer']
        B, T = h.shape[0], h.shape[1]
        steps = h.reshape((B * T,) + h.shape[2:])
        y = own_layer(inner['class_name'], inner['config'], name, weights, steps, keras3)
        if y is None:
            # a layer ref.run_layers has (Dense, …), its weights found under the wrapper's name
            y = ref.run_layers([{'class_name': inner['class_name'], 'config': dict(inner['config'], name=name)}], weights, keras3, steps)
        return y.reshape((B, T) + y.shape[1:])
    return None


def run_model(layers, weights, keras3, x):
    """ref.run_layers, with the layers it lacks done here between its runs: Conv1D, MaxPooling1D,
    Flatten, TimeDistributed of those (own_layer), RepeatVector (x [B, F] → [B, n, F], no mask passes
    it, as in Keras) and Masking directly before a recurrent layer (mask [B, T] = any(x != mask_value)
    over features; the layer keeps its state and repeats its previous output on masked steps; a
    return_sequences output would carry the mask on, which this reference does not follow, so it
    refuses that)."""
    h, start, i = x, 0, 0
    while i < len(layers):
        kind, cfg = layers[i]['class_name'], layers[i]['config']
        if kind in ('Conv1D', 'MaxPooling1D', 'Flatten', 'TimeDistributed'):
            h = own_layer(kind, cfg, cfg['name'], weights, ref.run_layers(layers[start:i], weights, keras3, h), keras3)
            start = i + 1
        elif kind == 'RepeatVector':
            h = ref.run_layers(layers[start:i], weights, keras3, h)
            h = np.repeat(h[:, None, :], cfg['n'], axis=1)
            start = i + 1
        elif kind == 'Masking':
            h = ref.run_layers(layers[start:i], weights, keras3, h)
            rnn = layers[i + 1] if i + 1 < len(layers) else None
            if rnn is None or rnn['class_name'] not in ref.STEPS or rnn['config'].get('return_sequences', False):
                raise ValueError(f"{cfg['name']}: this reference does Masking only before a recurrent layer without return_sequences")
            mask = np.any(h != cfg.get('mask_value', 0.0), axis=-1)
            rc = rnn['config']
            h = ref.run_rnn(rc, ref.STEPS[rnn['class_name']](rc, ref.rnn_weights(weights, rc['name']), keras3), h, mask)
            i += 1
            start = i + 1
        i += 1
    return ref.run_layers(layers[start:], weights, keras3, h)


def resolve(entry):
    for base in (FIXTURES, SHARED):
        path = os.path.join(base, entry['file'])
        if os.path.exists(path):
            return path
    return None


def layout(path):
    """Groups with attributes, datasets with dtype and shape, and config classes with config keys, of a .keras file."""
    z = zipfile.ZipFile(path)
    items = {}
    with h5py.File(io.BytesIO(z.read('model.weights.h5')), 'r') as h5:
        def visit(name, obj):
            if isinstance(obj, h5py.Dataset):
                items[name] = ('dataset', str(obj.dtype), obj.shape, dict(obj.attrs))
            else:
                items[name] = ('group', {k: (v.decode() if isinstance(v, bytes) else str(v)) for k, v in obj.attrs.items()})
        h5.visititems(visit)
        items['/'] = ('root', dict(h5.attrs))
    config = json.loads(z.read('config.json'))
    classes = {}
    for layer in config['config']['layers']:
        classes.setdefault(layer['class_name'], sorted(layer['config'].keys()))
    members = [i.filename for i in z.infolist()]
    return items, classes, sorted(k for k in config if k != 'compile_config'), members, sorted(json.loads(z.read('metadata.json')).keys())


def compare_layout(saved, real):
    a_items, a_classes, a_top, a_members, a_meta = layout(saved)
    b_items, b_classes, b_top, b_members, b_meta = layout(real)
    # the real file may have been compiled: its optimizer's and metrics' state is not part of the model
    b_items = {k: v for k, v in b_items.items() if not k.startswith(('optimizer', 'metrics'))}
    diffs = []
    for key in sorted(set(a_items) | set(b_items)):
        if a_items.get(key) != b_items.get(key):
            diffs.append(f'{key}: saved {a_items.get(key)} vs real {b_items.get(key)}')
    for cls in sorted(set(a_classes) & set(b_classes)):
        if a_classes[cls] != b_classes[cls]:
            diffs.append(f'config of {cls}: keys only in saved {sorted(set(a_classes[cls]) - set(b_classes[cls]))}, only in real {sorted(set(b_classes[cls]) - set(a_classes[cls]))}')
    for what, a, b in (('archive members', a_members, b_members), ('config.json top-level keys', a_top, b_top), ('metadata.json keys', a_meta, b_meta)):
        if a != b:
            diffs.append(f'{what}: saved {a} vs real {b}')
    return diffs


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--compare-layout', nargs=2, metavar=('SAVED', 'REAL'))
    args = parser.parse_args()
    if args.compare_layout:
        diffs = compare_layout(*args.compare_layout)
        print('\n'.join(diffs) if diffs else 'layouts equal')
        sys.exit(1 if diffs else 0)
    corpus = json.load(open(os.path.join(FIXTURES, 'corpus.json')))
    out_path = os.path.join(FIXTURES, 'keras-reference.json')
    committed = json.load(open(out_path))['entries'] if os.path.exists(out_path) else {}
    entries = {}
    for entry in corpus:
        path = resolve(entry)
        if path is None:
            if entry['slug'] in committed:
                entries[entry['slug']] = committed[entry['slug']]
            print(f"{entry['slug']}: file not found, its committed entry kept" if entry['slug'] in committed else f"{entry['slug']}: file not found, skipped", file=sys.stderr)
            continue
        layers, weights, keras3 = open_model(path)
        x = ref.make_input(entry)
        if 'maskedTail' in entry['input']:
            # the last `steps` time steps of the batch's second sequence set to `value` (what a Masking layer masks)
            steps, value = entry['input']['maskedTail']
            x[1, x.shape[1] - steps:, :] = value
        y = run_model(layers, weights, keras3, x)
        # a large output is kept every `outputStride`-th value (the corpus entry's; 1: all)
        stride = entry.get('outputStride', 1)
        values = [float(f'{v:.10g}') for v in y.reshape(-1)[::stride]]
        entries[entry['slug']] = {'inputShape': list(x.shape), 'outputShape': list(y.shape), **({'outputStride': stride} if stride != 1 else {}), 'output': values}
        print(f"{entry['slug']}: output {list(y.shape)}")
    with open(out_path, 'w') as out:
        lines = ',\n'.join(f'  {json.dumps(slug)}: {json.dumps(value)}' for slug, value in entries.items())
        out.write('{\n "script": "packages/keras/scripts/keras-files-reference.py",\n "entries": {\n' + lines + '\n }\n}\n')


if __name__ == '__main__':
    main()
