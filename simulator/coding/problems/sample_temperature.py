"""Temperature sampling (and greedy at temperature 0) from a given uniform draw."""
import numpy as np

NAME = "sample_temperature"
TITLE = "Temperature sampling, deterministic given u"
DIFFICULTY = "easy"
ENTRY = "sample_temperature"
STATEMENT = """\
Implement sample_temperature(logits, temperature, u): logits is float64 (N, V), temperature >= 0, u is
float64 (N,) with values in [0, 1). For each row, p = softmax(logits / temperature); return the smallest
index i whose cumulative probability p[0] + ... + p[i] exceeds u (inverse-CDF sampling in index order).
temperature == 0 means greedy: the index of the largest logit (the first one on ties). Return int (N,).
It must work for tiny temperatures such as 1e-3. Use NumPy only.
Do not modify the inputs in place."""
STARTER = '''import numpy as np


def sample_temperature(logits, temperature, u):
    """logits: (N, V); u: (N,) uniforms in [0, 1). Return (N,) int token indices."""
    raise NotImplementedError
'''
OUTPUTS = ("tokens",)
DTYPES = ("int",)
RTOL, ATOL = 0.0, 0.0
CRITERIA = ("correctness", "numerical_care", "code_quality")
EXAMPLES = [{"logits": np.array([[0.0, 0.0, 0.0, 0.0], [1.0, 3.0, 2.0, 0.0]]), "temperature": 1.0,
             "u": np.array([0.6, 0.1])},
            {"logits": np.array([[1.0, 3.0, 3.0, 0.0]]), "temperature": 0.0, "u": np.array([0.5])}]
HIDDEN = [("standard", {"n": 20, "v": 10, "t": 1.0}), ("standard", {"n": 20, "v": 50, "t": 0.7}),
          ("edge", {"n": 5, "v": 1, "t": 1.0}), ("edge", {"n": 10, "v": 8, "t": 0.0}),
          ("edge", {"n": 16, "v": 8, "t": 0.0, "ties": True}), ("edge", {"n": 16, "v": 8, "t": 1.0, "ties": True}),
          ("numerical", {"n": 20, "v": 30, "t": 1e-3}), ("numerical", {"n": 10, "v": 20, "t": 0.01, "scale": 50.0}),
          ("large", {"n": 500, "v": 1000, "t": 1.0})]


def inputs(rng, n, v, t, scale=3.0, ties=False):
    if ties:  # tied logits; every other row uniform, with u on the grid k / v (cumulative sums exact there)
        logits = rng.integers(0, 2, size=(n, v)).astype(np.float64)
        logits[::2] = 0.0
        u = rng.random(n)
        u[::2] = rng.integers(0, v, size=len(u[::2])) / v
        return {"logits": logits, "temperature": t, "u": u}
    return {"logits": rng.standard_normal((n, v)) * scale, "temperature": t, "u": rng.random(n)}


def reference(logits, temperature, u):
    if temperature == 0:
        return np.argmax(logits, axis=1)
    z = logits / temperature
    z = z - z.max(axis=1, keepdims=True)
    p = np.exp(z)
    cdf = np.cumsum(p / p.sum(axis=1, keepdims=True), axis=1)
    idx = (cdf <= u[:, None]).sum(axis=1)
    return np.minimum(idx, logits.shape[1] - 1)


def wrong(logits, temperature, u):
    if temperature == 0:
        return np.argmax(logits, axis=1)
    p = np.exp(logits / temperature)
    cdf = np.cumsum(p / p.sum(axis=1, keepdims=True), axis=1)
    return np.minimum((cdf <= u[:, None]).sum(axis=1), logits.shape[1] - 1)


def mutant_cdf_ge(logits, temperature, u):
    if temperature == 0:
        return np.argmax(logits, axis=1)
    z = logits / temperature
    p = np.exp(z - z.max(axis=1, keepdims=True))
    cdf = np.cumsum(p / p.sum(axis=1, keepdims=True), axis=1)
    return np.minimum((cdf < u[:, None]).sum(axis=1), logits.shape[1] - 1)


def mutant_greedy_last_tie(logits, temperature, u):
    if temperature == 0:
        v = logits.shape[1]
        return v - 1 - np.argmax(logits[:, ::-1], axis=1)
    z = logits / temperature
    p = np.exp(z - z.max(axis=1, keepdims=True))
    cdf = np.cumsum(p / p.sum(axis=1, keepdims=True), axis=1)
    return np.minimum((cdf <= u[:, None]).sum(axis=1), logits.shape[1] - 1)


def mutant_temperature_multiplies(logits, temperature, u):
    if temperature == 0:
        return np.argmax(logits, axis=1)
    z = logits * temperature
    p = np.exp(z - z.max(axis=1, keepdims=True))
    cdf = np.cumsum(p / p.sum(axis=1, keepdims=True), axis=1)
    return np.minimum((cdf <= u[:, None]).sum(axis=1), logits.shape[1] - 1)


def mutant_sorted_order(logits, temperature, u):
    if temperature == 0:
        return np.argmax(logits, axis=1)
    z = logits / temperature
    p = np.exp(z - z.max(axis=1, keepdims=True))
    p = p / p.sum(axis=1, keepdims=True)
    order = np.argsort(-p, axis=1, kind="stable")
    cdf = np.cumsum(np.take_along_axis(p, order, axis=1), axis=1)
    pos = np.minimum((cdf <= u[:, None]).sum(axis=1), logits.shape[1] - 1)
    return order[np.arange(len(u)), pos]


MUTANTS = {"no_max_shift": wrong, "cdf_compared_with_ge": mutant_cdf_ge, "greedy_ties_last": mutant_greedy_last_tie,
           "temperature_multiplies": mutant_temperature_multiplies, "sorted_not_vocab_order": mutant_sorted_order}
