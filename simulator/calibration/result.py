"""The shape every statistic comes back in: a value with n and a CI, or None with a reason.

A statistic that cannot be computed (too few ratings, no variance, one grader)
is *withheld*: `value` is None and `reason` says why, so that no caller ever
prints NaN as if it were a number.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any


def num(x: Any, digits: int | None = None) -> float | None:
    """A finite float, or None (never NaN or inf)."""
    if x is None:
        return None
    try:
        f = float(x)
    except (TypeError, ValueError):
        return None
    if not math.isfinite(f):
        return None
    return round(f, digits) if digits is not None else f


@dataclass
class Estimate:
    """A point estimate with its sample size, an optional CI and, when withheld, a reason."""

    value: float | None
    n: int
    ci: tuple[float, float] | None = None
    reason: str | None = None
    method: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.value = num(self.value)
        if self.value is None and self.reason is None:
            self.reason = "not computable"
        if self.ci is not None:
            lo, hi = num(self.ci[0]), num(self.ci[1])
            self.ci = (lo, hi) if lo is not None and hi is not None else None

    @property
    def ok(self) -> bool:
        return self.value is not None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"value": self.value, "n": int(self.n),
                               "ci95": list(self.ci) if self.ci else None}
        if self.method:
            out["ci_method"] = self.method
        out["reason"] = self.reason
        for key, val in self.extra.items():
            out[key] = plain(val)
        return out


def plain(val: Any) -> Any:
    """numpy scalars to Python ones, non-finite floats to None (JSON-safe)."""
    if hasattr(val, "item") and not hasattr(val, "__len__"):
        val = val.item()
    if isinstance(val, float):
        return num(val)
    return val


def withheld(reason: str, n: int = 0, **extra: Any) -> Estimate:
    return Estimate(None, int(n), reason=reason, extra=extra)


def percentile_ci(samples: Any, level: float = 0.95) -> tuple[float, float] | None:
    """Percentile interval of bootstrap replicates, ignoring undefined ones.

    Returns None when fewer than half the replicates are defined, since the
    interval would then describe a biased subset of resamples.
    """
    import numpy as np

    s = np.asarray(samples, dtype=float)
    s = s[np.isfinite(s)]
    if s.size == 0 or s.size < 0.5 * np.asarray(samples).size:
        return None
    tail = (1.0 - level) / 2.0
    lo, hi = np.quantile(s, [tail, 1.0 - tail])
    return float(lo), float(hi)


def bootstrap_counts(rng: Any, n: int, reps: int) -> Any:
    """`reps` x `n` matrix of how often each of n units is drawn in each resample."""
    import numpy as np

    idx = rng.integers(0, n, size=(reps, n))
    idx += (np.arange(reps) * n)[:, None]
    return np.bincount(idx.ravel(), minlength=reps * n).reshape(reps, n).astype(float)
