"""Float64 NumPy reference of Keras' Attention, AdditiveAttention and MultiHeadAttention layers.

Run with Debian's NumPy:  /usr/bin/python3 packages/models/scripts/attention-reference.py
Writes packages/models/fixtures/attention/attention-reference.json: for each case the layer options,
inputs, masks, weights (Keras names and shapes), the outputs, and the gradients of the scalar
loss L = sum(R * y) (+ sum(R2 * scores) when the scores are returned) with respect to every input
and weight, by central finite differences in float64 (step 1e-6). Masked steps of the inputs hold
zeros (so Keras' Masking layer finds the same masks).

The layers are written from the equations Keras 3 documents (keras.layers.Attention,
AdditiveAttention, MultiHeadAttention), not from rnnkit's code:
  Attention 'dot':     S = s * q @ k^T                          (s: scalar `scale`, 1 without use_scale)
  Attention 'concat':  S_ij = c * sum_f tanh(s * (q_if + k_jf))   (c: `concat_score_weight`)
  AdditiveAttention:   S_ij = sum_f s_f * tanh(q_if + k_jf)        (s: `scale` [F], 1 without use_scale)
  both: M_ij = value_mask_j and (j <= i if causal); A = softmax_j(where(M, S, -1e9)); y = (A @ v) * query_mask_i
  MultiHeadAttention: Q = query . Wq + bq, K = key . Wk + bk, V = value . Wv + bv (einsum 'btf,fnh->btnh');
    E = einsum('btnh,bsnh->bnts', Q, K) / sqrt(key_dim); M_ts = query_mask_t and value_mask_s and key_mask_s
    and (s <= t if causal); A = softmax_s(where(M, E, -1e9)); C = einsum('bnts,bsnh->btnh', A, V);
    y = einsum('btnh,nho->bto', C, Wo) + bo.  Scores returned: A (attention over the sequence axis).
A masked score set to -1e9 is what Keras' float32 `S - 1e9 * (1 - M)` computes for |S| < 32.
"""
import json
import os

import numpy as np

here = os.path.dirname(os.path.abspath(__file__))
out_dir = os.path.join(here, '..', 'fixtures', 'attention')
rng = np.random.default_rng(20261203)
STEP = 1e-6


def softmax(x):
    z = x - x.max(axis=-1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=-1, keepdims=True)


def causal(tq, tv):
    return (np.arange(tv)[None, :] <= np.arange(tq)[:, None]).astype(np.float64)


def score_mask(b, tq, tv, value_mask, is_causal, query_mask=None, key_mask=None):
    m = np.ones((b, tq, tv))
    if query_mask is not None:
        m = m * query_mask[:, :, None]
    if value_mask is not None:
        m = m * value_mask[:, None, :]
    if key_mask is not None:
        m = m * key_mask[:, None, :]
    if is_causal:
        m = m * causal(tq, tv)[None]
    return m


def luong_or_bahdanau(layer, query, value, key, weights, masks):
    """Attention / AdditiveAttention: returns (y, A)."""
    k = value if key is None else key
    if layer['class'] == 'Attention':
        s = weights['scale'] if layer['useScale'] else 1.0
        if layer['scoreMode'] == 'dot':
            scores = s * np.einsum('bif,bjf->bij', query, k)
        else:
            scores = weights['concat_score_weight'] * np.tanh(s * (query[:, :, None, :] + k[:, None, :, :])).sum(-1)
    else:
        s = weights['scale'] if layer['useScale'] else np.ones(query.shape[-1])
        scores = (s * np.tanh(query[:, :, None, :] + k[:, None, :, :])).sum(-1)
    b, tq, tv = scores.shape
    m = score_mask(b, tq, tv, masks.get('value'), layer['useCausalMask'])
    a = softmax(np.where(m > 0, scores, -1e9))
    y = np.einsum('bij,bjd->bid', a, value)
    if masks.get('query') is not None:
        y = y * masks['query'][:, :, None]
    return y, a


def multi_head(layer, query, value, key, weights, masks):
    k_in = value if key is None else key
    bias = layer['useBias']

    def proj(x, name):
        z = np.einsum('btf,fnh->btnh', x, weights[name + '/kernel'])
        return z + weights[name + '/bias'] if bias else z

    q = proj(query, 'query')
    k = proj(k_in, 'key')
    v = proj(value, 'value')
    e = np.einsum('btnh,bsnh->bnts', q, k) / np.sqrt(layer['keyDim'])
    b, n, t, s = e.shape
    m = score_mask(b, t, s, masks.get('value'), layer['useCausalMask'], masks.get('query'), masks.get('key') if key is not None else None)
    a = softmax(np.where(m[:, None] > 0, e, -1e9))
    c = np.einsum('bnts,bsnh->btnh', a, v)
    y = np.einsum('btnh,nho->bto', c, weights['attention_output/kernel'])
    if bias:
        y = y + weights['attention_output/bias']
    return y, a


def forward(case, tensors):
    """The layer on `tensors` (inputs and weights by name); self-attention reads the query as the value."""
    layer = case['layer']
    query = tensors['query']
    value = query if case['selfAttention'] else tensors['value']
    key = tensors.get('key')
    weights = {n: tensors[n] for n in case['weightNames']}
    masks = case['maskArrays']
    run = multi_head if layer['class'] == 'MultiHeadAttention' else luong_or_bahdanau
    return run(layer, query, value, key, weights, masks)


def loss(case, tensors):
    y, a = forward(case, tensors)
    total = (case['R'] * y).sum()
    if case['layer'].get('returnAttentionScores'):
        total += (case['R2'] * a).sum()
    return total


def finite_differences(case, tensors):
    grads = {}
    for name, t in tensors.items():
        g = np.zeros_like(t)
        flat = t.reshape(-1)
        gf = g.reshape(-1)
        for i in range(flat.size):
            keep = flat[i]
            flat[i] = keep + STEP
            up = loss(case, tensors)
            flat[i] = keep - STEP
            down = loss(case, tensors)
            flat[i] = keep
            gf[i] = (up - down) / (2 * STEP)
        grads[name] = g
    return grads


def js(a):
    a = np.asarray(a, dtype=np.float64)
    return {'shape': list(a.shape), 'values': [float(v) for v in a.reshape(-1)]}


def normal(*shape, scale=1.0):
    return rng.standard_normal(shape) * scale


B, TQ, TV = 2, 4, 5
QUERY_MASK = np.array([[1, 1, 1, 1], [1, 1, 0, 0]], dtype=np.float64)
VALUE_MASK = np.array([[1, 1, 1, 0, 0], [1, 1, 1, 1, 1]], dtype=np.float64)
SELF_MASK = np.array([[1, 1, 1, 1], [1, 1, 1, 0]], dtype=np.float64)


def make_case(name, layer, fq, fv, fk, weights, masks, self_attention=False, tq=TQ, tv=TV):
    tensors = {'query': normal(B, tq, fq)}
    if not self_attention:
        tensors['value'] = normal(B, tv, fv)
    if fk is not None:
        tensors['key'] = normal(B, tv, fk)
    # masked steps hold zeros, so that a Masking layer in front of the layer finds the same masks
    for n, m in masks.items():
        if n in tensors:
            tensors[n] = tensors[n] * m[:, :, None]
    tensors.update(weights)
    case = {'name': name, 'layer': layer, 'selfAttention': self_attention, 'weightNames': list(weights.keys()), 'maskArrays': masks}
    y, a = forward(case, tensors)
    case['R'] = normal(*y.shape)
    if layer.get('returnAttentionScores'):
        case['R2'] = normal(*a.shape)
    grads = finite_differences(case, tensors)
    out = {
        'name': name,
        'layer': layer,
        'selfAttention': self_attention,
        'inputs': {n: js(tensors[n]) for n in ('query', 'value', 'key') if n in tensors},
        'masks': {n: js(m) for n, m in masks.items()},
        'weights': {n: js(tensors[n]) for n in weights},
        'R': js(case['R']),
        'output': js(y),
        'scores': js(a),
        'grads': {n: js(g) for n, g in grads.items()},
    }
    if layer.get('returnAttentionScores'):
        out['R2'] = js(case['R2'])
    return out


def mha_weights(fq, fv, fk, n, dk, dv, o, bias):
    w = {'query/kernel': normal(fq, n, dk, scale=0.5)}
    if bias:
        w['query/bias'] = normal(n, dk, scale=0.3)
    w['key/kernel'] = normal(fk, n, dk, scale=0.5)
    if bias:
        w['key/bias'] = normal(n, dk, scale=0.3)
    w['value/kernel'] = normal(fv, n, dv, scale=0.5)
    if bias:
        w['value/bias'] = normal(n, dv, scale=0.3)
    w['attention_output/kernel'] = normal(n, dv, o, scale=0.5)
    if bias:
        w['attention_output/bias'] = normal(o, scale=0.3)
    return w


def attention_layer(**kw):
    base = {'class': 'Attention', 'useScale': False, 'scoreMode': 'dot', 'useCausalMask': False, 'returnAttentionScores': False}
    base.update(kw)
    return base


def additive_layer(**kw):
    base = {'class': 'AdditiveAttention', 'useScale': True, 'useCausalMask': False, 'returnAttentionScores': False}
    base.update(kw)
    return base


def mha_layer(**kw):
    base = {'class': 'MultiHeadAttention', 'useBias': True, 'useCausalMask': False, 'returnAttentionScores': False, 'outputShape': None}
    base.update(kw)
    return base


cases = [
    make_case('attention-dot-key-masks', attention_layer(returnAttentionScores=True), 3, 2, 3, {}, {'query': QUERY_MASK, 'value': VALUE_MASK}),
    make_case('attention-dot-scale-causal-self', attention_layer(useScale=True, useCausalMask=True), 3, None, None, {'scale': np.array(0.7)}, {}, self_attention=True),
    make_case('attention-concat-scale-value-mask', attention_layer(useScale=True, scoreMode='concat'), 3, 3, None, {'scale': np.array(0.6), 'concat_score_weight': np.array(1.3)}, {'value': VALUE_MASK}),
    make_case('attention-concat-causal', attention_layer(scoreMode='concat', useCausalMask=True, returnAttentionScores=True), 3, 3, None, {'concat_score_weight': np.array(0.8)}, {}),
    make_case('additive-scale-key-masks', additive_layer(returnAttentionScores=True), 3, 2, 3, {'scale': normal(3)}, {'query': QUERY_MASK, 'value': VALUE_MASK}),
    make_case('additive-noscale-causal-self-mask', additive_layer(useScale=False, useCausalMask=True), 3, None, None, {}, {'query': SELF_MASK, 'value': SELF_MASK}, self_attention=True),
    make_case('mha-2heads-self', mha_layer(numHeads=2, keyDim=3), 4, None, None, mha_weights(4, 4, 4, 2, 3, 3, 4, True), {}, self_attention=True),
    make_case(
        'mha-2heads-self-causal-mask-scores',
        mha_layer(numHeads=2, keyDim=3, valueDim=2, useCausalMask=True, returnAttentionScores=True),
        4, None, None, mha_weights(4, 4, 4, 2, 3, 2, 4, True), {'query': SELF_MASK, 'value': SELF_MASK}, self_attention=True,
    ),
    make_case(
        'mha-cross-key-nobias-output-masks',
        mha_layer(numHeads=2, keyDim=2, valueDim=3, useBias=False, outputShape=5, returnAttentionScores=True),
        3, 4, 2, mha_weights(3, 4, 2, 2, 2, 3, 5, False), {'query': QUERY_MASK, 'value': VALUE_MASK, 'key': np.array([[1, 1, 0, 1, 1], [1, 1, 1, 1, 0]], dtype=np.float64)},
    ),
]

os.makedirs(out_dir, exist_ok=True)
with open(os.path.join(out_dir, 'attention-reference.json'), 'w') as f:
    json.dump({'generator': 'packages/models/scripts/attention-reference.py (float64 NumPy, central differences, step 1e-6)', 'cases': cases}, f)
print('wrote', len(cases), 'cases to', os.path.relpath(os.path.join(out_dir, 'attention-reference.json')))
