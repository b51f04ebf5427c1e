"""Tiled attention with an online softmax (the FlashAttention forward pass), equal to naive attention."""
import numpy as np

NAME = "tiled_attention"
TITLE = "Tiled attention with an online softmax"
DIFFICULTY = "hard"
ENTRY = "tiled_attention"
STATEMENT = """\
Implement tiled_attention(q, k, v, block, causal) as FlashAttention's forward pass does: q is (B, Tq, d),
k is (B, Tk, d), v is (B, Tk, dv), all float64; block >= 1. Process the keys in blocks of `block`
positions (the last block may be shorter) with an online softmax: per query keep a running maximum m, a
running sum l of exp(score - m) and a running output, rescaling both by exp(m_old - m_new) whenever the
maximum grows; never form the full (Tq, Tk) score matrix. Scores are q @ k^T / sqrt(d). When causal is
True (then Tk >= Tq), query i sees only keys j <= i + (Tk - Tq) (the queries are the last Tq positions).
Return (out (B, Tq, dv), lse (B, Tq)) where lse is the log-sum-exp of each query's visible scores; both
must equal naive attention's and stay exact for scores in the thousands. Use NumPy only.
Do not modify the inputs in place."""
STARTER = '''import numpy as np


def tiled_attention(q, k, v, block, causal=False):
    """q: (B, Tq, d); k: (B, Tk, d); v: (B, Tk, dv). Return (out (B, Tq, dv), lse (B, Tq))."""
    raise NotImplementedError
'''
OUTPUTS = ("out", "lse")
DTYPES = ("float", "float")
RTOL, ATOL = 1e-7, 1e-9
CRITERIA = ("correctness", "numerical_care", "code_quality")
LOOP_FACTOR = 400.0  # a Python loop over key blocks is the point; over queries or keys it is not
EXAMPLES = [{"q": np.array([[[1.0, 0.0], [0.0, 1.0]]]), "k": np.array([[[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]]]),
             "v": np.array([[[1.0], [2.0], [3.0]]]), "block": 2, "causal": True}]
HIDDEN = [
    ("standard", {"b": 2, "tq": 8, "tk": 8, "d": 4, "block": 4, "causal": False}),
    ("standard", {"b": 2, "tq": 5, "tk": 13, "d": 8, "block": 4, "causal": True}),
    ("standard", {"b": 1, "tq": 9, "tk": 9, "d": 4, "block": 3, "causal": True}),
    ("edge", {"b": 1, "tq": 3, "tk": 7, "d": 2, "block": 1, "causal": True}),
    ("edge", {"b": 2, "tq": 4, "tk": 6, "d": 4, "block": 16, "causal": False}),
    ("edge", {"b": 1, "tq": 1, "tk": 1, "d": 1, "block": 2, "causal": True}),
    ("edge", {"b": 1, "tq": 6, "tk": 11, "d": 4, "block": 4, "causal": False, "rising": True}),
    ("numerical", {"b": 2, "tq": 6, "tk": 10, "d": 8, "block": 4, "causal": True, "scale": 40.0}),
    ("numerical", {"b": 1, "tq": 4, "tk": 9, "d": 4, "block": 2, "causal": False, "scale": 60.0, "rising": True}),
    ("large", {"b": 2, "tq": 256, "tk": 256, "d": 32, "block": 64, "causal": True}),
]


def inputs(rng, b, tq, tk, d, block, causal, scale=1.0, rising=False):
    q = rng.standard_normal((b, tq, d)) * scale
    k = rng.standard_normal((b, tk, d)) * scale
    if rising:  # later keys score higher, so the running maximum grows block after block
        k = k + np.linspace(0.0, 3.0, tk)[None, :, None] * np.abs(q).mean(axis=1, keepdims=True) * np.sign(q[:, :1])
    return {"q": q, "k": k, "v": rng.standard_normal((b, tk, max(1, d // 2 + 1))), "block": block, "causal": causal}


def reference(q, k, v, block, causal=False):
    tq, tk = q.shape[1], k.shape[1]
    s = q @ np.swapaxes(k, 1, 2) / np.sqrt(q.shape[-1])
    if causal:
        s = np.where(np.arange(tk)[None, :] <= np.arange(tq)[:, None] + (tk - tq), s, -np.inf)
    m = s.max(axis=-1, keepdims=True)
    lse = m + np.log(np.exp(s - m).sum(axis=-1, keepdims=True))
    return np.exp(s - lse) @ v, lse[..., 0]


def tiled(q, k, v, block, causal=False):
    """A correct tiled solution (what a candidate should write); it must pass like the reference."""
    b, tq, d = q.shape
    tk = k.shape[1]
    m = np.full((b, tq, 1), -np.inf)
    l = np.zeros((b, tq, 1))
    acc = np.zeros((b, tq, v.shape[2]))
    for j0 in range(0, tk, block):
        s = q @ np.swapaxes(k[:, j0:j0 + block], 1, 2) / np.sqrt(d)
        if causal:
            s = np.where(np.arange(j0, min(j0 + block, tk))[None, :] <= np.arange(tq)[:, None] + (tk - tq), s, -np.inf)
        m_new = np.maximum(m, s.max(axis=-1, keepdims=True))
        p = np.exp(s - m_new)
        scale = np.exp(m - m_new)
        l = l * scale + p.sum(axis=-1, keepdims=True)
        acc = acc * scale + p @ v[:, j0:j0 + block]
        m = m_new
    return acc / l, (m + np.log(l))[..., 0]


def wrong(q, k, v, block, causal=False):
    """Forgets to rescale the running output when the maximum grows."""
    b, tq, d = q.shape
    tk = k.shape[1]
    m = np.full((b, tq, 1), -np.inf)
    l = np.zeros((b, tq, 1))
    acc = np.zeros((b, tq, v.shape[2]))
    for j0 in range(0, tk, block):
        s = q @ np.swapaxes(k[:, j0:j0 + block], 1, 2) / np.sqrt(d)
        if causal:
            s = np.where(np.arange(j0, min(j0 + block, tk))[None, :] <= np.arange(tq)[:, None] + (tk - tq), s, -np.inf)
        m_new = np.maximum(m, s.max(axis=-1, keepdims=True))
        p = np.exp(s - m_new)
        l = l * np.exp(m - m_new) + p.sum(axis=-1, keepdims=True)
        acc = acc + p @ v[:, j0:j0 + block]
        m = m_new
    return acc / l, (m + np.log(l))[..., 0]


def mutant_drops_last_partial_block(q, k, v, block, causal=False):
    b, tq, d = q.shape
    tk = k.shape[1]
    m = np.full((b, tq, 1), -np.inf)
    l = np.zeros((b, tq, 1))
    acc = np.zeros((b, tq, v.shape[2]))
    for j0 in range(0, max(tk - block + 1, 1), block):
        s = q @ np.swapaxes(k[:, j0:j0 + block], 1, 2) / np.sqrt(d)
        if causal:
            s = np.where(np.arange(j0, min(j0 + block, tk))[None, :] <= np.arange(tq)[:, None] + (tk - tq), s, -np.inf)
        m_new = np.maximum(m, s.max(axis=-1, keepdims=True))
        p = np.exp(s - m_new)
        scale = np.exp(m - m_new)
        l = l * scale + p.sum(axis=-1, keepdims=True)
        acc = acc * scale + p @ v[:, j0:j0 + block]
        m = m_new
    return acc / l, (m + np.log(l))[..., 0]


def mutant_block_local_mask(q, k, v, block, causal=False):
    b, tq, d = q.shape
    tk = k.shape[1]
    m = np.full((b, tq, 1), -np.inf)
    l = np.zeros((b, tq, 1))
    acc = np.zeros((b, tq, v.shape[2]))
    for j0 in range(0, tk, block):
        s = q @ np.swapaxes(k[:, j0:j0 + block], 1, 2) / np.sqrt(d)
        if causal:
            s = np.where(np.arange(s.shape[-1])[None, :] <= np.arange(tq)[:, None] + (tk - tq), s, -np.inf)
        m_new = np.maximum(m, s.max(axis=-1, keepdims=True))
        p = np.exp(s - m_new)
        scale = np.exp(m - m_new)
        l = l * scale + p.sum(axis=-1, keepdims=True)
        acc = acc * scale + p @ v[:, j0:j0 + block]
        m = m_new
    return acc / l, (m + np.log(l))[..., 0]


def mutant_square_causal_mask(q, k, v, block, causal=False):
    b, tq, d = q.shape
    tk = k.shape[1]
    m = np.full((b, tq, 1), -np.inf)
    l = np.zeros((b, tq, 1))
    acc = np.zeros((b, tq, v.shape[2]))
    for j0 in range(0, tk, block):
        s = q @ np.swapaxes(k[:, j0:j0 + block], 1, 2) / np.sqrt(d)
        if causal:
            s = np.where(np.arange(j0, min(j0 + block, tk))[None, :] <= np.arange(tq)[:, None], s, -np.inf)
        m_new = np.maximum(m, s.max(axis=-1, keepdims=True))
        with np.errstate(invalid="ignore"):
            p = np.exp(s - m_new)
            scale = np.exp(m - m_new)
        p = np.nan_to_num(p)
        scale = np.nan_to_num(scale, nan=1.0)
        l = l * scale + p.sum(axis=-1, keepdims=True)
        acc = acc * scale + p @ v[:, j0:j0 + block]
        m = m_new
    return acc / l, (m + np.log(l))[..., 0]


def mutant_lse_without_max(q, k, v, block, causal=False):
    b, tq, d = q.shape
    tk = k.shape[1]
    m = np.full((b, tq, 1), -np.inf)
    l = np.zeros((b, tq, 1))
    acc = np.zeros((b, tq, v.shape[2]))
    for j0 in range(0, tk, block):
        s = q @ np.swapaxes(k[:, j0:j0 + block], 1, 2) / np.sqrt(d)
        if causal:
            s = np.where(np.arange(j0, min(j0 + block, tk))[None, :] <= np.arange(tq)[:, None] + (tk - tq), s, -np.inf)
        m_new = np.maximum(m, s.max(axis=-1, keepdims=True))
        p = np.exp(s - m_new)
        scale = np.exp(m - m_new)
        l = l * scale + p.sum(axis=-1, keepdims=True)
        acc = acc * scale + p @ v[:, j0:j0 + block]
        m = m_new
    return acc / l, np.log(l)[..., 0]


def mutant_no_running_max(q, k, v, block, causal=False):
    b, tq, d = q.shape
    tk = k.shape[1]
    l = np.zeros((b, tq, 1))
    acc = np.zeros((b, tq, v.shape[2]))
    for j0 in range(0, tk, block):
        s = q @ np.swapaxes(k[:, j0:j0 + block], 1, 2) / np.sqrt(d)
        if causal:
            s = np.where(np.arange(j0, min(j0 + block, tk))[None, :] <= np.arange(tq)[:, None] + (tk - tq), s, -np.inf)
        p = np.exp(s)
        l = l + p.sum(axis=-1, keepdims=True)
        acc = acc + p @ v[:, j0:j0 + block]
    return acc / l, np.log(l)[..., 0]


MUTANTS = {"output_not_rescaled": wrong, "last_partial_block_dropped": mutant_drops_last_partial_block,
           "block_local_causal_index": mutant_block_local_mask, "square_causal_mask": mutant_square_causal_mask,
           "lse_without_running_max": mutant_lse_without_max, "no_running_max": mutant_no_running_max}
