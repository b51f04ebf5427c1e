"""Krippendorff's alpha by the coincidence-matrix method, for any pattern of missing ratings.

For each unit with m >= 2 ratings, every ordered pair of its ratings adds
1/(m-1) to the coincidence matrix o[c, k]. Then

    alpha = 1 - (n - 1) * sum(o * delta) / sum(n_c n_k delta)

with n_c the row sums of o, n their total and delta the squared difference
for the level of measurement (nominal, ordinal, interval, ratio), as in
Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability".

The CI bootstraps units (answers): each resample reweights the per-unit
coincidence matrices, so all four levels come from one matrix product.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from .grades import to_long
from .result import Estimate, bootstrap_counts, percentile_ci, withheld

LEVELS = ("nominal", "ordinal", "interval", "ratio")
MAX_DISTINCT = 1000  # distinct levels; beyond this the V x V matrix is not worth it


def _delta(level: str, values: np.ndarray, n_c: np.ndarray) -> np.ndarray:
    """Squared difference function; n_c has shape (..., V) for ordinal's rank-based metric."""
    if level == "nominal":
        return 1.0 - np.eye(values.size)
    if level == "interval":
        return (values[:, None] - values[None, :]) ** 2
    if level == "ratio":
        s = values[:, None] + values[None, :]
        d = values[:, None] - values[None, :]
        with np.errstate(invalid="ignore", divide="ignore"):
            out = np.where(s == 0, 0.0, d / np.where(s == 0, 1.0, s))
        return out**2
    if level == "ordinal":
        mid = np.cumsum(n_c, axis=-1) - n_c / 2.0  # mid-cumulative frequency of each value
        return (mid[..., :, None] - mid[..., None, :]) ** 2
    raise ValueError(f"unknown level {level!r}; expected one of {', '.join(LEVELS)}")


def alpha_from_coincidences(o: np.ndarray, values: np.ndarray, level: str) -> np.ndarray:
    """Alpha from one (V x V) or a stack (B x V x V) of coincidence matrices; NaN where undefined."""
    n_c = o.sum(axis=-1)
    n = n_c.sum(axis=-1)
    delta = _delta(level, values, n_c)
    observed = (o * delta).sum(axis=(-2, -1))
    expected = np.einsum("...c,...ck,...k->...", n_c, np.broadcast_to(delta, o.shape), n_c)
    with np.errstate(invalid="ignore", divide="ignore"):
        a = 1.0 - (n - 1.0) * observed / expected
    return np.where(expected > 0, a, np.nan)


class Coincidences:
    """Per-unit value counts for the pairable units (m >= 2) of long-format data."""

    def __init__(self, unit: Any, value: Any) -> None:
        unit = np.asarray(unit, dtype=np.int64)
        value = np.asarray(value, dtype=float)
        keep = np.isfinite(value)
        unit, value = unit[keep], value[keep]
        self.values, vidx = np.unique(value, return_inverse=True)
        V = self.values.size
        if V == 0 or V > MAX_DISTINCT:
            self.counts = np.zeros((0, max(V, 1)))
            self.m = np.zeros(0)
            self.too_many = V > MAX_DISTINCT
            return
        self.too_many = False
        _, ucode = np.unique(unit, return_inverse=True)
        U = int(ucode.max()) + 1
        counts = np.bincount(ucode * V + vidx, minlength=U * V).reshape(U, V).astype(float)
        m = counts.sum(axis=1)
        pairable = m >= 2
        self.counts, self.m = counts[pairable], m[pairable]

    @property
    def n_units(self) -> int:
        return int(self.m.size)

    @property
    def n_values(self) -> int:
        return int(self.m.sum())

    def matrix(self, weights: np.ndarray | None = None) -> np.ndarray:
        """o = sum_u w_u (n_u n_u' - diag n_u) / (m_u - 1)."""
        scale = 1.0 / (self.m - 1.0)
        if weights is not None:
            scale = scale * weights
        scaled = self.counts * scale[:, None]
        return scaled.T @ self.counts - np.diag(scaled.sum(axis=0))

    def boot_matrices(self, rng: np.random.Generator, reps: int, chunk: int = 100) -> np.ndarray:
        """B x V x V coincidence matrices for `reps` unit-level bootstrap resamples."""
        U, V = self.counts.shape
        per_unit = (self.counts[:, :, None] * self.counts[:, None, :]
                    - self.counts[:, :, None] * np.eye(V)) / (self.m - 1.0)[:, None, None]
        per_unit = per_unit.reshape(U, V * V)
        out = np.empty((reps, V * V))
        for start in range(0, reps, chunk):
            b = min(chunk, reps - start)
            out[start:start + b] = bootstrap_counts(rng, U, b) @ per_unit
        return out.reshape(reps, V, V)


def _why_not(co: Coincidences, level: str) -> str | None:
    if co.too_many:
        return f"more than {MAX_DISTINCT} distinct levels; round the levels first"
    if co.n_units == 0:
        return "no unit has two or more ratings (need at least two graders on the same answer)"
    if level == "ratio" and (co.values < 0).any():
        return "ratio alpha needs non-negative levels"
    if co.values.size < 2:
        return "all ratings are equal: no variation, so agreement beyond chance is undefined"
    return None


def alpha_long(unit: Any, value: Any, levels: tuple[str, ...] = LEVELS, *, n_boot: int = 1000,
               seed: int = 0, ci: float = 0.95, min_units: int = 1) -> dict[str, Estimate]:
    """Alpha for each level from long data: `unit[i]` is the unit of rating `value[i]` (NaN ignored)."""
    for level in levels:
        _delta(level, np.zeros(1), np.zeros(1))  # validates the name
    co = Coincidences(unit, value)
    out: dict[str, Estimate] = {}
    boot = None
    for level in levels:
        extra = {"n_units": co.n_units, "n_values": co.n_values}
        reason = _why_not(co, level)
        if reason is None and co.n_units < min_units:
            reason = f"only {co.n_units} units with two or more ratings (minimum {min_units})"
        if reason is not None:
            out[level] = withheld(reason, co.n_units, **extra)
            continue
        value_ = float(alpha_from_coincidences(co.matrix(), co.values, level))
        if not np.isfinite(value_):
            out[level] = withheld("expected disagreement is zero (no variation between pairable values)",
                                  co.n_units, **extra)
            continue
        interval = None
        if n_boot > 0 and co.n_units >= 2:
            if boot is None:
                boot = co.boot_matrices(np.random.default_rng(seed), n_boot)
            interval = percentile_ci(alpha_from_coincidences(boot, co.values, level), ci)
        out[level] = Estimate(value_, co.n_units, interval, method=f"bootstrap over units ({n_boot})"
                              if interval else None, extra=extra)
    return out


def krippendorff_alpha(data: Any, level: str = "ordinal", *, n_boot: int = 1000, seed: int = 0,
                       ci: float = 0.95) -> Estimate:
    """Alpha for a units x raters matrix with NaN for missing ratings.

    Note the orientation: rows are units (answers), columns are raters, the
    transpose of Krippendorff's reliability-data table.
    """
    unit, _, value = to_long(data)
    return alpha_long(unit, value, (level,), n_boot=n_boot, seed=seed, ci=ci)[level]
