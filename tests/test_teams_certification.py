"""Grader certification on gold answers: people and machine graders alike; grading rules that depend on it."""
from __future__ import annotations

import numpy as np
import pytest

from simulator import teams
from simulator.validation import ValidationFailed
from tests.test_teams_support import gold_questions, user


@pytest.fixture
def ws(sessions):
    s = sessions()
    admin = user(s, "ann")
    team = teams.create_team(s, "Acme", admin, min_gold=10)
    people = {name: user(s, name) for name in ("match", "random", "lazy")}
    for uid in people.values():
        teams.add_member(s, team.id, admin, uid)
    gold_set = teams.create_set(s, team.id, admin, "gold")
    gold = teams.add_gold_answers(s, team.id, admin, gold_set.id, question_ids=gold_questions(("behavioral",)))
    yield s, team.id, admin, people, gold
    s.close()


def test_a_grader_matching_gold_passes_and_a_random_one_fails(ws):
    s, t, admin, people, gold = ws
    rng = np.random.default_rng(0)
    for a in gold[:12]:
        teams.submit_grade(s, t, people["match"], a.id, dict(a.intended))
        teams.submit_grade(s, t, people["random"], a.id, {c: int(rng.integers(1, 6)) for c in a.intended})
    for a in gold[:4]:
        teams.submit_grade(s, t, people["lazy"], a.id, dict(a.intended))
    by = {c["grader"]: c for c in teams.certifications(s, t, admin)}
    assert by["match"]["certified"] and by["match"]["kappa"] == pytest.approx(1.0)
    assert by["match"]["n_answers"] == 12 and by["match"]["n_pairs"] == sum(len(a.intended) for a in gold[:12])
    assert not by["random"]["certified"] and by["random"]["kappa"] < 0.3 and "< 0.60" in by["random"]["reason"]
    assert by["random"]["ci95"][0] < by["random"]["kappa"] < by["random"]["ci95"][1]
    assert not by["lazy"]["certified"] and by["lazy"]["reason"] == "only 4 gold answers graded (minimum 10)"
    assert teams.is_certified(s, t, people["match"]) and not teams.is_certified(s, t, people["random"])
    assert len(teams.certification_queue(s, t, people["lazy"])) == len(gold) - 4
    teams.update_settings(s, t, admin, min_gold=4)
    assert teams.certify(s, t, people["lazy"]).certified  # recomputed on request with the new minimum
    with pytest.raises(teams.Forbidden, match="only a team admin"):
        teams.certify(s, t, people["lazy"], people["match"])


def test_keyword_grader_is_certified_like_anyone_else(ws):
    s, t, admin, _, gold = ws
    cert = teams.certify_machine(s, t, admin, "keyword")
    assert cert.grader_key == "machine:keyword" and cert.n_answers == len(gold)
    assert cert.kappa is not None and cert.ci_low < cert.kappa < cert.ci_high
    assert cert.certified == (cert.kappa >= 0.6)
    print(f"keyword grader on {cert.n_answers} bundled behavioral gold answers: kappa {cert.kappa:.3f} "
          f"[{cert.ci_low:.3f}, {cert.ci_high:.3f}], {cert.n_pairs} pairs")
    llm = teams.certify_machine(s, t, admin, "llm")  # no key in tests: nothing graded, so withheld
    assert llm.kappa is None and not llm.certified and llm.n_answers == 0


def test_grading_rules(ws):
    s, t, admin, people, gold = ws
    p = people["match"]
    with pytest.raises(ValidationFailed) as exc:
        teams.submit_grade(s, t, p, gold[0].id, {"depth": 3, "reflection": 7, "collaboration": "high"})
    assert str(exc.value).splitlines() == [
        f"answer {gold[0].id}: /levels/collaboration: level 'high' is not an integer 1..5 or null",
        f"answer {gold[0].id}: /levels/depth: criterion 'depth' is not in rubric 'behavioral'",
        f"answer {gold[0].id}: /levels/reflection: level 7 is not an integer 1..5 or null"]
    first = teams.submit_grade(s, t, p, gold[0].id, {"reflection": 3})
    assert first.payload["criteria"][0] == {"criterion": "situation_and_stakes", "level": None}
    assert first.payload["grader"] == {"kind": "staff", "name": "match", "version": "1"}
    with pytest.raises(teams.InvalidTransition, match="graded once"):
        teams.submit_grade(s, t, p, gold[0].id, {"reflection": 4})

    calib = teams.create_set(s, t, admin, "round").id
    candidate = user(s, "cand")
    shared = teams.add_shared_answer(s, t, admin, calib, question_id=gold[0].question_id, text="My story.",
                                     author_user_id=candidate, consent=True)
    with pytest.raises(teams.Forbidden, match="certified"):
        teams.submit_grade(s, t, p, shared.id, {"reflection": 3})
    for a in gold[1:11]:
        teams.submit_grade(s, t, p, a.id, dict(a.intended))
    assert teams.is_certified(s, t, p)
    teams.allocate(s, t, admin, calib, n=2, graders=[people["random"], people["lazy"]])
    with pytest.raises(teams.Forbidden, match="not assigned"):
        teams.submit_grade(s, t, p, shared.id, {"reflection": 3})
    teams.update_settings(s, t, admin, require_certification=False)
    graded = teams.submit_grade(s, t, people["lazy"], shared.id, {"reflection": 2})
    assert teams.submit_grade(s, t, people["lazy"], shared.id, {"reflection": 3}).id == graded.id  # regrade
    teams.add_member(s, t, admin, candidate)
    with pytest.raises(teams.Forbidden, match="own answer"):
        teams.submit_grade(s, t, candidate, shared.id, {"reflection": 3})


def test_llm_grader_is_certified_through_the_registry_against_a_fake_server(ws, monkeypatch):
    import json

    from tests.fake_openai_server import FakeOpenAI, tagged_answer

    s, t, admin, _, gold = ws
    intended = {" ".join(a.text.split()): a.intended for a in gold}
    server = FakeOpenAI().start()

    def oracle(body):  # a judge that gives the intended level of each gold answer
        reply = server.reply(body)
        levels = intended.get(" ".join((tagged_answer(body) or "").split()), {})
        for entry in reply["criteria"]:
            entry["level"] = levels.get(entry["criterion"], 3)
        return json.dumps(reply)

    server.default = oracle
    monkeypatch.setenv("OPENAI_API_KEY", "test-key")
    monkeypatch.setenv("OPENAI_BASE_URL", server.url)
    monkeypatch.setenv("MOCKLOOP_LLM_MODEL", "fake-judge")
    try:
        cert = teams.certify_machine(s, t, admin, "llm")
    finally:
        server.stop()
    assert len(server.requests) == len(gold)
    assert cert.grader_key == "machine:llm" and cert.n_answers == len(gold)
    assert cert.certified and cert.kappa > 0.95
    report = teams.team_report(s, t, admin, min_n=5, n_boot=20)
    assert "machine:llm" in report["kappa"]["graders"]
