"""A candidate shares a loop answer with a team they belong to, with consent, and can withdraw it.

`simulator.teams.add_shared_answer` is an admin's act (admins fill calibration
sets) that records the candidate's consent. Here the candidate acts: the web
layer checks that the round is the candidate's own (LoopService refuses
anyone else's round), that it has a submitted answer, that the candidate is a
member of the team, that the set is the team's and that consent is given; it
then records the answer with the team's first admin as the library's actor and
the candidate as author. The candidate (or an admin) withdraws it through
`withdraw_shared_answer`, which deletes the answer with its assignments and grades.
"""
from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from simulator.teams import add_shared_answer, teams_for
from simulator.teams.answers import set_row
from simulator.teams.errors import InvalidTransition, NotFound
from simulator.teams.models import CalibrationAnswer, Membership
from simulator.teams.workspace import require_member

SHAREABLE = ("submitted", "graded")


def shareable_rounds(loop: dict[str, Any]) -> list[dict[str, Any]]:
    return [r for r in loop["rounds"] if r["status"] in SHAREABLE and (r.get("answer") or "").strip()]


def _first_admin(session: Session, team_id: int) -> int:
    return session.scalar(select(Membership.user_id).where(Membership.team_id == team_id, Membership.role == "admin")
                          .order_by(Membership.id).limit(1))


def already_shared(session: Session, team_id: int, user_id: int, round_id: int) -> bool:
    rows = session.scalars(select(CalibrationAnswer.origin).where(
        CalibrationAnswer.team_id == team_id, CalibrationAnswer.source == "shared",
        CalibrationAnswer.author_user_id == user_id))
    return any((origin or {}).get("round_id") == round_id for origin in rows)


def share_round(session: Session, team_id: int, user_id: int, round_view: dict[str, Any], set_id: int,
                consent: bool) -> CalibrationAnswer:
    """Store the candidate's answer in the team's set; `round_view` comes from LoopService for this user."""
    member = require_member(session, team_id, user_id)
    set_row(session, team_id, set_id)
    text = round_view.get("answer") or ""
    if round_view["status"] not in SHAREABLE or not text.strip():
        raise ValueError("only a submitted answer can be shared")
    if already_shared(session, team_id, user_id, round_view["id"]):
        raise InvalidTransition("you already shared this answer with this team")
    actor = user_id if member.role == "admin" else _first_admin(session, team_id)
    try:
        return add_shared_answer(session, team_id, actor, set_id, question_id=round_view["question_id"], text=text,
                                 author_user_id=user_id, consent=consent is True, round_id=round_view["id"])
    except NotFound as exc:
        raise ValueError(f"{exc}: the team grades only questions in its bank") from None


def my_shared(session: Session, user_id: int) -> list[dict[str, Any]]:
    """Every answer this user shared, with the team it went to (only teams the user is still in)."""
    out = []
    for team, _role in teams_for(session, user_id):
        rows = session.scalars(select(CalibrationAnswer).where(
            CalibrationAnswer.team_id == team.id, CalibrationAnswer.source == "shared",
            CalibrationAnswer.author_user_id == user_id).order_by(CalibrationAnswer.id))
        out += [{"team_id": team.id, "team": team.name, "answer_id": a.id, "question_id": a.question_id,
                 "round_id": (a.origin or {}).get("round_id"), "set_id": a.set_id,
                 "shared_at": a.consent_at.isoformat() if a.consent_at else None} for a in rows]
    return out
