"""Calibration sets and the answers in them.

Sources of answers:
  gold       the held-back graded example of each bank question (bundled or the team's), with its
             intended levels: never shown in peer practice (`simulator.peers.practice.held_back`),
             so a grader cannot have copied its levels
  shared     an answer from a candidate's loop, only with the candidate's consent (stored on the row)
  synthetic  a gold answer with chosen key points removed; intended levels by the rule in `synthetic`
  llm        written by the LLM when one is configured, its levels measured on the text

Each answer pins the rubric version (content hash) it is graded on. The
intended levels are for statistics and certification: a grading page must
not show them to graders.
"""
from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from rubrics import rubric_hash
from simulator.peers import practice
from simulator.teams import library, synthetic
from simulator.teams.errors import ConsentRequired, Forbidden, NotFound
from simulator.teams.models import Assignment, CalibrationAnswer, CalibrationSet, TeamGrade
from simulator.teams.workspace import check_name, is_admin, require_admin, require_member, utcnow

SOURCES = ("gold", "shared", "synthetic", "llm")


def create_set(session: Session, team_id: int, actor: int, name: str, *, now: datetime | None = None) -> CalibrationSet:
    require_admin(session, team_id, actor)
    row = CalibrationSet(team_id=team_id, name=check_name(name), created_by=actor, created_at=utcnow(now))
    session.add(row)
    session.flush()
    return row


def list_sets(session: Session, team_id: int, actor: int) -> list[CalibrationSet]:
    require_member(session, team_id, actor)
    return list(session.scalars(select(CalibrationSet).where(CalibrationSet.team_id == team_id)
                                .order_by(CalibrationSet.id)))


def set_row(session: Session, team_id: int, set_id: int) -> CalibrationSet:
    row = session.scalar(select(CalibrationSet).where(CalibrationSet.team_id == team_id, CalibrationSet.id == set_id))
    if row is None:
        raise NotFound(f"no calibration set {set_id} in team {team_id}")
    return row


def get_set(session: Session, team_id: int, actor: int, set_id: int) -> CalibrationSet:
    require_member(session, team_id, actor)
    return set_row(session, team_id, set_id)


def answer_row(session: Session, team_id: int, answer_id: int) -> CalibrationAnswer:
    row = session.scalar(select(CalibrationAnswer).where(CalibrationAnswer.team_id == team_id,
                                                         CalibrationAnswer.id == answer_id))
    if row is None:
        raise NotFound(f"no calibration answer {answer_id} in team {team_id}")
    return row


def get_answer(session: Session, team_id: int, actor: int, answer_id: int) -> CalibrationAnswer:
    require_member(session, team_id, actor)
    return answer_row(session, team_id, answer_id)


def list_answers(session: Session, team_id: int, actor: int, *, set_id: int | None = None,
                 source: str | None = None) -> list[CalibrationAnswer]:
    require_member(session, team_id, actor)
    stmt = select(CalibrationAnswer).where(CalibrationAnswer.team_id == team_id).order_by(CalibrationAnswer.id)
    if set_id is not None:
        stmt = stmt.where(CalibrationAnswer.set_id == set_row(session, team_id, set_id).id)
    if source is not None:
        stmt = stmt.where(CalibrationAnswer.source == source)
    return list(session.scalars(stmt))


def _new(session: Session, team_id: int, set_id: int, question: dict[str, Any], rubric: dict[str, Any], *,
         source: str, text: str, intended: dict[str, int] | None, origin: dict[str, Any], now: datetime,
         author: int | None = None, consent: bool = False) -> CalibrationAnswer:
    row = CalibrationAnswer(team_id=team_id, set_id=set_id, question_id=question["id"], round=question["round"],
                            rubric_hash=rubric_hash(rubric), source=source, text=text, intended=intended,
                            author_user_id=author, consent=consent, consent_at=now if consent else None,
                            origin=origin, created_at=now)
    session.add(row)
    return row


def _question(bank: Any, question_id: str) -> dict[str, Any]:
    if question_id not in bank.questions:
        raise NotFound(f"no question {question_id!r} in this team's bank")
    return bank.questions[question_id]


def add_gold_answers(session: Session, team_id: int, actor: int, set_id: int, *,
                     question_ids: Iterable[str] | None = None, rounds: Iterable[str] | None = None,
                     now: datetime | None = None) -> list[CalibrationAnswer]:
    """The held-back graded examples of the chosen questions (default: all in the team's bank), with their levels.

    Only examples that peer practice never shows (`practice.held_back`) become gold: practice reveals the
    intended levels of the others, and certifying on those would certify whoever copied them. The origin
    records `"held_back": true`; certification counts only such gold answers.
    """
    require_admin(session, team_id, actor)
    set_row(session, team_id, set_id)
    bank = library.build_bank(session, team_id)
    ids = list(question_ids) if question_ids is not None else sorted(bank.questions)
    wanted = set(rounds) if rounds is not None else None
    when = utcnow(now)
    out = []
    for qid in ids:
        q = _question(bank, qid)
        if wanted is not None and q["round"] not in wanted:
            continue
        rubric = bank.rubric_for(q)
        reserved = practice.held_back(q)
        for i, ex in enumerate(q.get("examples", [])):
            if i not in reserved:
                continue
            out.append(_new(session, team_id, set_id, q, rubric, source="gold", text=ex["answer"],
                            intended=dict(ex["levels"]),
                            origin={"example": i, "quality": ex["quality"], "held_back": True}, now=when))
    session.flush()
    return out


def add_shared_answer(session: Session, team_id: int, actor: int, set_id: int, *, question_id: str, text: str,
                      author_user_id: int, consent: bool, round_id: int | None = None,
                      now: datetime | None = None) -> CalibrationAnswer:
    """A candidate's answer from a loop, stored only when `consent` is true (the candidate agreed to share)."""
    require_admin(session, team_id, actor)
    set_row(session, team_id, set_id)
    if consent is not True:
        raise ConsentRequired("the candidate has not agreed to share this answer with the team")
    if not text.strip():
        raise ValueError("an empty answer cannot be calibrated on")
    bank = library.build_bank(session, team_id)
    q = _question(bank, question_id)
    row = _new(session, team_id, set_id, q, bank.rubric_for(q), source="shared", text=text, intended=None,
               origin={"round_id": round_id}, now=utcnow(now), author=author_user_id, consent=True)
    session.flush()
    return row


def withdraw_shared_answer(session: Session, team_id: int, actor: int, answer_id: int) -> None:
    """The candidate (or an admin) withdraws consent: the answer, its assignments and grades are deleted."""
    row = answer_row(session, team_id, answer_id)
    if row.source != "shared":
        raise NotFound(f"calibration answer {answer_id} is not a shared answer")
    if actor != row.author_user_id and not is_admin(session, team_id, actor):
        raise Forbidden("only the candidate or a team admin can withdraw a shared answer")
    session.execute(delete(TeamGrade).where(TeamGrade.team_id == team_id, TeamGrade.answer_id == row.id))
    session.execute(delete(Assignment).where(Assignment.team_id == team_id, Assignment.answer_id == row.id))
    session.delete(row)
    session.flush()


def add_synthetic_answers(session: Session, team_id: int, actor: int, set_id: int, answer_id: int, *,
                          plans: list[list[str]] | None = None,
                          now: datetime | None = None) -> tuple[list[CalibrationAnswer], list[str]]:
    """Variants of a gold answer with key points removed (default plans: `synthetic.removal_plans`).

    Returns the new answers and, for plans that could not be made, why.
    """
    require_admin(session, team_id, actor)
    set_row(session, team_id, set_id)
    source = answer_row(session, team_id, answer_id)
    if source.source != "gold" or not source.intended:
        raise ValueError("synthetic answers are made from a gold answer with intended levels")
    bank = library.build_bank(session, team_id)
    q = _question(bank, source.question_id)
    rubric = library.find_rubric(session, team_id, source.rubric_hash)
    made, skipped = [], []
    for plan in plans if plans is not None else synthetic.removal_plans(q, rubric, source.text):
        try:
            d = synthetic.remove_key_points(q, rubric, source.text, source.intended, plan)
        except ValueError as exc:
            skipped.append(f"{'+'.join(plan)}: {exc}")
            continue
        made.append(_new(session, team_id, set_id, q, rubric, source="synthetic", text=d.text, intended=d.levels,
                         origin={"from_answer": source.id, "removed": d.requested, "lost": d.lost,
                                 "still_covered": d.still_covered}, now=utcnow(now)))
    session.flush()
    return made, skipped


def add_llm_answers(session: Session, team_id: int, actor: int, set_id: int, question_id: str,
                    omit_plans: list[list[str]], *, config: Any = None,
                    now: datetime | None = None) -> list[CalibrationAnswer]:
    """LLM-written answers leaving out each plan's key points; [] when no LLM is configured."""
    require_admin(session, team_id, actor)
    set_row(session, team_id, set_id)
    bank = library.build_bank(session, team_id)
    q = _question(bank, question_id)
    rubric = bank.rubric_for(q)
    out = []
    for omit in omit_plans:
        d = synthetic.llm_answer(q, rubric, omit, config=config)
        if d is not None:
            out.append(_new(session, team_id, set_id, q, rubric, source="llm", text=d.text, intended=d.levels,
                            origin={"omitted": d.requested, "lost": d.lost}, now=utcnow(now)))
    session.flush()
    return out
