"""The published worked examples, reproduced to 3 decimals, and the F quantile behind the ICC CIs."""
from __future__ import annotations

from math import comb

import numpy as np
import pytest

from simulator.calibration import icc, krippendorff_alpha
from simulator.calibration.alpha import alpha_long
from simulator.calibration.fdist import betainc, f_cdf, f_ppf
from simulator.calibration.grades import to_long

N = np.nan
# Krippendorff (2011): 4 observers x 12 units; here transposed to units x observers
KRIPPENDORFF = np.array([
    [1, 2, 3, 3, 2, 1, 4, 1, 2, N, N, N],
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, N, 3],
    [N, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, N],
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, N],
]).T

# Shrout & Fleiss (1979): 6 targets x 4 judges
SHROUT_FLEISS = np.array([[9, 2, 5, 8], [6, 1, 3, 2], [8, 4, 6, 8], [7, 1, 2, 6], [10, 5, 6, 9], [6, 2, 4, 7]],
                         dtype=float)


@pytest.mark.parametrize("level, expected", [("nominal", 0.743), ("ordinal", 0.815), ("interval", 0.849),
                                             ("ratio", 0.797)])
def test_krippendorff_2011(level, expected):
    est = krippendorff_alpha(KRIPPENDORFF, level)
    assert round(est.value, 3) == expected
    assert est.n == 11  # unit 12 has a single rating: not pairable
    assert est.extra["n_values"] == 40
    lo, hi = est.ci
    assert lo <= est.value <= hi <= 1.0


def test_alpha_bootstrap_is_deterministic_and_levels_share_one_pass():
    unit, _, value = to_long(KRIPPENDORFF)
    a = alpha_long(unit, value, n_boot=500, seed=7)
    b = alpha_long(unit, value, n_boot=500, seed=7)
    c = alpha_long(unit, value, n_boot=500, seed=8)
    assert all(a[lv].ci == b[lv].ci for lv in a)
    assert a["ordinal"].ci != c["ordinal"].ci
    assert a["ordinal"].value == c["ordinal"].value


def test_alpha_orientation_and_rater_order_do_not_matter():
    shuffled = KRIPPENDORFF[::-1, ::-1]
    assert krippendorff_alpha(shuffled, "interval", n_boot=0).value == pytest.approx(0.849, abs=5e-4)


@pytest.mark.parametrize("form, expected", [("ICC(1,1)", 0.166), ("ICC(A,1)", 0.290), ("ICC(C,1)", 0.715),
                                            ("ICC(1,k)", 0.443), ("ICC(A,k)", 0.620), ("ICC(C,k)", 0.909)])
def test_shrout_fleiss_1979(form, expected):
    est = icc(SHROUT_FLEISS)[form]
    assert round(est.value, 3) == expected
    assert est.n == 6 and est.extra["k"] == 4 and est.extra["n_dropped"] == 0


# F-based 95% intervals for the same data as printed by R's psych::ICC (2 decimals there)
@pytest.mark.parametrize("form, lower, upper", [("ICC(1,1)", -0.133, 0.72), ("ICC(A,1)", 0.019, 0.76),
                                                ("ICC(C,1)", 0.342, 0.95), ("ICC(1,k)", -0.884, 0.91),
                                                ("ICC(A,k)", 0.071, 0.93), ("ICC(C,k)", 0.676, 0.99)])
def test_shrout_fleiss_confidence_intervals(form, lower, upper):
    lo, hi = icc(SHROUT_FLEISS)[form].ci
    assert lo == pytest.approx(lower, abs=0.0015)
    assert hi == pytest.approx(upper, abs=0.005)


def test_icc_listwise_deletion_reports_n_used():
    x = np.vstack([SHROUT_FLEISS, [5, np.nan, 3, 4], [np.nan] * 4])
    out = icc(x)
    assert out["ICC(A,1)"].n == 6 and out["ICC(A,1)"].extra["n_dropped"] == 2
    assert round(out["ICC(A,1)"].value, 3) == 0.290


@pytest.mark.parametrize("a, b, x", [(3, 5, 0.3), (1, 1, 0.7), (2, 9, 0.05), (7, 2, 0.9)])
def test_betainc_matches_binomial_sum_for_integer_parameters(a, b, x):
    n = a + b - 1
    exact = sum(comb(n, j) * x**j * (1 - x) ** (n - j) for j in range(a, n + 1))
    assert betainc(a, b, x) == pytest.approx(exact, rel=1e-12)


@pytest.mark.parametrize("p, d1, d2, table", [(0.95, 5, 15, 2.901), (0.975, 5, 18, 3.382), (0.95, 1, 10, 4.965),
                                              (0.99, 10, 20, 3.368), (0.95, 2.5, 7.3, None)])
def test_f_quantile(p, d1, d2, table):
    q = f_ppf(p, d1, d2)
    assert f_cdf(q, d1, d2) == pytest.approx(p, abs=1e-12)
    if table is not None:
        assert q == pytest.approx(table, abs=1e-3)
