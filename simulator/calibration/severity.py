"""Grader severity adjusted for which answers each grader happened to grade.

Model: level = answer effect + grader effect + noise, with the grader effects
summing to zero (within each set of graders linked by shared answers). The
answer effects are absorbed, which leaves the R x R normal equations

    L s = r,   L = diag(n_g) - sum_u n_u n_u' / m_u,   r_g = sum_{i in g} (y_i - mean of y on i's unit)

(L is the Laplacian of the graders' shared-answer graph). L is solved by its
pseudo-inverse, whose minimum-norm solution sums to zero on each connected
component. Cost: one pass over the grades plus an R x R eigendecomposition.

Standard errors are the larger of the model-based one (pooled residual
variance) and the cluster-robust one (clustered by answer; protects against
graders with different noise). The model-based one keeps a grader with very
few grades from getting a spuriously tiny robust SE.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from .result import Estimate, withheld


def _unit_gram(unit: np.ndarray, grader: np.ndarray, weights: np.ndarray, U: int, R: int,
               scale: np.ndarray | None = None) -> np.ndarray:
    """sum_u scale_u * v_u v_u' where v_u[g] = sum of weights of unit u's grades by g, in chunks."""
    out = np.zeros((R, R))
    step = max(1, 4_000_000 // max(R, 1))
    order = np.argsort(unit, kind="stable")
    u_sorted = unit[order]
    for start in range(0, U, step):
        lo, hi = np.searchsorted(u_sorted, [start, start + step])
        idx = order[lo:hi]
        if idx.size == 0:
            continue
        rows = min(step, U - start)
        dense = np.bincount((unit[idx] - start) * R + grader[idx], weights=weights[idx],
                            minlength=rows * R).reshape(rows, R)
        left = dense if scale is None else dense * scale[start:start + rows, None]
        out += left.T @ dense
    return out


def _components(L: np.ndarray) -> np.ndarray:
    """Component label of each grader in the shared-answer graph (off-diagonal of L)."""
    R = L.shape[0]
    adj = (np.abs(L) > 1e-12) & ~np.eye(R, dtype=bool)
    label = np.full(R, -1)
    comp = 0
    for start in range(R):
        if label[start] >= 0:
            continue
        stack = [start]
        label[start] = comp
        while stack:
            g = stack.pop()
            for h in np.flatnonzero(adj[g] & (label < 0)):
                label[h] = comp
                stack.append(h)
        comp += 1
    return label


def _pinv(L: np.ndarray, n_zero: int) -> np.ndarray:
    w, v = np.linalg.eigh(L)
    inv = np.zeros_like(w)
    inv[n_zero:] = 1.0 / w[n_zero:]
    return (v * inv) @ v.T


def grader_effects(unit: Any, grader: Any, level: Any, n_graders: int | None = None) -> dict[str, Any]:
    """Least-squares grader effects with SEs (all graders, nothing withheld). Arrays are per grader code."""
    unit = np.asarray(unit, dtype=np.int64)
    grader = np.asarray(grader, dtype=np.int64)
    y = np.asarray(level, dtype=float)
    _, unit = np.unique(unit, return_inverse=True)
    U = int(unit.max()) + 1 if unit.size else 0
    R = int(grader.max()) + 1 if n_graders is None else n_graders
    N = y.size
    m = np.bincount(unit, minlength=U).astype(float)
    ybar = np.bincount(unit, weights=y, minlength=U) / m
    n_g = np.bincount(grader, minlength=R).astype(float)
    r = np.bincount(grader, weights=y - ybar[unit], minlength=R)
    ones = np.ones(N)
    L = np.diag(n_g) - _unit_gram(unit, grader, ones, U, R, scale=1.0 / m)
    comp = _components(L)
    n_comp = int(comp.max()) + 1 if R else 0
    P = _pinv(L, n_comp)
    s = P @ r
    a = np.bincount(unit, weights=y - s[grader], minlength=U) / m
    resid = y - a[unit] - s[grader]
    df = N - U - (R - n_comp)
    sigma2 = float(resid @ resid / df) if df > 0 else np.nan
    var_model = sigma2 * np.diag(P)
    meat = _unit_gram(unit, grader, resid, U, R) * ((N - U) / df if df > 0 else np.nan)
    var_robust = np.diag(P @ meat @ P)
    se = np.sqrt(np.fmax(var_model, var_robust))
    linked = np.bincount(grader, weights=(m[unit] >= 2).astype(float), minlength=R)
    return {"effect": s, "se": se, "se_model": np.sqrt(var_model), "se_robust": np.sqrt(var_robust),
            "n": n_g.astype(int), "n_shared": linked.astype(int), "component": comp,
            "sigma": float(np.sqrt(sigma2)) if np.isfinite(sigma2) else None, "df": int(df),
            "unit_effect": a, "unit_code": unit, "raw_mean": np.bincount(grader, weights=y, minlength=R)
            / np.maximum(n_g, 1)}


def grader_severity(unit: Any, grader: Any, level: Any, *, names: list[str] | None = None,
                    min_n: int = 20, z: float = 2.0, practical: float | None = None) -> dict[str, Any]:
    """Per-grader effect (+ = lenient, - = harsh) with SE and a harsh/lenient label.

    A grader is labelled when |effect| > z * SE and |effect| >= `practical`
    (default: 10% of the observed level range). Graders with fewer than
    `min_n` grades, or not linked to the largest group of graders through
    shared answers, are withheld with a reason.
    """
    level = np.asarray(level, dtype=float)
    grader = np.asarray(grader, dtype=np.int64)
    R = len(names) if names is not None else (int(grader.max()) + 1 if grader.size else 0)
    names = names if names is not None else [str(i) for i in range(R)]
    if level.size == 0:
        return {"graders": [], "practical": practical, "sigma": None, "fit": None}
    if practical is None:
        practical = 0.1 * float(level.max() - level.min())
    fit = grader_effects(unit, grader, level, R)
    comp = fit["component"]
    sizes = np.bincount(comp, weights=fit["n_shared"].astype(float))
    main = int(np.argmax(sizes)) if sizes.size else 0
    rows = []
    for g in range(R):
        n = int(fit["n"][g])
        if n == 0:
            continue
        extra = {"n_shared": int(fit["n_shared"][g]), "raw_mean": float(fit["raw_mean"][g])}
        if fit["n_shared"][g] == 0:
            est = withheld("shares no answer with another grader", n, **extra)
        elif comp[g] != main:
            est = withheld("not linked to the main group of graders through shared answers", n, **extra)
        elif n < min_n:
            est = withheld(f"only {n} grades (minimum {min_n})", n, **extra)
        elif not np.isfinite(fit["se"][g]):
            est = withheld("too few grades to estimate a standard error", n, **extra)
        else:
            e, se = float(fit["effect"][g]), float(fit["se"][g])
            est = Estimate(e, n, (e - 1.96 * se, e + 1.96 * se), method="normal, SE", extra={**extra, "se": se})
        label = None
        if est.ok:
            se = est.extra["se"]
            if abs(est.value) > z * se and abs(est.value) >= practical:
                label = "lenient" if est.value > 0 else "harsh"
        rows.append({"grader": names[g], "label": label, **est.to_dict()})
    return {"graders": rows, "practical": practical, "sigma": fit["sigma"], "fit": fit}
