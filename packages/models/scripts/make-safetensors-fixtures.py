"""PyTorch's side of @rnnkit/models' safetensors interop (the test is src/interop/safetensors-torch.test.ts).

Run with Debian's python3-torch (1.13):  /usr/bin/python3 packages/models/scripts/make-safetensors-fixtures.py

(a) rnnkit -> PyTorch: reads fixtures/safetensors/rnnkit-*.safetensors (written by rnnkit's toSafetensors with
    layout 'torch'; inputs in rnnkit-inputs.json), loads each into the torch.nn model below with
    load_state_dict(..., strict=True) and writes the models' outputs on those inputs to rnnkit-outputs.json.
(b) PyTorch -> rnnkit: builds seeded torch.nn models, saves their state dicts as torch-*.safetensors and writes
    inputs and outputs to torch-cases.json.

Debian has no python3-safetensors, so the format is read and written here by hand, as the safetensors
library does: an 8-byte little-endian header size, a JSON header {name: {dtype, shape, data_offsets}},
then the raw little-endian data. (With the library: safetensors.torch.load_file / save_file.)
"""
import json
import os
import struct

import torch
from torch import nn

torch.manual_seed(20261202)
here = os.path.dirname(os.path.abspath(__file__))
out_dir = os.path.join(here, '..', 'fixtures', 'safetensors')


def load_file(path):
    """safetensors.torch.load_file for F32 tensors."""
    with open(path, 'rb') as f:
        data = f.read()
    (size,) = struct.unpack('<Q', data[:8])
    header = json.loads(data[8:8 + size].decode('utf8'))
    header.pop('__metadata__', None)
    base = 8 + size
    out = {}
    for name, entry in header.items():
        assert entry['dtype'] == 'F32', (path, name, entry['dtype'])
        start, end = entry['data_offsets']
        values = torch.frombuffer(bytearray(data[base + start:base + end]), dtype=torch.float32)
        out[name] = values.reshape(entry['shape']).clone()
    return out


def save_file(tensors, path):
    """safetensors.torch.save_file (F32, header padded to 8 bytes, metadata {"format": "pt"})."""
    header, blobs, offset = {'__metadata__': {'format': 'pt'}}, [], 0
    for name, t in tensors.items():
        raw = t.detach().contiguous().to(torch.float32).numpy().astype('<f4').tobytes()
        header[name] = {'dtype': 'F32', 'shape': list(t.shape), 'data_offsets': [offset, offset + len(raw)]}
        blobs.append(raw)
        offset += len(raw)
    text = json.dumps(header).encode('utf8')
    text += b' ' * (-len(text) % 8)
    with open(path, 'wb') as f:
        f.write(struct.pack('<Q', len(text)) + text + b''.join(blobs))


def as_json(t):
    return {'shape': list(t.shape), 'values': [float(v) for v in t.detach().reshape(-1).tolist()]}


def input_tensor(spec):
    dtype = torch.long if spec['dtype'] == 'int32' else torch.float32
    return torch.tensor(spec['values'], dtype=dtype).reshape(spec['shape'])


def last_states(h_n, bidirectional):
    """Keras' last output of a recurrent layer: h_n of the top layer (both directions, concatenated)."""
    return torch.cat([h_n[-2], h_n[-1]], dim=1) if bidirectional else h_n[-1]


# (a) the torch.nn models of the rnnkit cases: attributes named as rnnkit's torchModules(model) lists them

class EmbedBiLstm2Linear(nn.Module):
    def __init__(self):
        super().__init__()
        self.embedding = nn.Embedding(20, 5)
        self.lstm = nn.LSTM(5, 4, num_layers=2, bidirectional=True, batch_first=True)
        self.head = nn.Linear(8, 3)

    def forward(self, ids):
        _, (h_n, _) = self.lstm(self.embedding(ids))
        return self.head(last_states(h_n, True))


class BiRnnReluLinearNoBias(nn.Module):
    def __init__(self):
        super().__init__()
        self.rnn = nn.RNN(3, 4, nonlinearity='relu', bidirectional=True, batch_first=True)
        self.out = nn.Linear(8, 2, bias=False)

    def forward(self, x):
        y, _ = self.rnn(x)
        return torch.tanh(self.out(y))


class EmbedLstmGruLinear(nn.Module):
    def __init__(self):
        super().__init__()
        self.embedding = nn.Embedding(15, 4)
        self.lstm = nn.LSTM(4, 5, batch_first=True)
        self.gru = nn.GRU(5, 3, batch_first=True)
        self.dropout = nn.Dropout(0.3)
        self.head = nn.Linear(3, 1)

    def forward(self, ids):
        y, _ = self.lstm(self.embedding(ids))
        _, h_n = self.gru(y)
        return torch.sigmoid(self.head(self.dropout(last_states(h_n, False))))


class Outputs(nn.Module):
    """A bare recurrent module whose output is its `output` (all steps)."""

    def __init__(self, module):
        super().__init__()
        self.module = module

    def forward(self, x):
        return self.module(x)[0]


RNNKIT_MODELS = {
    'embed-bilstm2-linear': EmbedBiLstm2Linear,
    'gru2': lambda: nn.GRU(3, 4, num_layers=2, batch_first=True),
    'birnn-relu-linear-nobias': BiRnnReluLinearNoBias,
    'embed-lstm-gru-linear': EmbedLstmGruLinear,
}

with open(os.path.join(out_dir, 'rnnkit-inputs.json')) as f:
    rnnkit_inputs = json.load(f)['inputs']
outputs = {}
for name, make in RNNKIT_MODELS.items():
    model = make()
    model.load_state_dict(load_file(os.path.join(out_dir, f'rnnkit-{name}.safetensors')), strict=True)
    model.eval()
    run = model if not isinstance(model, nn.RNNBase) else Outputs(model)
    with torch.no_grad():
        outputs[name] = as_json(run(input_tensor(rnnkit_inputs[name])))
assert set(outputs) == set(rnnkit_inputs), 'every rnnkit fixture has a PyTorch model'
with open(os.path.join(out_dir, 'rnnkit-outputs.json'), 'w') as f:
    json.dump({'generator': 'packages/models/scripts/make-safetensors-fixtures.py', 'torch': torch.__version__, 'outputs': outputs}, f)
    f.write('\n')


# (b) PyTorch-made files

class LstmClassifier(nn.Module):
    def __init__(self):
        super().__init__()
        self.embedding = nn.Embedding(30, 6)
        self.lstm = nn.LSTM(6, 5, num_layers=2, bidirectional=True, batch_first=True)
        self.fc = nn.Linear(10, 2)

    def forward(self, ids):
        _, (h_n, _) = self.lstm(self.embedding(ids))
        return self.fc(last_states(h_n, True))


class GruTagger(nn.Module):
    def __init__(self):
        super().__init__()
        self.gru = nn.GRU(4, 6, batch_first=True)
        self.proj = nn.Linear(6, 3)

    def forward(self, x):
        return self.proj(self.gru(x)[0])


class Encoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.embedding = nn.Embedding(25, 4)
        self.rnn = nn.GRU(4, 5, num_layers=2, batch_first=True)

    def forward(self, ids):
        _, h_n = self.rnn(self.embedding(ids))
        return last_states(h_n, False)


class Checkpoint(nn.Module):
    """A whole model's checkpoint: rnnkit loads the encoder (prefix 'encoder.'); the decoder's keys are not its own."""

    def __init__(self):
        super().__init__()
        self.encoder = Encoder()
        self.decoder = nn.Linear(5, 7)


def perturb(model):
    """Non-zero everywhere (PyTorch initialises biases uniformly already; this makes the scale unmistakable)."""
    with torch.no_grad():
        for p in model.parameters():
            p.add_(0.1 * torch.randn_like(p))
    return model


def ids(shape, vocabulary):
    return torch.randint(0, vocabulary, shape)


cases = []
for name, model, x, prefix, forward in [
    ('lstm-classifier', perturb(LstmClassifier()), ids((3, 7), 30), '', None),
    ('gru-tagger', perturb(GruTagger()), torch.randn(2, 5, 4), '', None),
    ('birnn2-bare', perturb(nn.RNN(3, 4, num_layers=2, bidirectional=True, batch_first=True)), torch.randn(2, 6, 3), '', lambda m, x: m(x)[0]),
    ('checkpoint-encoder', perturb(Checkpoint()), ids((3, 6), 25), 'encoder.', lambda m, x: m.encoder(x)),
]:
    model.eval()
    with torch.no_grad():
        y = forward(model, x) if forward is not None else model(x)
    file = f'torch-{name}.safetensors'
    save_file(model.state_dict(), os.path.join(out_dir, file))
    spec = {'shape': list(x.shape), 'dtype': 'int32' if x.dtype == torch.long else 'float32', 'values': x.reshape(-1).tolist()}
    cases.append({'name': name, 'file': file, 'prefix': prefix, 'input': spec, 'output': as_json(y)})

with open(os.path.join(out_dir, 'torch-cases.json'), 'w') as f:
    json.dump({'generator': 'packages/models/scripts/make-safetensors-fixtures.py', 'torch': torch.__version__, 'cases': cases}, f)
    f.write('\n')
