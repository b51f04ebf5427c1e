"""CodeGrader: levels from tests and speed, the standard Grade shape, track weights, fallback labelling."""
from __future__ import annotations

import json
import os
import sys

import pytest

sys.path.insert(0, os.path.dirname(__file__))
from sandbox_support import attack, require_bwrap, require_sandbox_python  # noqa: E402

from simulator import coding  # noqa: E402
from simulator.coding.judge import Report, TestResult  # noqa: E402
from simulator.coding.speed import SpeedResult, analyse  # noqa: E402
from simulator.graders import code as codegrader  # noqa: E402
from simulator.graders.base import registry  # noqa: E402
from simulator.validation import validate  # noqa: E402

RUBRIC_PATH = os.path.join(os.path.dirname(__file__), "..", "rubrics", "data", "ml_coding.json")
FAST = {"repeats": 5, "min_repeat_s": 0.01, "budget_s": 2.0}


@pytest.fixture(scope="module")
def rubric():
    with open(RUBRIC_PATH) as fh:
        return json.load(fh)


def question(name, optimise=False):
    return {"id": f"code-{name}", "coding": {"problem": name, "optimise": optimise}}


def test_registered_lazily_as_code():
    g = registry.get("code")
    assert (g.name, g.kind) == ("code", "code")


def test_rubric_weights_by_track(rubric):
    from rubrics import criterion_weights

    assert [c["id"] for c in rubric["criteria"]] == ["correctness", "numerical_care", "efficiency", "code_quality"]
    assert all(len(c["levels"]) == 5 and c.get("prep") for c in rubric["criteria"])
    assert criterion_weights(rubric, "research-scientist")["efficiency"] == 0
    assert criterion_weights(rubric, "research-engineer")["efficiency"] >= 3
    assert not validate("rubric", rubric, "ml_coding.json")


def _report(statuses, kinds=None, speed=None, loop=None, warnings=()):
    kinds = kinds or ["standard"] * len(statuses)
    tests = [TestResult(i, k, s, warnings=list(warnings) if k == "standard" else []) for i, (s, k) in
             enumerate(zip(statuses, kinds))]
    return Report("softmax", "bwrap", "ok", tests, speed, loop)


def test_level_mappings():
    p = coding.get("softmax")
    assert codegrader.correctness_level(_report(["pass"] * 5))[0] == 5
    assert codegrader.correctness_level(_report(["pass"] * 4 + ["wrong_answer"]))[0] == 4
    assert codegrader.correctness_level(_report(["wrong_answer"] * 5))[0] == 1
    r = _report(["pass", "pass", "wrong_answer"], ["standard", "numerical", "numerical"])
    assert codegrader.numerical_level(r, p)[0] == 3
    r = _report(["pass", "pass"], ["standard", "numerical"], warnings=["RuntimeWarning: overflow encountered in exp"])
    assert codegrader.numerical_level(r, p)[0] == 4
    assert codegrader.numerical_level(_report(["pass"]), coding.get("gelu"))[0] is None
    ok = SpeedResult("ok", 8.0, ratio=20.0)
    assert codegrader.efficiency_level(ok)[0] == 5
    assert codegrader.efficiency_level(SpeedResult("ok", 8.0, ratio=9.0))[0] == 4
    assert codegrader.efficiency_level(SpeedResult("ok", 8.0, ratio=1.0))[0] == 1
    assert codegrader.efficiency_level(SpeedResult("mismatch", 8.0))[0] == 1
    assert codegrader.efficiency_level(None)[0] is None
    assert codegrader.efficiency_level(SpeedResult("too_noisy", 8.0))[0] is None  # never rated, least of all at the top
    assert codegrader.quality_level(_report(["pass"] * 3, loop=100.0), p)[0] == 4


def test_speed_analysis_ratio_of_minimums_and_noise():
    sums = [[[3], 1.0, 1.0]]
    raw = {"status": "ok", "baseline_s": [1.0, 1.1, 1.2], "candidate_s": [0.1, 0.1, 0.1],
           "baseline_sums": [sums] * 3, "candidate_sums": [sums] * 3}
    res = analyse(raw, target=5.0)
    assert res.status == "ok" and res.ratio == pytest.approx(10.0) and not res.too_noisy and res.met_target
    noisy = dict(raw, baseline_s=[1.0, 5.0, 5.0], candidate_s=[0.5, 0.1, 0.1])
    res = analyse(noisy, target=5.0)
    assert res.too_noisy and "too noisy, rerun" in res.message
    wrong = dict(raw, candidate_sums=[[[[3], 2.0, 2.0]]] * 3)
    assert analyse(wrong, target=5.0).status == "mismatch"


@pytest.mark.sandbox
def test_grade_validates_and_records_details(rubric):
    require_bwrap()
    p = coding.get("softmax")
    grade = codegrader.CodeGrader(seed=3).grade(question("softmax"), rubric, p.source_of("wrong"), track="research-scientist")
    assert validate("grade", grade, "grade") == []
    levels = {c["criterion"]: c["level"] for c in grade["criteria"]}
    assert levels["numerical_care"] == 2 and levels["efficiency"] is None and levels["correctness"] == 4
    assert grade["details"]["sandbox"]["mode"] == "bwrap" and grade["details"]["passed"] < grade["details"]["total"]
    assert "fallback" not in grade["flags"] and 0 <= grade["score"] < 1
    hidden = [t for t in grade["details"]["tests"] if t["kind"] != "visible"]
    assert all("diff" not in t for t in hidden)


@pytest.mark.sandbox
def test_optimise_part_runs_for_engineers_and_is_skipped_for_scientists(rubric):
    """What does not depend on the machine's speed; the measured speed-ups are asserted in
    tests/bench/test_bench_sandbox.py (make bench), where timing belongs."""
    require_bwrap()
    p = coding.get("softmax")
    grader = codegrader.CodeGrader(seed=4, speed_options=FAST)
    good = grader.grade(question("softmax", True), rubric, p.source_of("reference"), track="research-engineer")
    assert validate("grade", good, "g") == []
    assert good["details"]["speed"] is not None and good["details"]["speed"]["status"] in ("ok", "too_noisy")
    efficiency = {c["criterion"]: c for c in good["criteria"]}["efficiency"]
    assert efficiency["level"] is not None or "too_noisy" in good["flags"]
    # research scientists are not scored on speed: the optimise part is skipped
    rs = grader.grade(question("softmax", True), rubric, p.source_of("naive"), track="research-scientist")
    assert {c["criterion"]: c["level"] for c in rs["criteria"]}["efficiency"] is None and rs["details"]["speed"] is None


@pytest.mark.sandbox
def test_speed_run_catches_wrong_outputs(rubric):
    require_bwrap()
    src = attack("return np.zeros_like(x)")
    grade = codegrader.CodeGrader(seed=5, speed_options=FAST).grade(question("softmax", True), rubric, src,
                                                                    track="research-engineer")
    assert grade["details"]["speed"]["status"] == "mismatch"
    assert {c["criterion"]: c["level"] for c in grade["criteria"]}["efficiency"] == 1


def test_fallback_is_flagged_in_the_grade(rubric):
    require_sandbox_python()
    p = coding.get("gelu")
    grade = codegrader.CodeGrader(mode="fallback", seed=6).grade(question("gelu"), rubric, p.source_of("reference"))
    assert validate("grade", grade, "g") == []
    assert "fallback" in grade["flags"] and grade["details"]["sandbox"]["weaker"] is True
    assert "fallback sandbox" in grade["feedback"]


@pytest.mark.sandbox
def test_visible_results_with_diffs_and_fenced_code():
    require_bwrap()
    src = "```python\n" + coding.get("softmax").source_of("wrong") + "```\n"
    out = codegrader.visible_results("softmax", src)
    assert out["total"] == 2 and out["passed"] == 1
    bad = [e for e in out["examples"] if e["status"] == "wrong_answer"]
    assert bad and "expected" in bad[0]["diff"]


def test_question_without_problem_needs_review(rubric):
    grade = codegrader.CodeGrader().grade({"id": "x"}, rubric, "def f(): pass")
    assert "needs_review" in grade["flags"] and validate("grade", grade, "g") == []
