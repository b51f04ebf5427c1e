"""EmbeddingBag: sum or mean of embedding rows per bag, with empty bags."""
import numpy as np

NAME = "embedding_bag"
TITLE = "Embedding bag"
DIFFICULTY = "medium"
ENTRY = "embedding_bag"
STATEMENT = """\
Implement embedding_bag(weight, indices, offsets, mode): weight is float64 (V, D); indices is int (M,);
offsets is int (B,), non-decreasing, offsets[0] = 0. Bag b holds indices[offsets[b]:offsets[b+1]] (the last
bag runs to M). Return (B, D): per bag the sum (mode "sum") or the mean (mode "mean") of its rows of
weight; an empty bag gives a row of zeros in both modes. Use NumPy only. Optimise part: the naive
baseline loops over bags and indices.
Do not modify the inputs in place."""
STARTER = '''import numpy as np


def embedding_bag(weight, indices, offsets, mode="sum"):
    """weight: (V, D); indices: (M,); offsets: (B,). Return (B, D) bag sums or means."""
    raise NotImplementedError
'''
OUTPUTS = ("bags",)
DTYPES = ("float",)
RTOL, ATOL = 1e-9, 1e-12
CRITERIA = ("correctness", "efficiency", "code_quality")
EXAMPLES = [{"weight": np.array([[1.0, 0.0], [0.0, 1.0], [2.0, 2.0]]), "indices": np.array([0, 2, 1, 1]),
             "offsets": np.array([0, 2, 2]), "mode": "mean"}]
HIDDEN = [("standard", {"v": 20, "d": 4, "b": 6, "mode": "sum"}), ("standard", {"v": 50, "d": 8, "b": 10, "mode": "mean"}),
          ("edge", {"v": 10, "d": 3, "b": 8, "mode": "sum", "empty": True}),
          ("edge", {"v": 10, "d": 3, "b": 8, "mode": "mean", "empty": True}),
          ("large", {"v": 5000, "d": 32, "b": 3000, "mode": "mean"})]
SPEED = {"size": {"v": 500, "d": 16, "b": 200, "mode": "mean"}, "target": 3.0}


def inputs(rng, v, d, b, mode, empty=False):
    sizes = rng.integers(0 if empty else 1, 6, size=b)
    if empty:
        sizes[0] = 0
        sizes[-1] = 0
    offsets = np.concatenate([[0], np.cumsum(sizes)[:-1]]).astype(np.int64)
    indices = rng.integers(0, v, size=int(sizes.sum())).astype(np.int64)
    return {"weight": rng.standard_normal((v, d)), "indices": indices, "offsets": offsets, "mode": mode}


def reference(weight, indices, offsets, mode="sum"):
    b = len(offsets)
    ends = np.append(offsets[1:], len(indices))
    sizes = ends - offsets
    csum = np.vstack([np.zeros((1, weight.shape[1])), np.cumsum(weight[indices], axis=0)])
    out = csum[ends] - csum[offsets]
    if mode == "mean":
        out = out / np.maximum(sizes, 1)[:, None]
    return out


def naive(weight, indices, offsets, mode="sum"):
    b = len(offsets)
    out = np.zeros((b, weight.shape[1]))
    for i in range(b):
        end = offsets[i + 1] if i + 1 < b else len(indices)
        count = 0
        for j in range(offsets[i], end):
            out[i] += weight[indices[j]]
            count += 1
        if mode == "mean" and count:
            out[i] /= count
    return out


def wrong(weight, indices, offsets, mode="sum"):
    rows = weight[indices]
    out = np.add.reduceat(rows, offsets, axis=0) if len(rows) else np.zeros((len(offsets), weight.shape[1]))
    if mode == "mean":
        ends = np.append(offsets[1:], len(indices))
        out = out / np.maximum(ends - offsets, 1)[:, None]
    return out


def mutant_mean_divides_by_zero_guard_missing(weight, indices, offsets, mode="sum"):
    ends = np.append(offsets[1:], len(indices))
    sizes = ends - offsets
    csum = np.vstack([np.zeros((1, weight.shape[1])), np.cumsum(weight[indices], axis=0)])
    out = csum[ends] - csum[offsets]
    if mode == "mean":
        with np.errstate(invalid="ignore", divide="ignore"):
            out = out / sizes[:, None]
    return out


def mutant_last_bag_dropped(weight, indices, offsets, mode="sum"):
    ends = np.append(offsets[1:], offsets[-1])
    sizes = ends - offsets
    csum = np.vstack([np.zeros((1, weight.shape[1])), np.cumsum(weight[indices], axis=0)])
    out = csum[ends] - csum[offsets]
    if mode == "mean":
        out = out / np.maximum(sizes, 1)[:, None]
    return out


def mutant_off_by_one_end(weight, indices, offsets, mode="sum"):
    ends = np.append(offsets[1:], len(indices))
    starts = np.minimum(offsets + 1, ends)
    starts = np.where(ends > offsets, offsets, starts)
    ends2 = np.maximum(ends - 1, starts)
    ends2 = np.where(ends - offsets > 1, ends2, ends)
    sizes = ends - offsets
    csum = np.vstack([np.zeros((1, weight.shape[1])), np.cumsum(weight[indices], axis=0)])
    out = csum[ends2] - csum[starts]
    if mode == "mean":
        out = out / np.maximum(sizes, 1)[:, None]
    return out


def mutant_mean_ignores_mode(weight, indices, offsets, mode="sum"):
    ends = np.append(offsets[1:], len(indices))
    sizes = ends - offsets
    csum = np.vstack([np.zeros((1, weight.shape[1])), np.cumsum(weight[indices], axis=0)])
    return (csum[ends] - csum[offsets]) / np.maximum(sizes, 1)[:, None]


MUTANTS = {"reduceat_empty_bags": wrong, "empty_bag_mean_nan": mutant_mean_divides_by_zero_guard_missing,
           "last_bag_dropped": mutant_last_bag_dropped, "bag_end_off_by_one": mutant_off_by_one_end,
           "always_mean": mutant_mean_ignores_mode}


def row_loop(weight, indices, offsets, mode="sum"):
    b = len(offsets)
    ends = np.append(offsets[1:], len(indices))
    out = np.zeros((b, weight.shape[1]))
    for i in range(b):
        rows = weight[indices[offsets[i]:ends[i]]]
        if len(rows):
            out[i] = rows.mean(axis=0) if mode == "mean" else rows.sum(axis=0)
    return out
