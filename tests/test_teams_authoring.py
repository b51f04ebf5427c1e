"""Authoring: import problems as exact pointer lines, review transitions, rubric versions by hash, export."""
from __future__ import annotations

import json

import pytest

from simulator import teams
from simulator.bank import check
from simulator.validation import ValidationFailed
from tests.test_teams_support import team_question, team_rubric, user


@pytest.fixture
def ws(sessions):
    s = sessions()
    admin, reviewer, interviewer = user(s, "ann"), user(s, "rev"), user(s, "ivan")
    team = teams.create_team(s, "Acme", admin)
    teams.add_member(s, team.id, admin, reviewer, "admin")
    teams.add_member(s, team.id, admin, interviewer)
    yield s, team.id, admin, reviewer, interviewer
    s.close()


def _lines(exc: pytest.ExceptionInfo) -> list[str]:
    return str(exc.value).splitlines()


def test_import_reports_every_problem_as_a_pointer_line_and_stores_nothing(ws):
    s, t, admin, _, _ = ws
    teams.save_rubric(s, t, admin, team_rubric())
    bad = team_question("imp-a")
    bad["key_points"][0]["criterion"] = "nope"
    bad["probes"][0]["targets"] = ["zz"]
    missing = team_question("imp-b")
    del missing["prompt"]
    missing["difficulty"] = "extreme"
    weights = team_rubric("imp-r")
    weights["criteria"][1]["weight"] = -1
    docs = {"questions/bad.json": json.dumps([bad, missing, team_question("imp-c", rid="no-such-rubric")]),
            "rubric.json": json.dumps(weights), "broken.json": "{oops", "../../etc/track.json": json.dumps(
                {"id": "t", "rounds": []}), "taken.json": json.dumps(team_question("beh-model-rollback"))}
    with pytest.raises(ValidationFailed) as exc:
        teams.import_documents(s, t, admin, docs)
    assert _lines(exc) == [
        "broken.json: /: invalid JSON at line 1 column 2: Expecting property name enclosed in double quotes",
        "etc/track.json: /: a team can import rubrics and questions only, not tracks or paper cards",
        "questions/bad.json: /0/key_points/0/criterion: criterion 'nope' is not in rubric 'acme-behavioral'",
        "questions/bad.json: /0/probes/0/targets/0: unknown key point 'zz'",
        "questions/bad.json: /1: 'prompt' is required",
        "questions/bad.json: /1/difficulty: 'extreme' is not one of ['easy', 'medium', 'hard']",
        "questions/bad.json: /2/rubric: unknown rubric 'no-such-rubric'",
        "rubric.json: /criteria/1/weight: -1 is less than or equal to the minimum of 0",
        "taken.json: /id: question id 'beh-model-rollback' is taken by a bundled question; choose another id",
    ]
    assert teams.list_questions(s, t, admin) == []


def test_import_creates_then_updates(ws, tmp_path):
    s, t, admin, _, _ = ws
    folder = tmp_path / "upload"
    folder.mkdir()
    (folder / "r.json").write_text(json.dumps(team_rubric()))
    (folder / "q.json").write_text(json.dumps([team_question("imp-a"), team_question("imp-b")]))
    first = teams.import_paths(s, t, admin, [folder])
    assert first.rubrics_added == ["acme-behavioral@1.0.0"]
    assert first.questions_created == ["imp-a", "imp-b"]
    again = teams.import_paths(s, t, admin, [folder])
    assert again.rubrics_unchanged == ["acme-behavioral@1.0.0"] and again.questions_unchanged == ["imp-a", "imp-b"]
    (folder / "q.json").write_text(json.dumps([team_question("imp-a", tests="Edited: what it tests now.")]))
    assert teams.import_paths(s, t, admin, [folder]).questions_updated == ["imp-a"]
    assert [q.question_id for q in teams.list_questions(s, t, admin)] == ["imp-a", "imp-b"]


def test_single_save_problems_use_the_given_file_name(ws):
    s, t, admin, _, _ = ws
    teams.save_rubric(s, t, admin, team_rubric())
    q = team_question()
    q["key_points"][1]["criterion"] = "style"
    with pytest.raises(ValidationFailed) as exc:
        teams.save_question(s, t, admin, q, file="form")
    assert _lines(exc) == ["form: /key_points/1/criterion: criterion 'style' is not in rubric 'acme-behavioral'"]
    with pytest.raises(ValidationFailed) as exc:
        teams.save_rubric(s, t, admin, team_rubric(note=" changed"), file="form")
    assert _lines(exc) == ["form: /version: rubric 'acme-behavioral' version '1.0.0' is already stored "
                           "with different content; bump the version"]


def test_review_transitions(ws):
    s, t, admin, reviewer, interviewer = ws
    teams.save_rubric(s, t, admin, team_rubric())
    row = teams.save_question(s, t, interviewer, team_question())  # interviewers may author drafts
    assert row.status == "draft" and teams.allowed("draft") == ["retired", "reviewed"]
    with pytest.raises(teams.Forbidden, match="only a team admin"):
        teams.set_question_status(s, t, interviewer, "acme-q1", "reviewed")
    teams.save_question(s, t, admin, team_question(tests="Whether the candidate explains it, edited."))
    with pytest.raises(teams.InvalidTransition, match="another admin must review it"):
        teams.set_question_status(s, t, admin, "acme-q1", "reviewed")
    assert teams.set_question_status(s, t, reviewer, "acme-q1", "reviewed").status == "reviewed"
    with pytest.raises(teams.InvalidTransition, match="it can move to draft, retired, not reviewed"):
        teams.set_question_status(s, t, reviewer, "acme-q1", "reviewed")
    assert teams.save_question(s, t, admin, team_question()).status == "draft"  # an edit reopens review
    with pytest.raises(teams.InvalidTransition, match="used by acme-q1"):
        teams.set_rubric_status(s, t, admin, "acme-behavioral", "retired")
    teams.set_question_status(s, t, admin, "acme-q1", "retired")
    assert teams.list_questions(s, t, admin) == [] and "acme-q1" not in teams.team_bank(s, t, admin).questions
    with pytest.raises(teams.InvalidTransition, match="it can move to draft, not reviewed"):
        teams.set_question_status(s, t, reviewer, "acme-q1", "reviewed")
    with pytest.raises(ValidationFailed, match="question.json: /id: question 'acme-q1' is retired"):
        teams.save_question(s, t, admin, team_question())
    teams.set_rubric_status(s, t, admin, "acme-behavioral", "retired")
    with pytest.raises(teams.InvalidTransition, match="rubric 'acme-behavioral', which is retired"):
        teams.set_question_status(s, t, admin, "acme-q1", "draft")
    teams.set_rubric_status(s, t, admin, "acme-behavioral", "draft")
    assert teams.set_question_status(s, t, admin, "acme-q1", "draft").status == "draft"
    with pytest.raises(teams.InvalidTransition, match="unknown status"):
        teams.set_question_status(s, t, admin, "acme-q1", "published")


def test_rubric_versions_by_hash_and_old_grades_keep_their_rubric(ws):
    s, t, admin, _, interviewer = ws
    v1 = teams.save_rubric(s, t, admin, team_rubric())
    assert teams.save_rubric(s, t, admin, team_rubric()).id == v1.id  # same content: no new version
    teams.save_question(s, t, admin, team_question())
    gold = teams.create_set(s, t, admin, "gold")
    old_answer = teams.add_gold_answers(s, t, admin, gold.id, question_ids=["acme-q1"])[0]
    graded = teams.submit_grade(s, t, interviewer, old_answer.id, {"depth": 4, "clarity": 4})
    v2 = teams.save_rubric(s, t, admin, team_rubric(version="2.0.0", note=" Now with numbers."))
    assert v2.hash != v1.hash and [r.version for r in teams.rubric_versions(s, t, admin, "acme-behavioral")] == [
        "1.0.0", "2.0.0"]
    assert teams.list_rubrics(s, t, admin)[0].hash == v2.hash
    assert graded.rubric_hash == v1.hash == graded.payload["rubric"]["hash"]
    assert teams.rubric_by_hash(s, t, admin, graded.rubric_hash) == team_rubric()
    new_answer = teams.add_gold_answers(s, t, admin, gold.id, question_ids=["acme-q1"])[0]
    assert new_answer.rubric_hash == v2.hash
    bundled = teams.team_bank(s, t, admin).rubrics["behavioral"]
    from rubrics import rubric_hash

    assert teams.rubric_by_hash(s, t, admin, rubric_hash(bundled)) == bundled
    back = teams.save_rubric(s, t, admin, team_rubric())  # reverting makes the old version current again
    assert back.id == v1.id and teams.list_rubrics(s, t, admin)[0].hash == v1.hash
    assert [r.version for r in teams.rubric_versions(s, t, admin, "acme-behavioral")] == ["2.0.0", "1.0.0"]


def test_export_then_validate(ws, tmp_path):
    s, t, admin, _, _ = ws
    teams.save_rubric(s, t, admin, team_rubric())
    teams.save_rubric(s, t, admin, team_rubric(version="1.1.0", note=" edited"))
    teams.save_question(s, t, admin, team_question())
    teams.save_question(s, t, admin, team_question("acme-bundled-rubric", rid="behavioral",
                                                   key_points=[{"id": "a", "text": "gradient accumulation",
                                                                "criterion": "reflection"}],
                                                   probes=[], examples=[]))
    teams.save_question(s, t, admin, team_question("acme-old"))
    teams.set_question_status(s, t, admin, "acme-old", "retired")
    written = teams.export_bank(s, t, admin, tmp_path / "out")
    assert sorted(p.relative_to(tmp_path / "out").as_posix() for p in written) == [
        "questions/behavioral.json", "rubrics/acme-behavioral.json"]
    bank, problems = check([tmp_path / "out"])
    assert problems == []
    assert {"acme-q1", "acme-bundled-rubric"} <= set(bank.questions) and "acme-old" not in bank.questions
    assert bank.rubrics["acme-behavioral"]["version"] == "1.1.0"
