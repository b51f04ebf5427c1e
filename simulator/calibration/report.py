"""All the calibration statistics for one table of grades, as a JSON-ready dict.

`calibrate(table)` is what the CLI and (later) the web app call. Everything in
the result is plain Python: numbers are finite floats or None, and each
withheld statistic carries a reason.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from .alpha import LEVELS, alpha_long
from .drift import drift
from .grades import GradeTable
from .icc import FORMS, icc
from .items import distribution, question_stats
from .kappa import kappa_matrix
from .severity import grader_severity

LOW_ALPHA = 0.667
LOW_DISCRIMINATION = 0.2


def calibrate(table: GradeTable, *, min_n: int = 20, n_boot: int = 1000, n_boot_matrix: int = 200,
              seed: int = 0, scale: tuple[float, float] | None = None, practical: float = 0.1,
              drift_windows: int = 4, drift_z: float = 3.0) -> dict[str, Any]:
    """Agreement, severity, per-question and drift statistics, and the flags they raise.

    `practical` is the smallest effect worth flagging, as a share of the level
    scale (default 0.1: 0.4 points on a 1-5 scale).
    """
    if len(table) == 0:
        raise ValueError("no grades")
    y = table.level
    lo, hi = scale if scale is not None else (float(y.min()), float(y.max()))
    practical_points = practical * (hi - lo)

    alpha = alpha_long(table.unit, y, LEVELS, n_boot=n_boot, seed=seed)
    matrix = table.matrix()
    iccs = icc(matrix, min_units=min_n, names=list(table.grader_names))
    kappas = kappa_matrix(matrix, min_n=min_n, n_boot=n_boot_matrix, seed=seed)
    sev = grader_severity(table.unit, table.grader, y, names=table.grader_names, min_n=min_n,
                          practical=practical_points)
    fit = sev.pop("fit")

    criteria = []
    for c, name in enumerate(table.criterion_names):
        rows = table.criterion == c
        est = alpha_long(table.unit[rows], y[rows], ("ordinal",), n_boot=n_boot, seed=seed,
                         min_units=min_n)["ordinal"]
        criteria.append({"criterion": name, "n_grades": int(rows.sum()), "alpha_ordinal": est.to_dict()})

    has_q = bool(table.question_names)
    questions = question_stats(table.question, table.answer, y, candidate=table.candidate,
                               seconds=table.seconds, names=table.question_names, scale=(lo, hi),
                               min_n=min_n) if has_q else []
    questions.sort(key=lambda q: q["question"])

    dated = bool(np.isfinite(table.time).any())
    drift_out: dict[str, Any] = {"graders": [], "questions": [], "reason": None if dated else "no graded_at column"}
    if dated:
        adjusted = y - fit["unit_effect"][fit["unit_code"]] if fit is not None else y
        drift_out["graders"] = drift(table.grader, table.time, adjusted, names=table.grader_names,
                                     n_windows=drift_windows, min_n=min_n, z=drift_z,
                                     practical=practical_points)
        if has_q and hi > lo:
            drift_out["questions"] = drift(table.question, table.time, (y - lo) / (hi - lo),
                                           names=table.question_names, n_windows=drift_windows,
                                           min_n=min_n, z=drift_z, practical=practical)

    result: dict[str, Any] = {
        "input": {"grades": len(table), "answers": len(table.answer_names), "units": len(table.unit_names),
                  "graders": len(table.grader_names), "criteria": list(table.criterion_names),
                  "questions": len(table.question_names), "candidates": len(table.candidate_names),
                  "unit": "(answer_id, criterion)" if table.has_criteria else "answer_id",
                  "scale": {"min": lo, "max": hi}},
        "settings": {"min_n": min_n, "bootstrap": n_boot, "bootstrap_matrix": n_boot_matrix, "seed": seed,
                     "practical_share": practical, "practical_points": practical_points,
                     "drift_z": drift_z, "low_alpha": LOW_ALPHA, "low_discrimination": LOW_DISCRIMINATION},
        "alpha": {lv: alpha[lv].value for lv in LEVELS},
        "alpha_detail": {lv: _headline(alpha[lv], min_n) for lv in LEVELS},
        "icc": {f: iccs[f].value for f in FORMS},
        "icc_detail": {f: _headline(iccs[f], min_n) for f in FORMS},
        "kappa": {"graders": list(table.grader_names), "weights": "quadratic",
                  "matrix": [[None if e is None else e.to_dict() for e in row] for row in kappas]},
        "severity": sev,
        "criteria": criteria,
        "questions": questions,
        "questions_reason": None if has_q else "no question_id column",
        "distribution": distribution(y),
        "drift": drift_out,
    }
    result["flags"] = flags(result)
    return result


def _headline(est: Any, min_n: int) -> dict[str, Any]:
    """Whole-file alpha and ICC are always shown with their CI; below min n they carry a note and raise no flag."""
    out = est.to_dict()
    out["note"] = None
    if est.ok and est.n < min_n:
        out["note"] = f"only {est.n} units (min n {min_n}): read the interval, not the point; no flags raised"
    return out


def flags(result: dict[str, Any]) -> list[dict[str, Any]]:
    """What deserves a look: low agreement, non-discriminating questions, harsh/lenient graders, drift."""
    out: list[dict[str, Any]] = []

    def add(kind: str, subject: str, value: Any, message: str) -> None:
        out.append({"kind": kind, "subject": subject, "value": value, "message": message})

    crit = result["criteria"] or [{"criterion": "(all grades)", "alpha_ordinal": result["alpha_detail"]["ordinal"]}]
    for row in crit:
        a = row["alpha_ordinal"]["value"]
        if a is not None and a < LOW_ALPHA and row["alpha_ordinal"]["n"] >= result["settings"]["min_n"]:
            add("low_agreement", row["criterion"], a,
                f"ordinal alpha {a:.3f} < {LOW_ALPHA} (n={row['alpha_ordinal']['n']} answers): "
                "graders do not agree on this criterion; tighten the rubric's level descriptions")
    for q in result["questions"]:
        r = q["discrimination"]["value"]
        if r is not None and r < LOW_DISCRIMINATION:
            add("low_discrimination", q["question"], r,
                f"item-rest correlation {r:.3f} < {LOW_DISCRIMINATION} (n={q['discrimination']['n']}): "
                "this question does not separate strong from weak candidates")
    for g in result["severity"]["graders"]:
        if g["label"]:
            add(f"{g['label']}_grader", g["grader"], g["value"],
                f"{g['label']}: {g['value']:+.3f} points vs the average grader on the same answers "
                f"(SE {g['se']:.3f}, n={g['n']})")
    for kind in ("graders", "questions"):
        for d in result["drift"][kind]:
            if d["drifting"]:
                add(f"drift_{kind[:-1]}", d["name"], d["slope_per_day"]["value"],
                    f"mean moved by {d['change']:+.3f} over {d['days']:.0f} days "
                    f"(slope z={_fmt(d['slope_per_day']['z'])}, n={d['slope_per_day']['n']})")
    return out


def _fmt(x: float | None) -> str:
    return "n/a" if x is None else f"{x:.1f}"
