#!/usr/bin/python3
"""Writes the float16 fixtures of fixtures/float16/ and their float64 NumPy reference, without Keras.

Run with Debian's interpreter (python3-numpy, python3-h5py), from anywhere:

    /usr/bin/python3 packages/keras/scripts/float16-files.py

Keras is not needed: the files are written with h5py and zipfile in the layouts real Keras files
have (those of fixtures/real-models/), for an Embedding(12, 4) → LSTM(5) → Dense(3) model whose
layers declare a `mixed_float16` dtype policy (the Dense layer `float16`) and whose every variable
is stored as float16 (`<f2`):

  mixed-float16.keras   Keras 3.12: config.json with DTypePolicy objects, metadata.json, and
                        model.weights.h5 with layers/<layer>/vars/0… (the LSTM's at layers/lstm/cell/vars)
  mixed-float16.h5      tf.keras 2.13: the model_config attribute (Policy objects) and
                        model_weights/<layer>/<layer>/…:0 datasets listed in weight_names

(A real Keras mixed_float16 model keeps float32 variables; files with float16 variables come from
the `float16` policy or from casting the weights — this loader must read them either way.)

The weights are seeded normal values rounded to float16, with deliberately awkward ones put in:
subnormals (2^-24, the smallest, and others below 2^-14), the float16 maximum 65504 and other large
values in embedding rows the inputs use (they saturate the LSTM's gates). The reference (expected.json)
is the Keras equations in float64 — the layer code of packages/models/scripts/real-models-reference.py,
imported — on the float16 weights upcast, read back from the written files by
keras-files-reference.py's own readers (so what the files hold, not what this script meant to
write, is the reference). It also records every weight's values, exactly, and float16 bit patterns.
"""
import importlib.util
import io
import json
import os
import zipfile

import h5py
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.normpath(os.path.join(HERE, '..', 'fixtures', 'float16'))

_spec = importlib.util.spec_from_file_location('keras_files_reference', os.path.join(HERE, 'keras-files-reference.py'))
kref = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(kref)
ref = kref.ref

VOCAB, EMBED, UNITS, CLASSES, STEPS = 12, 4, 5, 3, 6
INPUT = [[1, 5, 2, 7, 11, 3], [4, 4, 9, 1, 2, 8]]  # token ids, batch 2 × 6 steps


def weights():
    """{name: float16 array} in Keras' variable order, with subnormal and large values placed."""
    rng = np.random.default_rng(20261203)
    w = {
        'embedding/embeddings': rng.normal(0, 0.7, (VOCAB, EMBED)),
        'lstm/kernel': rng.normal(0, 0.45, (EMBED, 4 * UNITS)),
        'lstm/recurrent_kernel': rng.normal(0, 0.4, (UNITS, 4 * UNITS)),
        'lstm/bias': rng.normal(0, 0.2, (4 * UNITS,)),
        'dense/kernel': rng.normal(0, 0.8, (UNITS, CLASSES)),
        'dense/bias': rng.normal(0, 0.3, (CLASSES,)),
    }
    w = {k: v.astype(np.float16) for k, v in w.items()}
    tiny = np.float16(2.0 ** -24)  # the smallest subnormal, bits 0x0001
    w['embedding/embeddings'][5] = np.array([tiny, -3 * tiny, 1000.7, -0.0001234], dtype=np.float16)  # token 5 is in INPUT
    w['embedding/embeddings'][7, 0] = np.float16(-2.0 ** -15 - 2.0 ** -20)  # a subnormal
    w['lstm/kernel'][0, :3] = np.array([2.0 ** -17, -2.0 ** -14 * 0.999, 3.0e-7], dtype=np.float16)
    w['lstm/recurrent_kernel'][1, 2] = np.float16(-517.3)
    w['embedding/embeddings'][11, 1:3] = np.array([65504.0, -60000.0], dtype=np.float16)  # the maximum, and a large one (token 11 is in INPUT)
    w['dense/bias'][2] = np.float16(0.000061)  # a subnormal, just below 2^-14
    w['dense/kernel'][0, 0] = np.float16(1.0009765625)  # 1 + 2^-10: one ulp above 1
    return w


def dtype_policy3(name):
    return {'module': 'keras', 'class_name': 'DTypePolicy', 'config': {'name': name}, 'registered_name': None}


def keras3_config():
    mixed = dtype_policy3('mixed_float16')
    return {
        'module': 'keras', 'class_name': 'Sequential', 'registered_name': None,
        'config': {'name': 'sequential', 'trainable': True, 'dtype': mixed, 'layers': [
            {'module': 'keras.layers', 'class_name': 'InputLayer', 'registered_name': None,
             'config': {'batch_shape': [None, STEPS], 'dtype': 'int32', 'sparse': False, 'ragged': False, 'name': 'input_layer'}},
            {'module': 'keras.layers', 'class_name': 'Embedding', 'registered_name': None, 'build_config': {'input_shape': [None, STEPS]},
             'config': {'name': 'embedding', 'trainable': True, 'dtype': mixed, 'input_dim': VOCAB, 'output_dim': EMBED,
                        'embeddings_initializer': {'module': 'keras.initializers', 'class_name': 'RandomUniform', 'config': {'seed': None, 'minval': -0.05, 'maxval': 0.05}, 'registered_name': None},
                        'embeddings_regularizer': None, 'activity_regularizer': None, 'embeddings_constraint': None, 'mask_zero': False}},
            {'module': 'keras.layers', 'class_name': 'LSTM', 'registered_name': None, 'build_config': {'input_shape': [None, STEPS, EMBED]},
             'config': {'name': 'lstm', 'trainable': True, 'dtype': mixed, 'return_sequences': False, 'return_state': False,
                        'go_backwards': False, 'stateful': False, 'unroll': False, 'zero_output_for_mask': False, 'units': UNITS,
                        'activation': 'tanh', 'recurrent_activation': 'sigmoid', 'use_bias': True,
                        'kernel_initializer': {'module': 'keras.initializers', 'class_name': 'GlorotUniform', 'config': {'seed': None}, 'registered_name': None},
                        'recurrent_initializer': {'module': 'keras.initializers', 'class_name': 'Orthogonal', 'config': {'seed': None, 'gain': 1.0}, 'registered_name': None},
                        'bias_initializer': {'module': 'keras.initializers', 'class_name': 'Zeros', 'config': {}, 'registered_name': None},
                        'unit_forget_bias': True, 'kernel_regularizer': None, 'recurrent_regularizer': None, 'bias_regularizer': None,
                        'activity_regularizer': None, 'kernel_constraint': None, 'recurrent_constraint': None, 'bias_constraint': None,
                        'dropout': 0.0, 'recurrent_dropout': 0.0, 'seed': None}},
            {'module': 'keras.layers', 'class_name': 'Dense', 'registered_name': None, 'build_config': {'input_shape': [None, UNITS]},
             'config': {'name': 'dense', 'trainable': True, 'dtype': dtype_policy3('float16'), 'units': CLASSES, 'activation': 'linear', 'use_bias': True,
                        'kernel_initializer': {'module': 'keras.initializers', 'class_name': 'GlorotUniform', 'config': {'seed': None}, 'registered_name': None},
                        'bias_initializer': {'module': 'keras.initializers', 'class_name': 'Zeros', 'config': {}, 'registered_name': None},
                        'kernel_regularizer': None, 'bias_regularizer': None, 'kernel_constraint': None, 'bias_constraint': None}},
        ]},
        'build_config': {'input_shape': [None, STEPS]},
    }


def write_keras3(path, w):
    store = io.BytesIO()
    with h5py.File(store, 'w') as h5:
        h5.create_group('layers')
        for layer, names, vars_path in [('embedding', ['embeddings'], 'layers/embedding/vars'),
                                        ('lstm', ['kernel', 'recurrent_kernel', 'bias'], 'layers/lstm/cell/vars'),
                                        ('dense', ['kernel', 'bias'], 'layers/dense/vars')]:
            group = h5.create_group(vars_path)
            group.attrs['name'] = 'lstm_cell' if layer == 'lstm' else layer
            for k, n in enumerate(names):
                group.create_dataset(str(k), data=w[f'{layer}/{n}'], dtype='<f2')
        h5.create_group('layers/input_layer/vars').attrs['name'] = 'input_layer'
        h5.create_group('layers/lstm/vars').attrs['name'] = 'lstm'
        h5.create_group('vars').attrs['name'] = 'sequential'
    members = [('metadata.json', json.dumps({'keras_version': '3.12.1', 'date_saved': '2026-12-03@12:00:00'})),
               ('config.json', json.dumps(keras3_config())), ('model.weights.h5', store.getvalue())]
    with zipfile.ZipFile(path, 'w', zipfile.ZIP_STORED) as z:
        for name, data in members:
            z.writestr(zipfile.ZipInfo(name, date_time=(2026, 12, 3, 12, 0, 0)), data)  # a fixed date: the same bytes every run


def keras2_config():
    """tf.keras 2.13's Sequential config of the same model: layer dtypes as mixed_precision Policy objects."""
    def policy(name):
        return {'module': 'keras.mixed_precision', 'class_name': 'Policy', 'config': {'name': name}, 'registered_name': None}
    layers = []
    for layer in keras3_config()['config']['layers']:
        cfg = dict(layer['config'])
        if layer['class_name'] == 'InputLayer':
            cfg = {'batch_input_shape': [None, STEPS], 'dtype': 'int32', 'sparse': False, 'ragged': False, 'name': 'embedding_input'}
        else:
            cfg['dtype'] = policy(cfg['dtype']['config']['name'])
        if layer['class_name'] == 'LSTM':
            cfg.pop('seed')
            cfg['time_major'] = False
            cfg['implementation'] = 2
        if layer['class_name'] == 'Embedding':
            cfg['input_length'] = STEPS
        layers.append({'module': layer['module'], 'class_name': layer['class_name'], 'config': cfg, 'registered_name': None})
    return {'class_name': 'Sequential', 'config': {'name': 'sequential', 'layers': layers}}


def write_keras2(path, w):
    weight_names = {'embedding': ['embedding/embeddings:0'],
                    'lstm': ['lstm/lstm_cell/kernel:0', 'lstm/lstm_cell/recurrent_kernel:0', 'lstm/lstm_cell/bias:0'],
                    'dense': ['dense/kernel:0', 'dense/bias:0']}
    with h5py.File(path, 'w') as h5:
        h5.attrs['backend'] = 'tensorflow'
        h5.attrs['keras_version'] = '2.13.1'
        h5.attrs['model_config'] = json.dumps(keras2_config())
        root = h5.create_group('model_weights')
        root.attrs['backend'] = 'tensorflow'
        root.attrs['keras_version'] = '2.13.1'
        root.attrs['layer_names'] = np.array([b'embedding', b'lstm', b'dense'])
        for layer, names in weight_names.items():
            group = root.create_group(layer)
            group.attrs['weight_names'] = np.array([n.encode() for n in names])
            for n in names:
                group.create_dataset(n, data=w[f"{layer}/{n.split('/')[-1][:-2]}"], dtype='<f2')


def stored_values(w):
    """Each weight's shape, values (float16 → float64 is exact, and so is JSON's shortest repr) and bit patterns, row-major."""
    out = {}
    for name, value in w.items():
        flat = value.reshape(-1)
        out[name] = {'shape': list(value.shape), 'values': [float(v) for v in flat], 'bits': [int(b) for b in flat.view(np.uint16)]}
    return out


def check_stored_float16(path):
    """Every weight dataset of the written file is '<f2' (what the test relies on)."""
    def visit(h5):
        found = []
        h5.visititems(lambda n, o: found.append((n, o.dtype.str)) if isinstance(o, h5py.Dataset) else None)
        bad = [f for f in found if f[1] != '<f2']
        if bad or not found:
            raise ValueError(f'{path}: datasets not float16: {bad or "none found"}')
    if path.endswith('.keras'):
        with h5py.File(io.BytesIO(zipfile.ZipFile(path).read('model.weights.h5')), 'r') as h5:
            visit(h5)
    else:
        with h5py.File(path, 'r') as h5:
            visit(h5)


def main():
    os.makedirs(OUT, exist_ok=True)
    w = weights()
    files = {'mixed-float16.keras': write_keras3, 'mixed-float16.h5': write_keras2}
    x = np.array(INPUT, dtype=np.float64)
    expected = {'input': INPUT, 'weights': stored_values(w), 'predictions': {}}
    for name, write in files.items():
        path = os.path.join(OUT, name)
        write(path, w)
        check_stored_float16(path)
        layers, read, keras3 = kref.open_model(path)
        with np.errstate(over='ignore'):  # exp(-x) of the saturated gates overflows to inf: sigmoid 0, as it should
            expected['predictions'][name] = kref.run_model(layers, read, keras3, x).tolist()
        print(name, os.path.getsize(path), 'bytes', np.array(expected['predictions'][name]).round(4).tolist())
    with open(os.path.join(OUT, 'expected.json'), 'w') as f:
        # one line a weight or a file's predictions, so that a diff shows which changed
        f.write('{\n "input": ' + json.dumps(INPUT) + ',\n "weights": {\n')
        f.write(',\n'.join(f'  {json.dumps(k)}: {json.dumps(v)}' for k, v in expected['weights'].items()))
        f.write('\n },\n "predictions": {\n')
        f.write(',\n'.join(f'  {json.dumps(k)}: {json.dumps(v)}' for k, v in expected['predictions'].items()))
        f.write('\n }\n}\n')


if __name__ == '__main__':
    main()
