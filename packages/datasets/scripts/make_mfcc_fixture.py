"""Reference log-mel / MFCC frames for src/audio/features.test.ts, computed in numpy (float64).

Run:  /usr/bin/python3 scripts/make_mfcc_fixture.py   (numpy only; writes fixtures/mfcc/mfcc-reference.json)

The pipeline is the one documented in src/audio/features.ts, written independently here:
pre-emphasis, periodic Hann window, |rfft|^2, HTK-mel triangular filters (peak 1), ln(E + 1e-10),
orthonormal DCT-II; frames 1 + (N - L) // hop, no centring.
"""
import json
import os

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))


def hz_to_mel(f):
    return 2595.0 * np.log10(1.0 + f / 700.0)


def mel_to_hz(m):
    return 700.0 * (10.0 ** (m / 2595.0) - 1.0)


def features(x, sr, L, hop, nfft, M, fmin, fmax, alpha, C):
    x = np.asarray(x, dtype=np.float64)
    y = x.copy()
    y[1:] = x[1:] - alpha * x[:-1]
    T = 1 if len(y) <= L else 1 + (len(y) - L) // hop
    padded = np.zeros(max(len(y), (T - 1) * hop + L))
    padded[: len(y)] = y
    window = 0.5 - 0.5 * np.cos(2 * np.pi * np.arange(L) / L)
    frames = np.stack([padded[t * hop : t * hop + L] * window for t in range(T)])
    power = np.abs(np.fft.rfft(frames, n=nfft, axis=1)) ** 2  # [T, K]
    edges = mel_to_hz(np.linspace(hz_to_mel(fmin), hz_to_mel(fmax), M + 2))
    freqs = np.arange(nfft // 2 + 1) * sr / nfft
    H = np.zeros((M, nfft // 2 + 1))
    for m in range(M):
        left, centre, right = edges[m], edges[m + 1], edges[m + 2]
        H[m] = np.maximum(0, np.minimum((freqs - left) / (centre - left), (right - freqs) / (right - centre)))
    logmel = np.log(power @ H.T + 1e-10)
    c = np.arange(C)[:, None]
    m = np.arange(M)[None, :]
    D = np.cos(np.pi * c * (2 * m + 1) / (2 * M)) * np.where(c == 0, np.sqrt(1.0 / M), np.sqrt(2.0 / M))
    return logmel, logmel @ D.T


rng = np.random.RandomState(1234)
n = 1234
t = np.arange(n) / 8000.0
signal = (0.4 * np.sin(2 * np.pi * (200 + 1500 * t) * t) + 0.05 * rng.randn(n)).astype(np.float32)

cases = []
for name, sr, opts, x in [
    ("defaults at 8 kHz", 8000, dict(L=200, hop=80, nfft=256, M=40, fmin=0.0, fmax=4000.0, alpha=0.97, C=13), signal),
    ("16 kHz options, no pre-emphasis", 16000, dict(L=400, hop=160, nfft=512, M=26, fmin=20.0, fmax=7600.0, alpha=0.0, C=12), signal),
    ("shorter than one frame", 8000, dict(L=200, hop=80, nfft=256, M=40, fmin=0.0, fmax=4000.0, alpha=0.97, C=13), signal[:150]),
]:
    logmel, mfcc = features(x, sr, **opts)
    cases.append(
        {
            "name": name,
            "options": {
                "sampleRate": sr, "frameLength": opts["L"], "hopLength": opts["hop"], "fftSize": opts["nfft"],
                "melBands": opts["M"], "minFrequency": opts["fmin"], "maxFrequency": opts["fmax"],
                "preEmphasis": opts["alpha"], "coefficients": opts["C"],
            },
            "samples": len(x),
            "frames": int(logmel.shape[0]),
            "logMel": [round(float(v), 7) for v in logmel.ravel()],
            "mfcc": [round(float(v), 7) for v in mfcc.ravel()],
        }
    )

out = {
    "generator": "scripts/make_mfcc_fixture.py, numpy " + np.__version__,
    "signal": [float(v) for v in signal],
    "cases": cases,
}
with open(os.path.join(HERE, "..", "fixtures", "mfcc", "mfcc-reference.json"), "w") as f:
    json.dump(out, f)
print("wrote", len(cases), "cases,", [c["frames"] for c in cases], "frames")
