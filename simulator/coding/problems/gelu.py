"""GELU, tanh approximation."""
import numpy as np

NAME = "gelu"
TITLE = "GELU (tanh approximation)"
DIFFICULTY = "easy"
ENTRY = "gelu"
STATEMENT = """\
Implement gelu(x) elementwise with the tanh approximation:
0.5 * x * (1 + tanh(sqrt(2 / pi) * (x + 0.044715 * x**3))), for a float64 array of any shape.
Use NumPy only. Optimise part: the naive baseline loops over every element with the math module.
Do not modify the inputs in place."""
STARTER = '''import numpy as np


def gelu(x):
    """x: float array of any shape. Return GELU(x) (tanh approximation), same shape."""
    raise NotImplementedError
'''
OUTPUTS = ("y",)
DTYPES = ("float",)
RTOL, ATOL = 1e-9, 1e-12
CRITERIA = ("correctness", "efficiency", "code_quality")
EXAMPLES = [{"x": np.array([-2.0, -0.5, 0.0, 0.5, 2.0])}]
HIDDEN = [("standard", {"shape": (8, 10)}), ("standard", {"shape": (3, 4, 5)}), ("edge", {"shape": (1,)}),
          ("edge", {"shape": (0, 3)}), ("large", {"shape": (500, 500)})]
SPEED = {"size": {"shape": (200, 200)}, "target": 6.0}


def inputs(rng, shape):
    return {"x": rng.standard_normal(shape) * 3}


def reference(x):
    return 0.5 * x * (1.0 + np.tanh(np.sqrt(2.0 / np.pi) * (x + 0.044715 * (x * x * x))))


def naive(x):
    import math
    flat = x.ravel()
    out = np.empty_like(flat)
    c = math.sqrt(2.0 / math.pi)
    for i in range(flat.size):
        v = float(flat[i])
        out[i] = 0.5 * v * (1.0 + math.tanh(c * (v + 0.044715 * v ** 3)))
    return out.reshape(x.shape)


def wrong(x):
    return 0.5 * x * (1.0 + np.tanh(np.sqrt(2.0 / np.pi) * (x + 0.044715 * x ** 2)))


def mutant_erf_free_sigmoid(x):
    return x / (1.0 + np.exp(-1.702 * x))


def mutant_wrong_constant(x):
    return 0.5 * x * (1.0 + np.tanh(np.sqrt(2.0 * np.pi) * (x + 0.044715 * x ** 3)))


def mutant_in_place(x):
    y = 0.5 * x * (1.0 + np.tanh(np.sqrt(2.0 / np.pi) * (x + 0.044715 * x ** 3)))
    x[...] = y
    return y


def mutant_float32(x):
    x = x.astype(np.float32)
    return 0.5 * x * (1.0 + np.tanh(np.float32(np.sqrt(2.0 / np.pi)) * (x + np.float32(0.044715) * x ** 3)))


MUTANTS = {"x_squared": wrong, "sigmoid_approximation": mutant_erf_free_sigmoid, "sqrt_2pi": mutant_wrong_constant,
           "modifies_input": mutant_in_place, "float32_compute": mutant_float32}


def row_loop(x):
    flat = x.reshape(-1, x.shape[-1]) if x.ndim else x.reshape(1, 1)
    out = np.empty_like(flat)
    for i in range(flat.shape[0]):
        r = flat[i]
        out[i] = 0.5 * r * (1.0 + np.tanh(np.sqrt(2.0 / np.pi) * (r + 0.044715 * r ** 3)))
    return out.reshape(x.shape)
