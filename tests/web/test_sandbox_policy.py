"""The web server runs candidates' code only in bubblewrap, or in the weaker fallback when the operator
set MOCKLOOP_ALLOW_UNSANDBOXED=1: "run the visible examples" and the grading of ML-coding rounds both."""
from __future__ import annotations

import pytest

from simulator.sandbox.startup import Probe

WEAK = Probe("fallback", "bubblewrap is missing (test)", "/usr/bin/python3")
CODE = "import numpy as np\n\ndef softmax(x, axis=-1):\n    return np.exp(x) / np.exp(x).sum(axis, keepdims=True)\n"


@pytest.fixture
def fallback_only(monkeypatch):
    """Only the fallback sandbox here; every attempt to run code is recorded instead of run."""
    import simulator.coding.visible as visible_examples
    import simulator.graders.code as code
    import simulator.sandbox.startup as startup

    monkeypatch.delenv("MOCKLOOP_ALLOW_UNSANDBOXED", raising=False)
    monkeypatch.setattr(startup, "probe", lambda refresh=False: WEAK)
    ran = []

    def visible(problem, source, **kw):
        ran.append(("visible", source))
        return {"problem": problem, "mode": "fallback", "weaker_sandbox": True, "passed": 0, "total": 0,
                "examples": []}

    def grade(self, question, rubric, answer, *, track=None):
        ran.append(("grade", answer))
        from simulator.scoring import empty_grade

        return empty_grade(self, question, rubric)

    monkeypatch.setattr(visible_examples, "visible_results", visible)
    monkeypatch.setattr(code.CodeGrader, "grade", grade)
    return ran


def test_run_examples_is_refused_in_fallback_mode(api, fallback_only):
    _, rnd = api.drill(round_type="ml_coding")
    result = api.post(f"/api/rounds/{rnd['id']}/run", {"code": CODE})
    assert fallback_only == []
    assert result["available"] is False and "MOCKLOOP_ALLOW_UNSANDBOXED=1" in result["output"]


def test_run_examples_runs_in_fallback_mode_when_the_operator_allows_it(api, fallback_only, monkeypatch):
    monkeypatch.setenv("MOCKLOOP_ALLOW_UNSANDBOXED", "1")
    _, rnd = api.drill(round_type="ml_coding")
    result = api.post(f"/api/rounds/{rnd['id']}/run", {"code": CODE}, status=202)
    assert result["status"] == "done" and result["available"] is True and fallback_only == [("visible", CODE)]


def test_grading_an_ml_coding_round_does_not_run_code_in_fallback_mode(api, fallback_only):
    loop, rnd = api.drill(round_type="ml_coding")
    api.post(f"/api/rounds/{rnd['id']}/submit", {"text": CODE})
    graded = api.get(f"/api/loops/{loop['id']}")
    assert fallback_only == []
    grade = graded["rounds"][0]["grades"][-1]
    assert "pending" in grade["flags"] and "MOCKLOOP_ALLOW_UNSANDBOXED=1" in grade["feedback"]
    assert graded["score"] is None
    # An explicit regrade through the API is refused the same way.
    api.post(f"/api/loops/{loop['id']}/grade", {"grader": "auto"})
    assert fallback_only == []


def test_grading_runs_code_in_fallback_mode_when_the_operator_allows_it(api, fallback_only, monkeypatch):
    monkeypatch.setenv("MOCKLOOP_ALLOW_UNSANDBOXED", "1")
    loop, rnd = api.drill(round_type="ml_coding")
    api.post(f"/api/rounds/{rnd['id']}/submit", {"text": CODE})
    api.get(f"/api/loops/{loop['id']}")
    assert fallback_only == [("grade", CODE)]
