"""Teams and roles, and isolation: no read function lets one team see another team's data."""
from __future__ import annotations

import pytest

from simulator import teams
from tests.test_teams_support import make_team, module_sessions, user


@pytest.fixture(scope="module")
def two(tmp_path_factory):
    """Two teams built once for the module; the tests only read."""
    sessions = module_sessions(tmp_path_factory.mktemp("teams") / "two.sqlite3")
    with sessions() as s:
        a, b = make_team(s, "a"), make_team(s, "b")
        s.commit()
    return sessions, a, b


def test_creator_is_admin_and_roles_are_checked(sessions):
    with sessions() as s:
        admin, other, stranger = user(s, "boss"), user(s, "worker"), user(s, "stranger")
        team = teams.create_team(s, "Acme Research", admin)
        assert team.slug == "acme-research" and team.kappa_threshold == 0.6 and team.min_gold == 10
        assert teams.create_team(s, "Acme Research", admin).slug == "acme-research-2"
        teams.add_member(s, team.id, admin, other)
        assert [(m["username"], m["role"]) for m in teams.list_members(s, team.id, admin)] == [
            ("boss", "admin"), ("worker", "interviewer")]
        with pytest.raises(teams.Forbidden, match="needs the admin role"):
            teams.add_member(s, team.id, other, stranger)
        with pytest.raises(teams.Forbidden, match="not a member"):
            teams.list_members(s, team.id, stranger)
        with pytest.raises(teams.Forbidden, match="at least one admin"):
            teams.set_role(s, team.id, admin, admin, "interviewer")
        with pytest.raises(teams.Forbidden, match="at least one admin"):
            teams.remove_member(s, team.id, admin, admin)
        with pytest.raises(ValueError, match="unknown role"):
            teams.add_member(s, team.id, admin, stranger, "owner")
        teams.set_role(s, team.id, admin, other, "admin")
        teams.set_role(s, team.id, other, admin, "interviewer")  # the new admin may demote the first
        assert [(t.name, r) for t, r in teams.teams_for(s, admin)] == [("Acme Research", "interviewer"),
                                                                      ("Acme Research", "admin")]
        with pytest.raises(teams.Forbidden):
            teams.update_settings(s, team.id, admin, kappa_threshold=0.7)
        assert teams.update_settings(s, team.id, other, kappa_threshold=0.7, min_gold=5).min_gold == 5
        with pytest.raises(ValueError, match="outside -1..1"):
            teams.update_settings(s, team.id, other, kappa_threshold=1.5)


def test_a_missing_team_looks_like_a_foreign_one(sessions):
    with sessions() as s:
        u = user(s, "loner")
        with pytest.raises(teams.Forbidden):
            teams.get_team(s, 999, u)


# Every read function: (name, call(session, team_id, actor, other) -> result, ids of the result's items)
def _ids(rows):
    return {getattr(r, "id", None) or getattr(r, "question_id", None) for r in rows}


READS = {
    "get_team": lambda s, t, u, o: teams.get_team(s, t, u),
    "list_members": lambda s, t, u, o: teams.list_members(s, t, u),
    "team_bank": lambda s, t, u, o: teams.team_bank(s, t, u),
    "list_questions": lambda s, t, u, o: teams.list_questions(s, t, u),
    "get_question": lambda s, t, u, o: teams.get_question(s, t, u, "acme-q1"),
    "list_rubrics": lambda s, t, u, o: teams.list_rubrics(s, t, u),
    "rubric_versions": lambda s, t, u, o: teams.rubric_versions(s, t, u, "acme-behavioral"),
    "rubric_by_hash": lambda s, t, u, o: teams.rubric_by_hash(s, t, u, o.rubric_v1.hash),
    "export_bank": lambda s, t, u, o: teams.export_bank(s, t, u, o.folder),
    "list_sets": lambda s, t, u, o: teams.list_sets(s, t, u),
    "get_set": lambda s, t, u, o: teams.get_set(s, t, u, o.gold_set.id),
    "list_answers": lambda s, t, u, o: teams.list_answers(s, t, u),
    "get_answer": lambda s, t, u, o: teams.get_answer(s, t, u, o.gold[0].id),
    "list_grades": lambda s, t, u, o: teams.list_grades(s, t, u),
    "grading_queue": lambda s, t, u, o: teams.grading_queue(s, t, u),
    "certifications": lambda s, t, u, o: teams.certifications(s, t, u),
    "certification_queue": lambda s, t, u, o: teams.certification_queue(s, t, u),
    "team_records": lambda s, t, u, o: teams.team_records(s, t, u),
    "team_report": lambda s, t, u, o: teams.team_report(s, t, u, n_boot=20, min_n=2),
}


@pytest.mark.parametrize("name", sorted(READS))
def test_no_read_function_crosses_teams(two, name, tmp_path):
    sessions, a, b = two
    read = READS[name]
    a.folder, b.folder = tmp_path / "a", tmp_path / "b"
    with sessions() as s:
        # a member of A asking for team B: refused outright
        with pytest.raises(teams.Forbidden):
            read(s, b.team.id, a.alice, b)
        # a member of A naming B's objects under team A: not found, or A's own object of the same name
        try:
            result = read(s, a.team.id, a.alice, b)
        except teams.NotFound:
            return
        text = repr(_plain(result))
        for leak in ("b-only-q", "b lab", "b-alice", "b: gradient", "(team b)", "(team b, edited)", b.rubric_v1.hash,
                     b.rubric_v2.hash):
            assert leak not in text, f"{name} leaked {leak!r} from team B"
        for row in result if isinstance(result, list) else [result]:
            team_id = getattr(row, "team_id", None)
            assert team_id in (None, a.team.id)


def _plain(result):
    """Everything a caller could read from a result, as nested plain data."""
    from pathlib import Path

    if isinstance(result, list):
        return [_plain(r) for r in result]
    if isinstance(result, Path):
        return result.read_text(encoding="utf-8")
    if hasattr(result, "__table__"):
        return {c.name: getattr(result, c.name) for c in result.__table__.columns}
    if hasattr(result, "questions") and hasattr(result, "rubrics"):  # a Bank
        return {"questions": result.questions, "rubrics": result.rubrics}
    return result


def test_same_ids_in_two_teams_stay_apart(two):
    sessions, a, b = two
    with sessions() as s:
        qa = teams.get_question(s, a.team.id, a.admin, "acme-q1")
        qb = teams.get_question(s, b.team.id, b.admin, "acme-q1")
        assert qa.id != qb.id and qa.team_id == a.team.id
        ra = teams.team_bank(s, a.team.id, a.admin).rubrics["acme-behavioral"]
        assert "(team a, edited)" in ra["criteria"][0]["description"]
        with pytest.raises(teams.NotFound):
            teams.rubric_by_hash(s, a.team.id, a.admin, b.rubric_v2.hash)
        with pytest.raises(teams.NotFound):
            teams.submit_grade(s, a.team.id, a.alice, b.gold[1].id, {"depth": 3})
        with pytest.raises(teams.NotFound):
            teams.add_synthetic_answers(s, a.team.id, a.admin, a.gold_set.id, b.gold[0].id)
        with pytest.raises(teams.NotFound):
            teams.allocate(s, a.team.id, a.admin, b.gold_set.id)
        with pytest.raises(ValueError, match="not members"):
            teams.allocate(s, a.team.id, a.admin, a.gold_set.id, graders=[a.alice, b.bob])
