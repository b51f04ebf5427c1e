"""Causal multi-head self-attention with projections."""
import numpy as np

NAME = "multi_head_attention"
TITLE = "Multi-head causal self-attention"
DIFFICULTY = "medium"
ENTRY = "multi_head_attention"
STATEMENT = """\
Implement multi_head_attention(x, wq, wk, wv, wo, n_heads): x is (B, T, D) float64; wq, wk, wv, wo are (D, D).
Compute q = x @ wq, k = x @ wk, v = x @ wv; split the last axis into n_heads heads of size D // n_heads
(head h uses columns h*dh:(h+1)*dh); in each head apply causal scaled dot-product attention
(position i attends to positions j <= i, scores divided by sqrt(dh), stable softmax); concatenate the heads
in order and return concat @ wo, shape (B, T, D). Use NumPy only. Optimise part: the naive baseline loops
over batches, heads and positions.
Do not modify the inputs in place."""
STARTER = '''import numpy as np


def multi_head_attention(x, wq, wk, wv, wo, n_heads):
    """x: (B, T, D); w*: (D, D). Return causal multi-head self-attention output (B, T, D)."""
    raise NotImplementedError
'''
OUTPUTS = ("out",)
DTYPES = ("float",)
RTOL, ATOL = 1e-7, 1e-9
CRITERIA = ("correctness", "numerical_care", "efficiency", "code_quality")
EXAMPLES = [{"x": np.array([[[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]]]), "wq": np.eye(2), "wk": np.eye(2),
             "wv": np.eye(2), "wo": np.eye(2), "n_heads": 2}]
HIDDEN = [
    ("standard", {"b": 2, "t": 5, "d": 8, "h": 2}), ("standard", {"b": 1, "t": 7, "d": 12, "h": 3}),
    ("edge", {"b": 2, "t": 1, "d": 4, "h": 4}), ("edge", {"b": 1, "t": 4, "d": 6, "h": 1}),
    ("numerical", {"b": 1, "t": 6, "d": 8, "h": 2, "scale": 30.0}),
    ("large", {"b": 2, "t": 128, "d": 64, "h": 4}),
]
SPEED = {"size": {"b": 4, "t": 16, "d": 32, "h": 4}, "target": 8.0}


def inputs(rng, b, t, d, h, scale=1.0):
    w = [rng.standard_normal((d, d)) / np.sqrt(d) for _ in range(4)]
    return {"x": rng.standard_normal((b, t, d)) * scale, "wq": w[0] * scale, "wk": w[1], "wv": w[2], "wo": w[3],
            "n_heads": h}


def reference(x, wq, wk, wv, wo, n_heads):
    b, t, d = x.shape
    dh = d // n_heads

    def heads(m):
        return m.reshape(b, t, n_heads, dh).transpose(0, 2, 1, 3)

    q, k, v = heads(x @ wq), heads(x @ wk), heads(x @ wv)
    s = q @ k.transpose(0, 1, 3, 2) / np.sqrt(dh)
    s = np.where(np.tril(np.ones((t, t), dtype=bool)), s, -np.inf)
    s = s - s.max(axis=-1, keepdims=True)
    w = np.exp(s)
    o = (w / w.sum(axis=-1, keepdims=True)) @ v
    return o.transpose(0, 2, 1, 3).reshape(b, t, d) @ wo


def naive(x, wq, wk, wv, wo, n_heads):
    import math
    b, t, d = x.shape
    dh = d // n_heads
    q, k, v = x @ wq, x @ wk, x @ wv
    concat = np.zeros((b, t, d))
    for n in range(b):
        for h in range(n_heads):
            cols = slice(h * dh, (h + 1) * dh)
            for i in range(t):
                scores = [float(np.dot(q[n, i, cols], k[n, j, cols])) / math.sqrt(dh) for j in range(i + 1)]
                m = max(scores)
                w = [math.exp(s - m) for s in scores]
                total = sum(w)
                for j in range(i + 1):
                    concat[n, i, cols] += w[j] / total * v[n, j, cols]
    return concat @ wo


def wrong(x, wq, wk, wv, wo, n_heads):
    b, t, d = x.shape
    dh = d // n_heads

    def heads(m):
        return m.reshape(b, t, n_heads, dh).transpose(0, 2, 1, 3)

    q, k, v = heads(x @ wq), heads(x @ wk), heads(x @ wv)
    s = q @ k.transpose(0, 1, 3, 2) / np.sqrt(dh)
    s = s - s.max(axis=-1, keepdims=True)
    w = np.exp(s)
    o = (w / w.sum(axis=-1, keepdims=True)) @ v
    return o.transpose(0, 2, 1, 3).reshape(b, t, d) @ wo


def mutant_heads_interleaved(x, wq, wk, wv, wo, n_heads):
    b, t, d = x.shape
    dh = d // n_heads

    def heads(m):
        return m.reshape(b, t, dh, n_heads).transpose(0, 3, 1, 2)
    q, k, v = heads(x @ wq), heads(x @ wk), heads(x @ wv)
    s = q @ k.transpose(0, 1, 3, 2) / np.sqrt(dh)
    s = np.where(np.tril(np.ones((t, t), dtype=bool)), s, -np.inf)
    s = s - s.max(axis=-1, keepdims=True)
    w = np.exp(s)
    o = (w / w.sum(axis=-1, keepdims=True)) @ v
    return o.transpose(0, 2, 3, 1).reshape(b, t, d) @ wo


def mutant_scale_by_d(x, wq, wk, wv, wo, n_heads):
    b, t, d = x.shape
    dh = d // n_heads

    def heads(m):
        return m.reshape(b, t, n_heads, dh).transpose(0, 2, 1, 3)
    q, k, v = heads(x @ wq), heads(x @ wk), heads(x @ wv)
    s = q @ k.transpose(0, 1, 3, 2) / np.sqrt(d)
    s = np.where(np.tril(np.ones((t, t), dtype=bool)), s, -np.inf)
    s = s - s.max(axis=-1, keepdims=True)
    w = np.exp(s)
    o = (w / w.sum(axis=-1, keepdims=True)) @ v
    return o.transpose(0, 2, 1, 3).reshape(b, t, d) @ wo


def mutant_mask_excludes_self(x, wq, wk, wv, wo, n_heads):
    b, t, d = x.shape
    dh = d // n_heads

    def heads(m):
        return m.reshape(b, t, n_heads, dh).transpose(0, 2, 1, 3)
    q, k, v = heads(x @ wq), heads(x @ wk), heads(x @ wv)
    s = q @ k.transpose(0, 1, 3, 2) / np.sqrt(dh)
    allowed = np.tril(np.ones((t, t), dtype=bool), k=-1)
    allowed[0, 0] = True
    s = np.where(allowed, s, -np.inf)
    s = s - s.max(axis=-1, keepdims=True)
    w = np.exp(s)
    o = (w / w.sum(axis=-1, keepdims=True)) @ v
    return o.transpose(0, 2, 1, 3).reshape(b, t, d) @ wo


def mutant_no_shift(x, wq, wk, wv, wo, n_heads):
    b, t, d = x.shape
    dh = d // n_heads

    def heads(m):
        return m.reshape(b, t, n_heads, dh).transpose(0, 2, 1, 3)
    q, k, v = heads(x @ wq), heads(x @ wk), heads(x @ wv)
    s = q @ k.transpose(0, 1, 3, 2) / np.sqrt(dh)
    w = np.exp(s) * np.tril(np.ones((t, t)))
    o = (w / w.sum(axis=-1, keepdims=True)) @ v
    return o.transpose(0, 2, 1, 3).reshape(b, t, d) @ wo


MUTANTS = {"no_causal_mask": wrong, "heads_interleaved": mutant_heads_interleaved, "scale_by_model_dim": mutant_scale_by_d,
           "mask_excludes_self": mutant_mask_excludes_self, "no_max_shift": mutant_no_shift}


def row_loop(x, wq, wk, wv, wo, n_heads):
    b, t, d = x.shape
    dh = d // n_heads
    q, k, v = x @ wq, x @ wk, x @ wv
    concat = np.zeros((b, t, d))
    for n in range(b):
        for h in range(n_heads):
            cols = slice(h * dh, (h + 1) * dh)
            for i in range(t):
                s = k[n, :i + 1, cols] @ q[n, i, cols] / np.sqrt(dh)
                w = np.exp(s - s.max())
                concat[n, i, cols] = (w / w.sum()) @ v[n, :i + 1, cols]
    return concat @ wo
