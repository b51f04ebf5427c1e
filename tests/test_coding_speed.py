"""Speed that means something: a too-noisy measurement is rerun once, and if still noisy has no ratio (so no
efficiency level, never the top); each optimise problem's per-row-loop baseline agrees with the reference.

The measured speed-ups themselves (the naive loop and the per-row loop short of each target, vectorised code
above it) are asserted in tests/bench/test_bench_sandbox.py (`make bench`), where timing belongs.
"""
from __future__ import annotations

import copy
import os
import sys

import numpy as np
import pytest

sys.path.insert(0, os.path.dirname(__file__))
from sandbox_support import require_bwrap  # noqa: E402

from simulator import coding  # noqa: E402
from simulator.coding import judge as judge_mod  # noqa: E402
from simulator.coding.judge import flat_outputs  # noqa: E402
from simulator.coding.speed import SpeedResult, noisy_result  # noqa: E402

FAST = {"repeats": 3, "min_repeat_s": 0.002, "budget_s": 1.0}
OPTIMISE = [n for n in coding.names() if coding.get(n).optimise]
ROW_LOOP_EXEMPT = {"beam_search"}  # the sort over beam_width * V candidates dominates: a loop over beams is fine


def test_noisy_result_has_no_ratio_and_no_verdict():
    a = SpeedResult("ok", 8.0, 20.0, 9.0, True, True, 5)
    b = SpeedResult("ok", 8.0, 30.0, 12.0, True, True, 5)
    res = noisy_result(a, b)
    assert res.status == "too_noisy" and res.ratio is None and res.median_ratio is None
    assert res.too_noisy and res.met_target is None and res.noisy_ratios == [20.0, 30.0]
    assert "too noisy 2 times" in res.message
    assert res.to_dict()["ratio"] is None


def test_a_noisy_result_never_earns_the_top_efficiency_level():
    from simulator.graders.code import efficiency_level

    level, _ = efficiency_level(noisy_result(SpeedResult("ok", 8.0, 100.0, 20.0, True, True, 5)))
    assert level is None or level < 4


def _fake_analyse(sequence):
    calls = []

    def fake(raw, target, rtol=1e-6):
        noisy = sequence[min(len(calls), len(sequence) - 1)]
        calls.append(noisy)
        return SpeedResult("ok", target, 50.0 if noisy else 40.0, 10.0 if noisy else 40.0, noisy, True, 3)

    return fake, calls


@pytest.mark.sandbox
def test_a_noisy_run_is_rerun_once_then_reported_without_a_ratio(monkeypatch):
    require_bwrap()
    p = coding.get("softmax")
    fake, calls = _fake_analyse([True, True])
    monkeypatch.setattr(judge_mod, "analyse", fake)
    report = judge_mod.judge(p, p.source_of("reference"), optimise=True, visible_only=True, speed_options=FAST)
    assert len(calls) == 2
    assert report.speed.status == "too_noisy" and report.speed.ratio is None and report.speed.too_noisy
    assert report.speed.reruns == 1 and report.speed.noisy_ratios == [50.0, 50.0]


@pytest.mark.sandbox
def test_a_noisy_run_that_settles_on_the_rerun_keeps_the_rerun(monkeypatch):
    require_bwrap()
    p = coding.get("softmax")
    fake, calls = _fake_analyse([True, False])
    monkeypatch.setattr(judge_mod, "analyse", fake)
    report = judge_mod.judge(p, p.source_of("reference"), optimise=True, visible_only=True, speed_options=FAST)
    assert len(calls) == 2
    assert report.speed.status == "ok" and report.speed.ratio == 40.0 and not report.speed.too_noisy
    assert report.speed.reruns == 1


@pytest.mark.sandbox
def test_a_quiet_run_is_not_rerun(monkeypatch):
    require_bwrap()
    p = coding.get("softmax")
    fake, calls = _fake_analyse([False])
    monkeypatch.setattr(judge_mod, "analyse", fake)
    report = judge_mod.judge(p, p.source_of("reference"), optimise=True, visible_only=True, speed_options=FAST)
    assert len(calls) == 1 and report.speed.reruns == 0


@pytest.mark.parametrize("name", OPTIMISE)
def test_row_loop_baseline_agrees_with_the_reference(name):
    p = coding.get(name)
    if name in ROW_LOOP_EXEMPT:
        assert not hasattr(p.module, "row_loop")
        return
    for kind, size in p.HIDDEN:
        if kind == "large":
            continue
        inputs = p.inputs(np.random.default_rng(17), **size)
        ref = flat_outputs(p.reference(**copy.deepcopy(inputs)))
        got = flat_outputs(p.module.row_loop(**copy.deepcopy(inputs)))
        assert len(ref) == len(got)
        for r, g in zip(ref, got):
            np.testing.assert_allclose(g, r, rtol=max(p.RTOL, 1e-9), atol=max(p.ATOL, 1e-12))
