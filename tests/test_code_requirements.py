"""Code grades respect the statement: a requirement it names (finite outputs, dtype, shape, inputs left alone)
that some test broke caps its criterion at 2 and keeps the round below the hire band, and says which."""
from __future__ import annotations

import json
import os
import sys

import pytest

sys.path.insert(0, os.path.dirname(__file__))
from sandbox_support import require_bwrap  # noqa: E402

from simulator import coding  # noqa: E402
from simulator.coding.judge import TestResult  # noqa: E402
from simulator.coding.requirements import below_hire, failed_requirements  # noqa: E402
from simulator.graders import code as codegrader  # noqa: E402
from simulator.validation import validate  # noqa: E402

RUBRIC_PATH = os.path.join(os.path.dirname(__file__), "..", "rubrics", "data", "ml_coding.json")


@pytest.fixture(scope="module")
def rubric():
    with open(RUBRIC_PATH) as fh:
        return json.load(fh)


def test_only_requirements_the_statement_names_count():
    nan = TestResult(3, "numerical", "wrong_answer", "the output has inf or nan values")
    mutated = TestResult(1, "standard", "pass", mutated=["x"])
    assert [f["requirement"] for f in failed_requirements("It must stay finite for large logits.", [nan])] == ["finite"]
    assert failed_requirements("Return the softmax over the last axis.", [nan]) == []
    found = failed_requirements("Return (param, m, v) without modifying the inputs.", [mutated])
    assert found == [{"requirement": "inputs", "text": "inputs are left unmodified", "criterion": "code_quality",
                      "tests": ["hidden standard test"]}]


def test_below_hire_is_just_under_the_rubrics_hire_band(rubric):
    hire = next(b["min_score"] for b in rubric["bands"] if b["id"] == "hire")
    assert below_hire(rubric) == pytest.approx(hire - 0.01)


NAN_SOFTMAX = '''import numpy as np


def softmax(x, axis=-1):
    e = np.exp(x)
    return e / e.sum(axis=axis, keepdims=True)
'''


def test_a_softmax_that_overflows_cannot_reach_hire(rubric):
    require_bwrap()
    p = coding.get("softmax")
    assert "finite" in p.STATEMENT
    source = NAN_SOFTMAX.replace("def softmax(", f"def {p.ENTRY}(")
    grade = codegrader.CodeGrader(seed=5).grade({"id": "q", "coding": {"problem": "softmax"}}, rubric, source,
                                                track="research-scientist")
    assert validate("grade", grade, "grade") == []
    levels = {c["criterion"]: c["level"] for c in grade["criteria"]}
    assert levels["numerical_care"] <= 2
    assert grade["score"] <= below_hire(rubric)
    assert "Requirement not met: outputs stay finite" in grade["feedback"]
    assert grade["details"]["requirements_failed"][0]["requirement"] == "finite"


def test_an_rms_norm_in_the_wrong_dtype_cannot_reach_hire(rubric):
    require_bwrap()
    p = coding.get("rms_norm")
    wrong_dtype = p.source_of("reference") + "\n\n_ref = " + p.ENTRY + "\n\n\ndef " + p.ENTRY + \
        "(*args, **kwargs):\n    return np.asarray(_ref(*args, **kwargs), dtype=np.float64)\n"
    grade = codegrader.CodeGrader(seed=5).grade({"id": "q", "coding": {"problem": "rms_norm"}}, rubric, wrong_dtype,
                                                track="research-engineer")
    levels = {c["criterion"]: c["level"] for c in grade["criteria"]}
    assert levels["correctness"] <= 2 and grade["score"] <= below_hire(rubric)
    assert any(f["requirement"] == "dtype" for f in grade["details"]["requirements_failed"])
