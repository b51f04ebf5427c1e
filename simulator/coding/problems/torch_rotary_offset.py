"""PyTorch: rotary position embeddings (rotate-half pairing) for q and k starting at a cache offset."""
import numpy as np

try:  # the torch functions run in the sandbox (Debian's python3-torch); the parent needs only NumPy
    import torch
except ImportError:  # pragma: no cover - depends on the machine
    torch = None

NAME = "torch_rotary_offset"
TITLE = "PyTorch rotary embeddings at a position offset"
DIFFICULTY = "medium"
FRAMEWORK = "torch"
ENTRY = "apply_rotary"
STATEMENT = """\
Implement apply_rotary(q, k, offset, base) with PyTorch, as a decoder does for the new tokens when `offset`
positions are already in its KV cache: q is a float64 tensor (B, Hq, S, hd), k is (B, Hk, S, hd) (Hk may
differ from Hq), hd is even, offset >= 0 is an int and base > 1 a float. Sequence index s has position
p = offset + s. Use the rotate-half pairing: with h = hd // 2, feature i (0 <= i < h) is paired with
feature i + h and the pair is rotated by the angle p * base ** (-2 * i / hd):
out[..., i] = x[..., i] * cos - x[..., i + h] * sin and out[..., i + h] = x[..., i + h] * cos + x[..., i] * sin.
Return (q_rotated, k_rotated), float64 tensors of q's and k's shapes. The angles must stay exact for offsets
in the hundreds of thousands (compute them in float64). Do not modify the inputs in place."""
STARTER = '''import torch


def apply_rotary(q, k, offset, base=10000.0):
    """q: (B, Hq, S, hd), k: (B, Hk, S, hd) float64; positions offset .. offset + S - 1. Return (q_rot, k_rot)."""
    raise NotImplementedError
'''
OUTPUTS = ("q_rotated", "k_rotated")
DTYPES = ("same:q", "same:k")
RTOL, ATOL = 1e-8, 1e-8
CRITERIA = ("correctness", "numerical_care", "code_quality")
TIMEOUT_S = 4.0
EXAMPLES = [{"q": np.array([[[[1.0, 0.0, 0.0, 0.0], [1.0, 0.0, 0.0, 0.0]]]]),
             "k": np.array([[[[0.0, 1.0, 0.0, 1.0], [0.0, 1.0, 0.0, 1.0]]]]), "offset": 3, "base": 100.0}]
HIDDEN = [
    ("standard", {"b": 2, "hq": 4, "hk": 2, "s": 7, "hd": 8, "offset": 5, "base": 10000.0}),
    ("standard", {"b": 1, "hq": 3, "hk": 3, "s": 12, "hd": 16, "offset": 0, "base": 10000.0}),
    ("standard", {"b": 2, "hq": 2, "hk": 1, "s": 9, "hd": 10, "offset": 17, "base": 500.0}),
    ("edge", {"b": 1, "hq": 2, "hk": 1, "s": 1, "hd": 4, "offset": 37, "base": 10000.0}),
    ("edge", {"b": 2, "hq": 1, "hk": 1, "s": 5, "hd": 2, "offset": 1, "base": 10.0}),
    ("edge", {"b": 1, "hq": 3, "hk": 2, "s": 4, "hd": 6, "offset": 0, "base": 50.0}),
    ("numerical", {"b": 1, "hq": 2, "hk": 2, "s": 3, "hd": 64, "offset": 300000, "base": 10000.0}),
    ("large", {"b": 4, "hq": 16, "hk": 4, "s": 256, "hd": 64, "offset": 1000, "base": 10000.0}),
]


def inputs(rng, b, hq, hk, s, hd, offset, base):
    return {"q": rng.standard_normal((b, hq, s, hd)), "k": rng.standard_normal((b, hk, s, hd)),
            "offset": int(offset), "base": float(base)}


def reference(q, k, offset, base=10000.0):
    """NumPy: runs in the trusted parent, which needs no torch."""
    hd = q.shape[-1]
    h = hd // 2
    pos = np.arange(offset, offset + q.shape[-2], dtype=np.float64)
    ang = pos[:, None] * base ** (-2.0 * np.arange(h) / hd)[None, :]
    cos, sin = np.cos(ang), np.sin(ang)

    def rot(x):
        x1, x2 = x[..., :h], x[..., h:]
        return np.concatenate([x1 * cos - x2 * sin, x2 * cos + x1 * sin], axis=-1)
    return rot(q), rot(k)


def solution(q, k, offset, base=10000.0):
    """The torch solution the sandbox runs as the reference."""
    hd = q.shape[-1]
    h = hd // 2
    inv_freq = base ** (-2.0 * torch.arange(h, dtype=torch.float64) / hd)
    pos = torch.arange(offset, offset + q.shape[-2], dtype=torch.float64)
    ang = pos[:, None] * inv_freq[None, :]
    cos, sin = torch.cos(ang), torch.sin(ang)

    def rot(x):
        x1, x2 = x[..., :h], x[..., h:]
        return torch.cat([x1 * cos - x2 * sin, x2 * cos + x1 * sin], dim=-1)
    return rot(q), rot(k)


def wrong(q, k, offset, base=10000.0):
    """Ignores the offset: the new tokens are rotated as if they started at position 0."""
    hd = q.shape[-1]
    h = hd // 2
    inv_freq = base ** (-2.0 * torch.arange(h, dtype=torch.float64) / hd)
    ang = torch.arange(q.shape[-2], dtype=torch.float64)[:, None] * inv_freq[None, :]
    cos, sin = torch.cos(ang), torch.sin(ang)

    def rot(x):
        x1, x2 = x[..., :h], x[..., h:]
        return torch.cat([x1 * cos - x2 * sin, x2 * cos + x1 * sin], dim=-1)
    return rot(q), rot(k)


def mutant_interleaved_pairs(q, k, offset, base=10000.0):
    hd = q.shape[-1]
    inv_freq = base ** (-2.0 * torch.arange(hd // 2, dtype=torch.float64) / hd)
    pos = torch.arange(offset, offset + q.shape[-2], dtype=torch.float64)
    ang = pos[:, None] * inv_freq[None, :]
    cos, sin = torch.cos(ang), torch.sin(ang)

    def rot(x):
        even, odd = x[..., 0::2], x[..., 1::2]
        return torch.stack([even * cos - odd * sin, even * sin + odd * cos], dim=-1).flatten(-2)
    return rot(q), rot(k)


def mutant_exponent_missing_factor_two(q, k, offset, base=10000.0):
    hd = q.shape[-1]
    h = hd // 2
    inv_freq = base ** (-torch.arange(h, dtype=torch.float64) / hd)
    pos = torch.arange(offset, offset + q.shape[-2], dtype=torch.float64)
    ang = pos[:, None] * inv_freq[None, :]
    cos, sin = torch.cos(ang), torch.sin(ang)

    def rot(x):
        x1, x2 = x[..., :h], x[..., h:]
        return torch.cat([x1 * cos - x2 * sin, x2 * cos + x1 * sin], dim=-1)
    return rot(q), rot(k)


def mutant_rotation_sign_flipped(q, k, offset, base=10000.0):
    hd = q.shape[-1]
    h = hd // 2
    inv_freq = base ** (-2.0 * torch.arange(h, dtype=torch.float64) / hd)
    pos = torch.arange(offset, offset + q.shape[-2], dtype=torch.float64)
    ang = pos[:, None] * inv_freq[None, :]
    cos, sin = torch.cos(ang), torch.sin(ang)

    def rot(x):
        x1, x2 = x[..., :h], x[..., h:]
        return torch.cat([x1 * cos + x2 * sin, x2 * cos - x1 * sin], dim=-1)
    return rot(q), rot(k)


def mutant_positions_start_at_one(q, k, offset, base=10000.0):
    hd = q.shape[-1]
    h = hd // 2
    inv_freq = base ** (-2.0 * torch.arange(h, dtype=torch.float64) / hd)
    pos = torch.arange(offset + 1, offset + q.shape[-2] + 1, dtype=torch.float64)
    ang = pos[:, None] * inv_freq[None, :]
    cos, sin = torch.cos(ang), torch.sin(ang)

    def rot(x):
        x1, x2 = x[..., :h], x[..., h:]
        return torch.cat([x1 * cos - x2 * sin, x2 * cos + x1 * sin], dim=-1)
    return rot(q), rot(k)


def mutant_float32_angles(q, k, offset, base=10000.0):
    hd = q.shape[-1]
    h = hd // 2
    inv_freq = 1.0 / (base ** (torch.arange(0, hd, 2).float() / hd))
    ang = torch.arange(offset, offset + q.shape[-2]).float()[:, None] * inv_freq[None, :]
    cos, sin = torch.cos(ang).to(q.dtype), torch.sin(ang).to(q.dtype)

    def rot(x):
        x1, x2 = x[..., :h], x[..., h:]
        return torch.cat([x1 * cos - x2 * sin, x2 * cos + x1 * sin], dim=-1)
    return rot(q), rot(k)


def mutant_rotates_in_place(q, k, offset, base=10000.0):
    hd = q.shape[-1]
    h = hd // 2
    inv_freq = base ** (-2.0 * torch.arange(h, dtype=torch.float64) / hd)
    pos = torch.arange(offset, offset + q.shape[-2], dtype=torch.float64)
    ang = pos[:, None] * inv_freq[None, :]
    cos, sin = torch.cos(ang), torch.sin(ang)
    for x in (q, k):
        x1, x2 = x[..., :h].clone(), x[..., h:].clone()
        x[..., :h] = x1 * cos - x2 * sin
        x[..., h:] = x2 * cos + x1 * sin
    return q, k


MUTANTS = {"offset_ignored": wrong, "interleaved_pairs": mutant_interleaved_pairs,
           "exponent_missing_factor_two": mutant_exponent_missing_factor_two,
           "rotation_sign_flipped": mutant_rotation_sign_flipped, "positions_start_at_one": mutant_positions_start_at_one,
           "float32_angles": mutant_float32_angles, "rotates_in_place": mutant_rotates_in_place}
