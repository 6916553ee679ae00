"""Reference outputs of PyTorch nn.RNN / nn.LSTM / nn.GRU for @rnnkit/models' state-dict import.

Run with Debian's python3-torch (1.13):  /usr/bin/python3 packages/models/scripts/make-torch-fixtures.py
Writes packages/models/fixtures/torch-modules.json (state dicts as {shape, values}, inputs and the
batch-first `output` from a zero initial state) and torch-lstm.safetensors (the LSTM case's state
dict in the safetensors format, written by hand: 8-byte little-endian header length, JSON header, F32 data).
"""
import json
import os
import struct

import torch

torch.manual_seed(20261126)
here = os.path.dirname(os.path.abspath(__file__))
out_dir = os.path.join(here, '..', 'fixtures')

CASES = [
    ('lstm-l2-bi', torch.nn.LSTM, dict(num_layers=2, bidirectional=True)),
    ('gru-l1-bi', torch.nn.GRU, dict(num_layers=1, bidirectional=True)),
    ('rnn-l2-uni-relu', torch.nn.RNN, dict(num_layers=2, bidirectional=False, nonlinearity='relu')),
    ('rnn-l1-uni-tanh', torch.nn.RNN, dict(num_layers=1, bidirectional=False)),
]
INPUT, HIDDEN, BATCH, TIME = 4, 3, 2, 5


def as_json(t):
    return {'shape': list(t.shape), 'values': [float(v) for v in t.detach().reshape(-1).tolist()]}


cases = []
for name, module, kwargs in CASES:
    m = module(INPUT, HIDDEN, batch_first=True, **kwargs)
    x = torch.randn(BATCH, TIME, INPUT)
    output, _ = m(x)
    cases.append({
        'name': name,
        'module': module.__name__,
        'inputSize': INPUT,
        'hiddenSize': HIDDEN,
        'numLayers': kwargs['num_layers'],
        'bidirectional': kwargs['bidirectional'],
        'nonlinearity': kwargs.get('nonlinearity', 'tanh'),
        'stateDict': {k: as_json(v) for k, v in m.state_dict().items()},
        'input': as_json(x),
        'output': as_json(output),
    })
    if name == 'lstm-l2-bi':
        header, blobs, offset = {}, [], 0
        for k, v in m.state_dict().items():
            data = v.detach().contiguous().numpy().astype('<f4').tobytes()
            header[k] = {'dtype': 'F32', 'shape': list(v.shape), 'data_offsets': [offset, offset + len(data)]}
            blobs.append(data)
            offset += len(data)
        text = json.dumps(header).encode('utf8')
        with open(os.path.join(out_dir, 'torch-lstm.safetensors'), 'wb') as f:
            f.write(struct.pack('<Q', len(text)) + text + b''.join(blobs))

with open(os.path.join(out_dir, 'torch-modules.json'), 'w') as f:
    json.dump({'generator': 'packages/models/scripts/make-torch-fixtures.py', 'torch': torch.__version__, 'cases': cases}, f)
