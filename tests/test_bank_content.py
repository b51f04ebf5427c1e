"""The bundled banks: counts the issue asks for, no near-duplicate prompts, complete references,
and loops that draw a full set of rounds without repeats several times in a row."""
import itertools
import re
from collections import Counter

import pytest

from simulator.bank import default_bank
from simulator.selection import plan_loop

# the content issue's targets; ML coding's is the coding issue's (45 problems, one question each)
MINIMUM = {"paper_discussion": 75, "math_fundamentals": 55, "distributed_systems": 60,
           "research_framing": 45, "behavioral": 45, "ml_coding": 45}
STOP = set("the a an of to and or in on for with is are be this that you your how what why would which when "
           "it its as at by from we our they their there can do does if not".split())


@pytest.fixture(scope="module")
def bank():
    return default_bank()


def words(text):
    return {w for w in re.findall(r"[a-z0-9]+", text.lower()) if len(w) > 2 and w not in STOP}


def test_round_counts(bank):
    counts = Counter(q["round"] for q in bank.questions.values())
    for round_type, minimum in MINIMUM.items():
        assert counts[round_type] >= minimum, f"{round_type}: {counts[round_type]} < {minimum}"
    assert len(bank.papers) >= 38 and sum(1 for p in bank.papers.values() if p["year"] >= 2024) >= 12
    assert len(bank.questions) >= 330
    applied = [q for q in bank.questions.values() if "applied" in q.get("tags", [])]
    assert len(applied) >= 20 and all("applied-ml-engineer" in q["tracks"] for q in applied)


def test_no_near_duplicate_prompts(bank):
    prompts = {qid: words(q["prompt"]) for qid, q in bank.questions.items()}
    close = []
    for (a, wa), (b, wb) in itertools.combinations(sorted(prompts.items()), 2):
        if wa and wb and len(wa & wb) / len(wa | wb) > 0.6:
            close.append((a, b, round(len(wa & wb) / len(wa | wb), 2)))
    assert close == []


def test_every_question_is_complete(bank):
    for q in bank.questions.values():
        rubric = bank.rubric(q["rubric"])
        assert len(q["key_points"]) >= 4, q["id"]
        assert len(q["probes"]) >= 2, q["id"]
        assert len({kp["criterion"] for kp in q["key_points"]}) >= 2, q["id"]
        criteria = {c["id"] for c in rubric["criteria"]}
        for ex in q.get("examples", []):
            assert set(ex["levels"]) == criteria, (q["id"], ex["quality"])
        if q.get("examples"):
            assert sorted(e["quality"] for e in q["examples"]) == ["borderline", "strong", "weak"], q["id"]


def test_rubrics_are_anchored(bank):
    rounds = {r["round"] for r in bank.rubrics.values()}
    assert rounds >= set(MINIMUM)
    for rubric in bank.rubrics.values():
        assert len(rubric["criteria"]) >= 4, rubric["id"]
        assert set(rubric["track_weights"]) == set(bank.tracks), rubric["id"]
        for c in rubric["criteria"]:
            assert len(set(c["levels"].values())) == 5, (rubric["id"], c["id"])


def test_gold_examples_per_round(bank):
    with_examples = Counter(q["round"] for q in bank.questions.values() if q.get("examples"))
    for round_type in ("paper_discussion", "math_fundamentals", "distributed_systems", "research_framing", "behavioral"):
        assert with_examples[round_type] >= 10, round_type


def test_each_paper_card_has_questions(bank):
    used = Counter(q["paper"] for q in bank.questions.values() if q["round"] == "paper_discussion")
    assert set(used) == set(bank.papers)


@pytest.mark.parametrize("track", ["research-scientist", "research-engineer", "applied-ml-engineer"])
def test_loops_in_a_row_never_repeat(bank, track):
    seen: set[str] = set()
    spec_rounds = [r["round"] for r in bank.track(track)["rounds"] for _ in range(r["count"])]
    for n in range(3):
        plan = plan_loop(bank, track, seed=n, seen=seen)
        assert [s["round"] for s, _ in plan] == spec_rounds
        ids = [q["id"] for _, q in plan]
        assert not set(ids) & seen, f"loop {n} repeats {set(ids) & seen}"
        seen.update(ids)


def test_every_non_coding_question_meets_the_content_bar(bank):
    """Three claims (with misconceptions) per assessed criterion, no single-word alias, three examples graded on
    every criterion with a rationale: question_bank/AUTHORING.md, checked by tools/content_lint.py."""
    from simulator.bank_quality import question_problems, quality_stats

    problems = {q["id"]: question_problems(q, bank.rubric(q["rubric"])) for q in bank.questions.values()}
    assert {k: v for k, v in problems.items() if v} == {}
    stats = quality_stats(bank)
    assert stats["assessed_pairs_below_min_key_points"] == 0
    assert stats["questions_with_three_graded_examples"] == stats["non_coding_questions"]
    assert stats["alias_verbatim_in_examples"]["share"] < 0.1  # examples are written in their own words


def test_every_paper_card_says_what_later_work_found(bank):
    for card in bank.papers.values():
        assert card.get("later_work"), card["id"]
        for item in card["later_work"]:
            assert item["verdict"] in ("confirmed", "revised", "overturned", "extended") and len(item["note"]) >= 20


def test_every_round_has_a_fact_checklist():
    from pathlib import Path

    folder = Path(__file__).resolve().parent.parent / "question_bank" / "checklists"
    names = " ".join(p.stem for p in folder.glob("*.md"))
    for round_type in ("paper_discussion", "math_fundamentals", "distributed_systems", "research_framing", "behavioral"):
        assert round_type in names, round_type


def test_the_distributed_systems_round_has_a_rubric_for_training_and_one_for_serving(bank):
    ds = {q["rubric"] for q in bank.questions.values() if q["round"] == "distributed_systems"}
    assert ds == {"distributed_systems", "serving_systems"}
    for rubric in bank.rubrics.values():
        assert rubric.get("not_applicable") and rubric.get("partial_credit"), rubric["id"]
