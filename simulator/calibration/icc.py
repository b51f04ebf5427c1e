"""Intraclass correlations: the six Shrout & Fleiss (1979) forms, McGraw & Wong (1996) names.

    ICC(1,1), ICC(1,k)  one-way random: each target rated by different raters
    ICC(A,1), ICC(A,k)  two-way, absolute agreement (Shrout & Fleiss ICC(2,*))
    ICC(C,1), ICC(C,k)  two-way, consistency (Shrout & Fleiss ICC(3,*)); hides harshness

Input is a targets x raters matrix. Rows with a missing rating are dropped
(listwise deletion) and the number used is reported; raters with no rating at
all are dropped first. When listwise deletion leaves fewer than `min_units`
targets (the usual case when many graders each grade a few answers), the ICC
is computed on the largest complete block instead: a set of raters who all
rated the same targets, found greedily (`complete_block`); the raters and the
number of targets used are reported (`design`, `raters`). Confidence intervals
are the exact F-based intervals of McGraw & Wong (Satterthwaite degrees of
freedom for the absolute forms), with the F quantile computed by `fdist` (no scipy).
"""
from __future__ import annotations

from typing import Any

import numpy as np

from .fdist import f_ppf
from .result import Estimate, withheld

FORMS = ("ICC(1,1)", "ICC(A,1)", "ICC(C,1)", "ICC(1,k)", "ICC(A,k)", "ICC(C,k)")


def anova(x: np.ndarray) -> dict[str, float]:
    """Mean squares of the two-way layout without replication (n targets x k raters)."""
    n, k = x.shape
    grand = x.mean()
    ss_total = ((x - grand) ** 2).sum()
    ss_rows = k * ((x.mean(axis=1) - grand) ** 2).sum()
    ss_cols = n * ((x.mean(axis=0) - grand) ** 2).sum()
    ss_err = max(ss_total - ss_rows - ss_cols, 0.0)
    return {"n": n, "k": k,
            "MSR": ss_rows / (n - 1), "MSC": ss_cols / (k - 1),
            "MSE": ss_err / ((n - 1) * (k - 1)),
            "MSW": (ss_total - ss_rows) / (n * (k - 1))}


def _f_bounds(f: float, df1: float, df2: float, level: float) -> tuple[float, float] | None:
    q = 1.0 - (1.0 - level) / 2.0
    try:
        return f / f_ppf(q, df1, df2), f * f_ppf(q, df2, df1)
    except ValueError:
        return None


def _absolute_ci(icc1: float, ms: dict[str, float], level: float) -> tuple[float, float] | None:
    """McGraw & Wong (1996) case 2A interval for ICC(A,1), Satterthwaite df."""
    n, k, msr, msc, mse = ms["n"], ms["k"], ms["MSR"], ms["MSC"], ms["MSE"]
    if not np.isfinite(icc1) or icc1 >= 1.0:
        return None
    a = k * icc1 / (n * (1.0 - icc1))
    b = 1.0 + k * icc1 * (n - 1) / (n * (1.0 - icc1))
    denom = (a * msc) ** 2 / (k - 1) + (b * mse) ** 2 / ((n - 1) * (k - 1))
    if denom <= 0:
        return None
    v = (a * msc + b * mse) ** 2 / denom
    q = 1.0 - (1.0 - level) / 2.0
    try:
        fl, fu = f_ppf(q, n - 1, v), f_ppf(q, v, n - 1)
    except ValueError:
        return None
    c = k * msc + (k * n - k - n) * mse
    lower = n * (msr - fl * mse) / (fl * c + n * msr)
    upper = n * (fu * msr - mse) / (c + n * fu * msr)
    return lower, upper


def _spearman_brown(r: float, k: int) -> float:
    return k * r / (1.0 + (k - 1) * r)


def complete_block(present: Any, min_units: int = 2, *, seeds: int = 20) -> tuple[list[int], list[int]]:
    """Raters and targets of a large complete block in a targets x raters presence matrix.

    Greedy: start from each of the `seeds` rater pairs sharing the most
    targets, add the rater that keeps the most shared targets, and stop when
    fewer than `min_units` would remain. Among the blocks seen, return the one
    with the most ratings (targets x raters), ties to more targets; blocks with
    at least `min_units` targets beat smaller ones. ([], []) when no two raters
    share a target.
    """
    p = np.asarray(present, dtype=bool)
    n_raters = p.shape[1]
    if n_raters < 2:
        return [], []
    shared = p.T.astype(np.int64) @ p.astype(np.int64)
    i, j = np.triu_indices(n_raters, 1)
    order = np.lexsort((j, i, -shared[i, j]))[:seeds]
    best: tuple[tuple[bool, int, int], list[int], np.ndarray] | None = None
    for a, b in zip(i[order], j[order]):
        rows = p[:, a] & p[:, b]
        raters = [int(a), int(b)]
        while True:
            n = int(rows.sum())
            if n == 0:
                break
            key = (n >= min_units, n * len(raters), n)
            if best is None or key > best[0]:
                best = (key, list(raters), rows.copy())
            if len(raters) == n_raters:
                break
            counts = p[rows].sum(axis=0).astype(float)
            counts[raters] = -1
            nxt = int(np.argmax(counts))
            if counts[nxt] < min_units:
                break
            raters.append(nxt)
            rows &= p[:, nxt]
    if best is None:
        return [], []
    return sorted(best[1]), [int(r) for r in np.flatnonzero(best[2])]


def icc(data: Any, *, ci: float = 0.95, min_units: int = 3, names: list[str] | None = None) -> dict[str, Estimate]:
    """All six forms for a targets x raters matrix (NaN = missing), keyed by FORMS.

    Listwise deletion first; if it leaves fewer than `min_units` targets and a
    complete block with at least `min_units` targets exists, that block is used
    instead (`extra["design"] == "largest complete block"`, with the raters used
    in `extra["raters"]`, named by `names` when given, else column indices).
    """
    x = np.asarray(data, dtype=float)
    if x.ndim != 2:
        raise ValueError("expected a 2-D targets x raters matrix")
    labels = list(names) if names is not None else list(range(x.shape[1] if x.ndim == 2 else 0))
    if x.size:
        kept = ~np.isnan(x).all(axis=0)
        x = x[:, kept]
        labels = [lab for lab, keep in zip(labels, kept) if keep]
    rated = int((~np.isnan(x)).any(axis=1).sum()) if x.size else 0
    complete = ~np.isnan(x).any(axis=1)
    dropped = int(x.shape[0] - complete.sum())
    design = "listwise"
    used = labels
    if int(complete.sum()) < min_units and x.shape[1] > 2:
        cols, rows = complete_block(~np.isnan(x), min_units)
        if len(rows) >= min_units:
            x = x[np.ix_(rows, cols)]
            used = [labels[c] for c in cols]
            design = "largest complete block"
            dropped = rated - len(rows)
    if design == "listwise":
        x = x[complete]
    n, k = x.shape
    extra: dict[str, Any] = {"n_dropped": dropped, "k": k, "design": design}
    if design != "listwise":
        extra["raters"] = [lab if isinstance(lab, str) else int(lab) for lab in used]
        extra["raters_total"] = len(labels)
    reason = None
    if k < 2:
        reason = "needs at least two raters (columns)"
    elif n < 2:
        reason = (f"only {n} targets rated by all {k} raters after listwise deletion; "
                  "ICC needs a crossed design (use alpha for incomplete designs)")
    if reason is None:
        ms = anova(x)
        if ms["MSR"] + ms["MSW"] <= 0 or ms["MSR"] + ms["MSE"] <= 0:
            reason = "no variance: all ratings are equal"
    if reason is not None:
        return {form: withheld(reason, n, **extra) for form in FORMS}

    msr, msc, mse, msw = ms["MSR"], ms["MSC"], ms["MSE"], ms["MSW"]
    values = {
        "ICC(1,1)": (msr - msw) / (msr + (k - 1) * msw),
        "ICC(A,1)": (msr - mse) / (msr + (k - 1) * mse + k * (msc - mse) / n),
        "ICC(C,1)": (msr - mse) / (msr + (k - 1) * mse),
        "ICC(1,k)": (msr - msw) / msr if msr > 0 else np.nan,
        "ICC(A,k)": (msr - mse) / (msr + (msc - mse) / n),
        "ICC(C,k)": (msr - mse) / msr if msr > 0 else np.nan,
    }
    cis: dict[str, tuple[float, float] | None] = {}
    tests: dict[str, dict[str, float]] = {}
    for kind, within, df2 in (("1", msw, n * (k - 1)), ("C", mse, (n - 1) * (k - 1))):
        f = msr / within if within > 0 else np.inf
        tests[kind] = {"F": f, "df1": n - 1, "df2": df2}
        bounds = _f_bounds(f, n - 1, df2, ci) if np.isfinite(f) else None
        if bounds is None:
            cis[f"ICC({kind},1)"] = cis[f"ICC({kind},k)"] = None
            continue
        fl, fu = bounds
        cis[f"ICC({kind},1)"] = ((fl - 1) / (fl + k - 1), (fu - 1) / (fu + k - 1))
        cis[f"ICC({kind},k)"] = (1 - 1 / fl, 1 - 1 / fu)
    tests["A"] = tests["C"]
    single = _absolute_ci(values["ICC(A,1)"], ms, ci)
    cis["ICC(A,1)"] = single
    cis["ICC(A,k)"] = (_spearman_brown(single[0], k), _spearman_brown(single[1], k)) if single else None

    out: dict[str, Estimate] = {}
    for form in FORMS:
        if not np.isfinite(values[form]):
            out[form] = withheld("no between-target variance", n, **extra)
            continue
        t = tests[form[4]]
        out[form] = Estimate(values[form], n, cis[form], method="F" if cis[form] else None,
                             extra={**extra, "F": t["F"] if np.isfinite(t["F"]) else None,
                                    "df1": t["df1"], "df2": t["df2"]})
    return out
