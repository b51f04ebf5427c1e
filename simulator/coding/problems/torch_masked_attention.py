"""PyTorch: attention with a key padding mask, where a fully padded row gives zeros, not nan."""
import numpy as np

try:  # the torch functions run in the sandbox (Debian's python3-torch); the parent needs only NumPy
    import torch
except ImportError:  # pragma: no cover - depends on the machine
    torch = None

NAME = "torch_masked_attention"
TITLE = "PyTorch attention with a key padding mask"
DIFFICULTY = "medium"
FRAMEWORK = "torch"
ENTRY = "masked_attention"
STATEMENT = """\
Implement masked_attention(q, k, v, key_padding_mask) with PyTorch: q is a float64 tensor (B, Tq, d), k is
(B, Tk, d), v is (B, Tk, dv), key_padding_mask is a bool tensor (B, Tk) where True marks a padded key.
Return softmax(q @ k^T / sqrt(d)) @ v over the keys that are not padded, a float64 tensor (B, Tq, dv)
(the dtype of q); a batch row whose keys are all padded gives zeros, never nan. It must stay exact for
scores in the thousands. Any torch operation is allowed. Do not modify the inputs in place."""
STARTER = '''import torch


def masked_attention(q, k, v, key_padding_mask):
    """q: (B, Tq, d), k: (B, Tk, d), v: (B, Tk, dv) float64 tensors; key_padding_mask: (B, Tk) bool, True = padded."""
    raise NotImplementedError
'''
OUTPUTS = ("out",)
DTYPES = ("same:q",)
RTOL, ATOL = 1e-7, 1e-9
CRITERIA = ("correctness", "numerical_care", "code_quality")
TIMEOUT_S = 4.0
EXAMPLES = [{"q": np.array([[[1.0, 0.0]], [[0.0, 1.0]]]), "k": np.array([[[1.0, 0.0], [0.0, 1.0]], [[1.0, 0.0], [0.0, 1.0]]]),
             "v": np.array([[[1.0], [2.0]], [[3.0], [4.0]]]), "key_padding_mask": np.array([[False, True], [True, True]])}]
HIDDEN = [
    ("standard", {"b": 3, "tq": 4, "tk": 6, "d": 8, "dv": 3}),
    ("standard", {"b": 2, "tq": 7, "tk": 5, "d": 4, "dv": 6}),
    ("edge", {"b": 4, "tq": 3, "tk": 4, "d": 2, "dv": 2, "empty_rows": True}),
    ("edge", {"b": 2, "tq": 1, "tk": 1, "d": 1, "dv": 1}),
    ("numerical", {"b": 2, "tq": 4, "tk": 6, "d": 8, "dv": 3, "scale": 40.0}),
    ("large", {"b": 8, "tq": 128, "tk": 128, "d": 64, "dv": 64}),
]


def inputs(rng, b, tq, tk, d, dv, scale=1.0, empty_rows=False):
    mask = rng.random((b, tk)) < 0.3
    mask[:, 0] = False  # every row keeps a key ...
    if empty_rows:
        mask[::2] = True  # ... except these, which are all padding
    return {"q": rng.standard_normal((b, tq, d)) * scale, "k": rng.standard_normal((b, tk, d)) * scale,
            "v": rng.standard_normal((b, tk, dv)), "key_padding_mask": mask}


def reference(q, k, v, key_padding_mask):
    """NumPy: runs in the trusted parent, which needs no torch."""
    s = q @ np.swapaxes(k, 1, 2) / np.sqrt(q.shape[-1])
    pad = key_padding_mask[:, None, :]
    s = np.where(pad, -np.inf, s)
    m = s.max(axis=-1, keepdims=True)
    m = np.where(np.isfinite(m), m, 0.0)
    w = np.where(pad, 0.0, np.exp(s - m))
    total = w.sum(axis=-1, keepdims=True)
    return (w / np.where(total > 0, total, 1.0)) @ v


def solution(q, k, v, key_padding_mask):
    """The torch solution the sandbox runs as the reference."""
    s = q @ k.transpose(-1, -2) / q.shape[-1] ** 0.5
    s = s.masked_fill(key_padding_mask[:, None, :], float("-inf"))
    w = torch.softmax(s, dim=-1)
    return torch.nan_to_num(w, nan=0.0) @ v


def wrong(q, k, v, key_padding_mask):
    """Fully padded rows come out as nan (softmax over all -inf)."""
    s = q @ k.transpose(-1, -2) / q.shape[-1] ** 0.5
    s = s.masked_fill(key_padding_mask[:, None, :], float("-inf"))
    return torch.softmax(s, dim=-1) @ v


def mutant_masks_queries(q, k, v, key_padding_mask):
    s = q @ k.transpose(-1, -2) / q.shape[-1] ** 0.5
    tq, tk = s.shape[1], s.shape[2]
    n = min(tq, tk)
    mask = torch.zeros_like(s, dtype=torch.bool)
    mask[:, :n, :] = key_padding_mask[:, :n, None]
    s = s.masked_fill(mask, float("-inf"))
    return torch.nan_to_num(torch.softmax(s, dim=-1), nan=0.0) @ v


def mutant_float32_buffer(q, k, v, key_padding_mask):
    out = torch.zeros(q.shape[0], q.shape[1], v.shape[2])
    s = q @ k.transpose(-1, -2) / q.shape[-1] ** 0.5
    s = s.masked_fill(key_padding_mask[:, None, :], float("-inf"))
    out[:] = torch.nan_to_num(torch.softmax(s, dim=-1), nan=0.0) @ v
    return out


def mutant_scales_q_in_place(q, k, v, key_padding_mask):
    q.div_(q.shape[-1] ** 0.5)
    s = (q @ k.transpose(-1, -2)).masked_fill(key_padding_mask[:, None, :], float("-inf"))
    return torch.nan_to_num(torch.softmax(s, dim=-1), nan=0.0) @ v


def mutant_mask_inverted(q, k, v, key_padding_mask):
    s = q @ k.transpose(-1, -2) / q.shape[-1] ** 0.5
    s = s.masked_fill(~key_padding_mask[:, None, :], float("-inf"))
    return torch.nan_to_num(torch.softmax(s, dim=-1), nan=0.0) @ v


def mutant_large_negative_fill(q, k, v, key_padding_mask):
    s = q @ k.transpose(-1, -2) / q.shape[-1] ** 0.5
    s = s.masked_fill(key_padding_mask[:, None, :], -1e4)
    return torch.softmax(s, dim=-1) @ v


MUTANTS = {"nan_for_padded_rows": wrong, "masks_queries_not_keys": mutant_masks_queries,
           "float32_buffer": mutant_float32_buffer, "scales_q_in_place": mutant_scales_q_in_place,
           "mask_inverted": mutant_mask_inverted, "finite_fill_value": mutant_large_negative_fill}
