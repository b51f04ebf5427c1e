"""The keyword grader against the bank's gold answers (graded criterion by criterion by their authors), and the
certification records that decide where a hiring verdict may be shown."""
from __future__ import annotations

import pytest

from simulator.bank import default_bank
from simulator.graders import certification
from simulator.graders.keyword import KeywordGrader
from simulator.grading_bench import certify
from simulator.grading_bench.gold import agreement, pooled


@pytest.fixture(scope="module")
def by_round():
    return agreement(KeywordGrader(), default_bank())


def test_criterion_levels_agree_with_the_gold_levels(by_round):
    s = pooled(by_round).summary()
    assert s["answers"] >= 150
    assert s["kappa"] >= certification.KAPPA_THRESHOLD and s["rated_share"] >= certification.MIN_RATED_SHARE, s


def test_strong_examples_score_above_weak_ones_on_every_question():
    bank, g = default_bank(), KeywordGrader()
    worse = []
    for q in bank.questions.values():
        ex = {e["quality"]: e["answer"] for e in q.get("examples", [])}
        if q["round"] == "ml_coding" or not {"strong", "weak"} <= set(ex):
            continue
        rubric = bank.rubric(q["rubric"])
        strong, weak = (g.grade(q, rubric, ex[k])["score"] or 0.0 for k in ("strong", "weak"))
        if strong <= weak:
            worse.append(q["id"])
    assert worse == []


def test_the_shipped_certification_records_are_current():
    """certified.json must say what a fresh computation says: change the grader or the gold set, rewrite it
    (`mockloop graders certify --write`)."""
    fresh = certify.compute(default_bank())
    shipped = certification.records()
    assert shipped.get("graders", {}).keys() == fresh["graders"].keys()
    for name, rec in fresh["graders"].items():
        for round_type, r in rec["rounds"].items():
            old = shipped["graders"][name]["rounds"][round_type]
            assert (old["certified"], old["kappa"], old["gold_answers"]) == (r["certified"], r["kappa"], r["gold_answers"]), (name, round_type)


def test_a_machine_grader_whose_kappa_only_touches_the_bar_is_not_certified(monkeypatch):
    """The keyword grader's constants were chosen with the gold answers in view: the low end of the kappa's 95%
    interval must clear the bar too, not only the point estimate."""
    from simulator.grading_bench import gold

    def summary(self):
        return {"kappa": 0.62, "ci95": [0.57, 0.66], "rated_share": 1.0, "n_pairs": 200}

    monkeypatch.setattr(gold.RoundAgreement, "summary", summary)
    rounds = next(iter(certify.keyword_records(default_bank()).values()))["rounds"]
    assert rounds and not any(r["certified"] for r in rounds.values())
    assert all("low end of its 95% interval does not" in r["reason"] for r in rounds.values())
