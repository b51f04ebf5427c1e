"""Top-k keys by cosine similarity for each query."""
import numpy as np

NAME = "cosine_top_k"
TITLE = "Cosine-similarity top-k"
DIFFICULTY = "easy"
ENTRY = "cosine_top_k"
STATEMENT = """\
Implement cosine_top_k(queries, keys, k): queries is float64 (Q, D), keys is (K, D), 1 <= k <= K.
similarity(q, x) = q.x / max(||q|| ||x||, 1e-12) (so a zero vector has similarity 0, never nan).
Return (indices (Q, k) int, scores (Q, k) float): per query the k most similar keys, highest first, the lower
index first on equal scores. Use NumPy only. Optimise part: the naive baseline loops over queries and keys.
Do not modify the inputs in place."""
STARTER = '''import numpy as np


def cosine_top_k(queries, keys, k):
    """queries: (Q, D); keys: (K, D). Return (indices (Q, k) int, scores (Q, k))."""
    raise NotImplementedError
'''
OUTPUTS = ("indices", "scores")
DTYPES = ("int", "float")
RTOL, ATOL = 1e-9, 1e-12
CRITERIA = ("correctness", "numerical_care", "efficiency", "code_quality")
EXAMPLES = [{"queries": np.array([[1.0, 0.0]]), "keys": np.array([[1.0, 1.0], [2.0, 0.0], [0.0, 3.0]]), "k": 2}]
HIDDEN = [("standard", {"q": 5, "n": 30, "d": 8, "k": 3}), ("standard", {"q": 12, "n": 100, "d": 16, "k": 10}),
          ("edge", {"q": 1, "n": 4, "d": 2, "k": 4}), ("numerical", {"q": 6, "n": 40, "d": 8, "k": 3, "zeros": 5}),
          ("large", {"q": 200, "n": 2000, "d": 64, "k": 10})]
SPEED = {"size": {"q": 2000, "n": 20, "d": 8, "k": 3}, "target": 15.0}


def inputs(rng, q, n, d, k, zeros=0):
    keys = rng.standard_normal((n, d))
    keys[rng.choice(n, size=zeros, replace=False)] = 0.0
    queries = rng.standard_normal((q, d))
    if zeros:
        queries[0] = 0.0
    return {"queries": queries, "keys": keys, "k": k}


def reference(queries, keys, k):
    qn = np.linalg.norm(queries, axis=1)[:, None]
    kn = np.linalg.norm(keys, axis=1)[None, :]
    sim = (queries @ keys.T) / np.maximum(qn * kn, 1e-12)
    idx = np.argsort(-sim, axis=1, kind="stable")[:, :k]
    return idx, np.take_along_axis(sim, idx, axis=1)


def naive(queries, keys, k):
    import math
    out_i = np.zeros((len(queries), k), dtype=np.int64)
    out_s = np.zeros((len(queries), k))
    for a in range(len(queries)):
        qa = math.sqrt(float(np.dot(queries[a], queries[a])))
        sims = []
        for j in range(len(keys)):
            kj = math.sqrt(float(np.dot(keys[j], keys[j])))
            sims.append((-float(np.dot(queries[a], keys[j])) / max(qa * kj, 1e-12), j))
        sims.sort()
        for r in range(k):
            out_s[a, r], out_i[a, r] = -sims[r][0], sims[r][1]
    return out_i, out_s


def wrong(queries, keys, k):
    sim = (queries @ keys.T) / (np.linalg.norm(queries, axis=1)[:, None] * np.linalg.norm(keys, axis=1)[None, :])
    idx = np.argsort(-sim, axis=1, kind="stable")[:, :k]
    return idx, np.take_along_axis(sim, idx, axis=1)


def mutant_ties_higher_index(queries, keys, k):
    qn = np.linalg.norm(queries, axis=1)[:, None]
    kn = np.linalg.norm(keys, axis=1)[None, :]
    sim = (queries @ keys.T) / np.maximum(qn * kn, 1e-12)
    idx = np.argsort(sim, axis=1, kind="stable")[:, ::-1][:, :k]
    return idx, np.take_along_axis(sim, idx, axis=1)


def mutant_dot_not_cosine(queries, keys, k):
    sim = queries @ keys.T
    qn = np.linalg.norm(queries, axis=1)[:, None]
    kn = np.linalg.norm(keys, axis=1)[None, :]
    idx = np.argsort(-sim, axis=1, kind="stable")[:, :k]
    return idx, np.take_along_axis(sim / np.maximum(qn * kn, 1e-12), idx, axis=1)


def mutant_keys_norm_wrong_axis(queries, keys, k):
    qn = np.linalg.norm(queries, axis=1)[:, None]
    kn = np.linalg.norm(keys, axis=0).sum() / keys.shape[1]
    sim = (queries @ keys.T) / np.maximum(qn * kn, 1e-12)
    idx = np.argsort(-sim, axis=1, kind="stable")[:, :k]
    return idx, np.take_along_axis(sim, idx, axis=1)


def mutant_unsorted_argpartition(queries, keys, k):
    qn = np.linalg.norm(queries, axis=1)[:, None]
    kn = np.linalg.norm(keys, axis=1)[None, :]
    sim = (queries @ keys.T) / np.maximum(qn * kn, 1e-12)
    idx = np.argpartition(-sim, k - 1, axis=1)[:, :k]
    idx = np.sort(idx, axis=1)
    return idx, np.take_along_axis(sim, idx, axis=1)


MUTANTS = {"zero_norm_nan": wrong, "ties_to_higher_index": mutant_ties_higher_index, "ranks_by_dot_product": mutant_dot_not_cosine,
           "key_norm_wrong_axis": mutant_keys_norm_wrong_axis, "top_k_unsorted": mutant_unsorted_argpartition}


def row_loop(queries, keys, k):
    kn = np.linalg.norm(keys, axis=1)
    idx = np.zeros((len(queries), k), dtype=np.int64)
    scores = np.zeros((len(queries), k))
    for a in range(len(queries)):
        sim = keys @ queries[a] / np.maximum(np.linalg.norm(queries[a]) * kn, 1e-12)
        idx[a] = np.argsort(-sim, kind="stable")[:k]
        scores[a] = sim[idx[a]]
    return idx, scores
