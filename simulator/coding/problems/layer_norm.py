"""Layer normalisation over the last axis."""
import numpy as np

NAME = "layer_norm"
TITLE = "Layer norm"
DIFFICULTY = "easy"
ENTRY = "layer_norm"
STATEMENT = """\
Implement layer_norm(x, gamma, beta, eps): x is float64 (..., d); gamma and beta are (d,).
Normalise each vector along the last axis to zero mean and unit (biased, divide by d) variance,
y = (x - mean) / sqrt(var + eps) * gamma + beta, and return y with x's shape.
It must be accurate when the features have a large common offset (e.g. 1e7 plus noise of size 1).
Use NumPy only. Optimise part: the naive baseline loops over rows and features.
Do not modify the inputs in place."""
STARTER = '''import numpy as np


def layer_norm(x, gamma, beta, eps=1e-5):
    """x: (..., d) float; gamma, beta: (d,). Return the layer-normalised x, same shape."""
    raise NotImplementedError
'''
OUTPUTS = ("y",)
DTYPES = ("float",)
RTOL, ATOL = 1e-6, 1e-6
CRITERIA = ("correctness", "numerical_care", "efficiency", "code_quality")
EXAMPLES = [{"x": np.array([[1.0, 2.0, 3.0, 4.0]]), "gamma": np.ones(4), "beta": np.zeros(4), "eps": 1e-5}]
HIDDEN = [
    ("standard", {"shape": (8, 16)}), ("standard", {"shape": (2, 5, 12)}), ("edge", {"shape": (3, 2)}),
    ("numerical", {"shape": (6, 64), "offset": 1e7}), ("numerical", {"shape": (4, 32), "offset": -3e8}),
    ("numerical", {"shape": (5, 24), "noise": 1e-3}),
    ("large", {"shape": (2000, 256)}),
]
SPEED = {"size": {"shape": (1000, 32)}, "target": 10.0}


def inputs(rng, shape, offset=0.0, noise=1.0):
    d = shape[-1]  # noise 1e-3: a variance below eps, where eps inside or outside the square root differs
    return {"x": rng.standard_normal(shape) * noise + offset, "gamma": rng.standard_normal(d),
            "beta": rng.standard_normal(d), "eps": 1e-5}


def reference(x, gamma, beta, eps=1e-5):
    mean = np.mean(x, axis=-1, keepdims=True)
    c = x - mean
    var = np.mean(c * c, axis=-1, keepdims=True)
    return c / np.sqrt(var + eps) * gamma + beta


def naive(x, gamma, beta, eps=1e-5):
    import math
    flat = x.reshape(-1, x.shape[-1])
    out = np.empty_like(flat)
    d = flat.shape[1]
    for i in range(flat.shape[0]):
        mean = sum(flat[i]) / d
        var = sum((v - mean) ** 2 for v in flat[i]) / d
        inv = 1.0 / math.sqrt(var + eps)
        for j in range(d):
            out[i, j] = (flat[i, j] - mean) * inv * gamma[j] + beta[j]
    return out.reshape(x.shape)


def wrong(x, gamma, beta, eps=1e-5):
    mean = np.mean(x, axis=-1, keepdims=True)
    var = np.mean(x * x, axis=-1, keepdims=True) - mean * mean
    return (x - mean) / np.sqrt(np.maximum(var, 0) + eps) * gamma + beta


def mutant_eps_outside_sqrt(x, gamma, beta, eps=1e-5):
    mean = np.mean(x, axis=-1, keepdims=True)
    c = x - mean
    return c / (np.sqrt(np.mean(c * c, axis=-1, keepdims=True)) + eps) * gamma + beta


def mutant_unbiased(x, gamma, beta, eps=1e-5):
    mean = np.mean(x, axis=-1, keepdims=True)
    var = np.var(x, axis=-1, keepdims=True, ddof=1)
    return (x - mean) / np.sqrt(var + eps) * gamma + beta


def mutant_in_place(x, gamma, beta, eps=1e-5):
    x -= np.mean(x, axis=-1, keepdims=True)
    x /= np.sqrt(np.mean(x * x, axis=-1, keepdims=True) + eps)
    return x * gamma + beta


def mutant_axis0(x, gamma, beta, eps=1e-5):
    mean = np.mean(x, axis=0, keepdims=True)
    c = x - mean
    return c / np.sqrt(np.mean(c * c, axis=0, keepdims=True) + eps) * gamma + beta


MUTANTS = {"one_pass_variance": wrong, "eps_outside_sqrt": mutant_eps_outside_sqrt, "unbiased_variance": mutant_unbiased,
           "modifies_input": mutant_in_place, "wrong_axis": mutant_axis0}


def row_loop(x, gamma, beta, eps=1e-5):
    flat = x.reshape(-1, x.shape[-1])
    out = np.empty_like(flat)
    for i in range(flat.shape[0]):
        c = flat[i] - flat[i].mean()
        out[i] = c / np.sqrt((c * c).mean() + eps) * gamma + beta
    return out.reshape(x.shape)
