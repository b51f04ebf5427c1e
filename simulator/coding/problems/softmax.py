"""Numerically stable softmax over the last axis."""
import numpy as np

NAME = "softmax"
TITLE = "Numerically stable softmax"
DIFFICULTY = "easy"
ENTRY = "softmax"
STATEMENT = """\
Implement softmax(x) over the last axis of a float64 array x of any shape (at least 1-D).
Return an array of the same shape whose entries along the last axis are positive and sum to 1.
It must stay finite and exact for very large or very negative logits (e.g. 1e4 or -1e4).
Use NumPy only. Optimise part: avoid Python loops; the naive baseline loops over rows.
Do not modify the inputs in place."""
STARTER = '''import numpy as np


def softmax(x):
    """x: float array (..., n). Return softmax over the last axis, same shape."""
    raise NotImplementedError
'''
OUTPUTS = ("probs",)
DTYPES = ("float",)
RTOL, ATOL = 1e-7, 1e-12
CRITERIA = ("correctness", "numerical_care", "efficiency", "code_quality")
EXAMPLES = [
    {"x": np.array([[1.0, 2.0, 3.0], [0.0, 0.0, 0.0]])},
    {"x": np.array([1000.0, 1000.5, 999.0])},
]
HIDDEN = [
    ("standard", {"shape": (8, 10)}),
    ("standard", {"shape": (3, 4, 5)}),
    ("edge", {"shape": (1, 1)}),
    ("edge", {"shape": (7,)}),
    ("numerical", {"shape": (6, 9), "scale": 1e4}),
    ("numerical", {"shape": (5, 7), "scale": 1e3, "shift": -2e4}),
    ("large", {"shape": (400, 1000)}),
]
SPEED = {"size": {"shape": (2000, 32)}, "target": 8.0}


def inputs(rng, shape, scale=1.0, shift=0.0):
    return {"x": rng.standard_normal(shape) * scale + shift}


def reference(x):
    z = x - np.max(x, axis=-1, keepdims=True)
    e = np.exp(z)
    return e / np.sum(e, axis=-1, keepdims=True)


def naive(x):
    import math
    flat = x.reshape(-1, x.shape[-1])
    out = np.empty_like(flat)
    for i in range(flat.shape[0]):
        m = max(flat[i])
        row = [math.exp(v - m) for v in flat[i]]
        s = sum(row)
        for j in range(flat.shape[1]):
            out[i, j] = row[j] / s
    return out.reshape(x.shape)


def wrong(x):
    e = np.exp(x)
    return e / np.sum(e, axis=-1, keepdims=True)


def mutant_axis0(x):
    z = x - np.max(x, axis=0, keepdims=True)
    e = np.exp(z)
    return e / np.sum(e, axis=0, keepdims=True)


def mutant_in_place(x):
    x -= np.max(x, axis=-1, keepdims=True)
    np.exp(x, out=x)
    x /= np.sum(x, axis=-1, keepdims=True)
    return x.copy()


def mutant_global_max(x):
    e = np.exp(x - np.max(x))
    return e / np.sum(e, axis=-1, keepdims=True)


def mutant_float32(x):
    z = (x - np.max(x, axis=-1, keepdims=True)).astype(np.float32)
    e = np.exp(z)
    return e / np.sum(e, axis=-1, keepdims=True)


MUTANTS = {"no_max_shift": wrong, "wrong_axis": mutant_axis0, "modifies_input": mutant_in_place,
           "global_max_shift": mutant_global_max, "float32_compute": mutant_float32}


def row_loop(x):
    flat = x.reshape(-1, x.shape[-1])
    out = np.empty_like(flat)
    for i in range(flat.shape[0]):
        e = np.exp(flat[i] - flat[i].max())
        out[i] = e / e.sum()
    return out.reshape(x.shape)
