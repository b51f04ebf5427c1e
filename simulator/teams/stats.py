"""A team's calibration statistics: its grades as `simulator.calibration` records, and the report.

Units of agreement are (answer, criterion). Criteria are named
"<round>:<criterion>" so that per-criterion alpha is per round and criterion
(two rubrics may share a criterion id). People appear under their usernames,
machine graders as "machine:keyword" and "machine:llm", so the kappa matrix,
severity and drift cover people and machines alike. Every statistic carries
n and a CI, and is withheld (value None, with a reason) below `min_n`.
"""
from __future__ import annotations

from typing import Any

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from simulator.calibration import Grade, GradeTable, alpha_long, calibrate
from simulator.clock import as_utc
from simulator.teams.answers import set_row
from simulator.teams.certification import certifications, label
from simulator.teams.models import CalibrationAnswer, Team, TeamGrade
from simulator.teams.workspace import require_member


def candidate_pseudonyms(session: Session, team_id: int) -> dict[int, str]:
    """Author user id -> "c1", "c2", ... in the order their first answer reached the team.

    Shared answers reach the team without the candidate's name; a user id would give it back through the
    member list, so the records name candidates by this pseudonym (stable while their answers stay)."""
    authors = session.scalars(select(CalibrationAnswer.author_user_id).where(
        CalibrationAnswer.team_id == team_id, CalibrationAnswer.author_user_id.is_not(None))
        .order_by(CalibrationAnswer.id))
    out: dict[int, str] = {}
    for author in authors:
        out.setdefault(author, f"c{len(out) + 1}")
    return out


def team_records(session: Session, team_id: int, actor: int, *, set_id: int | None = None,
                 include_machines: bool = True) -> list[Grade]:
    """One record per (grade, rated criterion) of the team's calibration answers."""
    require_member(session, team_id, actor)
    stmt = (select(TeamGrade, CalibrationAnswer).join(CalibrationAnswer, CalibrationAnswer.id == TeamGrade.answer_id)
            .where(TeamGrade.team_id == team_id, CalibrationAnswer.team_id == team_id)
            .order_by(TeamGrade.id))
    if set_id is not None:
        stmt = stmt.where(CalibrationAnswer.set_id == set_row(session, team_id, set_id).id)
    if not include_machines:
        stmt = stmt.where(TeamGrade.grader_key.like("user:%"))
    names: dict[str, str] = {}
    pseudonyms = candidate_pseudonyms(session, team_id)
    out = []
    for grade, answer in session.execute(stmt):
        who = names.get(grade.grader_key) or names.setdefault(grade.grader_key, label(session, grade.grader_key))
        for cid, level in sorted(grade.levels.items()):
            if level is None:
                continue
            out.append(Grade(answer_id=f"a{answer.id}", grader=who, level=float(level),
                             criterion=f"{answer.round}:{cid}", question_id=answer.question_id,
                             candidate_id=pseudonyms.get(answer.author_user_id),
                             graded_at=as_utc(grade.created_at)))
    return out


def _per_round(table: GradeTable, min_n: int, n_boot: int, seed: int) -> list[dict[str, Any]]:
    rounds: dict[str, list[int]] = {}
    for code, name in enumerate(table.criterion_names):
        rounds.setdefault(name.split(":", 1)[0], []).append(code)
    out = []
    for round_type, codes in sorted(rounds.items()):
        rows = np.isin(table.criterion, codes)
        est = alpha_long(table.unit[rows], table.level[rows], ("ordinal",), n_boot=n_boot, seed=seed,
                         min_units=min_n)["ordinal"]
        out.append({"round": round_type, "n_grades": int(rows.sum()), "alpha_ordinal": est.to_dict()})
    return out


def team_report(session: Session, team_id: int, actor: int, *, set_id: int | None = None, min_n: int = 20,
                n_boot: int = 1000, seed: int = 0, include_machines: bool = True) -> dict[str, Any]:
    """`simulator.calibration.report.calibrate` on the team's grades, plus alpha per round and certifications.

    With no grades yet, returns {"team", "input": {"grades": 0}, "reason"} instead.
    """
    records = team_records(session, team_id, actor, set_id=set_id, include_machines=include_machines)
    team = session.get(Team, team_id)
    head = {"id": team.id, "name": team.name, "set_id": set_id}
    if not records:
        return {"team": head, "input": {"grades": 0}, "reason": "no grades yet"}
    table = GradeTable.from_records(records)
    result = calibrate(table, min_n=min_n, n_boot=n_boot, seed=seed, scale=(1, 5))
    result["team"] = head
    result["rounds"] = _per_round(table, min_n, n_boot, seed)
    result["certifications"] = certifications(session, team_id, actor)
    counts = np.bincount(table.grader, minlength=len(table.grader_names))
    result["graders"] = [{"grader": name, "machine": name.startswith("machine:"), "ratings": int(c)}
                         for name, c in zip(table.grader_names, counts)]
    return result
