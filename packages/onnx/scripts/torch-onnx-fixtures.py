"""Writes the fromOnnx fixtures: small PyTorch RNN models exported with torch.onnx.export, and their
outputs on fixed inputs (what rnnkit's imports must predict within 1e-5).

Run with Debian's python3-torch (1.13):  /usr/bin/python3 packages/onnx/scripts/torch-onnx-fixtures.py
Writes packages/onnx/fixtures/torch/<name>.onnx and expected.json.
"""
import json
import os

import torch
from torch import nn

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'fixtures', 'torch')
VOCAB, EMB, HID, CLASSES, B, T = 12, 6, 5, 3, 3, 7
torch.manual_seed(17)


class Classifier(nn.Module):
    """Embedding -> RNN -> Linear on the last step (out[:, -1]) or on h_n[-1]."""

    def __init__(self, rnn, use_h_n, activation=None):
        super().__init__()
        self.embedding = nn.Embedding(VOCAB, EMB)
        self.rnn = rnn
        self.use_h_n = use_h_n
        self.fc = nn.Linear(rnn.hidden_size, CLASSES)
        self.activation = activation

    def forward(self, ids):
        out, state = self.rnn(self.embedding(ids))
        h_n = state[0] if isinstance(state, tuple) else state
        last = h_n[-1] if self.use_h_n else out[:, -1]
        y = self.fc(last)
        return y if self.activation is None else self.activation(y)


class Tagger(nn.Module):
    """Float features -> (bi)RNN returning every step -> Linear per step."""

    def __init__(self, rnn):
        super().__init__()
        self.rnn = rnn
        width = rnn.hidden_size * (2 if rnn.bidirectional else 1)
        self.fc = nn.Linear(width, CLASSES)

    def forward(self, x):
        out, _ = self.rnn(x)
        return self.fc(out)


def randomize_biases(model):
    # PyTorch initialises biases uniformly already; scale them so a dropped bias is visible
    with torch.no_grad():
        for name, p in model.named_parameters():
            if 'bias' in name:
                p.mul_(3.0)


models = {
    'lstm_classifier': Classifier(nn.LSTM(EMB, HID, batch_first=True), use_h_n=False),
    'gru_classifier_hn': Classifier(nn.GRU(EMB, HID, batch_first=True), use_h_n=True, activation=nn.Softmax(dim=-1)),
    'rnn_classifier': Classifier(nn.RNN(EMB, HID, batch_first=True), use_h_n=False, activation=nn.Sigmoid()),
    'lstm_2layer_classifier': Classifier(nn.LSTM(EMB, HID, num_layers=2, batch_first=True), use_h_n=True),
    'bilstm_tagger': Tagger(nn.LSTM(4, HID, batch_first=True, bidirectional=True)),
    'gru_tagger': Tagger(nn.GRU(4, HID, batch_first=True)),
}

ids = torch.randint(0, VOCAB, (B, T))
features = torch.randn(B, T, 4)
expected = {'ids': ids.flatten().tolist(), 'features': features.flatten().tolist(), 'batch': B, 'steps': T, 'models': {}}
for name, model in models.items():
    randomize_biases(model)
    model.eval()
    tagger = isinstance(model, Tagger)
    x = features if tagger else ids
    with torch.no_grad():
        y = model(x)
    path = os.path.join(OUT, f'{name}.onnx')
    torch.onnx.export(
        model, (x,), path, input_names=['input'], output_names=['output'], opset_version=14,
        dynamic_axes={'input': {0: 'batch', 1: 'time'}, 'output': {0: 'batch'} if not tagger else {0: 'batch', 1: 'time'}},
    )
    expected['models'][name] = {'input': 'features' if tagger else 'ids', 'dims': list(y.shape), 'output': y.flatten().tolist()}
    print(name, list(y.shape), os.path.getsize(path), 'bytes')

with open(os.path.join(OUT, 'expected.json'), 'w') as f:
    json.dump(expected, f)
    f.write('\n')
