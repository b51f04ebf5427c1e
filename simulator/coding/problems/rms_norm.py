"""RMS norm that survives half precision."""
import numpy as np

NAME = "rms_norm"
TITLE = "RMS norm in half precision"
DIFFICULTY = "medium"
ENTRY = "rms_norm"
STATEMENT = """\
Implement rms_norm(x, weight, eps): x is (..., d) in float16, float32 or float64; weight is (d,) float32.
Return x / sqrt(mean(x**2 over the last axis) + eps) * weight in x's dtype (float16 in, float16 out).
Compute in at least float32: in float16, x**2 overflows above about 256. Use NumPy only.
Do not modify the inputs in place."""
STARTER = '''import numpy as np


def rms_norm(x, weight, eps=1e-6):
    """x: (..., d) float16/32/64; weight: (d,). Return the RMS-normalised x in x's dtype."""
    raise NotImplementedError
'''
OUTPUTS = ("y",)
DTYPES = ("same:x",)
RTOL, ATOL = 2e-3, 2e-3
CRITERIA = ("correctness", "numerical_care", "code_quality")
EXAMPLES = [{"x": np.array([[1.0, 2.0, 2.0, 4.0]], dtype=np.float32), "weight": np.ones(4, dtype=np.float32),
             "eps": 1e-6}]
HIDDEN = [
    ("standard", {"shape": (8, 16), "dtype": "float32"}), ("standard", {"shape": (2, 3, 8), "dtype": "float64"}),
    ("edge", {"shape": (4, 1), "dtype": "float32"}), ("standard", {"shape": (6, 32), "dtype": "float16"}),
    ("numerical", {"shape": (6, 32), "dtype": "float16", "scale": 600.0}),
    ("numerical", {"shape": (3, 64), "dtype": "float16", "scale": 2000.0}),
    ("numerical", {"shape": (4, 16), "dtype": "float32", "scale": 1e-4}),
    ("large", {"shape": (2000, 256), "dtype": "float32"}),
]


def inputs(rng, shape, dtype, scale=1.0):
    return {"x": (rng.standard_normal(shape) * scale).astype(dtype),
            "weight": (1 + 0.1 * rng.standard_normal(shape[-1])).astype(np.float32), "eps": 1e-6}


def reference(x, weight, eps=1e-6):
    xf = x.astype(np.promote_types(x.dtype, np.float32))
    ms = np.mean(xf * xf, axis=-1, keepdims=True)
    return (xf / np.sqrt(ms + eps) * weight).astype(x.dtype)


def wrong(x, weight, eps=1e-6):
    ms = np.mean(x * x, axis=-1, keepdims=True)
    return (x / np.sqrt(ms + np.asarray(eps, dtype=x.dtype)) * weight.astype(x.dtype)).astype(x.dtype)


def mutant_eps_outside_sqrt(x, weight, eps=1e-6):
    xf = x.astype(np.promote_types(x.dtype, np.float32))
    return (xf / (np.sqrt(np.mean(xf * xf, axis=-1, keepdims=True)) + eps) * weight).astype(x.dtype)


def mutant_float32_out(x, weight, eps=1e-6):
    xf = x.astype(np.float32)
    return xf / np.sqrt(np.mean(xf * xf, axis=-1, keepdims=True) + eps) * weight


def mutant_in_place(x, weight, eps=1e-6):
    xf = x.astype(np.promote_types(x.dtype, np.float32))
    x *= 0
    x += (xf / np.sqrt(np.mean(xf * xf, axis=-1, keepdims=True) + eps) * weight).astype(x.dtype)
    return x.copy()


def mutant_sum_not_mean(x, weight, eps=1e-6):
    xf = x.astype(np.promote_types(x.dtype, np.float32))
    return (xf / np.sqrt(np.sum(xf * xf, axis=-1, keepdims=True) + eps) * weight).astype(x.dtype)


MUTANTS = {"float16_squares": wrong, "eps_outside_sqrt": mutant_eps_outside_sqrt, "float32_output": mutant_float32_out,
           "modifies_input": mutant_in_place, "sum_not_mean": mutant_sum_not_mean}
