"""Lloyd's k-means from given initial centroids."""
import numpy as np

NAME = "kmeans"
TITLE = "k-means (Lloyd's algorithm)"
DIFFICULTY = "medium"
ENTRY = "kmeans"
STATEMENT = """\
Implement kmeans(X, init, iters): X is float64 (N, D), init is (K, D) initial centroids, iters >= 1.
Each iteration: assign every point to its nearest centroid by squared Euclidean distance (the lower index
on ties), then move each centroid to the mean of its points; a centroid with no points stays where it is.
Return (centroids (K, D), labels (N,) int) where labels are the assignments of the last iteration.
Use NumPy only. Optimise part: the naive baseline loops over points and centroids.
Do not modify the inputs in place."""
STARTER = '''import numpy as np


def kmeans(X, init, iters):
    """X: (N, D); init: (K, D). Return (centroids (K, D), labels (N,) int) after `iters` Lloyd iterations."""
    raise NotImplementedError
'''
OUTPUTS = ("centroids", "labels")
DTYPES = ("float", "int")
RTOL, ATOL = 1e-9, 1e-9
CRITERIA = ("correctness", "efficiency", "code_quality")
EXAMPLES = [{"X": np.array([[0.0, 0.0], [0.0, 1.0], [10.0, 10.0], [10.0, 11.0]]),
             "init": np.array([[0.0, 0.0], [10.0, 10.0]]), "iters": 2}]
HIDDEN = [("standard", {"n": 60, "d": 2, "k": 3, "iters": 5}), ("standard", {"n": 200, "d": 5, "k": 6, "iters": 10}),
          ("edge", {"n": 30, "d": 2, "k": 4, "iters": 3, "far": True}), ("edge", {"n": 5, "d": 3, "k": 1, "iters": 2}),
          ("edge", {"n": 40, "d": 2, "k": 4, "iters": 1, "grid": True}), ("edge", {"n": 60, "d": 3, "k": 5, "iters": 1, "grid": True}),
          ("large", {"n": 5000, "d": 16, "k": 32, "iters": 10})]
SPEED = {"size": {"n": 1000, "d": 4, "k": 5, "iters": 3}, "target": 10.0}


def inputs(rng, n, d, k, iters, far=False, grid=False):
    if grid:  # points and centroids on an integer grid: exact distance ties
        X = rng.integers(0, 4, size=(n, d)).astype(np.float64)
        return {"X": X, "init": rng.integers(0, 4, size=(k, d)).astype(np.float64), "iters": iters}
    centers = rng.standard_normal((k, d)) * 6
    X = centers[rng.integers(0, k, size=n)] + rng.standard_normal((n, d))
    init = X[rng.choice(n, size=k, replace=False)].copy()
    if far:
        init[-1] = 1e6
    return {"X": X, "init": init, "iters": iters}


def reference(X, init, iters):
    c = init.copy()
    labels = np.zeros(len(X), dtype=np.int64)
    for _ in range(iters):
        d2 = ((X[:, None, :] - c[None, :, :]) ** 2).sum(axis=2)
        labels = np.argmin(d2, axis=1)
        counts = np.bincount(labels, minlength=len(c))
        sums = np.zeros_like(c)
        np.add.at(sums, labels, X)
        nonempty = counts > 0
        c[nonempty] = sums[nonempty] / counts[nonempty, None]
    return c, labels


def naive(X, init, iters):
    c = init.copy()
    n, k = len(X), len(c)
    labels = np.zeros(n, dtype=np.int64)
    for _ in range(iters):
        for i in range(n):
            best, arg = None, 0
            for j in range(k):
                dist = float(np.sum((X[i] - c[j]) ** 2))
                if best is None or dist < best:
                    best, arg = dist, j
            labels[i] = arg
        for j in range(k):
            members = X[labels == j]
            if len(members):
                c[j] = members.mean(axis=0)
    return c, labels


def wrong(X, init, iters):
    c = init.copy()
    for _ in range(iters):
        d2 = ((X[:, None, :] - c[None, :, :]) ** 2).sum(axis=2)
        labels = np.argmin(d2, axis=1)
        c = np.array([X[labels == j].mean(axis=0) if np.any(labels == j) else np.zeros(X.shape[1])
                      for j in range(len(c))])
    return c, labels


def mutant_ties_last(X, init, iters):
    c = init.copy()
    k = len(c)
    labels = np.zeros(len(X), dtype=np.int64)
    for _ in range(iters):
        d2 = ((X[:, None, :] - c[None, :, :]) ** 2).sum(axis=2)
        labels = k - 1 - np.argmin(d2[:, ::-1], axis=1)
        counts = np.bincount(labels, minlength=k)
        sums = np.zeros_like(c)
        np.add.at(sums, labels, X)
        nonempty = counts > 0
        c[nonempty] = sums[nonempty] / counts[nonempty, None]
    return c, labels


def mutant_in_place(X, init, iters):
    c = init
    labels = np.zeros(len(X), dtype=np.int64)
    for _ in range(iters):
        d2 = ((X[:, None, :] - c[None, :, :]) ** 2).sum(axis=2)
        labels = np.argmin(d2, axis=1)
        counts = np.bincount(labels, minlength=len(c))
        sums = np.zeros_like(c)
        np.add.at(sums, labels, X)
        nonempty = counts > 0
        c[nonempty] = sums[nonempty] / counts[nonempty, None]
    return c.copy(), labels


def mutant_labels_before_update(X, init, iters):
    c = init.copy()
    labels = np.zeros(len(X), dtype=np.int64)
    for it in range(iters):
        d2 = ((X[:, None, :] - c[None, :, :]) ** 2).sum(axis=2)
        labels = np.argmin(d2, axis=1)
        if it == iters - 1:
            break
        counts = np.bincount(labels, minlength=len(c))
        sums = np.zeros_like(c)
        np.add.at(sums, labels, X)
        nonempty = counts > 0
        c[nonempty] = sums[nonempty] / counts[nonempty, None]
    return c, labels


def mutant_fancy_assign(X, init, iters):
    c = init.copy()
    labels = np.zeros(len(X), dtype=np.int64)
    for _ in range(iters):
        d2 = ((X[:, None, :] - c[None, :, :]) ** 2).sum(axis=2)
        labels = np.argmin(d2, axis=1)
        counts = np.bincount(labels, minlength=len(c))
        sums = np.zeros_like(c)
        sums[labels] += X
        nonempty = counts > 0
        c[nonempty] = sums[nonempty] / counts[nonempty, None]
    return c, labels


MUTANTS = {"empty_cluster_to_origin": wrong, "ties_to_higher_index": mutant_ties_last, "modifies_input": mutant_in_place,
           "one_fewer_update": mutant_labels_before_update, "buffered_fancy_add": mutant_fancy_assign}


def row_loop(X, init, iters):
    c = init.copy()
    labels = np.zeros(len(X), dtype=np.int64)
    for _ in range(iters):
        for i in range(len(X)):
            labels[i] = np.argmin(((c - X[i]) ** 2).sum(axis=1))
        for j in range(len(c)):
            members = X[labels == j]
            if len(members):
                c[j] = members.mean(axis=0)
    return c, labels
