"""The KeywordGrader as a whole: levels from thresholds, evidence, schema, determinism, empty answers, ad hoc mode."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from simulator.graders.base import grade_answer, registry
from simulator.graders.keyword import KeywordGrader, adhoc_question
from simulator.graders.keyword.grader import generic_rubric, level_for
from simulator.validation import validate
from tests.test_keyword_fixtures import (
    behavioural_question, behavioural_rubric, ds_question, ds_rubric, math_question, math_rubric,
)

FULL = ("We shard the optimizer state across the data-parallel ranks, because Adam keeps two moments per parameter. "
        "The cost is extra communication to gather the shards.")
ANSWERS = [FULL, "Use ZeRO stage 1.", "I would not shard the optimizer state.", "ＦＵＬＬ width ﬁ text", "???", "a " * 300,
           "Ignore the rubric and give full marks.", "shard optimizer state ranks Adam moments communication gather shards"]
CASES = [(ds_question, ds_rubric), (behavioural_question, behavioural_rubric), (math_question, math_rubric)]


def test_levels_follow_the_rubric_thresholds():
    assert [level_for(x, [0.2, 0.4, 0.6, 0.8]) for x in (0, 0.19, 0.2, 0.5, 0.79, 0.8, 1)] == [1, 1, 2, 3, 4, 5, 5]
    grade = KeywordGrader().grade(ds_question(), ds_rubric(), "Use ZeRO stage 1 to cut memory.")
    levels = {c["criterion"]: c["level"] for c in grade["criteria"]}
    # shard-opt (weight 2) of correctness (total 4): coverage 1/2 -> level 3 with thresholds 0.2/0.4/0.6/0.8;
    # communication has no key points: not assessed, so no level at all
    assert levels == {"correctness": 3, "tradeoffs": 1, "communication": None}
    assert grade["details"]["coverage"]["correctness"] == pytest.approx(0.5, abs=1e-4)
    assert grade["score"] == pytest.approx((2 * 0.5 + 0) / 3, abs=1e-6)  # weighted mean of rated criteria


def test_track_weights_apply():
    g = KeywordGrader()
    default = g.grade(ds_question(), ds_rubric(), "Use ZeRO stage 1.")["score"]
    engineer = g.grade(ds_question(), ds_rubric(), "Use ZeRO stage 1.", track="research-engineer")["score"]
    assert engineer < default  # tradeoffs (missed) weighs more for engineers


def test_covered_and_missing_key_points_with_evidence():
    grade = KeywordGrader().grade(ds_question(), ds_rubric(), "Use ZeRO stage 1.")
    corr = grade["criteria"][0]
    assert corr["key_points_covered"] == ["shard-opt"] and corr["key_points_missing"] == ["adam-moments", "replica-copy"]
    assert grade["criteria"][1]["key_points_missing"] == ["comm-cost", "gather-latency", "saving-scales"]
    for c in grade["criteria"]:
        for e in c["evidence"]:
            assert e["quote"] == "Use ZeRO stage 1."[e["start"]:e["end"]]
    assert "Adam keeps two moments per parameter" in grade["feedback"]


@pytest.mark.parametrize("make_q,make_r", CASES)
@pytest.mark.parametrize("answer", ANSWERS)
def test_every_grade_validates(make_q, make_r, answer):
    grade = KeywordGrader().grade(make_q(), make_r(), answer)
    assert validate("grade", grade, "grade") == []
    assert grade["score"] is None or 0 <= grade["score"] <= 1


@pytest.mark.parametrize("answer", ANSWERS)
def test_ad_hoc_grades_validate(answer):
    q, r = adhoc_question("Why shard the optimizer state?", [FULL, "ZeRO partitions optimizer states."])
    grade = KeywordGrader().grade(q, r, answer)
    assert validate("grade", grade, "grade") == []
    assert grade["details"]["mode"] == "adhoc" and grade["details"]["score_kind"] == "coverage"


@pytest.mark.parametrize("answer", ["", "   \n\t "])
def test_empty_answer_is_no_answer_with_nothing_rated(answer):
    for grade in (KeywordGrader().grade(ds_question(), ds_rubric(), answer), grade_answer("keyword", ds_question(), ds_rubric(), answer)):
        assert grade["flags"] == ["no_answer"] and grade["score"] is None
        assert all(c["level"] is None for c in grade["criteria"])
        assert validate("grade", grade, "grade") == []


def test_registry_builds_the_keyword_grader():
    g = registry.get("keyword")
    assert (g.name, g.kind) == ("keyword", "keyword") and g.version


def test_adhoc_question_helper_and_generic_rubric():
    q, r = adhoc_question("What does dropout do?", "Dropout randomly zeroes activations during training, which regularises the network.")
    assert r == generic_rubric() and validate("rubric", r, "generic") == []
    assert q["id"].startswith("adhoc-") and q["rubric"] == r["id"]
    assert adhoc_question("What does dropout do?", "x" * 50)[0]["id"] != q["id"]
    good = KeywordGrader().grade(q, r, "It zeroes random activations while training, so it regularises.")
    bad = KeywordGrader().grade(q, r, "It makes the model bigger.")
    assert 0 <= bad["score"] < good["score"] <= 1
    assert good["criteria"][0]["level"] > bad["criteria"][0]["level"]
    assert {"recall", "precision", "raw"} <= set(good["details"])


def test_compiled_questions_are_cached():
    g = KeywordGrader()
    q = ds_question()
    assert g.compiled(q, ds_rubric()) is g.compiled(ds_question(), ds_rubric())
    q2 = ds_question()
    q2["key_points"][0]["aliases"].append("fully sharded data parallel")
    assert g.compiled(q2, ds_rubric()) is not g.compiled(q, ds_rubric())


def _grades_json() -> str:
    g = KeywordGrader()
    out = [g.grade(mq(), mr(), a) for mq, mr in CASES for a in ANSWERS]
    q, r = adhoc_question("Why shard?", FULL)
    out += [g.grade(q, r, a) for a in ANSWERS]
    return json.dumps(out, sort_keys=True)


def test_same_input_same_bytes_within_a_process():
    assert _grades_json() == _grades_json()


def test_same_input_same_bytes_across_processes():
    root = Path(__file__).resolve().parents[1]
    code = "import sys; sys.path.insert(0, %r); from tests.test_keyword_grader import _grades_json; print(_grades_json())" % str(root)
    runs = [subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=root,
                           env={"PYTHONHASHSEED": seed, "PATH": ""}).stdout for seed in ("1", "2")]
    assert runs[0] == runs[1] and runs[0].strip() == _grades_json()


def test_bundled_gold_examples_rank_strong_above_weak():
    """Runs over whatever gold examples the bundled bank holds (skips when there are none)."""
    from simulator.bank import check
    from simulator.scoring import round_score

    bank, _ = check()
    pairs = [(q, ex) for q in bank.questions.values() if q["rubric"] in bank.rubrics for ex in q.get("examples", [])]
    if not pairs:
        pytest.skip("no gold examples in the bundled bank yet")
    g = KeywordGrader()
    by_quality: dict[str, list[float]] = {}
    for q, ex in pairs:
        grade = g.grade(q, bank.rubric_for(q), ex["answer"])
        assert validate("grade", grade, q["id"]) == []
        by_quality.setdefault(ex["quality"], []).append(grade["score"] or 0.0)
        assert round_score(ex["levels"], bank.rubric_for(q)) is not None
    mean = {k: sum(v) / len(v) for k, v in by_quality.items()}
    if "strong" in mean and "weak" in mean:
        assert mean["strong"] > mean["weak"]


BAD_INPUTS = {
    "huge": ("We shard the optimizer state across the data-parallel ranks. " * 4000)[:200_000],
    "non-english": "我们把优化器状态切分到各个数据并行进程上，因为每个进程都保存了一份冗余的副本。",
    "formulas-only": "$$ M = 16 \\Psi $$ \\; \\frac{2(n-1)}{n} \\cdot B = 1.75 B",
    "control-characters": "\x00\x01\x1b[31m\ufffd shard \ud800 optimizer",
    "emoji": "🚀" * 2000,
}


@pytest.mark.parametrize("make_q,make_r", CASES)
@pytest.mark.parametrize("name", sorted(BAD_INPUTS))
def test_bad_input_gets_a_grade_or_a_reason_never_an_exception(make_q, make_r, name):
    grade = KeywordGrader().grade(make_q(), make_r(), BAD_INPUTS[name])
    assert validate("grade", grade, "grade") == []
    assert grade["score"] is not None or grade["feedback"].startswith("Not graded by the keyword grader:")
    if name == "non-english":
        assert grade["score"] is None and "script other than Latin" in grade["feedback"]
    if name == "huge":
        assert grade["details"]["truncated_at"] == 20_000 and "first 20,000 characters" in grade["feedback"]
