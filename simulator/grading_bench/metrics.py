"""Agreement metrics with numpy only: Pearson, Spearman, RMSE, quadratic weighted kappa, weighted F1."""
from __future__ import annotations

from typing import Sequence

import numpy as np


def pearson(x: Sequence[float], y: Sequence[float]) -> float | None:
    a, b = np.asarray(x, float), np.asarray(y, float)
    if len(a) < 2 or a.std() == 0 or b.std() == 0:
        return None
    return float(np.corrcoef(a, b)[0, 1])


def _ranks(x: np.ndarray) -> np.ndarray:
    """Average ranks (ties share the mean rank), as Spearman needs."""
    order = np.argsort(x, kind="mergesort")
    ranks = np.empty(len(x), float)
    ranks[order] = np.arange(len(x), dtype=float)
    xs = x[order]
    i = 0
    while i < len(xs):
        j = i
        while j + 1 < len(xs) and xs[j + 1] == xs[i]:
            j += 1
        if j > i:
            ranks[order[i:j + 1]] = (i + j) / 2
        i = j + 1
    return ranks


def spearman(x: Sequence[float], y: Sequence[float]) -> float | None:
    a, b = np.asarray(x, float), np.asarray(y, float)
    if len(a) < 2:
        return None
    return pearson(_ranks(a), _ranks(b))


def rmse(pred: Sequence[float], gold: Sequence[float]) -> float:
    a, b = np.asarray(pred, float), np.asarray(gold, float)
    return float(np.sqrt(np.mean((a - b) ** 2))) if len(a) else float("nan")


def snap(values: Sequence[float], levels: Sequence[float]) -> np.ndarray:
    """Each value moved to the nearest level (ties go to the lower level)."""
    lv = np.asarray(sorted(levels), float)
    v = np.asarray(values, float)
    return lv[np.argmin(np.abs(v[:, None] - lv[None, :]), axis=1)]


def qwk(pred: Sequence[float], gold: Sequence[float], levels: Sequence[float] | None = None) -> float | None:
    """Quadratic weighted kappa after snapping both to `levels` (default: the gold's distinct values).

    Disagreement weights are squared differences of the level values (equal to
    the usual index-based weights when levels are evenly spaced).
    """
    g = np.asarray(gold, float)
    lv = np.asarray(sorted(set(levels if levels is not None else g.tolist())), float)
    if len(lv) < 2:
        return None
    p_idx = np.searchsorted(lv, snap(pred, lv))
    g_idx = np.searchsorted(lv, snap(g, lv))
    k = len(lv)
    observed = np.zeros((k, k))
    np.add.at(observed, (p_idx, g_idx), 1)
    expected = np.outer(observed.sum(1), observed.sum(0)) / observed.sum()
    weights = (lv[:, None] - lv[None, :]) ** 2 / (lv[-1] - lv[0]) ** 2
    denom = (weights * expected).sum()
    return float(1 - (weights * observed).sum() / denom) if denom > 0 else None


def weighted_f1(pred: Sequence[int], gold: Sequence[int]) -> float:
    """F1 per class, averaged with weights proportional to each class's support in the gold labels."""
    p, g = np.asarray(pred, int), np.asarray(gold, int)
    total = 0.0
    for c in np.unique(g):
        tp = np.sum((p == c) & (g == c))
        fp = np.sum((p == c) & (g != c))
        fn = np.sum((p != c) & (g == c))
        f1 = 2 * tp / (2 * tp + fp + fn) if tp else 0.0
        total += f1 * np.sum(g == c)
    return float(total / len(g)) if len(g) else float("nan")


def best_threshold(scores: Sequence[float], gold: Sequence[int]) -> float:
    """The threshold t (predict 1 when score >= t) maximising weighted F1; midpoints between distinct scores."""
    s = np.asarray(scores, float)
    g = np.asarray(gold, int)
    u = np.unique(s)
    cands = np.concatenate([[u[0] - 1e-9], (u[:-1] + u[1:]) / 2, [u[-1] + 1e-9]]) if len(u) else np.array([0.5])
    best_t, best_f = 0.5, -1.0
    for t in cands:
        f = weighted_f1((s >= t).astype(int), g)
        if f > best_f + 1e-12:
            best_t, best_f = float(t), f
    return best_t
