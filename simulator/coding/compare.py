"""Compare a candidate's outputs with the reference's: count, dtype rule, shape, values within tolerance.

Runs in the trusted parent. A diff (values, index) is produced only when asked
for, which the judge does for visible examples alone.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np


@dataclass
class Verdict:
    ok: bool
    reason: str = ""  # short, safe for hidden tests: which check failed, no values
    diff: str | None = None  # values and positions: visible examples only


def dtype_ok(rule: str, got: np.ndarray, inputs: dict[str, Any], expected: np.ndarray | None = None) -> tuple[bool, str]:
    """Whether `got` has the dtype `rule` asks for: "float", "int", "bool", "same:<input>", "expected"
    (the reference output's own dtype, e.g. each clipped gradient in its input's dtype) or a dtype name."""
    kind = got.dtype.kind
    if rule == "expected" and expected is not None:
        return got.dtype == expected.dtype, f"dtype {expected.dtype}"
    if rule == "float":
        return kind == "f", "a floating-point array"
    if rule == "int":
        return kind in "iu", "an integer array"
    if rule == "bool":
        return kind == "b", "a boolean array"
    if rule.startswith("same:"):
        want = np.asarray(inputs[rule[5:]]).dtype
        return got.dtype == want, f"dtype {want} (the dtype of {rule[5:]})"
    return got.dtype == np.dtype(rule), f"dtype {rule}"


def _diff(got: np.ndarray, exp: np.ndarray) -> str:
    if got.shape != exp.shape:
        return f"shape {got.shape}, expected {exp.shape}"
    g, e = got.astype(np.float64).ravel(), exp.astype(np.float64).ravel()
    if g.size == 0:
        return "empty arrays"
    with np.errstate(invalid="ignore"):
        err = np.abs(g - e)
    err = np.where(np.isnan(err), np.inf, err)
    i = int(np.argmax(err))
    idx = np.unravel_index(i, exp.shape) if exp.shape else ()
    bad = int(np.count_nonzero(err > 0))
    return (f"max abs error {err[i]:.3g} at index {tuple(int(x) for x in idx)}: got {g[i]:.6g}, expected {e[i]:.6g}; "
            f"{bad} of {e.size} values differ")


def compare(expected: list[np.ndarray], got: list[np.ndarray], rules: list[str] | tuple[str, ...], rtol: float,
            atol: float, inputs: dict[str, Any], with_diff: bool = False) -> Verdict:
    if len(got) != len(expected):
        return Verdict(False, f"returned {len(got)} output(s), expected {len(expected)}")
    rules = list(rules) * len(expected) if len(rules) == 1 else list(rules)
    rules += rules[-1:] * (len(expected) - len(rules))  # a variable-length tail ("clipped...") takes the last rule
    for j, (e, g, rule) in enumerate(zip(expected, got, rules)):
        label = f"output {j}" if len(expected) > 1 else "the output"
        ok, want = dtype_ok(rule, g, inputs, e)
        if not ok:
            return Verdict(False, f"{label} has dtype {g.dtype}; expected {want}")
        if g.shape != e.shape:
            diff = f"shape {g.shape}, expected {e.shape}" if with_diff else None
            return Verdict(False, f"{label} has the wrong shape", diff)
        if e.dtype.kind in "fc" or g.dtype.kind in "fc":
            with np.errstate(invalid="ignore", over="ignore"):
                close = np.isclose(g.astype(np.complex128 if "c" in (e.dtype.kind, g.dtype.kind) else np.float64),
                                   e, rtol=rtol, atol=atol, equal_nan=True)
            good = bool(np.all(close))
        else:
            good = bool(np.array_equal(g, e))
        if not good:
            nonfinite = g.dtype.kind in "fc" and not np.all(np.isfinite(g)) and np.all(np.isfinite(e))
            reason = f"{label} has {'inf or nan values' if nonfinite else 'wrong values'}"
            return Verdict(False, reason, _diff(g, e) if with_diff else None)
    return Verdict(True)
