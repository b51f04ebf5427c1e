"""Shared answers reach a team "without the candidate's name": the grade records (grades.csv, the report)
name the candidate by a pseudonym that the member list cannot turn back into an account."""
from __future__ import annotations

from simulator import teams
from simulator.bank import default_bank
from tests.test_teams_support import user

QID = "beh-model-rollback"


def test_grade_records_do_not_name_the_candidate_by_user_id(sessions):
    s = sessions()
    admin = user(s, "ann")
    team = teams.create_team(s, "Acme", admin, require_certification=False)
    calib = teams.create_set(s, team.id, admin, "calibration")
    alice, bob = user(s, "alice"), user(s, "bob")
    for cand in (alice, bob):
        teams.add_member(s, team.id, admin, cand)  # a candidate shares only with a team they are in
    rubric = default_bank().rubric_for(default_bank().questions[QID])
    levels = {c["id"]: 3 for c in rubric["criteria"]}
    for cand, text in ((alice, "first"), (alice, "second"), (bob, "third")):
        row = teams.add_shared_answer(s, team.id, admin, calib.id, question_id=QID, text=f"I rolled back: {text}.",
                                      author_user_id=cand, consent=True)
        teams.submit_grade(s, team.id, admin, row.id, levels)
    records = teams.team_records(s, team.id, admin)
    by_answer = {r.answer_id: r.candidate_id for r in records}
    ids = list(dict.fromkeys(by_answer.values()))
    assert len(by_answer) == 3 and len(ids) == 2  # one pseudonym per candidate, stable across answers
    members = {str(m["user_id"]) for m in teams.list_members(s, team.id, admin)}
    assert not any(str(cid).lstrip("u") in members for cid in ids), ids
    s.close()
