"""PyTorch reference values for src/losses/ctc.test.ts: torch.nn.functional.ctc_loss in float64.

Run:  /usr/bin/python3 scripts/make_ctc_fixture.py   (Debian's python3-torch, 1.13; writes fixtures/ctc/ctc-torch.json)

Each case: logits [B, T, C] (batch-major, as rnnkit takes them), labels, input lengths, blank; the
per-sample losses (reduction='none'), PyTorch's reduction='mean' (each loss / its label length, then
the batch mean) and the gradient of sum(losses) with respect to the logits, through log_softmax.
"""
import json
import os

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
torch.manual_seed(20261126)


def case(name, B, T, C, labels, input_lengths, blank, zero_infinity=False, scale=2.0):
    logits = (scale * torch.randn(B, T, C, dtype=torch.float64)).requires_grad_(True)
    log_probs = torch.log_softmax(logits, dim=-1).transpose(0, 1)  # [T, B, C], PyTorch's layout
    flat = torch.tensor([l for seq in labels for l in seq], dtype=torch.long)
    target_lengths = torch.tensor([len(seq) for seq in labels], dtype=torch.long)
    lengths = torch.tensor(input_lengths, dtype=torch.long)
    losses = torch.nn.functional.ctc_loss(
        log_probs, flat, lengths, target_lengths, blank=blank, reduction="none", zero_infinity=zero_infinity
    )
    mean = torch.nn.functional.ctc_loss(
        log_probs, flat, lengths, target_lengths, blank=blank, reduction="mean", zero_infinity=zero_infinity
    )
    finite = torch.where(torch.isfinite(losses), losses, torch.zeros_like(losses))
    (grad,) = torch.autograd.grad(finite.sum(), logits)
    return {
        "name": name,
        "shape": [B, T, C],
        "blank": blank,
        "zeroInfinity": zero_infinity,
        "labels": labels,
        "inputLengths": input_lengths,
        "logits": [float(v) for v in logits.detach().reshape(-1)],
        "losses": [float(v) if torch.isfinite(v) else "Infinity" for v in losses.detach()],
        "meanPerLabel": float(mean.detach()) if torch.isfinite(mean) else "Infinity",
        "grad": [float(v) for v in grad.reshape(-1)],
    }


cases = [
    case("repeats, an empty label, variable input lengths", 4, 12, 5, [[1, 2, 2, 3], [4], [1, 1, 1], []], [12, 7, 6, 9], 0),
    case("blank last (Keras/TensorFlow convention)", 2, 8, 6, [[0, 1, 2], [3, 3]], [8, 8], 5),
    case("longer sequences, sharper scores", 2, 40, 11, [[3, 1, 4, 1, 5, 9, 2, 6], [2, 7, 1, 8]], [40, 33], 0, scale=4.0),
    case("zero_infinity on an impossible alignment", 2, 4, 4, [[1, 1, 1], [2, 3]], [4, 4], 0, zero_infinity=True),
]
out = {"generator": "scripts/make_ctc_fixture.py, torch " + torch.__version__, "cases": cases}
with open(os.path.join(HERE, "..", "fixtures", "ctc", "ctc-torch.json"), "w") as f:
    json.dump(out, f)
print("wrote", len(cases), "cases; losses:", [c["losses"] for c in cases])
