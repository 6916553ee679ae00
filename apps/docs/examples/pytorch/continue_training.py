"""Continue training an rnnkit model in PyTorch — one process, or many with DistributedDataParallel — and
write the weights back for rnnkit (docs/guide/10-production.md).

The model is the IMDB script's, as rnnkit saved it with saveSafetensors(model, path, { layout: 'torch' }) and
layers named `embedding`, `rnn`, `head`:  Embedding(V, E) -> SimpleRNN/GRU/LSTM(H) -> Dense(1, sigmoid).
Sizes and the cell are read off the file (weight_ih_l0 has 1, 3 or 4 gate blocks of H rows).

  python continue_training.py --weights imdb.safetensors --data imdb-train.npz --out trained.safetensors
  torchrun --nproc_per_node 4 continue_training.py --weights ... --data ... --out ...     # DDP

--data is an .npz with `ids` [N, T] (padded word ids, as pad_sequences gives them) and `labels` [N] (0/1).
Under torchrun each process trains on its shard of every epoch (DistributedSampler) and the gradients are
averaged across processes; process 0 writes --out with the bare module's keys (no `module.` prefix), which
rnnkit loads with loadSafetensors(path, { topology }) or setWeightsFromSafetensors(model, bytes).
"""
import argparse
import json
import os
import struct

import numpy as np
import torch
import torch.distributed as dist
from torch import nn
from torch.nn.parallel import DistributedDataParallel
from torch.utils.data import DataLoader, DistributedSampler, TensorDataset

try:
    from safetensors.torch import load_file, save_file
except ImportError:  # no safetensors package (Debian has none): the format is small enough to read here
    def load_file(path):
        with open(path, 'rb') as f:
            data = f.read()
        (size,) = struct.unpack('<Q', data[:8])
        header = json.loads(data[8:8 + size])
        header.pop('__metadata__', None)
        out = {}
        for name, entry in header.items():
            assert entry['dtype'] == 'F32', f'{path}: {name} is {entry["dtype"]}, only F32 is read here'
            start, end = entry['data_offsets']
            out[name] = torch.frombuffer(bytearray(data[8 + size + start:8 + size + end]), dtype=torch.float32).reshape(entry['shape'])
        return out

    def save_file(tensors, path):
        header, blobs, offset = {'__metadata__': {'format': 'pt'}}, [], 0
        for name, t in tensors.items():
            raw = t.detach().cpu().contiguous().to(torch.float32).numpy().astype('<f4').tobytes()
            header[name] = {'dtype': 'F32', 'shape': list(t.shape), 'data_offsets': [offset, offset + len(raw)]}
            blobs.append(raw)
            offset += len(raw)
        text = json.dumps(header).encode('utf8')
        text += b' ' * (-len(text) % 8)
        with open(path, 'wb') as f:
            f.write(struct.pack('<Q', len(text)) + text + b''.join(blobs))

CELLS = {1: nn.RNN, 3: nn.GRU, 4: nn.LSTM}


class SentimentRnn(nn.Module):
    """Embedding -> recurrent layer -> Linear on its last output: the rnnkit model, attribute for layer."""

    def __init__(self, weights):
        super().__init__()
        vocab, width = weights['embedding.weight'].shape
        units = weights['rnn.weight_hh_l0'].shape[1]
        gates = weights['rnn.weight_ih_l0'].shape[0] // units
        self.embedding = nn.Embedding(vocab, width)
        self.rnn = CELLS[gates](width, units, batch_first=True)
        self.head = nn.Linear(units, weights['head.weight'].shape[0])

    def forward(self, ids):
        out, _ = self.rnn(self.embedding(ids))
        return self.head(out[:, -1])  # logits; rnnkit's Dense(1, sigmoid) is sigmoid(logits)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--weights', required=True)
    parser.add_argument('--data', required=True)
    parser.add_argument('--out', required=True)
    parser.add_argument('--epochs', type=int, default=1)
    parser.add_argument('--batch-size', type=int, default=128)
    parser.add_argument('--lr', type=float, default=1e-3)  # Keras' Adam default
    parser.add_argument('--seed', type=int, default=0)
    args = parser.parse_args()

    distributed = 'WORLD_SIZE' in os.environ  # set by torchrun
    cuda = torch.cuda.is_available()
    if distributed:
        dist.init_process_group('nccl' if cuda else 'gloo')
    rank = dist.get_rank() if distributed else 0
    local_rank = int(os.environ.get('LOCAL_RANK', 0))
    device = torch.device(f'cuda:{local_rank}' if cuda else 'cpu')
    torch.manual_seed(args.seed)

    weights = load_file(args.weights)
    net = SentimentRnn(weights)
    net.load_state_dict(weights, strict=True)  # every key used, every shape right
    net.to(device)
    model = DistributedDataParallel(net, device_ids=[local_rank] if cuda else None) if distributed else net

    data = np.load(args.data)
    dataset = TensorDataset(torch.from_numpy(data['ids'].astype(np.int64)), torch.from_numpy(data['labels'].astype(np.float32)))
    sampler = DistributedSampler(dataset, shuffle=True, seed=args.seed) if distributed else None
    loader = DataLoader(dataset, batch_size=args.batch_size, shuffle=sampler is None, sampler=sampler)
    optimizer = torch.optim.Adam(model.parameters(), lr=args.lr)
    loss_fn = nn.BCEWithLogitsLoss()

    for epoch in range(args.epochs):
        if sampler is not None:
            sampler.set_epoch(epoch)
        model.train()
        total, batches = 0.0, 0
        for ids, labels in loader:
            ids, labels = ids.to(device), labels.to(device)
            optimizer.zero_grad()
            loss = loss_fn(model(ids).squeeze(-1), labels)
            loss.backward()
            optimizer.step()
            total, batches = total + loss.item(), batches + 1
        if rank == 0:
            print(f'epoch {epoch + 1}/{args.epochs}: loss {total / max(batches, 1):.4f}')

    if rank == 0:
        net.eval()
        with torch.no_grad():
            ids, labels = dataset.tensors
            scores = torch.sigmoid(net(ids.to(device)).squeeze(-1)).cpu()
        print(f'accuracy on --data: {((scores > 0.5).float() == labels).float().mean().item():.4f}')
        save_file({k: v.contiguous() for k, v in net.state_dict().items()}, args.out)
        print(f'wrote {args.out}')
    if distributed:
        dist.destroy_process_group()


if __name__ == '__main__':
    main()
