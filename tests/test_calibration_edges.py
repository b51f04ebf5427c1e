"""Degenerate data returns a number or None with a reason: never a crash, never NaN shown as a number."""
from __future__ import annotations

import json
import re

import numpy as np
import pytest

from simulator.calibration import (GradeTable, calibrate, drift, grader_severity, icc, kappa_matrix,
                                   krippendorff_alpha, question_stats, weighted_kappa)
from simulator.calibration.alpha import alpha_long
from simulator.calibration.htmlpage import render_html
from simulator.calibration.text import render_table

N = np.nan


def _assert_clean(result):
    """The full report renders in all three formats with no NaN/inf anywhere."""
    text = json.dumps(result, allow_nan=False)
    table = render_table(result)
    page = render_html(result)
    for out in (text, table, page):
        assert not re.search(r"\b(nan|inf|infinity)\b", out, re.IGNORECASE), out


def _grades(rows, **common):
    return GradeTable.from_records([dict(answer_id=a, grader=g, level=lv, **common) for a, g, lv in rows])


def test_one_grader():
    table = _grades([(f"a{i}", "solo", i % 5 + 1) for i in range(30)])
    out = calibrate(table, n_boot=50)
    assert out["alpha"] == dict.fromkeys(("nominal", "ordinal", "interval", "ratio"))
    assert "two or more ratings" in out["alpha_detail"]["ordinal"]["reason"]
    assert all(v is None for v in out["icc"].values())
    assert "two raters" in out["icc_detail"]["ICC(A,1)"]["reason"]
    [g] = out["severity"]["graders"]
    assert g["value"] is None and "shares no answer" in g["reason"]
    assert out["kappa"]["matrix"] == [[None]]
    _assert_clean(out)


def test_all_grades_equal():
    rows = [(f"a{i}", g, 3) for i in range(25) for g in ("x", "y", "z")]
    out = calibrate(_grades(rows, question_id="q1"), n_boot=50)
    assert out["alpha"]["interval"] is None
    assert "all ratings are equal" in out["alpha_detail"]["interval"]["reason"]
    assert all(v is None for v in out["icc"].values())
    assert "no variance" in out["icc_detail"]["ICC(1,1)"]["reason"]
    assert out["kappa"]["matrix"][0][1]["value"] is None
    for g in out["severity"]["graders"]:  # all effects are exactly zero, with a finite SE
        assert g["value"] == pytest.approx(0.0, abs=1e-12) and g["label"] is None
    [q] = out["questions"]
    assert q["difficulty"]["value"] is None and "equal" in q["difficulty"]["reason"]
    _assert_clean(out)


def test_missing_grades():
    x = np.array([[1, 2, N], [2, N, 3], [N, 4, 4], [5, 5, 5], [N, N, 1]], dtype=float)
    a = krippendorff_alpha(x, "ordinal", n_boot=100)
    assert a.n == 4 and a.value is not None and np.isfinite(a.value)
    out = icc(x)
    assert out["ICC(A,1)"].value is None and out["ICC(A,1)"].extra["n_dropped"] == 4
    assert "after listwise deletion" in out["ICC(A,1)"].reason
    assert weighted_kappa(x[:, 0], x[:, 1], min_n=2).n == 2
    assert weighted_kappa(x[:, 0], [N] * 5).reason.startswith("only 0 shared units")


def test_grader_with_a_single_answer():
    rng = np.random.default_rng(0)
    rows = [(f"a{i}", g, float(rng.integers(1, 6))) for i in range(40) for g in ("x", "y")]
    rows.append(("a0", "once", 4.0))
    out = calibrate(_grades(rows), n_boot=50)
    once = next(g for g in out["severity"]["graders"] if g["grader"] == "once")
    assert once["value"] is None and once["n"] == 1 and "only 1 grades" in once["reason"]
    # the library still estimates it, with an honest (large) SE rather than a tiny robust one
    table = _grades(rows)
    res = grader_severity(table.unit, table.grader, table.level, names=table.grader_names, min_n=1)
    once = next(g for g in res["graders"] if g["grader"] == "once")
    assert once["value"] is not None and once["se"] > 0.5 and once["label"] is None
    _assert_clean(out)


def test_graders_in_disconnected_groups_are_withheld():
    rows = [(f"a{i}", g, float(i % 5)) for i in range(30) for g in ("x", "y")]
    rows += [(f"b{i}", g, float((i * 3) % 5)) for i in range(25) for g in ("p", "q")]
    out = calibrate(_grades(rows), n_boot=50)
    by = {g["grader"]: g for g in out["severity"]["graders"]}
    assert by["x"]["value"] is not None
    assert by["p"]["value"] is None and "not linked" in by["p"]["reason"]
    _assert_clean(out)


def test_tiny_inputs_do_not_crash():
    assert krippendorff_alpha(np.empty((0, 3)), "nominal").value is None
    assert icc([[1.0, 2.0]])["ICC(1,1)"].value is None
    assert kappa_matrix(np.array([[1.0], [2.0]])) == [[None]]
    assert drift([0], [0.0], [1.0]) and drift([0], [0.0], [1.0])[0]["slope_per_day"]["value"] is None
    assert question_stats([0], [0], [3.0]) and question_stats([0], [0], [3.0])[0]["difficulty"]["value"] is None
    assert grader_severity([], [], [])["graders"] == []
    with pytest.raises(ValueError, match="no grades"):
        calibrate(_grades([]))


def test_single_unit_has_no_bootstrap_interval():
    est = alpha_long([0, 0, 0], [1.0, 2.0, 2.0], ("interval",))["interval"]
    assert est.ci is None and est.n == 1


def test_below_min_n_is_withheld_with_reason():
    rng = np.random.default_rng(1)
    rows = [(f"a{i}", g, float(rng.integers(1, 6))) for i in range(10) for g in ("x", "y")]
    table = GradeTable.from_records([dict(answer_id=a, grader=g, level=lv, question_id="q", candidate_id=a)
                                     for a, g, lv in rows])
    out = calibrate(table, n_boot=50, min_n=20)
    [q] = out["questions"]
    assert q["difficulty"]["value"] is None and q["reason"] == "only 10 answers (minimum 20)"
    assert q["floor"] is None and q["discrimination"]["value"] is None
    assert out["kappa"]["matrix"][0][1]["reason"].startswith("only 10 shared units")
    assert all(g["value"] is None for g in out["severity"]["graders"])
    low = calibrate(table, n_boot=50, min_n=5)
    assert low["questions"][0]["difficulty"]["value"] is not None


def test_duplicate_and_inconsistent_records_are_rejected():
    with pytest.raises(ValueError, match="record 1: grader 'x' already graded answer 'a'"):
        _grades([("a", "x", 1), ("a", "x", 2)])
    with pytest.raises(ValueError, match="record 1: answer 'a' already belongs to another question"):
        GradeTable.from_records([dict(answer_id="a", grader="x", level=1, question_id="q1"),
                                 dict(answer_id="a", grader="y", level=1, question_id="q2")])
    with pytest.raises(ValueError, match="not a finite number"):
        _grades([("a", "x", float("nan"))])
