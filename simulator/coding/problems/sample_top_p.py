"""Nucleus (top-p) sampling from a given uniform draw."""
import numpy as np

NAME = "sample_top_p"
TITLE = "Top-p (nucleus) sampling, deterministic given u"
DIFFICULTY = "medium"
ENTRY = "sample_top_p"
STATEMENT = """\
Implement sample_top_p(logits, p, temperature, u): logits is float64 (N, V), 0 < p <= 1, temperature > 0,
u is (N,) in [0, 1). Per row compute probs = softmax(logits / temperature); sort tokens by probability,
highest first (on ties the lower index first); keep the smallest prefix whose cumulative probability is
>= p (always at least one token); renormalise the kept probabilities; return the smallest index i in
vocabulary order whose cumulative (renormalised) probability exceeds u. Return int (N,). Use NumPy only.
Do not modify the inputs in place."""
STARTER = '''import numpy as np


def sample_top_p(logits, p, temperature, u):
    """logits: (N, V); u: (N,) in [0, 1). Return (N,) int token indices sampled from the nucleus."""
    raise NotImplementedError
'''
OUTPUTS = ("tokens",)
DTYPES = ("int",)
RTOL, ATOL = 0.0, 0.0
CRITERIA = ("correctness", "numerical_care", "code_quality")
EXAMPLES = [{"logits": np.log(np.array([[0.1, 0.5, 0.3, 0.1]])), "p": 0.7, "temperature": 1.0,
             "u": np.array([0.5])}]
HIDDEN = [("standard", {"n": 20, "v": 10, "p": 0.9, "t": 1.0}), ("standard", {"n": 20, "v": 50, "p": 0.5, "t": 0.7}),
          ("edge", {"n": 10, "v": 6, "p": 1.0, "t": 1.0}), ("edge", {"n": 10, "v": 6, "p": 0.01, "t": 1.0}),
          ("edge", {"n": 16, "v": 8, "p": 0.5, "t": 1.0, "ties": True}), ("edge", {"n": 16, "v": 8, "p": 0.25, "t": 1.0, "ties": True}),
          ("numerical", {"n": 20, "v": 30, "p": 0.9, "t": 1e-3}),
          ("large", {"n": 500, "v": 1000, "p": 0.9, "t": 1.0})]


def inputs(rng, n, v, p, t, ties=False):
    if ties:  # tied logits; every other row uniform, with u on the grid j / v (prefix sums exact there)
        logits = rng.integers(0, 2, size=(n, v)).astype(np.float64)
        logits[::2] = 0.0
        u = rng.random(n)
        u[::2] = rng.integers(0, v, size=len(u[::2])) / v
        return {"logits": logits, "p": p, "temperature": t, "u": u}
    return {"logits": rng.standard_normal((n, v)) * 2.0, "p": p, "temperature": t, "u": rng.random(n)}


def reference(logits, p, temperature, u):
    n, v = logits.shape
    z = logits / temperature
    z = z - z.max(axis=1, keepdims=True)
    probs = np.exp(z)
    probs = probs / probs.sum(axis=1, keepdims=True)
    order = np.argsort(-probs, axis=1, kind="stable")
    sorted_p = np.take_along_axis(probs, order, axis=1)
    before = np.cumsum(sorted_p, axis=1) - sorted_p
    keep_sorted = before < p
    keep_sorted[:, 0] = True
    keep = np.zeros_like(keep_sorted)
    np.put_along_axis(keep, order, keep_sorted, axis=1)
    kept = np.where(keep, probs, 0.0)
    cdf = np.cumsum(kept / kept.sum(axis=1, keepdims=True), axis=1)
    idx = (cdf <= u[:, None]).sum(axis=1)
    last = v - 1 - np.argmax(keep[:, ::-1], axis=1)
    return np.minimum(idx, last)


def wrong(logits, p, temperature, u):
    n, v = logits.shape
    z = logits / temperature
    probs = np.exp(z - z.max(axis=1, keepdims=True))
    probs = probs / probs.sum(axis=1, keepdims=True)
    order = np.argsort(-probs, axis=1, kind="stable")
    sorted_p = np.take_along_axis(probs, order, axis=1)
    keep_sorted = np.cumsum(sorted_p, axis=1) < p
    keep_sorted[:, 0] = True
    keep = np.zeros_like(keep_sorted)
    np.put_along_axis(keep, order, keep_sorted, axis=1)
    kept = np.where(keep, probs, 0.0)
    cdf = np.cumsum(kept / kept.sum(axis=1, keepdims=True), axis=1)
    return np.minimum((cdf <= u[:, None]).sum(axis=1), v - 1)


def mutant_prefix_ge(logits, p, temperature, u):
    n, v = logits.shape
    z = logits / temperature
    probs = np.exp(z - z.max(axis=1, keepdims=True))
    probs = probs / probs.sum(axis=1, keepdims=True)
    order = np.argsort(-probs, axis=1, kind="stable")
    sorted_p = np.take_along_axis(probs, order, axis=1)
    before = np.cumsum(sorted_p, axis=1) - sorted_p
    keep_sorted = before <= p
    keep_sorted[:, 0] = True
    keep = np.zeros_like(keep_sorted)
    np.put_along_axis(keep, order, keep_sorted, axis=1)
    kept = np.where(keep, probs, 0.0)
    cdf = np.cumsum(kept / kept.sum(axis=1, keepdims=True), axis=1)
    last = v - 1 - np.argmax(keep[:, ::-1], axis=1)
    return np.minimum((cdf <= u[:, None]).sum(axis=1), last)


def mutant_ties_higher_index(logits, p, temperature, u):
    n, v = logits.shape
    z = logits / temperature
    probs = np.exp(z - z.max(axis=1, keepdims=True))
    probs = probs / probs.sum(axis=1, keepdims=True)
    order = v - 1 - np.argsort(-probs[:, ::-1], axis=1, kind="stable")
    sorted_p = np.take_along_axis(probs, order, axis=1)
    before = np.cumsum(sorted_p, axis=1) - sorted_p
    keep_sorted = before < p
    keep_sorted[:, 0] = True
    keep = np.zeros_like(keep_sorted)
    np.put_along_axis(keep, order, keep_sorted, axis=1)
    kept = np.where(keep, probs, 0.0)
    cdf = np.cumsum(kept / kept.sum(axis=1, keepdims=True), axis=1)
    last = v - 1 - np.argmax(keep[:, ::-1], axis=1)
    return np.minimum((cdf <= u[:, None]).sum(axis=1), last)


def mutant_cdf_ge(logits, p, temperature, u):
    n, v = logits.shape
    z = logits / temperature
    probs = np.exp(z - z.max(axis=1, keepdims=True))
    probs = probs / probs.sum(axis=1, keepdims=True)
    order = np.argsort(-probs, axis=1, kind="stable")
    sorted_p = np.take_along_axis(probs, order, axis=1)
    before = np.cumsum(sorted_p, axis=1) - sorted_p
    keep_sorted = before < p
    keep_sorted[:, 0] = True
    keep = np.zeros_like(keep_sorted)
    np.put_along_axis(keep, order, keep_sorted, axis=1)
    kept = np.where(keep, probs, 0.0)
    cdf = np.cumsum(kept / kept.sum(axis=1, keepdims=True), axis=1)
    last = v - 1 - np.argmax(keep[:, ::-1], axis=1)
    return np.minimum((cdf < u[:, None]).sum(axis=1), last)


def mutant_not_renormalised(logits, p, temperature, u):
    n, v = logits.shape
    z = logits / temperature
    probs = np.exp(z - z.max(axis=1, keepdims=True))
    probs = probs / probs.sum(axis=1, keepdims=True)
    order = np.argsort(-probs, axis=1, kind="stable")
    sorted_p = np.take_along_axis(probs, order, axis=1)
    before = np.cumsum(sorted_p, axis=1) - sorted_p
    keep_sorted = before < p
    keep_sorted[:, 0] = True
    keep = np.zeros_like(keep_sorted)
    np.put_along_axis(keep, order, keep_sorted, axis=1)
    cdf = np.cumsum(np.where(keep, probs, 0.0), axis=1)
    last = v - 1 - np.argmax(keep[:, ::-1], axis=1)
    return np.minimum((cdf <= u[:, None]).sum(axis=1), last)


MUTANTS = {"prefix_excludes_crossing_token": wrong, "prefix_compared_with_le": mutant_prefix_ge,
           "ties_broken_to_higher_index": mutant_ties_higher_index, "cdf_compared_with_ge": mutant_cdf_ge,
           "not_renormalised": mutant_not_renormalised}
