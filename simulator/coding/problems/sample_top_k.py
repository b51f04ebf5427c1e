"""Top-k sampling from a given uniform draw."""
import numpy as np

NAME = "sample_top_k"
TITLE = "Top-k sampling, deterministic given u"
DIFFICULTY = "medium"
ENTRY = "sample_top_k"
STATEMENT = """\
Implement sample_top_k(logits, k, temperature, u): logits is float64 (N, V), 1 <= k <= V, temperature > 0,
u is (N,) in [0, 1). Per row keep the k largest logits (on ties the lower index wins), set the others'
probability to zero, take softmax(logits / temperature) over the kept ones (renormalised to sum to 1),
and return the smallest index i (in vocabulary order) whose cumulative probability exceeds u.
Return int (N,). It must work for tiny temperatures. Use NumPy only.
Do not modify the inputs in place."""
STARTER = '''import numpy as np


def sample_top_k(logits, k, temperature, u):
    """logits: (N, V); u: (N,) in [0, 1). Return (N,) int token indices sampled from the top k."""
    raise NotImplementedError
'''
OUTPUTS = ("tokens",)
DTYPES = ("int",)
RTOL, ATOL = 0.0, 0.0
CRITERIA = ("correctness", "numerical_care", "code_quality")
EXAMPLES = [{"logits": np.array([[1.0, 4.0, 3.0, 2.0]]), "k": 2, "temperature": 1.0, "u": np.array([0.5])}]
HIDDEN = [("standard", {"n": 20, "v": 10, "k": 3, "t": 1.0}), ("standard", {"n": 20, "v": 50, "k": 10, "t": 0.8}),
          ("edge", {"n": 10, "v": 6, "k": 1, "t": 1.0}), ("edge", {"n": 10, "v": 6, "k": 6, "t": 1.0}),
          ("edge", {"n": 16, "v": 8, "k": 4, "t": 1.0, "ties": True}), ("edge", {"n": 16, "v": 8, "k": 3, "t": 1.0, "ties": True}),
          ("numerical", {"n": 20, "v": 30, "k": 5, "t": 1e-3}), ("large", {"n": 500, "v": 1000, "k": 50, "t": 1.0})]


def inputs(rng, n, v, k, t, ties=False):
    if ties:  # tied logits; every other row uniform, with u on the grid j / v (cumulative sums exact there)
        logits = rng.integers(0, 2, size=(n, v)).astype(np.float64)
        logits[::2] = 0.0
        u = rng.random(n)
        u[::2] = rng.integers(0, v, size=len(u[::2])) / v
        return {"logits": logits, "k": k, "temperature": t, "u": u}
    return {"logits": rng.standard_normal((n, v)) * 2.0, "k": k, "temperature": t, "u": rng.random(n)}


def reference(logits, k, temperature, u):
    n, v = logits.shape
    order = np.argsort(-logits, axis=1, kind="stable")[:, :k]
    keep = np.zeros_like(logits, dtype=bool)
    keep[np.arange(n)[:, None], order] = True
    z = np.where(keep, logits / temperature, -np.inf)
    z = z - z.max(axis=1, keepdims=True)
    p = np.exp(z)
    cdf = np.cumsum(p / p.sum(axis=1, keepdims=True), axis=1)
    idx = (cdf <= u[:, None]).sum(axis=1)
    last = v - 1 - np.argmax(keep[:, ::-1], axis=1)
    return np.minimum(idx, last)


def wrong(logits, k, temperature, u):
    n, v = logits.shape
    order = np.argsort(-logits, axis=1, kind="stable")[:, :k]
    keep = np.zeros_like(logits, dtype=bool)
    keep[np.arange(n)[:, None], order] = True
    z = logits / temperature
    p = np.exp(z - z.max(axis=1, keepdims=True))
    p = p / p.sum(axis=1, keepdims=True) * keep
    cdf = np.cumsum(p, axis=1)
    return np.minimum((cdf <= u[:, None]).sum(axis=1), v - 1)


def mutant_ties_kept(logits, k, temperature, u):
    n, v = logits.shape
    kth = -np.sort(-logits, axis=1)[:, k - 1:k]
    keep = logits >= kth
    z = np.where(keep, logits / temperature, -np.inf)
    p = np.exp(z - z.max(axis=1, keepdims=True))
    cdf = np.cumsum(p / p.sum(axis=1, keepdims=True), axis=1)
    last = v - 1 - np.argmax(keep[:, ::-1], axis=1)
    return np.minimum((cdf <= u[:, None]).sum(axis=1), last)


def mutant_ties_higher_index(logits, k, temperature, u):
    n, v = logits.shape
    order = (v - 1 - np.argsort(-logits[:, ::-1], axis=1, kind="stable"))[:, :k]
    keep = np.zeros_like(logits, dtype=bool)
    keep[np.arange(n)[:, None], order] = True
    z = np.where(keep, logits / temperature, -np.inf)
    p = np.exp(z - z.max(axis=1, keepdims=True))
    cdf = np.cumsum(p / p.sum(axis=1, keepdims=True), axis=1)
    last = v - 1 - np.argmax(keep[:, ::-1], axis=1)
    return np.minimum((cdf <= u[:, None]).sum(axis=1), last)


def mutant_cdf_ge(logits, k, temperature, u):
    n, v = logits.shape
    order = np.argsort(-logits, axis=1, kind="stable")[:, :k]
    keep = np.zeros_like(logits, dtype=bool)
    keep[np.arange(n)[:, None], order] = True
    z = np.where(keep, logits / temperature, -np.inf)
    p = np.exp(z - z.max(axis=1, keepdims=True))
    cdf = np.cumsum(p / p.sum(axis=1, keepdims=True), axis=1)
    last = v - 1 - np.argmax(keep[:, ::-1], axis=1)
    return np.minimum((cdf < u[:, None]).sum(axis=1), last)


def mutant_k_plus_one(logits, k, temperature, u):
    n, v = logits.shape
    order = np.argsort(-logits, axis=1, kind="stable")[:, :k + 1]
    keep = np.zeros_like(logits, dtype=bool)
    keep[np.arange(n)[:, None], order] = True
    z = np.where(keep, logits / temperature, -np.inf)
    p = np.exp(z - z.max(axis=1, keepdims=True))
    cdf = np.cumsum(p / p.sum(axis=1, keepdims=True), axis=1)
    last = v - 1 - np.argmax(keep[:, ::-1], axis=1)
    return np.minimum((cdf <= u[:, None]).sum(axis=1), last)


MUTANTS = {"unnormalised_kept": wrong, "ties_kept_beyond_k": mutant_ties_kept,
           "ties_broken_to_higher_index": mutant_ties_higher_index, "cdf_compared_with_ge": mutant_cdf_ge,
           "keeps_k_plus_one": mutant_k_plus_one}
