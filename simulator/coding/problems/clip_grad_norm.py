"""Gradient clipping by global norm."""
import numpy as np

NAME = "clip_grad_norm"
TITLE = "Gradient clipping by global norm"
DIFFICULTY = "easy"
ENTRY = "clip_grad_norm"
STATEMENT = """\
Implement clip_grad_norm(grads, max_norm): grads is a list of float arrays (float32 or float64, any shapes).
total = sqrt(sum over all arrays of sum(g ** 2)); scale = min(1, max_norm / (total + 1e-6)).
Return (total, clipped) where clipped is the list of g * scale, each in its input's dtype. The norm must
be right even for float32 gradients around 1e20, whose squares overflow float32. Use NumPy only.
Do not modify the inputs in place."""
STARTER = '''import numpy as np


def clip_grad_norm(grads, max_norm):
    """grads: list of arrays. Return (total_norm, [clipped arrays])."""
    raise NotImplementedError
'''
OUTPUTS = ("total_norm", "clipped...")
DTYPES = ("float", "expected")  # the clipped arrays keep each input's dtype
RTOL, ATOL = 1e-5, 1e-8
CRITERIA = ("correctness", "numerical_care", "code_quality")
EXAMPLES = [{"grads": [np.array([3.0, 0.0]), np.array([[0.0], [4.0]])], "max_norm": 1.0}]
HIDDEN = [("standard", {"shapes": [(5,), (3, 4)], "max_norm": 1.0}),
          ("standard", {"shapes": [(10,), (2, 2), (7, 3)], "max_norm": 100.0}),
          ("edge", {"shapes": [(1,)], "max_norm": 5.0, "zero": True}),
          ("numerical", {"shapes": [(6,), (4, 4)], "max_norm": 1.0, "scale": 1e20, "dtype": "float32"}),
          ("numerical", {"shapes": [(8,)], "max_norm": 1.0, "scale": 1e-30, "dtype": "float32"}),
          ("large", {"shapes": [(500, 500), (1000,)], "max_norm": 1.0})]


def inputs(rng, shapes, max_norm, scale=1.0, dtype="float64", zero=False):
    grads = [(np.zeros(s) if zero else rng.standard_normal(s) * scale).astype(dtype) for s in shapes]
    return {"grads": grads, "max_norm": max_norm}


def reference(grads, max_norm):
    big = max(float(np.max(np.abs(g))) if g.size else 0.0 for g in grads)
    if big == 0.0:
        total = 0.0
    else:
        total = big * np.sqrt(sum(float(np.sum((g.astype(np.float64) / big) ** 2)) for g in grads))
    scale = min(1.0, max_norm / (total + 1e-6))
    return total, [(g * scale).astype(g.dtype) for g in grads]


def wrong(grads, max_norm):
    total = np.sqrt(sum(np.sum(g ** 2) for g in grads))
    scale = min(1.0, max_norm / (total + 1e-6))
    return total, [(g * scale).astype(g.dtype) for g in grads]


def mutant_per_tensor_norm(grads, max_norm):
    out, norms = [], []
    for g in grads:
        g64 = g.astype(np.float64)
        n = float(np.sqrt(np.sum(g64 * g64)))
        norms.append(n)
        out.append((g * min(1.0, max_norm / (n + 1e-6))).astype(g.dtype))
    return float(np.sqrt(np.sum(np.square(norms)))), out


def mutant_in_place(grads, max_norm):
    total = float(np.sqrt(sum(np.sum(g.astype(np.float64) ** 2) for g in grads)))
    scale = min(1.0, max_norm / (total + 1e-6))
    for g in grads:
        g *= scale
    return total, [g.copy() for g in grads]


def mutant_always_scales(grads, max_norm):
    total = float(np.sqrt(sum(np.sum(g.astype(np.float64) ** 2) for g in grads)))
    scale = max_norm / (total + 1e-6)
    return total, [(g * scale).astype(g.dtype) for g in grads]


def mutant_float64_out(grads, max_norm):
    total = float(np.sqrt(sum(np.sum(g.astype(np.float64) ** 2) for g in grads)))
    scale = min(1.0, max_norm / (total + 1e-6))
    return total, [g.astype(np.float64) * scale for g in grads]


MUTANTS = {"float32_overflow": wrong, "per_tensor_clipping": mutant_per_tensor_norm, "modifies_input": mutant_in_place,
           "always_rescales": mutant_always_scales, "float64_output": mutant_float64_out}
