"""Team statistics end to end: Faker graders with known severity, numpy-simulated grades, the report back."""
from __future__ import annotations

import json

import numpy as np
import pytest
from faker import Faker

from simulator import teams
from simulator.teams.demo import seed_demo_team
from tests.test_teams_support import gold_questions, module_sessions, simulated_levels, user

SEVERITY = [-1.0, 1.0, 0.0, 0.1, -0.1, 0.0, 0.05, -0.05]  # the first is harsh, the second lenient
NOISE = 0.35


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """A team of eight Faker-named graders: gold first, then an allocated calibration round; keyword on the gold."""
    sessions = module_sessions(tmp_path_factory.mktemp("stats") / "stats.sqlite3")
    fake = Faker()
    fake.seed_instance(7)
    rng = np.random.default_rng(7)
    s = sessions()
    admin = user(s, "lead")
    team = teams.create_team(s, "Simulated lab", admin, min_gold=8, require_certification=False)
    people = []
    for _ in SEVERITY:
        people.append(user(s, fake.unique.user_name()))
        teams.add_member(s, team.id, admin, people[-1])
    gold_set = teams.create_set(s, team.id, admin, "gold").id
    gold = teams.add_gold_answers(s, team.id, admin, gold_set,
                                  question_ids=gold_questions(("behavioral", "research_framing")))
    for i, p in enumerate(people):
        for k in rng.choice(len(gold), 10, replace=False):
            a = gold[int(k)]
            teams.submit_grade(s, team.id, p, a.id, simulated_levels(a.intended, SEVERITY[i], NOISE, rng))
    calib = teams.create_set(s, team.id, admin, "round 1").id
    truth = {}
    for a in [a for a in gold if a.origin["quality"] == "strong"][:14]:
        made, _ = teams.add_synthetic_answers(s, team.id, admin, calib, a.id)
        truth.update({m.id: m.intended for m in made})
    alloc = teams.allocate(s, team.id, admin, calib, n=3, graders=people)
    for answer_id, g in alloc.created:
        i = people.index(g)
        teams.submit_grade(s, team.id, g, answer_id, simulated_levels(truth[answer_id], SEVERITY[i], NOISE, rng))
    # the keyword grader grades the gold set (certification); it is kept out of the people's calibration round,
    # whose alpha the test checks: on these synthetic behavioural answers it agrees with people at kappa ~0.4
    # (the behavioural round is not certified for it; see mockloop graders certify)
    teams.certify_machine(s, team.id, admin, "keyword")
    s.commit()
    names = {m["user_id"]: m["username"] for m in teams.list_members(s, team.id, admin)}
    yield s, team.id, admin, people, names, alloc
    s.close()


def test_report_end_to_end(graded):
    s, t, admin, people, names, alloc = graded
    assert alloc.connected
    r = teams.team_report(s, t, admin, min_n=10, n_boot=100)
    json.dumps(r, allow_nan=False)  # JSON-ready, no NaN
    graders = r["kappa"]["graders"]
    assert "machine:keyword" in graders and set(names[p] for p in people) <= set(graders)
    k = graders.index("machine:keyword")
    pair = r["kappa"]["matrix"][graders.index(names[people[2]])][k]
    assert pair["value"] is not None and pair["n"] >= 10 and pair["ci95"][0] < pair["value"] < pair["ci95"][1]
    for form, value in r["icc"].items():
        assert value is not None, form
    assert r["icc_detail"]["ICC(A,1)"]["design"] == "largest complete block"
    assert r["alpha_detail"]["ordinal"]["ci95"] is not None and r["alpha"]["ordinal"] > 0.6
    assert {row["round"] for row in r["rounds"]} == {"behavioral", "research_framing"}
    assert all(row["alpha_ordinal"]["n"] > 0 for row in r["rounds"])
    assert all(c["criterion"].split(":")[0] in ("behavioral", "research_framing") for c in r["criteria"])
    sev = {g["grader"]: g for g in r["severity"]["graders"]}
    assert sev[names[people[0]]]["label"] == "harsh" and sev[names[people[1]]]["label"] == "lenient"
    # Levels are clipped to 1..5, so a +-1 severity is attenuated (a lenient grader cannot go above 5 on a
    # strong answer): the estimates keep the sign and order of the truth and stay between 0 and it.
    harsh, lenient = sev[names[people[0]]], sev[names[people[1]]]
    assert SEVERITY[0] - 3 * harsh["se"] < harsh["value"] < -0.3
    assert 0.3 < lenient["value"] < SEVERITY[1] + 3 * lenient["se"]
    middle = [sev[names[p]] for p in people[2:]]
    assert all(g["label"] is None and abs(g["value"]) < 0.25 for g in middle)
    assert harsh["value"] < min(g["value"] for g in middle) and lenient["value"] > max(g["value"] for g in middle)
    flagged = {(f["kind"], f["subject"]) for f in r["flags"]}
    assert ("harsh_grader", names[people[0]]) in flagged and ("lenient_grader", names[people[1]]) in flagged
    assert r["questions"] and all("difficulty" in q for q in r["questions"])
    assert {c["grader"] for c in r["certifications"]} >= {"machine:keyword", names[people[2]]}
    assert r["team"]["name"] == "Simulated lab"


def test_statistics_below_the_minimum_are_withheld(graded):
    s, t, admin, *_ = graded
    r = teams.team_report(s, t, admin, min_n=100_000, n_boot=20)
    assert all(c["alpha_ordinal"]["value"] is None and "min" in c["alpha_ordinal"]["reason"] for c in r["criteria"])
    assert all(g["value"] is None and g["reason"].startswith("only") for g in r["severity"]["graders"])
    assert r["flags"] == []
    matrix = r["kappa"]["matrix"]
    assert all(cell is None or cell["value"] is None for row in matrix for cell in row)


def test_records_per_set_and_people_only(graded):
    s, t, admin, people, *_ = graded
    everything = teams.team_records(s, t, admin)
    people_only = teams.team_records(s, t, admin, include_machines=False)
    assert len(people_only) < len(everything) and not {g.grader for g in people_only} & {"machine:keyword"}
    sets = teams.list_sets(s, t, admin)
    by_set = [teams.team_records(s, t, admin, set_id=x.id) for x in sets]
    assert sum(map(len, by_set)) == len(everything)


def test_demo_team_is_ready_for_a_dashboard(sessions):
    with sessions() as s:
        out = seed_demo_team(s, seed=3, n_interviewers=5, questions_per_round=2, gold_per_grader=11)
        s.commit()
        t, admin = out["team_id"], out["admin_user_id"]
        assert len(out["interviewers"]) == 5 and out["allocation_connected"]
        assert out["interviewers"][-1] not in out["certified"]  # the deliberately noisy one
        assert out["keyword_kappa"] is not None
        assert [r.version for r in teams.rubric_versions(s, t, admin, "demo-behavioral")] == ["1.0.0", "1.1.0"]
        assert teams.list_questions(s, t, admin)[0].status == "reviewed"
        r = teams.team_report(s, t, admin, n_boot=50)
        assert r["input"]["graders"] >= 5 and "machine:keyword" in r["kappa"]["graders"]
        assert len(teams.list_answers(s, t, admin, source="shared")) > 0
