"""Top-k principal components by power iteration with deflation."""
import numpy as np

NAME = "pca_power_iteration"
TITLE = "PCA by power iteration"
DIFFICULTY = "hard"
ENTRY = "pca_power_iteration"
STATEMENT = """\
Implement pca_power_iteration(X, k, iters, v0): X is float64 (N, D), v0 is (k, D) starting vectors.
Centre X (subtract the column means) and form C = Xc^T Xc / (N - 1). For i = 0 .. k-1: v = v0[i];
repeat iters times: v = C v, v = v / ||v||; then lam = v^T C v and deflate C = C - lam v v^T.
Flip each component's sign so that its largest-magnitude entry is positive. Return (components (k, D),
eigenvalues (k,)). The data have a clear spectral gap, so any converged method gives the same answer.
Use NumPy only. Optimise part: the naive baseline builds C with a loop over samples.
Do not modify the inputs in place."""
STARTER = '''import numpy as np


def pca_power_iteration(X, k, iters, v0):
    """Return (components (k, D), eigenvalues (k,)) of the sample covariance of X."""
    raise NotImplementedError
'''
OUTPUTS = ("components", "eigenvalues")
DTYPES = ("float", "float")
RTOL, ATOL = 1e-5, 1e-7
CRITERIA = ("correctness", "efficiency", "code_quality")
EXAMPLES = [{"X": np.array([[2.0, 0.0], [-2.0, 0.0], [0.0, 1.0], [0.0, -1.0]]), "k": 1, "iters": 50,
             "v0": np.array([[1.0, 1.0]])}]
HIDDEN = [("standard", {"n": 200, "d": 5, "k": 2}), ("standard", {"n": 300, "d": 8, "k": 3}),
          ("edge", {"n": 50, "d": 3, "k": 1}), ("edge", {"n": 100, "d": 4, "k": 4}),
          ("large", {"n": 20000, "d": 64, "k": 3})]
SPEED = {"size": {"n": 3000, "d": 24, "k": 2}, "target": 3.0}


def inputs(rng, n, d, k):
    q, _ = np.linalg.qr(rng.standard_normal((d, d)))
    scales = 3.0 * 0.5 ** np.arange(d)
    X = (rng.standard_normal((n, d)) * scales) @ q.T + rng.standard_normal(d) * 5
    return {"X": X, "k": k, "iters": 200, "v0": rng.standard_normal((k, d))}


def reference(X, k, iters, v0):
    xc = X - X.mean(axis=0)
    C = xc.T @ xc / (len(X) - 1)
    comps, lams = [], []
    for i in range(k):
        v = v0[i] / np.linalg.norm(v0[i])
        for _ in range(iters):
            v = C @ v
            v = v / np.linalg.norm(v)
        lam = v @ C @ v
        C = C - lam * np.outer(v, v)
        if v[np.argmax(np.abs(v))] < 0:
            v = -v
        comps.append(v)
        lams.append(lam)
    return np.array(comps), np.array(lams)


def naive(X, k, iters, v0):
    n, d = X.shape
    mean = X.sum(axis=0) / n
    C = np.zeros((d, d))
    for i in range(n):
        r = X[i] - mean
        C += np.outer(r, r)
    C /= n - 1
    comps, lams = [], []
    for i in range(k):
        v = v0[i] / np.linalg.norm(v0[i])
        for _ in range(iters):
            v = C @ v
            v = v / np.linalg.norm(v)
        lam = v @ C @ v
        C = C - lam * np.outer(v, v)
        if v[np.argmax(np.abs(v))] < 0:
            v = -v
        comps.append(v)
        lams.append(lam)
    return np.array(comps), np.array(lams)


def wrong(X, k, iters, v0):
    C = X.T @ X / (len(X) - 1)
    comps, lams = [], []
    for i in range(k):
        v = v0[i] / np.linalg.norm(v0[i])
        for _ in range(iters):
            v = C @ v
            v = v / np.linalg.norm(v)
        lam = v @ C @ v
        C = C - lam * np.outer(v, v)
        if v[np.argmax(np.abs(v))] < 0:
            v = -v
        comps.append(v)
        lams.append(lam)
    return np.array(comps), np.array(lams)


def mutant_no_deflation(X, k, iters, v0):
    xc = X - X.mean(axis=0)
    C = xc.T @ xc / (len(X) - 1)
    comps, lams = [], []
    for i in range(k):
        v = v0[i] / np.linalg.norm(v0[i])
        for _ in range(iters):
            v = C @ v
            v = v / np.linalg.norm(v)
        lam = v @ C @ v
        if v[np.argmax(np.abs(v))] < 0:
            v = -v
        comps.append(v)
        lams.append(lam)
    return np.array(comps), np.array(lams)


def mutant_biased_covariance(X, k, iters, v0):
    xc = X - X.mean(axis=0)
    C = xc.T @ xc / len(X)
    comps, lams = [], []
    for i in range(k):
        v = v0[i] / np.linalg.norm(v0[i])
        for _ in range(iters):
            v = C @ v
            v = v / np.linalg.norm(v)
        lam = v @ C @ v
        C = C - lam * np.outer(v, v)
        if v[np.argmax(np.abs(v))] < 0:
            v = -v
        comps.append(v)
        lams.append(lam)
    return np.array(comps), np.array(lams)


def mutant_row_means(X, k, iters, v0):
    xc = X - X.mean(axis=1, keepdims=True)
    C = xc.T @ xc / (len(X) - 1)
    comps, lams = [], []
    for i in range(k):
        v = v0[i] / np.linalg.norm(v0[i])
        for _ in range(iters):
            v = C @ v
            v = v / np.linalg.norm(v)
        lam = v @ C @ v
        C = C - lam * np.outer(v, v)
        if v[np.argmax(np.abs(v))] < 0:
            v = -v
        comps.append(v)
        lams.append(lam)
    return np.array(comps), np.array(lams)


def mutant_no_sign_fix(X, k, iters, v0):
    xc = X - X.mean(axis=0)
    C = xc.T @ xc / (len(X) - 1)
    comps, lams = [], []
    for i in range(k):
        v = v0[i] / np.linalg.norm(v0[i])
        for _ in range(iters):
            v = C @ v
            v = v / np.linalg.norm(v)
        lam = v @ C @ v
        C = C - lam * np.outer(v, v)
        if v[0] < 0:
            v = -v
        comps.append(v)
        lams.append(lam)
    return np.array(comps), np.array(lams)


MUTANTS = {"not_centred": wrong, "no_deflation": mutant_no_deflation, "divides_by_n": mutant_biased_covariance,
           "centred_on_row_means": mutant_row_means, "sign_from_first_entry": mutant_no_sign_fix}


def row_loop(X, k, iters, v0):
    n, d = X.shape
    xc = X - X.mean(axis=0)
    C = np.zeros((d, d))
    for i in range(n):
        C += np.outer(xc[i], xc[i])
    C /= n - 1
    comps, lams = [], []
    for i in range(k):
        v = v0[i] / np.linalg.norm(v0[i])
        for _ in range(iters):
            v = C @ v
            v = v / np.linalg.norm(v)
        lam = v @ C @ v
        C = C - lam * np.outer(v, v)
        if v[np.argmax(np.abs(v))] < 0:
            v = -v
        comps.append(v)
        lams.append(lam)
    return np.array(comps), np.array(lams)
