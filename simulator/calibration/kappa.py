"""Quadratic weighted Cohen's kappa, for two raters and pairwise across all graders.

With quadratic weights on the numeric levels, kappa has a closed form in
five sums over the paired ratings (x, y):

    kappa = 1 - sum (x - y)^2 / [ (1/n) sum_i sum_j (x_i - y_j)^2 ]

which equals the confusion-matrix definition (scikit-learn's
`cohen_kappa_score(weights="quadratic")`) whenever the levels are equally
spaced, e.g. 1..5. Unequally spaced levels are weighted by their numeric
distance rather than their rank. CIs bootstrap the shared units.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from .result import Estimate, bootstrap_counts, percentile_ci, withheld


def _kappa_from_sums(n: Any, sx: Any, sy: Any, sxx: Any, syy: Any, sxy: Any) -> Any:
    observed = sxx + syy - 2.0 * sxy
    with np.errstate(invalid="ignore", divide="ignore"):
        expected = sxx + syy - 2.0 * sx * sy / n
        k = 1.0 - observed / expected
    return np.where(expected > 1e-12 * np.maximum(sxx + syy, 1.0), k, np.nan)


def _boot(x: np.ndarray, y: np.ndarray, counts_t: np.ndarray) -> np.ndarray:
    """Kappa for each resample; counts_t is units x replicates (how often each unit is drawn)."""
    feats = np.vstack([x, y, x * x, y * y, x * y])
    s = feats @ counts_t
    return _kappa_from_sums(counts_t.sum(axis=0), *s)


def weighted_kappa(x: Any, y: Any, *, n_boot: int = 1000, seed: int = 0, ci: float = 0.95,
                   min_n: int = 2) -> Estimate:
    """Kappa between two raters' levels on the same units; pairs with a NaN on either side are dropped."""
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    if x.shape != y.shape:
        raise ValueError("x and y must have the same length")
    both = np.isfinite(x) & np.isfinite(y)
    x, y = x[both], y[both]
    n = int(x.size)
    if n < max(min_n, 2):
        return withheld(f"only {n} shared units (minimum {max(min_n, 2)})", n)
    value = float(_kappa_from_sums(n, x.sum(), y.sum(), x @ x, y @ y, x @ y))
    if not np.isfinite(value):
        return withheld("no variation: both raters gave one and the same level to every unit", n)
    interval = None
    if n_boot > 0:
        rng = np.random.default_rng(seed)
        interval = percentile_ci(_boot(x, y, bootstrap_counts(rng, n, n_boot).T), ci)
    return Estimate(value, n, interval, method=f"bootstrap over units ({n_boot})" if interval else None)


def kappa_matrix(matrix: Any, *, min_n: int = 20, n_boot: int = 200, seed: int = 0,
                 ci: float = 0.95) -> list[list[Estimate | None]]:
    """R x R matrix of kappas over the units each pair shares (diagonal None).

    One bootstrap over all units (the same resamples for every pair), so the
    cost is proportional to the number of shared ratings, not R^2 x units.
    """
    x = np.asarray(matrix, dtype=float)
    U, R = x.shape
    present = ~np.isnan(x)
    p = present.astype(float)
    x0 = np.where(present, x, 0.0)
    n = p.T @ p
    sx = x0.T @ p  # sx[g, h]: sum of g's levels on units g and h share
    sxx = (x0 * x0).T @ p
    sxy = x0.T @ x0
    with np.errstate(invalid="ignore", divide="ignore"):
        kap = _kappa_from_sums(n, sx, sx.T, sxx, sxx.T, sxy)
    counts_t = (np.ascontiguousarray(bootstrap_counts(np.random.default_rng(seed), U, n_boot).T)
                if n_boot > 0 and U else None)
    present_t = np.ascontiguousarray(present.T)
    x_t = np.ascontiguousarray(x.T)
    out: list[list[Estimate | None]] = [[None] * R for _ in range(R)]
    for g in range(R):
        for h in range(g + 1, R):
            ng = int(n[g, h])
            if ng < max(min_n, 2):
                est = withheld(f"only {ng} shared units (minimum {max(min_n, 2)})", ng)
            elif not np.isfinite(kap[g, h]):
                est = withheld("no variation on the shared units", ng)
            else:
                interval = None
                if counts_t is not None:
                    shared = np.flatnonzero(present_t[g] & present_t[h])
                    interval = percentile_ci(_boot(x_t[g, shared], x_t[h, shared], counts_t[shared]), ci)
                est = Estimate(float(kap[g, h]), ng, interval,
                               method=f"bootstrap over units ({n_boot})" if interval else None)
            out[g][h] = out[h][g] = est
    return out
