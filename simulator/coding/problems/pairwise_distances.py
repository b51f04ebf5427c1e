"""Euclidean distance matrix, fast and never nan."""
import numpy as np

NAME = "pairwise_distances"
TITLE = "Pairwise Euclidean distances"
DIFFICULTY = "easy"
ENTRY = "pairwise_distances"
STATEMENT = """\
Implement pairwise_distances(X, Y): X is float64 (N, D), Y is (M, D). Return the (N, M) matrix of
Euclidean distances ||X[i] - Y[j]||. It must never return nan, including for identical points far from
the origin (the expansion ||x||^2 + ||y||^2 - 2 x.y can go slightly negative there); an absolute error
of 1e-3 is allowed. Use NumPy only. Optimise part: the naive baseline loops over both sets of points.
Do not modify the inputs in place."""
STARTER = '''import numpy as np


def pairwise_distances(X, Y):
    """X: (N, D); Y: (M, D). Return (N, M) Euclidean distances."""
    raise NotImplementedError
'''
OUTPUTS = ("dist",)
DTYPES = ("float",)
RTOL, ATOL = 1e-7, 1e-3
CRITERIA = ("correctness", "numerical_care", "efficiency", "code_quality")
EXAMPLES = [{"X": np.array([[0.0, 0.0], [3.0, 4.0]]), "Y": np.array([[0.0, 0.0], [1.0, 0.0], [3.0, 4.0]])}]
HIDDEN = [("standard", {"n": 10, "m": 7, "d": 3}), ("standard", {"n": 20, "m": 20, "d": 16}),
          ("edge", {"n": 1, "m": 1, "d": 1}), ("numerical", {"n": 30, "m": 30, "d": 8, "offset": 1e3, "same": True}),
          ("numerical", {"n": 25, "m": 25, "d": 4, "offset": 3e3, "same": True}), ("large", {"n": 400, "m": 400, "d": 32})]
SPEED = {"size": {"n": 2000, "m": 10, "d": 8}, "target": 30.0}


def inputs(rng, n, m, d, offset=0.0, same=False):
    X = rng.standard_normal((n, d)) + offset
    Y = X[:m].copy() if same else rng.standard_normal((m, d)) + offset
    return {"X": X, "Y": Y}


def reference(X, Y):
    diff = X[:, None, :] - Y[None, :, :]
    return np.sqrt(np.einsum("ijk,ijk->ij", diff, diff))


def naive(X, Y):
    out = np.zeros((len(X), len(Y)))
    for i in range(len(X)):
        for j in range(len(Y)):
            out[i, j] = np.sqrt(np.sum((X[i] - Y[j]) ** 2))
    return out


def wrong(X, Y):
    return (X ** 2).sum(1)[:, None] + (Y ** 2).sum(1)[None, :] - 2 * X @ Y.T


def mutant_float32_expansion(X, Y):
    X, Y = X.astype(np.float32), Y.astype(np.float32)
    d2 = (X ** 2).sum(1)[:, None] + (Y ** 2).sum(1)[None, :] - 2 * X @ Y.T
    return np.sqrt(np.maximum(d2, 0.0))


def mutant_squared(X, Y):
    diff = X[:, None, :] - Y[None, :, :]
    return np.einsum("ijk,ijk->ij", diff, diff)


def mutant_transposed(X, Y):
    diff = Y[:, None, :] - X[None, :, :]
    return np.sqrt(np.einsum("ijk,ijk->ij", diff, diff)).reshape(len(X), len(Y))


def mutant_norm_wrong_axis(X, Y):
    return np.linalg.norm(X[:, None, :] - Y[None, :, :], axis=1)


MUTANTS = {"squared_expansion": wrong, "float32_expansion": mutant_float32_expansion, "squared_distances": mutant_squared,
           "transposed_reshaped": mutant_transposed, "norm_wrong_axis": mutant_norm_wrong_axis}


def row_loop(X, Y):
    out = np.zeros((len(X), len(Y)))
    for i in range(len(X)):
        out[i] = np.sqrt(((Y - X[i]) ** 2).sum(axis=1))
    return out
