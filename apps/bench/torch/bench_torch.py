"""PyTorch's side of `pnpm bench --torch`: the bench's cases in PyTorch, timed inside one long-lived process.

Run by the bench as `/usr/bin/python3 bench_torch.py`; it speaks JSON lines: one request per line on stdin,
one answer per line on stdout, in order. Requests:

  {"cmd": "hello"}
      -> {"ok": true, "torch": "1.13.1", "python": "3.11.2", "blas": "<the BLAS library loaded>", "openblas": true}
  {"cmd": "prepare", "id": "p1", "case": {...BenchCase...}, "threads": 1, "flushDenormal": true,
   "ids": [[...], ...], "labels": [[...], ...]}
      -> {"ok": true, "rssMiB": 310.2}   builds the case's model and optimiser on the given batches (ids [B*T] each,
         labels [B]); rssMiB is the process's resident set before building
  {"cmd": "prepare", ..., "generate": {"seed": 113, "batches": 2}}   (instead of ids and labels; `pnpm bench --sweep`)
      -> {"ok": true, "rssMiB": 310.2}   the same on random batches made here with torch's seeded generator
  {"cmd": "run", "id": "p1", "steps": 20}
      -> {"ok": true, "seconds": 0.81, "peakRssMiB": 620.5}   sets the entry's threads and flush-denormal mode, then
         times `steps` steps; peakRssMiB is the process's peak resident set so far (getrusage)
  {"cmd": "dispose", "id": "p1"}  -> {"ok": true}
  {"cmd": "exit"}                 -> {"ok": true}, then the process ends (so does end of input)

Any failure answers {"ok": false, "error": "..."}. A step is what the JS contenders time: a training step
(zero_grad, forward, binary cross-entropy, backward, Adam) with the loss read back by `.item()`, a forward of
the batch under `inference_mode` with the output read back, or one generated token (batch 1, the LSTM state
carried between calls) with its logits read back.

The models are in torch_cases.py; this file is the protocol.
"""

import json
import platform
import sys
import time

try:
    import torch
    import torch_cases
except ImportError as error:  # answered on hello, so the bench can say how to install it
    torch = None
    IMPORT_ERROR = str(error)


class Server:
    def __init__(self):
        self.entries = {}
        self.set_blas_threads = torch_cases.openblas_threads_setter() if torch is not None else None

    def hello(self, _request):
        if torch is None:
            raise RuntimeError(f'PyTorch is not importable ({IMPORT_ERROR})')
        blas = torch_cases.loaded_blas()
        return {'torch': torch.__version__, 'python': platform.python_version(), 'blas': blas, 'openblas': torch_cases.is_openblas(blas)}

    def prepare(self, request):
        case = request['case']
        rss = torch_cases.rss_mib()
        torch.manual_seed(1)
        if 'generate' in request:
            step = torch_cases.prepare_sweep(case, int(request['generate']['seed']), int(request['generate']['batches']))
        elif case['mode'] == 'generate':
            step = torch_cases.prepare_generator(case, request['ids'])
        else:
            step = torch_cases.prepare_seed(case, request['ids'], request['labels'])
        self.entries[request['id']] = {'step': step, 'threads': int(request['threads']), 'flush': bool(request['flushDenormal'])}
        return {'rssMiB': rss}

    def run(self, request):
        entry = self.entries.get(request['id'])
        if entry is None:
            raise ValueError(f'no prepared case with id {request["id"]!r} (prepare it first)')
        torch.set_num_threads(entry['threads'])
        self.set_blas_threads(entry['threads'])
        torch.set_flush_denormal(entry['flush'])
        step = entry['step']
        steps = int(request['steps'])
        started = time.perf_counter()
        for _ in range(steps):
            step()
        return {'seconds': time.perf_counter() - started, 'peakRssMiB': torch_cases.peak_rss_mib()}

    def dispose(self, request):
        self.entries.pop(request['id'], None)
        return {}


def main():
    server = Server()
    commands = {'hello': server.hello, 'prepare': server.prepare, 'run': server.run, 'dispose': server.dispose}
    for line in sys.stdin:
        if not line.strip():
            continue
        try:
            request = json.loads(line)
            if request.get('cmd') == 'exit':
                print(json.dumps({'ok': True}), flush=True)
                return
            command = commands.get(request.get('cmd'))
            if command is None:
                raise ValueError(f'unknown cmd {request.get("cmd")!r} (expected hello, prepare, run, dispose or exit)')
            answer = {'ok': True, **command(request)}
        except Exception as error:  # every failure goes back to the bench as an answer, not a dead pipe
            answer = {'ok': False, 'error': f'{type(error).__name__}: {error}'}
        print(json.dumps(answer), flush=True)


if __name__ == '__main__':
    main()
