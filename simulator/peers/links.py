"""Share links: create, list, revoke (by the loop's owner), and resolve a token to what it grants.

A token resolves only while its link is neither expired nor revoked; an unknown, malformed, expired or
revoked token raises the same NotFound, so a holder learns nothing about which it was.
"""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from simulator.clock import as_utc
from simulator.engine import NotFound
from simulator.peers.models import PeerGrade, ShareLink
from simulator.peers.tokens import new_token, token_hash, well_formed
from simulator.storage.models import Loop, Round

DEFAULT_DAYS = 7
MAX_DAYS = 30
FINISHED_LOOP = ("complete", "graded")
FINISHED_ROUND = ("submitted", "graded")


def owned_loop(s: Session, user_id: int, loop_id: int) -> Loop:
    loop = s.get(Loop, loop_id)
    if loop is None or loop.user_id != user_id:
        raise NotFound(f"no loop {loop_id}")
    return loop


def owned_round(s: Session, user_id: int, round_id: int) -> Round:
    rnd = s.get(Round, round_id)
    if rnd is None or rnd.loop.user_id != user_id:
        raise NotFound(f"no round {round_id}")
    return rnd


def status(link: ShareLink, now: datetime) -> str:
    if link.revoked_at is not None:
        return "revoked"
    return "expired" if as_utc(link.expires_at) <= now else "active"


def link_view(s: Session, link: ShareLink, now: datetime) -> dict[str, Any]:
    rnd = s.get(Round, link.round_id) if link.round_id else None
    grades = s.scalar(select(func.count(PeerGrade.id)).where(PeerGrade.link_id == link.id)) or 0
    return {
        "id": link.id, "loop_id": link.loop_id, "scope": "round" if rnd else "loop",
        "round_position": rnd.position + 1 if rnd else None, "round": rnd.round_type if rnd else None,
        "created_at": as_utc(link.created_at).isoformat(), "expires_at": as_utc(link.expires_at).isoformat(),
        "revoked_at": as_utc(link.revoked_at).isoformat() if link.revoked_at else None,
        "status": status(link, now), "grades": grades,
    }


def check_days(days: Any) -> int:
    if days is None:
        return DEFAULT_DAYS
    if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= MAX_DAYS:
        raise ValueError(f"a link lasts from 1 to {MAX_DAYS} days")
    return days


def create(s: Session, user_id: int, loop_id: int, position: int | None, days: Any, now: datetime) -> dict[str, Any]:
    """A new link for the whole (finished) loop, or for round `position` (1-based, any state: a live
    interviewer gets the link before the round starts). The token is in the result, and nowhere else."""
    loop = owned_loop(s, user_id, loop_id)
    days = check_days(days)
    rnd = None
    if position is not None:
        if isinstance(position, bool) or not isinstance(position, int) or not 1 <= position <= len(loop.rounds):
            raise ValueError(f"round must be a position from 1 to {len(loop.rounds)}, or null for the whole loop")
        rnd = loop.rounds[position - 1]
    elif loop.status not in FINISHED_LOOP:
        raise ValueError("share the whole loop once every round is in (or share one round to run it live)")
    token = new_token()
    link = ShareLink(loop_id=loop.id, round_id=rnd.id if rnd else None, created_by=user_id, token_hash=token_hash(token),
                     created_at=now, expires_at=now + timedelta(days=days))
    s.add(link)
    s.flush()
    return dict(link_view(s, link, now), token=token)


def listing(s: Session, user_id: int, loop_id: int, now: datetime) -> list[dict[str, Any]]:
    owned_loop(s, user_id, loop_id)
    links = s.scalars(select(ShareLink).where(ShareLink.loop_id == loop_id).order_by(ShareLink.id.desc()))
    return [link_view(s, link, now) for link in links]


def revoke(s: Session, user_id: int, link_id: int, now: datetime) -> dict[str, Any]:
    """Revoke at once: the next request with the token is refused. Revoking twice keeps the first time."""
    link = s.get(ShareLink, link_id)
    if link is None or s.get(Loop, link.loop_id).user_id != user_id:
        raise NotFound(f"no link {link_id}")
    if link.revoked_at is None:
        link.revoked_at = now
    return link_view(s, link, now)


def resolve(s: Session, token: str, now: datetime) -> tuple[ShareLink, Loop, list[Round]]:
    """The live link for a token, its loop, and the rounds it grants (one, or all of the loop's)."""
    link = s.scalar(select(ShareLink).where(ShareLink.token_hash == token_hash(token))) if well_formed(token) else None
    if link is None or status(link, now) != "active":
        raise NotFound("no such link")
    loop = s.get(Loop, link.loop_id)
    return link, loop, [r for r in loop.rounds if link.round_id in (None, r.id)]


def scoped_round(rounds: list[Round], position: Any) -> Round:
    """Round `position` (1-based, as in the loop) if the link grants it; else the same NotFound."""
    for rnd in rounds:
        if rnd.position + 1 == position:
            return rnd
    raise NotFound("no such round here")
