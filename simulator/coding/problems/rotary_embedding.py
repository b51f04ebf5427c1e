"""Rotary position embeddings (interleaved pairs)."""
import numpy as np

NAME = "rotary_embedding"
TITLE = "Rotary position embeddings"
DIFFICULTY = "medium"
ENTRY = "rotary_embedding"
STATEMENT = """\
Implement rotary_embedding(x, positions, base): x is float64 (..., T, d) with d even; positions is int (T,).
For each pair of features (2i, 2i+1), i = 0 .. d/2 - 1, at position p rotate by the angle
theta = p * base ** (-2i / d): out[2i] = x[2i] cos(theta) - x[2i+1] sin(theta),
out[2i+1] = x[2i] sin(theta) + x[2i+1] cos(theta). Return an array of x's shape. Use NumPy only.
Optimise part: the naive baseline loops over positions and pairs.
Do not modify the inputs in place."""
STARTER = '''import numpy as np


def rotary_embedding(x, positions, base=10000.0):
    """x: (..., T, d), d even; positions: (T,) int. Return x rotated pairwise, same shape."""
    raise NotImplementedError
'''
OUTPUTS = ("out",)
DTYPES = ("float",)
RTOL, ATOL = 1e-9, 1e-9
CRITERIA = ("correctness", "efficiency", "code_quality")
EXAMPLES = [{"x": np.array([[1.0, 0.0, 1.0, 0.0], [1.0, 0.0, 1.0, 0.0]]), "positions": np.array([0, 1]),
             "base": 10000.0}]
HIDDEN = [("standard", {"shape": (6, 8)}), ("standard", {"shape": (2, 3, 5, 16)}), ("edge", {"shape": (1, 2)}),
          ("edge", {"shape": (4, 6), "offset": 100000}), ("large", {"shape": (8, 512, 128)})]
SPEED = {"size": {"shape": (512, 16)}, "target": 8.0}


def inputs(rng, shape, offset=0):
    t = shape[-2]
    return {"x": rng.standard_normal(shape), "positions": np.arange(t) + offset + rng.integers(0, 3),
            "base": 10000.0}


def reference(x, positions, base=10000.0):
    d = x.shape[-1]
    inv = base ** (-np.arange(0, d, 2) / d)
    theta = positions[:, None].astype(np.float64) * inv[None, :]
    cos, sin = np.cos(theta), np.sin(theta)
    even, odd = x[..., 0::2], x[..., 1::2]
    out = np.empty_like(x)
    out[..., 0::2] = even * cos - odd * sin
    out[..., 1::2] = even * sin + odd * cos
    return out


def naive(x, positions, base=10000.0):
    import math
    d = x.shape[-1]
    flat = x.reshape(-1, x.shape[-2], d)
    out = np.empty_like(flat)
    for n in range(flat.shape[0]):
        for t in range(flat.shape[1]):
            for i in range(d // 2):
                th = float(positions[t]) * base ** (-2 * i / d)
                a, b = flat[n, t, 2 * i], flat[n, t, 2 * i + 1]
                out[n, t, 2 * i] = a * math.cos(th) - b * math.sin(th)
                out[n, t, 2 * i + 1] = a * math.sin(th) + b * math.cos(th)
    return out.reshape(x.shape)


def wrong(x, positions, base=10000.0):
    d = x.shape[-1]
    inv = base ** (-np.arange(0, d, 2) / d)
    theta = positions[:, None].astype(np.float64) * inv[None, :]
    cos, sin = np.cos(theta), np.sin(theta)
    first, second = x[..., : d // 2], x[..., d // 2:]
    return np.concatenate([first * cos - second * sin, first * sin + second * cos], axis=-1)


def mutant_freq_over_half(x, positions, base=10000.0):
    d = x.shape[-1]
    inv = base ** (-np.arange(0, d // 2) / d)
    theta = positions[:, None].astype(np.float64) * inv[None, :]
    cos, sin = np.cos(theta), np.sin(theta)
    even, odd = x[..., 0::2], x[..., 1::2]
    out = np.empty_like(x)
    out[..., 0::2] = even * cos - odd * sin
    out[..., 1::2] = even * sin + odd * cos
    return out


def mutant_rotation_sign(x, positions, base=10000.0):
    d = x.shape[-1]
    inv = base ** (-np.arange(0, d, 2) / d)
    theta = positions[:, None].astype(np.float64) * inv[None, :]
    cos, sin = np.cos(theta), np.sin(theta)
    even, odd = x[..., 0::2], x[..., 1::2]
    out = np.empty_like(x)
    out[..., 0::2] = even * cos + odd * sin
    out[..., 1::2] = -even * sin + odd * cos
    return out


def mutant_index_not_position(x, positions, base=10000.0):
    d = x.shape[-1]
    inv = base ** (-np.arange(0, d, 2) / d)
    theta = np.arange(x.shape[-2])[:, None].astype(np.float64) * inv[None, :]
    cos, sin = np.cos(theta), np.sin(theta)
    even, odd = x[..., 0::2], x[..., 1::2]
    out = np.empty_like(x)
    out[..., 0::2] = even * cos - odd * sin
    out[..., 1::2] = even * sin + odd * cos
    return out


def mutant_in_place(x, positions, base=10000.0):
    d = x.shape[-1]
    inv = base ** (-np.arange(0, d, 2) / d)
    theta = positions[:, None].astype(np.float64) * inv[None, :]
    cos, sin = np.cos(theta), np.sin(theta)
    even, odd = x[..., 0::2].copy(), x[..., 1::2].copy()
    x[..., 0::2] = even * cos - odd * sin
    x[..., 1::2] = even * sin + odd * cos
    return x.copy()


MUTANTS = {"half_split_pairs": wrong, "frequency_exponent": mutant_freq_over_half, "rotation_sign": mutant_rotation_sign,
           "index_not_position": mutant_index_not_position, "modifies_input": mutant_in_place}


def row_loop(x, positions, base=10000.0):
    d = x.shape[-1]
    inv = base ** (-np.arange(0, d, 2) / d)
    out = np.empty_like(x)
    for t in range(x.shape[-2]):
        th = float(positions[t]) * inv
        cos, sin = np.cos(th), np.sin(th)
        even, odd = x[..., t, 0::2], x[..., t, 1::2]
        out[..., t, 0::2] = even * cos - odd * sin
        out[..., t, 1::2] = even * sin + odd * cos
    return out
