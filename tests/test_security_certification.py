"""Certification with a borrowed answer key: peer practice reveals the intended levels of the bank's examples,
so the gold answers a team certifies graders on must be examples practice never shows (held back)."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest

from rubrics import rubric_hash
from simulator import teams
from simulator.bank import default_bank
from simulator.peers import practice
from simulator.teams.models import CalibrationAnswer
from tests.factories import make_bank
from tests.test_teams_support import user

T0 = datetime(2026, 3, 1, 9, 0, tzinfo=timezone.utc)


def _practice_key(bank) -> dict[str, dict[str, int]]:
    """Everything peer practice reveals: answer text -> intended levels, over every question and its rubric."""
    shown = practice.examples(bank, [(qid, q["rubric"]) for qid, q in sorted(bank.questions.items())], per_round=99)
    return {" ".join(e["answer"].split()): e["levels"] for e in shown}


@pytest.fixture
def team(sessions):
    s = sessions()
    admin = user(s, "ann")
    copier = user(s, "copier")
    team = teams.create_team(s, "Acme", admin, min_gold=10)
    teams.add_member(s, team.id, admin, copier)
    gold_set = teams.create_set(s, team.id, admin, "gold")
    yield s, team.id, admin, copier, gold_set.id
    s.close()


def test_practice_never_shows_a_team_gold_answer(team):
    s, t, admin, _, gold_set = team
    bank = default_bank()
    key = _practice_key(bank)
    gold = teams.add_gold_answers(s, t, admin, gold_set, rounds=["behavioral", "research_framing"])
    assert len(gold) >= 30
    assert not {" ".join(a.text.split()) for a in gold} & set(key)  # none of the gold answers was shown
    assert all(a.origin["held_back"] is True for a in gold)
    # one example per question is held back; the others remain for practice
    with_examples = [q for q in bank.questions.values() if q["round"] in ("behavioral", "research_framing")
                     and q.get("examples")]
    assert len(gold) == len(with_examples)
    assert all(len(practice.held_back(q)) == 1 for q in with_examples)


def test_copying_the_practice_key_does_not_certify(team):
    """The attack: grade each gold answer with the levels practice revealed for it (kappa 1.000 before the fix)."""
    s, t, admin, copier, gold_set = team
    key = _practice_key(default_bank())
    gold = teams.add_gold_answers(s, t, admin, gold_set, rounds=["behavioral", "research_framing"])
    copied = [a for a in gold if " ".join(a.text.split()) in key]
    for a in copied[:30]:
        teams.submit_grade(s, t, copier, a.id, key[" ".join(a.text.split())])
    cert = teams.certify(s, t, copier)
    assert not copied and not cert.certified and cert.n_answers == 0


def test_the_held_back_choice_is_deterministic_and_an_explicit_flag_wins():
    q = {"id": "q", "examples": [{"answer": f"answer {i}", "quality": "weak", "levels": {}} for i in range(3)]}
    chosen = practice.held_back(q)
    assert len(chosen) == 1 and practice.held_back(q) == chosen
    renamed = dict(q, id="team-copy-of-q", examples=list(reversed(q["examples"])))  # copying keeps the choice
    assert [renamed["examples"][i]["answer"] for i in practice.held_back(renamed)] == \
        [q["examples"][i]["answer"] for i in chosen]
    marked = dict(q, examples=[dict(e, held_back=(i == 2)) for i, e in enumerate(q["examples"])])
    assert practice.held_back(marked) == {2}
    bank = make_bank()  # never mutate the cached default bank
    bank.questions["behavioral-q0"]["examples"] = [dict(e, levels={"depth": 3}) for e in marked["examples"]]
    shown = practice.examples(bank, [("behavioral-q0", "behavioral-r")], per_round=99)
    assert [e["index"] for e in shown] == [0, 1]


def test_practice_skips_the_held_back_example():
    bank = default_bank()
    qid = "beh-model-rollback"
    q = bank.questions[qid]
    shown = {e["index"] for e in practice.examples(bank, [(qid, q["rubric"])], per_round=99) if e["question_id"] == qid}
    assert shown == set(range(len(q["examples"]))) - practice.held_back(q) and shown


def test_gold_made_before_hold_back_does_not_certify_and_the_reason_says_held_back(team):
    s, t, admin, copier, gold_set = team
    bank = teams.team_bank(s, t, admin)
    # legacy gold rows (no "held_back" in their origin): examples practice shows
    for qid, q in sorted(bank.questions.items()):
        if q["round"] != "behavioral" or not q.get("examples"):
            continue
        for i, ex in enumerate(q["examples"]):
            if i in practice.held_back(q):
                continue
            s.add(CalibrationAnswer(team_id=t, set_id=gold_set, question_id=qid, round=q["round"],
                                    rubric_hash=rubric_hash(bank.rubric_for(q)), source="gold", text=ex["answer"],
                                    intended=dict(ex["levels"]), origin={"example": i, "quality": ex["quality"]},
                                    created_at=T0))
    s.flush()
    assert teams.certification_queue(s, t, copier) == []
    legacy = teams.list_answers(s, t, admin, source="gold")
    for a in legacy[:12]:
        teams.submit_grade(s, t, copier, a.id, a.intended)
    cert = teams.certify(s, t, copier)
    assert not cert.certified and cert.n_answers == 0
    gold = teams.add_gold_answers(s, t, admin, gold_set, rounds=["behavioral"])
    for a in gold[:12]:
        teams.submit_grade(s, t, copier, a.id, a.intended)
    cert = teams.certify(s, t, copier)
    assert cert.certified and cert.n_answers == 12 and cert.reason.endswith("gold answers held back from practice")
