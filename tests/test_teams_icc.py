"""ICC on sparse designs: the largest complete block when listwise deletion leaves too few answers."""
from __future__ import annotations

import numpy as np
import pytest

from simulator.calibration import GradeTable, calibrate, icc
from simulator.calibration.icc import complete_block
from simulator.calibration.simulate import simulate

SHROUT_FLEISS = np.array([[9, 2, 5, 8], [6, 1, 3, 2], [8, 4, 6, 8], [7, 1, 2, 6], [10, 5, 6, 9], [6, 2, 4, 7]], float)


def sparse_with_planted_block(seed: int = 0) -> tuple[np.ndarray, list[int], list[int]]:
    """10 graders; graders 2, 5 and 7 all graded answers 0..29; everything else has 2 graders per answer."""
    rng = np.random.default_rng(seed)
    truth = rng.normal(3, 1, 120)
    x = np.full((120, 10), np.nan)
    block_raters, block_rows = [2, 5, 7], list(range(30))
    for i in range(120):
        raters = block_raters if i < 30 else rng.choice([0, 1, 3, 4, 6, 8, 9], 2, replace=False)
        x[i, raters] = truth[i] + rng.normal(0, 0.5, len(raters))
    return x, block_raters, block_rows


def test_shrout_fleiss_is_unchanged():
    out = icc(SHROUT_FLEISS, min_units=20)  # no block can beat the complete data: listwise is kept
    assert {f: round(e.value, 3) for f, e in out.items()} == {
        "ICC(1,1)": 0.166, "ICC(A,1)": 0.290, "ICC(C,1)": 0.715,
        "ICC(1,k)": 0.443, "ICC(A,k)": 0.620, "ICC(C,k)": 0.909}
    assert out["ICC(A,1)"].extra["design"] == "listwise" and out["ICC(A,1)"].n == 6


def test_complete_block_finds_the_planted_block():
    x, raters, rows = sparse_with_planted_block()
    assert complete_block(~np.isnan(x), 20) == (raters, rows)


def test_sparse_design_uses_the_block_and_names_its_graders():
    x, raters, rows = sparse_with_planted_block()
    before = icc(x, min_units=1_000)  # no block that large: the old listwise behaviour, all withheld
    assert all(e.value is None for e in before.values())
    assert "after listwise deletion" in before["ICC(A,1)"].reason
    names = [f"g{i}" for i in range(10)]
    out = icc(x, min_units=20, names=names)
    direct = icc(x[np.ix_(rows, raters)])
    for form, est in out.items():
        assert est.value == pytest.approx(direct[form].value) and est.ci == pytest.approx(direct[form].ci)
        assert est.n == 30 and est.extra["k"] == 3
        assert est.extra["design"] == "largest complete block"
        assert est.extra["raters"] == ["g2", "g5", "g7"] and est.extra["raters_total"] == 10
        assert est.extra["n_dropped"] == 90
    assert out["ICC(A,1)"].value > 0.7  # the truth dominates the noise


def test_report_on_many_graders_each_grading_few_answers():
    records, _ = simulate(n_candidates=300, n_questions=6, questions_per_candidate=3, n_graders=12,
                          graders_per_unit=3, scale=(1, 5), seed=4)
    table = GradeTable.from_records(records)
    assert not (~np.isnan(table.matrix())).all(axis=1).any()  # no answer graded by everyone
    out = calibrate(table, n_boot=50, n_boot_matrix=20)
    assert all(v is not None for v in out["icc"].values())
    detail = out["icc_detail"]["ICC(A,1)"]
    assert detail["design"] == "largest complete block" and detail["n"] >= 20 and detail["ci95"] is not None
    assert len(detail["raters"]) == detail["k"] >= 2
    assert set(detail["raters"]) <= set(table.grader_names)


def test_too_few_shared_answers_is_still_withheld():
    x = np.array([[1, 2, np.nan], [2, np.nan, 3], [np.nan, 4, 4], [5, 5, 5]], float)
    out = icc(x)
    assert out["ICC(A,1)"].value is None and out["ICC(A,1)"].extra["design"] == "listwise"
