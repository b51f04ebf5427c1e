"""PyTorch: FlashAttention's forward pass, an online softmax over key blocks, equal to naive attention."""
import numpy as np

try:  # the torch functions run in the sandbox (Debian's python3-torch); the parent needs only NumPy
    import torch
except ImportError:  # pragma: no cover - depends on the machine
    torch = None

NAME = "torch_flash_attention"
TITLE = "PyTorch FlashAttention forward with an online softmax"
DIFFICULTY = "hard"
FRAMEWORK = "torch"
ENTRY = "flash_attention"
STATEMENT = """\
Implement flash_attention(q, k, v, block, causal) with PyTorch as FlashAttention's forward pass: q and k are
float64 tensors (B, H, L, d), v is (B, H, L, dv), block >= 1 an int, causal a bool. Scores are
q @ k^T / sqrt(d); when causal is True query i sees only keys j <= i. Loop over the keys in blocks of
`block` positions (the last block is shorter when L is not a multiple of block) and keep, per query, a
running maximum m (starting at -inf), a running sum l of exp(score - m) and a running output; when a block
raises the maximum, rescale l and the output by exp(m_old - m_new) before adding the block. Never build the
full (L, L) score matrix (and no torch.nn.functional attention helper). Return (out (B, H, L, dv), lse
(B, H, L)), float64, where lse is the log-sum-exp of each query's visible scores; both must equal naive
softmax attention, also when every score is in the thousands, positive or negative.
Do not modify the inputs in place."""
STARTER = '''import torch


def flash_attention(q, k, v, block, causal=False):
    """q, k: (B, H, L, d); v: (B, H, L, dv) float64. Return (out (B, H, L, dv), lse (B, H, L))."""
    raise NotImplementedError
'''
OUTPUTS = ("out", "lse")
DTYPES = ("same:q", "same:q")
RTOL, ATOL = 1e-8, 1e-9
CRITERIA = ("correctness", "numerical_care", "code_quality")
TIMEOUT_S = 4.0
LOOP_FACTOR = 400.0  # a Python loop over key blocks is the point
EXAMPLES = [{"q": np.array([[[[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]]]]),
             "k": np.array([[[[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]]]]),
             "v": np.array([[[[1.0], [2.0], [3.0]]]]), "block": 2, "causal": True}]
HIDDEN = [
    ("standard", {"b": 2, "h": 2, "length": 16, "d": 8, "dv": 8, "block": 4, "causal": False}),
    ("standard", {"b": 1, "h": 3, "length": 13, "d": 8, "dv": 5, "block": 4, "causal": True}),
    ("standard", {"b": 2, "h": 1, "length": 10, "d": 4, "dv": 3, "block": 3, "causal": False}),
    ("edge", {"b": 1, "h": 2, "length": 1, "d": 4, "dv": 2, "block": 4, "causal": True}),
    ("edge", {"b": 1, "h": 1, "length": 7, "d": 2, "dv": 3, "block": 1, "causal": True}),
    ("edge", {"b": 2, "h": 1, "length": 5, "d": 4, "dv": 4, "block": 8, "causal": False}),
    ("edge", {"b": 1, "h": 2, "length": 11, "d": 4, "dv": 2, "block": 4, "causal": True, "rising": True}),
    ("numerical", {"b": 1, "h": 2, "length": 10, "d": 8, "dv": 4, "block": 4, "causal": True, "scale": 40.0}),
    ("numerical", {"b": 1, "h": 2, "length": 9, "d": 8, "dv": 3, "block": 3, "causal": False, "scale": 30.0,
                   "negative": True}),
    ("large", {"b": 2, "h": 4, "length": 256, "d": 32, "dv": 32, "block": 64, "causal": True}),
]


def inputs(rng, b, h, length, d, dv, block, causal, scale=1.0, rising=False, negative=False):
    q = rng.standard_normal((b, h, length, d)) * scale
    k = rng.standard_normal((b, h, length, d)) * scale
    if rising:  # later keys score higher for every query, so the running maximum grows block after block
        q = np.abs(q) + 1.0
        k = np.abs(k) * 0.3 + np.linspace(0.0, 3.0, length)[None, None, :, None]
    if negative:  # every score is a large negative number: a running maximum that starts at 0 underflows
        q = np.abs(q) + scale
        k = -(np.abs(k) + scale)
    return {"q": q, "k": k, "v": rng.standard_normal((b, h, length, dv)), "block": int(block), "causal": bool(causal)}


def reference(q, k, v, block, causal=False):
    """NumPy, naive: runs in the trusted parent, which needs no torch."""
    length = q.shape[2]
    s = q @ np.swapaxes(k, -1, -2) / np.sqrt(q.shape[-1])
    if causal:
        s = np.where(np.arange(length)[None, :] <= np.arange(length)[:, None], s, -np.inf)
    m = s.max(axis=-1, keepdims=True)
    lse = m + np.log(np.exp(s - m).sum(axis=-1, keepdims=True))
    return np.exp(s - lse) @ v, lse[..., 0]


def solution(q, k, v, block, causal=False):
    """The torch solution the sandbox runs as the reference: the online softmax over key blocks."""
    length, d = q.shape[2], q.shape[3]
    m = torch.full(q.shape[:3] + (1,), float("-inf"), dtype=q.dtype)
    l = torch.zeros(q.shape[:3] + (1,), dtype=q.dtype)
    acc = torch.zeros(q.shape[:3] + (v.shape[3],), dtype=q.dtype)
    qpos = torch.arange(length)[:, None]
    for j0 in range(0, length, block):
        kb, vb = k[:, :, j0:j0 + block], v[:, :, j0:j0 + block]
        s = q @ kb.transpose(-1, -2) / d ** 0.5
        if causal:
            s = s.masked_fill(torch.arange(j0, j0 + kb.shape[2])[None, :] > qpos, float("-inf"))
        m_new = torch.maximum(m, s.amax(dim=-1, keepdim=True))
        p = torch.exp(s - m_new)
        alpha = torch.exp(m - m_new)
        l = l * alpha + p.sum(dim=-1, keepdim=True)
        acc = acc * alpha + p @ vb
        m = m_new
    return acc / l, (m + torch.log(l))[..., 0]


def wrong(q, k, v, block, causal=False):
    """Rescales the running sum but not the running output when the maximum grows."""
    length, d = q.shape[2], q.shape[3]
    m = torch.full(q.shape[:3] + (1,), float("-inf"), dtype=q.dtype)
    l = torch.zeros(q.shape[:3] + (1,), dtype=q.dtype)
    acc = torch.zeros(q.shape[:3] + (v.shape[3],), dtype=q.dtype)
    qpos = torch.arange(length)[:, None]
    for j0 in range(0, length, block):
        kb, vb = k[:, :, j0:j0 + block], v[:, :, j0:j0 + block]
        s = q @ kb.transpose(-1, -2) / d ** 0.5
        if causal:
            s = s.masked_fill(torch.arange(j0, j0 + kb.shape[2])[None, :] > qpos, float("-inf"))
        m_new = torch.maximum(m, s.amax(dim=-1, keepdim=True))
        p = torch.exp(s - m_new)
        l = l * torch.exp(m - m_new) + p.sum(dim=-1, keepdim=True)
        acc = acc + p @ vb
        m = m_new
    return acc / l, (m + torch.log(l))[..., 0]


def mutant_sum_not_rescaled(q, k, v, block, causal=False):
    length, d = q.shape[2], q.shape[3]
    m = torch.full(q.shape[:3] + (1,), float("-inf"), dtype=q.dtype)
    l = torch.zeros(q.shape[:3] + (1,), dtype=q.dtype)
    acc = torch.zeros(q.shape[:3] + (v.shape[3],), dtype=q.dtype)
    qpos = torch.arange(length)[:, None]
    for j0 in range(0, length, block):
        kb, vb = k[:, :, j0:j0 + block], v[:, :, j0:j0 + block]
        s = q @ kb.transpose(-1, -2) / d ** 0.5
        if causal:
            s = s.masked_fill(torch.arange(j0, j0 + kb.shape[2])[None, :] > qpos, float("-inf"))
        m_new = torch.maximum(m, s.amax(dim=-1, keepdim=True))
        p = torch.exp(s - m_new)
        l = l + p.sum(dim=-1, keepdim=True)
        acc = acc * torch.exp(m - m_new) + p @ vb
        m = m_new
    return acc / l, (m + torch.log(l))[..., 0]


def mutant_max_updated_before_rescale(q, k, v, block, causal=False):
    length, d = q.shape[2], q.shape[3]
    m = torch.full(q.shape[:3] + (1,), float("-inf"), dtype=q.dtype)
    l = torch.zeros(q.shape[:3] + (1,), dtype=q.dtype)
    acc = torch.zeros(q.shape[:3] + (v.shape[3],), dtype=q.dtype)
    qpos = torch.arange(length)[:, None]
    for j0 in range(0, length, block):
        kb, vb = k[:, :, j0:j0 + block], v[:, :, j0:j0 + block]
        s = q @ kb.transpose(-1, -2) / d ** 0.5
        if causal:
            s = s.masked_fill(torch.arange(j0, j0 + kb.shape[2])[None, :] > qpos, float("-inf"))
        m = torch.maximum(m, s.amax(dim=-1, keepdim=True))
        p = torch.exp(s - m)
        alpha = torch.exp(m - m)  # the old maximum was overwritten before the correction factor was taken
        l = l * alpha + p.sum(dim=-1, keepdim=True)
        acc = acc * alpha + p @ vb
    return acc / l, (m + torch.log(l))[..., 0]


def mutant_last_partial_block_dropped(q, k, v, block, causal=False):
    length, d = q.shape[2], q.shape[3]
    m = torch.full(q.shape[:3] + (1,), float("-inf"), dtype=q.dtype)
    l = torch.zeros(q.shape[:3] + (1,), dtype=q.dtype)
    acc = torch.zeros(q.shape[:3] + (v.shape[3],), dtype=q.dtype)
    qpos = torch.arange(length)[:, None]
    for n in range(max(length // block, 1)):
        j0 = n * block
        kb, vb = k[:, :, j0:j0 + block], v[:, :, j0:j0 + block]
        s = q @ kb.transpose(-1, -2) / d ** 0.5
        if causal:
            s = s.masked_fill(torch.arange(j0, j0 + kb.shape[2])[None, :] > qpos, float("-inf"))
        m_new = torch.maximum(m, s.amax(dim=-1, keepdim=True))
        p = torch.exp(s - m_new)
        alpha = torch.exp(m - m_new)
        l = l * alpha + p.sum(dim=-1, keepdim=True)
        acc = acc * alpha + p @ vb
        m = m_new
    return acc / l, (m + torch.log(l))[..., 0]


def mutant_block_local_causal_index(q, k, v, block, causal=False):
    length, d = q.shape[2], q.shape[3]
    m = torch.full(q.shape[:3] + (1,), float("-inf"), dtype=q.dtype)
    l = torch.zeros(q.shape[:3] + (1,), dtype=q.dtype)
    acc = torch.zeros(q.shape[:3] + (v.shape[3],), dtype=q.dtype)
    qpos = torch.arange(length)[:, None]
    for j0 in range(0, length, block):
        kb, vb = k[:, :, j0:j0 + block], v[:, :, j0:j0 + block]
        s = q @ kb.transpose(-1, -2) / d ** 0.5
        if causal:  # key index within the block, not its position in the sequence
            s = s.masked_fill(torch.arange(kb.shape[2])[None, :] > qpos, float("-inf"))
        m_new = torch.maximum(m, s.amax(dim=-1, keepdim=True))
        p = torch.exp(s - m_new)
        alpha = torch.exp(m - m_new)
        l = l * alpha + p.sum(dim=-1, keepdim=True)
        acc = acc * alpha + p @ vb
        m = m_new
    return acc / l, (m + torch.log(l))[..., 0]


def mutant_max_starts_at_zero(q, k, v, block, causal=False):
    length, d = q.shape[2], q.shape[3]
    m = torch.zeros(q.shape[:3] + (1,), dtype=q.dtype)
    l = torch.zeros(q.shape[:3] + (1,), dtype=q.dtype)
    acc = torch.zeros(q.shape[:3] + (v.shape[3],), dtype=q.dtype)
    qpos = torch.arange(length)[:, None]
    for j0 in range(0, length, block):
        kb, vb = k[:, :, j0:j0 + block], v[:, :, j0:j0 + block]
        s = q @ kb.transpose(-1, -2) / d ** 0.5
        if causal:
            s = s.masked_fill(torch.arange(j0, j0 + kb.shape[2])[None, :] > qpos, float("-inf"))
        m_new = torch.maximum(m, s.amax(dim=-1, keepdim=True))
        p = torch.exp(s - m_new)
        alpha = torch.exp(m - m_new)
        l = l * alpha + p.sum(dim=-1, keepdim=True)
        acc = acc * alpha + p @ vb
        m = m_new
    return acc / l, (m + torch.log(l))[..., 0]


def mutant_lse_without_running_max(q, k, v, block, causal=False):
    length, d = q.shape[2], q.shape[3]
    m = torch.full(q.shape[:3] + (1,), float("-inf"), dtype=q.dtype)
    l = torch.zeros(q.shape[:3] + (1,), dtype=q.dtype)
    acc = torch.zeros(q.shape[:3] + (v.shape[3],), dtype=q.dtype)
    qpos = torch.arange(length)[:, None]
    for j0 in range(0, length, block):
        kb, vb = k[:, :, j0:j0 + block], v[:, :, j0:j0 + block]
        s = q @ kb.transpose(-1, -2) / d ** 0.5
        if causal:
            s = s.masked_fill(torch.arange(j0, j0 + kb.shape[2])[None, :] > qpos, float("-inf"))
        m_new = torch.maximum(m, s.amax(dim=-1, keepdim=True))
        p = torch.exp(s - m_new)
        alpha = torch.exp(m - m_new)
        l = l * alpha + p.sum(dim=-1, keepdim=True)
        acc = acc * alpha + p @ vb
        m = m_new
    return acc / l, torch.log(l)[..., 0]


def mutant_no_running_max(q, k, v, block, causal=False):
    length, d = q.shape[2], q.shape[3]
    l = torch.zeros(q.shape[:3] + (1,), dtype=q.dtype)
    acc = torch.zeros(q.shape[:3] + (v.shape[3],), dtype=q.dtype)
    qpos = torch.arange(length)[:, None]
    for j0 in range(0, length, block):
        kb, vb = k[:, :, j0:j0 + block], v[:, :, j0:j0 + block]
        s = q @ kb.transpose(-1, -2) / d ** 0.5
        if causal:
            s = s.masked_fill(torch.arange(j0, j0 + kb.shape[2])[None, :] > qpos, float("-inf"))
        p = torch.exp(s)
        l = l + p.sum(dim=-1, keepdim=True)
        acc = acc + p @ vb
    return acc / l, torch.log(l)[..., 0]


MUTANTS = {"output_not_rescaled": wrong, "sum_not_rescaled": mutant_sum_not_rescaled,
           "max_updated_before_rescale": mutant_max_updated_before_rescale,
           "last_partial_block_dropped": mutant_last_partial_block_dropped,
           "block_local_causal_index": mutant_block_local_causal_index, "max_starts_at_zero": mutant_max_starts_at_zero,
           "lse_without_running_max": mutant_lse_without_running_max, "no_running_max": mutant_no_running_max}
