#!/usr/bin/python3
"""PyTorch reference fixtures for @rnnkit/cells.

Run from the repository root with Debian's PyTorch (apt-get install python3-torch python3-numpy):

    /usr/bin/python3 packages/cells/scripts/make-torch-fixtures.py

writes packages/cells/fixtures/torch-{rnn,lstm,gru}.json. Each case builds an nn.RNN / nn.LSTM / nn.GRU
(batch_first=True; 1 or 2 layers; uni- or bidirectional; one variable-length case through
pack_padded_sequence), in float64 with every weight, input, initial state and R rounded through
float32 (so the same numbers fit a float32 tensor exactly), and records:

    stateDict        the module's state dict (PyTorch names and shapes)
    input [B,T,I], h0 / c0 [L*D,B,H], R [B,T,D*H], Rh / Rc [L*D,B,H]   (float32-exact: read them with Math.fround)
    output [B,T,D*H], h_n / c_n [L*D,B,H]
    grads            dL/d(input, h0, c0 and every state-dict entry) of
                     L = sum(output * R) + sum(h_n * Rh) (+ sum(c_n * Rc))

Arrays are {"shape": [...], "values": [...]} with values flat in row-major order. Float32-exact values
are printed in their shortest float32 form; results (outputs, states, gradients) to 12 significant
digits. The seed is pinned, so the output changes only with the PyTorch version (recorded in the JSON).
"""
import json
import os

import numpy as np
import torch

SEED = 20261126
B, T, I, H = 3, 5, 4, 3
LENGTHS = [5, 3, 2]  # the variable-length case: sorted descending, as pack_padded_sequence wants by default
OUT_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'fixtures')


def f32(t):
    """Rounds a float64 tensor through float32 (the values stay float64)."""
    return t.float().double()


def exact32(t):
    return {'shape': list(t.shape), 'values': [float(repr(np.float32(v))) for v in t.detach().reshape(-1).tolist()]}


def result(t):
    return {'shape': list(t.shape), 'values': [float('%.12g' % v) for v in t.detach().reshape(-1).tolist()]}


def make_case(kind, num_layers, bidirectional, lengths=None, nonlinearity='tanh'):
    module_class = {'rnn': torch.nn.RNN, 'lstm': torch.nn.LSTM, 'gru': torch.nn.GRU}[kind]
    kwargs = {'nonlinearity': nonlinearity} if kind == 'rnn' else {}
    module = module_class(I, H, num_layers=num_layers, bidirectional=bidirectional, batch_first=True, **kwargs).double()
    with torch.no_grad():
        for p in module.parameters():
            p.copy_(f32(p))
    D = 2 if bidirectional else 1
    x = f32(torch.randn(B, T, I, dtype=torch.float64)).requires_grad_()
    h0 = f32(0.5 * torch.randn(num_layers * D, B, H, dtype=torch.float64)).requires_grad_()
    c0 = f32(0.5 * torch.randn(num_layers * D, B, H, dtype=torch.float64)).requires_grad_() if kind == 'lstm' else None
    R = f32(torch.randn(B, T, D * H, dtype=torch.float64))
    Rh = f32(torch.randn(num_layers * D, B, H, dtype=torch.float64))
    Rc = f32(torch.randn(num_layers * D, B, H, dtype=torch.float64)) if kind == 'lstm' else None

    hx = (h0, c0) if kind == 'lstm' else h0
    if lengths is None:
        output, state = module(x, hx)
    else:
        packed = torch.nn.utils.rnn.pack_padded_sequence(x, torch.tensor(lengths), batch_first=True)
        packed_output, state = module(packed, hx)
        output, _ = torch.nn.utils.rnn.pad_packed_sequence(packed_output, batch_first=True, total_length=T)
    h_n, c_n = state if kind == 'lstm' else (state, None)
    loss = (output * R).sum() + (h_n * Rh).sum()
    if c_n is not None:
        loss = loss + (c_n * Rc).sum()
    loss.backward()

    name = f"{kind}{'-' + nonlinearity if kind == 'rnn' and nonlinearity != 'tanh' else ''}-l{num_layers}-{'bi' if bidirectional else 'uni'}"
    case = {
        'name': name + ('' if lengths is None else '-packed'),
        'module': module_class.__name__,
        'numLayers': num_layers,
        'bidirectional': bidirectional,
        'inputSize': I,
        'hiddenSize': H,
        'batch': B,
        'time': T,
        'loss': float('%.12g' % loss.item()),
        'stateDict': {k: exact32(v) for k, v in module.state_dict().items()},
        'input': exact32(x),
        'h0': exact32(h0),
        'R': exact32(R),
        'Rh': exact32(Rh),
        'output': result(output),
        'h_n': result(h_n),
        'grads': {'input': result(x.grad), 'h0': result(h0.grad)},
    }
    if kind == 'rnn':
        case['nonlinearity'] = nonlinearity
    if lengths is not None:
        case['lengths'] = lengths
    if kind == 'lstm':
        case['c0'] = exact32(c0)
        case['Rc'] = exact32(Rc)
        case['c_n'] = result(c_n)
        case['grads']['c0'] = result(c0.grad)
    for k, p in module.named_parameters():
        case['grads'][k] = result(p.grad)
    return case


def main():
    torch.manual_seed(SEED)
    os.makedirs(OUT_DIR, exist_ok=True)
    for kind in ['rnn', 'lstm', 'gru']:
        cases = [make_case(kind, layers, bi) for layers in (1, 2) for bi in (False, True)]
        cases.append(make_case(kind, 1, True, lengths=LENGTHS))
        if kind == 'rnn':
            cases.append(make_case(kind, 1, False, nonlinearity='relu'))
        fixture = {
            'generator': 'packages/cells/scripts/make-torch-fixtures.py',
            'torch': torch.__version__,
            'seed': SEED,
            'dtype': 'float64; stateDict, input, h0, c0, R, Rh, Rc are float32-exact (read with Math.fround); results to 12 significant digits',
            'loss': 'L = sum(output * R) + sum(h_n * Rh) + sum(c_n * Rc)',
            'layout': 'batch_first=True: input [B,T,I], output [B,T,D*H] (backward direction aligned in time), '
            'h_n [L*D,B,H] with index layer*D + direction; packed cases: pad_packed_sequence, zero outputs past each length',
            'cases': cases,
        }
        path = os.path.join(OUT_DIR, f'torch-{kind}.json')
        with open(path, 'w') as f:
            json.dump(fixture, f, separators=(',', ':'))
            f.write('\n')
        print(f'{path}: {len(cases)} cases, {os.path.getsize(path)} bytes, torch {torch.__version__}')


if __name__ == '__main__':
    main()
