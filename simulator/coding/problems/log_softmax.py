"""Log-softmax over the last axis, stable for huge and tiny logits."""
import numpy as np

NAME = "log_softmax"
TITLE = "Stable log-softmax"
DIFFICULTY = "easy"
ENTRY = "log_softmax"
STATEMENT = """\
Implement log_softmax(x): the logarithm of softmax over the last axis of a float64 array x (at least 1-D),
same shape. Entries must stay finite and accurate when logits differ by thousands (log-probabilities
like -3000 must come out as -3000, not -inf). Use NumPy only. Optimise part: the naive baseline loops over rows.
Do not modify the inputs in place."""
STARTER = '''import numpy as np


def log_softmax(x):
    """x: float array (..., n). Return log(softmax(x)) over the last axis, same shape."""
    raise NotImplementedError
'''
OUTPUTS = ("log_probs",)
DTYPES = ("float",)
RTOL, ATOL = 1e-7, 1e-9
CRITERIA = ("correctness", "numerical_care", "efficiency", "code_quality")
EXAMPLES = [{"x": np.array([[1.0, 2.0, 3.0]])}, {"x": np.array([0.0, -3000.0])}]
HIDDEN = [
    ("standard", {"shape": (8, 10)}), ("standard", {"shape": (2, 3, 6)}), ("edge", {"shape": (4, 1)}),
    ("numerical", {"shape": (6, 9), "scale": 1e3}), ("numerical", {"shape": (5, 5), "scale": 1e4}),
    ("large", {"shape": (400, 1000)}),
]
SPEED = {"size": {"shape": (2000, 32)}, "target": 8.0}


def inputs(rng, shape, scale=1.0):
    return {"x": rng.standard_normal(shape) * scale}


def reference(x):
    z = x - np.max(x, axis=-1, keepdims=True)
    return z - np.log(np.sum(np.exp(z), axis=-1, keepdims=True))


def naive(x):
    import math
    flat = x.reshape(-1, x.shape[-1])
    out = np.empty_like(flat)
    for i in range(flat.shape[0]):
        m = max(flat[i])
        lse = m + math.log(sum(math.exp(v - m) for v in flat[i]))
        for j in range(flat.shape[1]):
            out[i, j] = flat[i, j] - lse
    return out.reshape(x.shape)


def wrong(x):
    z = x - np.max(x, axis=-1, keepdims=True)
    e = np.exp(z)
    return np.log(e / np.sum(e, axis=-1, keepdims=True))


def mutant_axis0(x):
    z = x - np.max(x, axis=0, keepdims=True)
    return z - np.log(np.sum(np.exp(z), axis=0, keepdims=True))


def mutant_in_place(x):
    x -= np.max(x, axis=-1, keepdims=True)
    x -= np.log(np.sum(np.exp(x), axis=-1, keepdims=True))
    return x.copy()


def mutant_no_shift(x):
    return x - np.log(np.sum(np.exp(x), axis=-1, keepdims=True))


def mutant_forgot_max_back(x):
    m = np.max(x, axis=-1, keepdims=True)
    return x - np.log(np.sum(np.exp(x - m), axis=-1, keepdims=True))


MUTANTS = {"log_of_softmax": wrong, "wrong_axis": mutant_axis0, "modifies_input": mutant_in_place,
           "no_max_shift": mutant_no_shift, "max_not_added_back": mutant_forgot_max_back}


def row_loop(x):
    flat = x.reshape(-1, x.shape[-1])
    out = np.empty_like(flat)
    for i in range(flat.shape[0]):
        z = flat[i] - flat[i].max()
        out[i] = z - np.log(np.exp(z).sum())
    return out.reshape(x.shape)
