"""Grades on calibration answers, from people and from machine graders, in the shared Grade shape.

People grade through `submit_grade` (levels per criterion of the answer's
pinned rubric). Gold answers are open to every member: they are how graders
get certified. Other answers need an assignment (when the answer has any) and,
when the team requires it, a current certification. Machine graders
("keyword", "llm") grade through `simulator.graders.base.grade_answer`.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from simulator.scoring import round_score
from simulator.storage.models import User
from simulator.teams import library
from simulator.teams.answers import answer_row, set_row
from simulator.teams.certification import compute, standing
from simulator.teams.errors import Forbidden, InvalidTransition
from simulator.teams.grades import MachineRun, run_machine, upsert, user_key
from simulator.teams.models import Assignment, CalibrationAnswer, Team, TeamGrade
from simulator.teams.workspace import require_admin, require_member, utcnow
from simulator.validation import Problem, ValidationFailed, validate

def _check_levels(levels: Mapping[str, Any], rubric: dict[str, Any], where: str) -> dict[str, int | None]:
    ids = [c["id"] for c in rubric["criteria"]]
    problems = []
    for cid, level in levels.items():
        if cid not in ids:
            problems.append(Problem(where, f"/levels/{cid}", f"criterion {cid!r} is not in rubric {rubric['id']!r}"))
        elif level is not None and (isinstance(level, bool) or not isinstance(level, int) or not 1 <= level <= 5):
            problems.append(Problem(where, f"/levels/{cid}", f"level {level!r} is not an integer 1..5 or null"))
    if problems:
        raise ValidationFailed(problems)
    return {cid: levels.get(cid) for cid in ids}


def grading_lock(session: Session, team_id: int, actor: int, answer: CalibrationAnswer) -> str | None:
    """Why `actor` may not grade `answer` (what `submit_grade` refuses with), or None: a page asks before it
    shows a form, so nobody fills a whole rubric to be refused on save."""
    if answer.author_user_id == actor:
        return "nobody grades their own answer"
    if answer.source == "gold":
        return None
    assigned = set(session.scalars(select(Assignment.grader_user_id).where(Assignment.team_id == team_id,
                                                                           Assignment.answer_id == answer.id)))
    if assigned and actor not in assigned:
        return f"answer {answer.id} is not assigned to you"
    team = session.get(Team, team_id)
    if team.require_certification:
        mine = standing(session, team_id, actor)
        if not mine["certified"]:
            return f"this team needs graders to be certified before grading its answers: {mine['todo']}"
    return None


def submit_grade(session: Session, team_id: int, actor: int, answer_id: int, levels: Mapping[str, Any], *,
                 feedback: str = "", now: datetime | None = None) -> TeamGrade:
    """A member's levels for one answer. Gold grades are final and update the grader's certification."""
    require_member(session, team_id, actor)
    answer = answer_row(session, team_id, answer_id)
    lock = grading_lock(session, team_id, actor, answer)
    if lock:
        raise Forbidden(lock)
    rubric = library.find_rubric(session, team_id, answer.rubric_hash)
    clean = _check_levels(levels, rubric, f"answer {answer_id}")
    key = user_key(actor)
    if answer.source == "gold":
        if session.scalar(select(TeamGrade.id).where(TeamGrade.team_id == team_id, TeamGrade.answer_id == answer.id,
                                                     TeamGrade.grader_key == key)) is not None:
            raise InvalidTransition("gold answers are graded once; this one already has your grade")
    name = session.get(User, actor).username
    payload = {"grader": {"kind": "staff", "name": name, "version": "1"},
               "rubric": {"id": rubric["id"], "version": rubric["version"], "hash": answer.rubric_hash},
               "question_id": answer.question_id,
               "criteria": [{"criterion": cid, "level": lv} for cid, lv in clean.items()],
               "score": round_score(clean, rubric), "feedback": feedback, "flags": []}
    problems = validate("grade", payload, f"answer {answer_id}")
    if problems:
        raise ValidationFailed(problems)
    row = upsert(session, answer, key, actor, "staff", clean, payload, utcnow(now))
    if answer.source == "gold":
        compute(session, team_id, key, now=now)
    return row


def run_machine_grader(session: Session, team_id: int, actor: int, name: str, *, set_id: int | None = None,
                       sources: Sequence[str] | None = None, now: datetime | None = None) -> MachineRun:
    """Grade the team's answers (one set, some sources, or all) with "keyword" or "llm" (admin)."""
    require_admin(session, team_id, actor)
    stmt = select(CalibrationAnswer).where(CalibrationAnswer.team_id == team_id).order_by(CalibrationAnswer.id)
    if set_id is not None:
        stmt = stmt.where(CalibrationAnswer.set_id == set_row(session, team_id, set_id).id)
    if sources is not None:
        stmt = stmt.where(CalibrationAnswer.source.in_(list(sources)))
    return run_machine(session, team_id, name, list(session.scalars(stmt)), now=now)


def grading_queue(session: Session, team_id: int, actor: int) -> list[CalibrationAnswer]:
    """Answers assigned to the actor that the actor has not graded yet."""
    require_member(session, team_id, actor)
    done = select(TeamGrade.answer_id).where(TeamGrade.team_id == team_id, TeamGrade.grader_key == user_key(actor))
    stmt = (select(CalibrationAnswer).join(Assignment, Assignment.answer_id == CalibrationAnswer.id)
            .where(Assignment.team_id == team_id, CalibrationAnswer.team_id == team_id,
                   Assignment.grader_user_id == actor, CalibrationAnswer.id.not_in(done))
            .order_by(CalibrationAnswer.id))
    return list(session.scalars(stmt))


def list_grades(session: Session, team_id: int, actor: int, *, set_id: int | None = None,
                answer_id: int | None = None) -> list[TeamGrade]:
    require_member(session, team_id, actor)
    stmt = select(TeamGrade).where(TeamGrade.team_id == team_id).order_by(TeamGrade.id)
    if set_id is not None:
        set_row(session, team_id, set_id)
        stmt = stmt.join(CalibrationAnswer, CalibrationAnswer.id == TeamGrade.answer_id).where(
            CalibrationAnswer.set_id == set_id, CalibrationAnswer.team_id == team_id)
    if answer_id is not None:
        stmt = stmt.where(TeamGrade.answer_id == answer_row(session, team_id, answer_id).id)
    return list(session.scalars(stmt))
