"""Scaled dot-product attention with an optional causal mask."""
import numpy as np

NAME = "attention"
TITLE = "Scaled dot-product attention with a causal mask"
DIFFICULTY = "medium"
ENTRY = "attention"
STATEMENT = """\
Implement attention(q, k, v, causal): q is (B, Tq, d), k is (B, Tk, d), v is (B, Tk, dv), all float64.
Return softmax(q @ k^T / sqrt(d)) @ v, shape (B, Tq, dv), softmax over the key axis. When causal is True,
query i may attend only to keys j <= i + (Tk - Tq) (queries are the last Tq positions). It must stay exact
when the scores are in the thousands. Use NumPy only. Optimise part: the naive baseline loops over
batches and queries.
Do not modify the inputs in place."""
STARTER = '''import numpy as np


def attention(q, k, v, causal=False):
    """q: (B, Tq, d), k: (B, Tk, d), v: (B, Tk, dv). Return (B, Tq, dv)."""
    raise NotImplementedError
'''
OUTPUTS = ("out",)
DTYPES = ("float",)
RTOL, ATOL = 1e-7, 1e-9
CRITERIA = ("correctness", "numerical_care", "efficiency", "code_quality")
EXAMPLES = [{"q": np.array([[[1.0, 0.0], [0.0, 1.0]]]), "k": np.array([[[1.0, 0.0], [0.0, 1.0]]]),
             "v": np.array([[[1.0, 2.0], [3.0, 4.0]]]), "causal": True}]
HIDDEN = [
    ("standard", {"b": 2, "tq": 5, "tk": 5, "d": 8, "causal": False}),
    ("standard", {"b": 2, "tq": 6, "tk": 6, "d": 4, "causal": True}),
    ("edge", {"b": 1, "tq": 2, "tk": 7, "d": 4, "causal": True}),
    ("edge", {"b": 3, "tq": 1, "tk": 1, "d": 1, "causal": True}),
    ("numerical", {"b": 2, "tq": 4, "tk": 4, "d": 8, "causal": False, "scale": 40.0}),
    ("numerical", {"b": 1, "tq": 5, "tk": 5, "d": 16, "causal": True, "scale": 60.0}),
    ("large", {"b": 4, "tq": 256, "tk": 256, "d": 64, "causal": True}),
]
SPEED = {"size": {"b": 16, "tq": 16, "tk": 16, "d": 16, "causal": True}, "target": 8.0}


def inputs(rng, b, tq, tk, d, causal, scale=1.0):
    return {"q": rng.standard_normal((b, tq, d)) * scale, "k": rng.standard_normal((b, tk, d)) * scale,
            "v": rng.standard_normal((b, tk, d)), "causal": causal}


def reference(q, k, v, causal=False):
    tq, tk = q.shape[1], k.shape[1]
    s = q @ np.swapaxes(k, 1, 2) / np.sqrt(q.shape[-1])
    if causal:
        allowed = np.arange(tk)[None, :] <= np.arange(tq)[:, None] + (tk - tq)
        s = np.where(allowed, s, -np.inf)
    s = s - np.max(s, axis=-1, keepdims=True)
    w = np.exp(s)
    return (w / np.sum(w, axis=-1, keepdims=True)) @ v


def naive(q, k, v, causal=False):
    import math
    b, tq, d = q.shape
    tk = k.shape[1]
    out = np.zeros((b, tq, v.shape[2]))
    for n in range(b):
        for i in range(tq):
            last = i + (tk - tq) if causal else tk - 1
            scores = [float(np.dot(q[n, i], k[n, j])) / math.sqrt(d) for j in range(last + 1)]
            m = max(scores)
            w = [math.exp(s - m) for s in scores]
            total = sum(w)
            for j in range(last + 1):
                out[n, i] += w[j] / total * v[n, j]
    return out


def wrong(q, k, v, causal=False):
    tq, tk = q.shape[1], k.shape[1]
    s = q @ np.swapaxes(k, 1, 2) / np.sqrt(q.shape[-1])
    w = np.exp(s)
    if causal:
        w = w * (np.arange(tk)[None, :] <= np.arange(tq)[:, None] + (tk - tq))
    return (w / np.sum(w, axis=-1, keepdims=True)) @ v


def mutant_mask_off_by_one(q, k, v, causal=False):
    tq, tk = q.shape[1], k.shape[1]
    s = q @ np.swapaxes(k, 1, 2) / np.sqrt(q.shape[-1])
    if causal:
        allowed = np.arange(tk)[None, :] < np.arange(tq)[:, None] + (tk - tq)
        allowed[:, 0] = True
        s = np.where(allowed, s, -np.inf)
    s = s - np.max(s, axis=-1, keepdims=True)
    w = np.exp(s)
    return (w / np.sum(w, axis=-1, keepdims=True)) @ v


def mutant_square_mask(q, k, v, causal=False):
    tq, tk = q.shape[1], k.shape[1]
    s = q @ np.swapaxes(k, 1, 2) / np.sqrt(q.shape[-1])
    if causal:
        s = np.where(np.tril(np.ones((tq, tk), dtype=bool)), s, -np.inf)
    s = s - np.max(s, axis=-1, keepdims=True)
    w = np.exp(s)
    return (w / np.sum(w, axis=-1, keepdims=True)) @ v


def mutant_softmax_wrong_axis(q, k, v, causal=False):
    tq, tk = q.shape[1], k.shape[1]
    s = q @ np.swapaxes(k, 1, 2) / np.sqrt(q.shape[-1])
    if causal:
        allowed = np.arange(tk)[None, :] <= np.arange(tq)[:, None] + (tk - tq)
        s = np.where(allowed, s, -np.inf)
    s = s - np.max(s, axis=-1, keepdims=True)
    w = np.exp(s)
    return (w / np.sum(w, axis=1, keepdims=True)) @ v


def mutant_no_scale(q, k, v, causal=False):
    tq, tk = q.shape[1], k.shape[1]
    s = q @ np.swapaxes(k, 1, 2)
    if causal:
        allowed = np.arange(tk)[None, :] <= np.arange(tq)[:, None] + (tk - tq)
        s = np.where(allowed, s, -np.inf)
    s = s - np.max(s, axis=-1, keepdims=True)
    w = np.exp(s)
    return (w / np.sum(w, axis=-1, keepdims=True)) @ v


MUTANTS = {"no_max_shift": wrong, "mask_off_by_one": mutant_mask_off_by_one, "square_causal_mask": mutant_square_mask,
           "softmax_wrong_axis": mutant_softmax_wrong_axis, "no_sqrt_d_scale": mutant_no_scale}


def row_loop(q, k, v, causal=False):
    b, tq, d = q.shape
    tk = k.shape[1]
    out = np.zeros((b, tq, v.shape[2]))
    for n in range(b):
        for i in range(tq):
            last = i + (tk - tq) if causal else tk - 1
            s = k[n, :last + 1] @ q[n, i] / np.sqrt(d)
            w = np.exp(s - s.max())
            out[n, i] = (w / w.sum()) @ v[n, :last + 1]
    return out
