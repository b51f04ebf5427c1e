"""Team grade rows: the grader keys, storing one grade, and running a machine grader over answers.

Shared by grading (people's grades, the grading queue) and certification (machine
graders run on the gold answers), so neither imports the other both ways.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from simulator.teams import library
from simulator.teams.models import CalibrationAnswer, TeamGrade
from simulator.teams.workspace import utcnow

MACHINES = ("keyword", "llm")


def user_key(user_id: int) -> str:
    return f"user:{user_id}"


def machine_key(name: str) -> str:
    return f"machine:{name}"


def upsert(session: Session, answer: CalibrationAnswer, key: str, user_id: int | None, kind: str,
           levels: dict[str, int | None], payload: dict[str, Any], now: datetime) -> TeamGrade:
    row = session.scalar(select(TeamGrade).where(TeamGrade.team_id == answer.team_id,
                                                 TeamGrade.answer_id == answer.id, TeamGrade.grader_key == key))
    if row is None:
        row = TeamGrade(team_id=answer.team_id, answer_id=answer.id, grader_key=key, grader_user_id=user_id)
        session.add(row)
    row.grader_kind, row.rubric_hash, row.levels, row.payload, row.created_at = (
        kind, answer.rubric_hash, levels, payload, now)
    session.flush()
    return row


@dataclass
class MachineRun:
    grader: str
    graded: list[int] = field(default_factory=list)
    skipped: dict[int, str] = field(default_factory=dict)  # answer id -> why


def run_machine(session: Session, team_id: int, name: str, answers: Sequence[CalibrationAnswer], *,
                now: datetime | None = None) -> MachineRun:
    """Grade `answers` (already filtered by team) with a registered machine grader; no permission check.

    Answers are graded through `simulator.llm.batch.grade_batch`, so the LLM
    grades MOCKLOOP_LLM_CONCURRENCY answers at once; the keyword grader one by one.
    """
    from simulator.graders.base import registry
    from simulator.llm.batch import grade_batch

    if name not in MACHINES:
        raise ValueError(f"unknown machine grader {name!r} (known: {', '.join(MACHINES)})")
    run = MachineRun(grader=name)
    if name == "llm":
        from simulator.llm.config import configured

        if not configured():
            run.skipped = {a.id: "no LLM is configured (OPENAI_API_KEY is not set)" for a in answers}
            return run
    bank = library.build_bank(session, team_id)
    jobs, todo = [], []
    for answer in answers:
        question = bank.questions.get(answer.question_id)
        rubric = library.find_rubric(session, team_id, answer.rubric_hash)
        if question is None or rubric is None:
            run.skipped[answer.id] = f"question {answer.question_id!r} is no longer in the team's bank"
            continue
        jobs.append({"question": question, "rubric": rubric, "answer": answer.text})
        todo.append(answer)
    when = utcnow(now)
    for answer, grade in zip(todo, grade_batch(registry.get(name), jobs)):
        if "fallback" in grade["flags"]:
            run.skipped[answer.id] = "the LLM gave no usable reply (keyword fallback not counted as an LLM grade)"
            continue
        levels = {c["criterion"]: c["level"] for c in grade["criteria"]}
        upsert(session, answer, machine_key(name), None, grade["grader"]["kind"], levels, grade, when)
        run.graded.append(answer.id)
    return run
