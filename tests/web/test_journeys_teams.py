"""Team dashboard journey: drift needs time, not just grades. Grades an hour apart give no slope per day."""
import numpy as np

from simulator.calibration import drift

DAY = 86400.0


def _trend(span_days, n=40):
    t = np.linspace(0, span_days * DAY, n)
    y = np.where(np.arange(n) < n // 2, 2.0, 4.0) + np.tile([0.0, 0.5], n // 2)  # a step from 2 to 4, with noise
    return drift(np.zeros(n, dtype=int), t, y)[0]


def test_drift_is_withheld_when_the_grades_span_too_short_a_time():
    short = _trend(1 / 24)  # forty grades within an hour: the least-squares slope is thousands per day
    assert short["slope_per_day"]["value"] is None and not short["drifting"]
    assert "span only 0.0 days" in short["slope_per_day"]["reason"] and "minimum 7" in short["slope_per_day"]["reason"]
    assert short["change"] is None


def test_drift_over_weeks_is_still_estimated_and_flagged():
    weeks = _trend(42)
    assert weeks["slope_per_day"]["value"] is not None and abs(weeks["slope_per_day"]["value"]) < 1
    assert weeks["drifting"]
