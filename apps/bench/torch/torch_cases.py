"""The bench's cases as PyTorch models: one step of training, inference or generation per call.

Shapes: ids [B, T] -> Embedding [B, T, E] -> RNN/GRU/LSTM(H) last state h_T [B, H] ([B, 2H] bidirectional,
forward and backward final states concatenated as Keras' Bidirectional does) -> Dense(1) -> sigmoid [B, 1].
Generation: token [1, 1] -> Embedding [1, 1, E] -> LSTM(H) with state (h, c) [1, 1, H] -> Linear(V) logits [1, V].
"""

import ctypes
import itertools
import os
import resource

import torch
from torch import nn


def loaded_blas():
    """The BLAS shared library this process has mapped (reference libblas3 and OpenBLAS differ ~20x in speed)."""
    with open('/proc/self/maps', encoding='utf-8') as maps:
        paths = {line.split()[-1] for line in maps if 'blas' in line.rsplit('/', 1)[-1]}
    return sorted(paths)[0] if paths else 'unknown'


def is_openblas(path):
    """Whether the library at `path` is OpenBLAS (it exports openblas_set_num_threads)."""
    try:
        return hasattr(ctypes.CDLL(path), 'openblas_set_num_threads')
    except OSError:
        return False


def openblas_threads_setter():
    """OpenBLAS keeps its own thread pool, which torch.set_num_threads does not reach on Debian's build."""
    path = loaded_blas()
    if not is_openblas(path):
        return lambda n: None
    setter = ctypes.CDLL(path).openblas_set_num_threads
    return lambda n: setter(ctypes.c_int(n))


RNN_CLASSES = {'simpleRnn': 'RNN', 'gru': 'GRU', 'lstm': 'LSTM'}


class SeedModel(nn.Module):
    """Embedding(V, E) -> RNN(H) (last state) -> Dense(1, sigmoid)."""

    def __init__(self, case):
        super().__init__()
        self.cell = case['cell']
        self.bidirectional = case['bidirectional']
        self.embedding = nn.Embedding(case['vocabulary'], case['embed'])
        rnn_class = getattr(nn, RNN_CLASSES[self.cell])
        self.rnn = rnn_class(case['embed'], case['units'], batch_first=True, bidirectional=self.bidirectional)
        self.dense = nn.Linear(case['units'] * (2 if self.bidirectional else 1), 1)

    def forward(self, ids):
        _, state = self.rnn(self.embedding(ids))
        h = state[0] if self.cell == 'lstm' else state  # [directions, B, H]
        last = torch.cat([h[0], h[1]], dim=1) if self.bidirectional else h[0]
        return torch.sigmoid(self.dense(last))


class CharModel(nn.Module):
    """Embedding(V, E) -> LSTM(H) -> Linear(V), one token at a time with the state carried by the caller."""

    def __init__(self, case):
        super().__init__()
        self.embedding = nn.Embedding(case['vocabulary'], case['embed'])
        self.lstm = nn.LSTM(case['embed'], case['units'], batch_first=True)
        self.dense = nn.Linear(case['units'], case['vocabulary'])

    def forward(self, token, state):
        out, state = self.lstm(self.embedding(token), state)
        return self.dense(out[:, -1]), state


def rss_mib():
    """This process's resident set now, MiB (/proc/self/statm: pages)."""
    with open('/proc/self/statm', encoding='utf-8') as statm:
        return int(statm.read().split()[1]) * os.sysconf('SC_PAGE_SIZE') / 2**20


def peak_rss_mib():
    """This process's peak resident set so far, MiB (getrusage's ru_maxrss, KiB on Linux)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def prepare_seed(case, ids, labels):
    xs = [torch.tensor(batch, dtype=torch.int64).reshape(case['batch'], case['steps']) for batch in ids]
    ys = [torch.tensor(batch, dtype=torch.float32).reshape(case['batch'], 1) for batch in labels]
    return seed_step(case, xs, ys)


def prepare_sweep(case, seed, batches):
    """A sweep shape (`pnpm bench --sweep`): the seed model on `batches` random batches made here, seeded,
    so that long sequences (B*T up to 512,000 ids) do not travel through the pipe."""
    generator = torch.Generator().manual_seed(seed)
    shape = (case['batch'], case['steps'])
    xs = [torch.randint(case['vocabulary'], shape, generator=generator) for _ in range(batches)]
    ys = [torch.randint(2, (case['batch'], 1), generator=generator).float() for _ in range(batches)]
    return seed_step(case, xs, ys)


def seed_step(case, xs, ys):
    """One step of the seed model on the batches xs [B, T] (int64) and ys [B, 1] in turn."""
    model = SeedModel(case)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = nn.BCELoss()
    batches = itertools.cycle(range(len(xs)))  # the 4 batches in turn, as the JS contenders cycle them

    def train_step():
        k = next(batches)
        optimizer.zero_grad(set_to_none=True)
        loss = loss_fn(model(xs[k]), ys[k])
        loss.backward()
        optimizer.step()
        loss.item()

    def infer_step():
        k = next(batches)
        with torch.inference_mode():
            model(xs[k]).numpy()

    return train_step if case['mode'] == 'train' else infer_step


def prepare_generator(case, ids):
    model = CharModel(case)
    # the prompt's tokens in turn, each a [1, 1] tensor made once (the JS side makes one per step)
    tokens = itertools.cycle([torch.tensor([[token]], dtype=torch.int64) for token in ids[0]])
    units = case['units']
    state = (torch.zeros(1, 1, units), torch.zeros(1, 1, units))

    def generate_step():
        nonlocal state
        with torch.inference_mode():
            logits, state = model(next(tokens), state)
            logits.numpy()

    return generate_step
