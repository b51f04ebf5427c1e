"""Reading a team's questions and rubrics, and the bank a team grades from.

A team's bank is the bundled bank (rubrics, tracks, paper cards, questions)
plus the team's own rubrics (current version of each) and questions, without
retired ones. Team ids never shadow bundled ids (authoring refuses them).
Rubric versions are stored by content hash (`rubrics.rubric_hash`): a grade
records the hash, and `rubric_by_hash` finds that exact rubric again after
any number of edits.
"""
from __future__ import annotations

from functools import lru_cache
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from rubrics import rubric_hash
from simulator.bank import Bank, default_bank
from simulator.teams.errors import NotFound
from simulator.teams.models import TeamQuestion, TeamRubric
from simulator.teams.workspace import require_member


def base_bank() -> Bank:
    """The bundled bank every team builds on."""
    return default_bank()


@lru_cache(maxsize=1)
def _bundled_by_hash() -> dict[str, dict[str, Any]]:
    return {rubric_hash(r): r for r in base_bank().rubrics.values()}


def bundled_files() -> set[str]:
    return {file for file, _ in base_bank().sources.values()}


def team_source(kind: str, ident: str) -> str:
    """The pseudo file name a stored team item is reported under."""
    return f"team:{kind}s/{ident}.json"


# -- internal, no membership check: callers have checked ------------------------------------------------------

def current_rubric_rows(session: Session, team_id: int, *, include_retired: bool = False) -> list[TeamRubric]:
    latest = (select(TeamRubric.rubric_id, func.max(TeamRubric.seq).label("seq"))
              .where(TeamRubric.team_id == team_id).group_by(TeamRubric.rubric_id).subquery())
    rows = session.scalars(select(TeamRubric).join(latest, (TeamRubric.rubric_id == latest.c.rubric_id)
                                                   & (TeamRubric.seq == latest.c.seq))
                           .where(TeamRubric.team_id == team_id).order_by(TeamRubric.rubric_id)).all()
    return [r for r in rows if include_retired or r.status != "retired"]


def current_rubric_row(session: Session, team_id: int, rubric_id: str) -> TeamRubric | None:
    return session.scalar(select(TeamRubric).where(TeamRubric.team_id == team_id, TeamRubric.rubric_id == rubric_id)
                          .order_by(TeamRubric.seq.desc()).limit(1))


def question_rows(session: Session, team_id: int, *, status: str | None = None,
                  include_retired: bool = False) -> list[TeamQuestion]:
    stmt = select(TeamQuestion).where(TeamQuestion.team_id == team_id).order_by(TeamQuestion.question_id)
    if status is not None:
        stmt = stmt.where(TeamQuestion.status == status)
    rows = session.scalars(stmt).all()
    return [q for q in rows if include_retired or status == "retired" or q.status != "retired"]


def question_row(session: Session, team_id: int, question_id: str) -> TeamQuestion | None:
    return session.scalar(select(TeamQuestion).where(TeamQuestion.team_id == team_id,
                                                     TeamQuestion.question_id == question_id))


def build_bank(session: Session, team_id: int) -> Bank:
    base = base_bank()
    bank = Bank(rubrics=dict(base.rubrics), tracks=dict(base.tracks), papers=dict(base.papers),
                questions=dict(base.questions), sources=dict(base.sources))
    for row in current_rubric_rows(session, team_id):
        bank.rubrics[row.rubric_id] = row.content
        bank.sources[("rubric", row.rubric_id)] = (team_source("rubric", row.rubric_id), "")
    for row in question_rows(session, team_id):
        bank.questions[row.question_id] = row.content
        bank.sources[("question", row.question_id)] = (team_source("question", row.question_id), "")
    return bank


def find_rubric(session: Session, team_id: int, digest: str) -> dict[str, Any] | None:
    row = session.scalar(select(TeamRubric).where(TeamRubric.team_id == team_id, TeamRubric.hash == digest))
    if row is not None:
        return row.content
    return _bundled_by_hash().get(digest)


# -- public reads ------------------------------------------------------------------------------------------------

def team_bank(session: Session, team_id: int, actor: int) -> Bank:
    """Bundled questions and rubrics plus the team's own (not retired)."""
    require_member(session, team_id, actor)
    return build_bank(session, team_id)


def list_questions(session: Session, team_id: int, actor: int, *, status: str | None = None,
                   include_retired: bool = False) -> list[TeamQuestion]:
    """The team's own questions (rows: question_id, round, rubric_id, status, content, ...)."""
    require_member(session, team_id, actor)
    return question_rows(session, team_id, status=status, include_retired=include_retired)


def get_question(session: Session, team_id: int, actor: int, question_id: str) -> TeamQuestion:
    require_member(session, team_id, actor)
    row = question_row(session, team_id, question_id)
    if row is None:
        raise NotFound(f"no question {question_id!r} in team {team_id}")
    return row


def list_rubrics(session: Session, team_id: int, actor: int, *, include_retired: bool = False) -> list[TeamRubric]:
    """The current version of each of the team's rubrics."""
    require_member(session, team_id, actor)
    return current_rubric_rows(session, team_id, include_retired=include_retired)


def rubric_versions(session: Session, team_id: int, actor: int, rubric_id: str) -> list[TeamRubric]:
    """Every stored version of one rubric, oldest first (the last one is current)."""
    require_member(session, team_id, actor)
    rows = session.scalars(select(TeamRubric).where(TeamRubric.team_id == team_id, TeamRubric.rubric_id == rubric_id)
                           .order_by(TeamRubric.seq)).all()
    if not rows:
        raise NotFound(f"no rubric {rubric_id!r} in team {team_id}")
    return list(rows)


def rubric_by_hash(session: Session, team_id: int, actor: int, digest: str) -> dict[str, Any]:
    """The exact rubric a grade used: one of this team's stored versions, or a bundled rubric."""
    require_member(session, team_id, actor)
    found = find_rubric(session, team_id, digest)
    if found is None:
        raise NotFound(f"no rubric with hash {digest} in team {team_id}")
    return found
