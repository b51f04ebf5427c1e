"""Inverted dropout, forward and backward, with a given mask."""
import numpy as np

NAME = "dropout"
TITLE = "Inverted dropout forward and backward"
DIFFICULTY = "easy"
ENTRY = "dropout"
STATEMENT = """\
Implement dropout(x, mask, p, grad_out) for inverted dropout with drop probability p (0 <= p < 1).
mask is a boolean array like x (True = keep). Return (out, grad_in): out = x * mask / (1 - p), and
grad_in, the gradient with respect to x given the upstream gradient grad_out (same shape as x).
Use NumPy only.
Do not modify the inputs in place."""
STARTER = '''import numpy as np


def dropout(x, mask, p, grad_out):
    """Return (out, grad_in) for inverted dropout with keep-mask `mask` and drop probability p."""
    raise NotImplementedError
'''
OUTPUTS = ("out", "grad_in")
DTYPES = ("float", "float")
RTOL, ATOL = 1e-12, 1e-12
CRITERIA = ("correctness", "code_quality")
EXAMPLES = [{"x": np.array([1.0, 2.0, 3.0, 4.0]), "mask": np.array([True, False, True, True]), "p": 0.25,
             "grad_out": np.ones(4)}]
HIDDEN = [("standard", {"shape": (8, 10), "p": 0.5}), ("standard", {"shape": (3, 4, 5), "p": 0.1}),
          ("edge", {"shape": (5, 5), "p": 0.0}), ("edge", {"shape": (4,), "p": 0.9}),
          ("large", {"shape": (500, 500), "p": 0.2})]


def inputs(rng, shape, p):
    return {"x": rng.standard_normal(shape), "mask": rng.random(shape) >= p, "p": p,
            "grad_out": rng.standard_normal(shape)}


def reference(x, mask, p, grad_out):
    scale = 1.0 / (1.0 - p)
    return x * mask * scale, grad_out * mask * scale


def wrong(x, mask, p, grad_out):
    return x * mask / (1.0 - p), grad_out * mask


def mutant_scale_by_p(x, mask, p, grad_out):
    return x * mask * (1.0 - p), grad_out * mask * (1.0 - p)


def mutant_grad_unmasked(x, mask, p, grad_out):
    return x * mask / (1.0 - p), grad_out / (1.0 - p)


def mutant_in_place(x, mask, p, grad_out):
    x *= mask / (1.0 - p)
    grad_out *= mask / (1.0 - p)
    return x.copy(), grad_out.copy()


def mutant_inverted_mask(x, mask, p, grad_out):
    return x * ~mask / (1.0 - p), grad_out * ~mask / (1.0 - p)


MUTANTS = {"grad_not_scaled": wrong, "scale_by_keep": mutant_scale_by_p, "grad_unmasked": mutant_grad_unmasked,
           "modifies_input": mutant_in_place, "mask_inverted": mutant_inverted_mask}
