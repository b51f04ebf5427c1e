"""Mean cross-entropy from logits and integer targets."""
import numpy as np

NAME = "cross_entropy"
TITLE = "Cross-entropy from logits"
DIFFICULTY = "easy"
ENTRY = "cross_entropy"
STATEMENT = """\
Implement cross_entropy(logits, targets): logits is float64 (N, C), targets is int (N,) with values in [0, C).
Return the mean over the N rows of -log softmax(logits)[i, targets[i]] as a float (a 0-d array or a Python
float). It must be exact for logits in the thousands. Use NumPy only. Optimise part: the naive baseline
loops over rows.
Do not modify the inputs in place."""
STARTER = '''import numpy as np


def cross_entropy(logits, targets):
    """logits: (N, C) float; targets: (N,) int. Return the mean negative log-likelihood (a scalar)."""
    raise NotImplementedError
'''
OUTPUTS = ("loss",)
DTYPES = ("float",)
RTOL, ATOL = 1e-7, 1e-9
CRITERIA = ("correctness", "numerical_care", "efficiency", "code_quality")
EXAMPLES = [{"logits": np.array([[2.0, 1.0, 0.1], [0.5, 2.5, 0.0]]), "targets": np.array([0, 1])}]
HIDDEN = [
    ("standard", {"n": 16, "c": 10}), ("standard", {"n": 3, "c": 50}), ("edge", {"n": 1, "c": 1}),
    ("edge", {"n": 5, "c": 2}), ("numerical", {"n": 8, "c": 6, "scale": 1e3}),
    ("numerical", {"n": 8, "c": 6, "scale": 1e4}), ("large", {"n": 2000, "c": 500}),
]
SPEED = {"size": {"n": 2000, "c": 32}, "target": 5.0}


def inputs(rng, n, c, scale=1.0):
    return {"logits": rng.standard_normal((n, c)) * scale, "targets": rng.integers(0, c, size=n)}


def reference(logits, targets):
    m = np.max(logits, axis=1, keepdims=True)
    lse = (m + np.log(np.sum(np.exp(logits - m), axis=1, keepdims=True)))[:, 0]
    return np.mean(lse - logits[np.arange(len(targets)), targets])


def naive(logits, targets):
    import math
    total = 0.0
    for i in range(logits.shape[0]):
        m = max(logits[i])
        lse = m + math.log(sum(math.exp(v - m) for v in logits[i]))
        total += lse - logits[i, targets[i]]
    return total / logits.shape[0]


def wrong(logits, targets):
    p = np.exp(logits) / np.sum(np.exp(logits), axis=1, keepdims=True)
    return -np.mean(np.log(p[np.arange(len(targets)), targets]))


def mutant_sum_not_mean(logits, targets):
    m = np.max(logits, axis=1, keepdims=True)
    lse = (m + np.log(np.sum(np.exp(logits - m), axis=1, keepdims=True)))[:, 0]
    return np.sum(lse - logits[np.arange(len(targets)), targets])


def mutant_wrong_gather(logits, targets):
    m = np.max(logits, axis=1, keepdims=True)
    lse = (m + np.log(np.sum(np.exp(logits - m), axis=1, keepdims=True)))[:, 0]
    return np.mean(lse - logits[:, targets].mean(axis=0))


def mutant_in_place(logits, targets):
    logits -= np.max(logits, axis=1, keepdims=True)
    lse = np.log(np.sum(np.exp(logits), axis=1))
    return np.mean(lse - logits[np.arange(len(targets)), targets])


def mutant_lse_axis0(logits, targets):
    m = np.max(logits)
    lse = m + np.log(np.sum(np.exp(logits - m), axis=0))
    return np.mean(lse[targets] - logits[np.arange(len(targets)), targets])


MUTANTS = {"unstable": wrong, "sum_not_mean": mutant_sum_not_mean, "wrong_gather": mutant_wrong_gather,
           "modifies_input": mutant_in_place, "logsumexp_wrong_axis": mutant_lse_axis0}


def row_loop(logits, targets):
    total = 0.0
    for i in range(logits.shape[0]):
        m = logits[i].max()
        total += m + np.log(np.exp(logits[i] - m).sum()) - logits[i, targets[i]]
    return total / logits.shape[0]
