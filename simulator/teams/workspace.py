"""Teams, memberships and roles: who may read and change a team's questions, answers and grades.

Every public function in simulator.teams takes `(session, team_id, actor, ...)`
where `actor` is the acting user's id, and checks membership first. Functions
flush but never commit: the caller owns the transaction (`unit_of_work`).

Joining a team is an invitation the invited user accepts (`invite_member`,
`accept_invitation`, `decline_invitation`): a pending invitation is a
membership row whose role is `"inv:<role>"`, which is no membership at all for
`require_member`, `list_members` and `teams_for`. Inviting answers the same
whether or not the username exists, and pending invitations are not listed to
the team, so an admin cannot tell which usernames exist. `add_member` (direct,
no invitation) is for trusted callers only: the demo, scripts and tests.
"""
from __future__ import annotations

import re
from datetime import datetime, timezone

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from simulator.storage.models import User
from simulator.teams.errors import Forbidden, NotFound
from simulator.teams.models import Membership, Team

ROLES = ("admin", "interviewer")
NAME_MAX = 200  # team and calibration-set names: the same rule for the pages, the API and scripts
_UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")
PENDING = "inv:"  # role prefix of an invitation not yet accepted
DEFAULT_THRESHOLD = 0.6
DEFAULT_MIN_GOLD = 10


class InvalidField(ValueError):
    """An input the library refuses, naming the field (the web answers 400 with this message)."""

    def __init__(self, field: str, message: str):
        super().__init__(f"'{field}' {message}")
        self.field = field


def check_name(value: object, field: str = "name", *, max_len: int = NAME_MAX) -> str:
    """The name stripped, or InvalidField: 1 to `max_len` characters, no control characters or lone surrogates."""
    if not isinstance(value, str):
        raise InvalidField(field, "must be a string")
    name = value.strip()
    if not 1 <= len(name) <= max_len:
        raise InvalidField(field, f"must be 1 to {max_len} characters (this one has {len(name)})")
    if _UNPRINTABLE.search(name):
        raise InvalidField(field, "must not contain control characters")
    return name


def utcnow(now: datetime | None = None) -> datetime:
    return now if now is not None else datetime.now(timezone.utc)


def _slugify(session: Session, name: str) -> str:
    base = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:60] or "team"
    slug, n = base, 1
    while session.scalar(select(Team.id).where(Team.slug == slug)) is not None:
        n += 1
        slug = f"{base}-{n}"
    return slug


def _check_settings(kappa_threshold: float | None, min_gold: int | None) -> None:
    if kappa_threshold is not None and not -1.0 <= kappa_threshold <= 1.0:
        raise ValueError(f"kappa threshold {kappa_threshold} is outside -1..1")
    if min_gold is not None and min_gold < 2:
        raise ValueError(f"minimum number of gold answers {min_gold} is below 2 (kappa needs pairs)")


def create_team(session: Session, name: str, creator_id: int, *, kappa_threshold: float = DEFAULT_THRESHOLD,
                min_gold: int = DEFAULT_MIN_GOLD, require_certification: bool = True,
                now: datetime | None = None) -> Team:
    """A new team; its creator is its first admin."""
    name = check_name(name)
    if session.get(User, creator_id) is None:
        raise NotFound(f"no user {creator_id}")
    _check_settings(kappa_threshold, min_gold)
    team = Team(slug=_slugify(session, name), name=name, kappa_threshold=kappa_threshold,
                min_gold=min_gold, require_certification=require_certification, created_at=utcnow(now))
    session.add(team)
    session.flush()
    session.add(Membership(team_id=team.id, user_id=creator_id, role="admin", created_at=utcnow(now)))
    session.flush()
    return team


def membership(session: Session, team_id: int, user_id: int) -> Membership | None:
    return session.scalar(select(Membership).where(Membership.team_id == team_id, Membership.user_id == user_id))


def require_member(session: Session, team_id: int, actor: int, role: str | None = None) -> Membership:
    """The actor's membership, or Forbidden (also for a team that does not exist: no probing ids)."""
    m = membership(session, team_id, actor)
    if m is None or m.role.startswith(PENDING):  # an invitation is not a membership until accepted
        raise Forbidden(f"user {actor} is not a member of team {team_id}")
    if role is not None and m.role != role:
        raise Forbidden(f"this needs the {role} role in team {team_id} (user {actor} is {m.role})")
    return m


def require_admin(session: Session, team_id: int, actor: int) -> Membership:
    return require_member(session, team_id, actor, "admin")


def is_admin(session: Session, team_id: int, user_id: int) -> bool:
    m = membership(session, team_id, user_id)
    return m is not None and m.role == "admin"


def get_team(session: Session, team_id: int, actor: int) -> Team:
    require_member(session, team_id, actor)
    return session.get(Team, team_id)


def teams_for(session: Session, user_id: int) -> list[tuple[Team, str]]:
    """The teams a user belongs to, with the user's role in each."""
    rows = session.execute(select(Team, Membership.role).join(Membership, Membership.team_id == Team.id)
                           .where(Membership.user_id == user_id).order_by(Team.name))
    return [(t, r) for t, r in rows if not r.startswith(PENDING)]


def invitations_for(session: Session, user_id: int) -> list[tuple[Team, str]]:
    """The teams that invited the user and are waiting for an answer, with the role offered."""
    rows = session.execute(select(Team, Membership.role).join(Membership, Membership.team_id == Team.id)
                           .where(Membership.user_id == user_id).order_by(Team.name))
    return [(t, r[len(PENDING):]) for t, r in rows if r.startswith(PENDING)]


def list_members(session: Session, team_id: int, actor: int) -> list[dict]:
    require_member(session, team_id, actor)
    rows = session.execute(select(Membership, User.username).join(User, User.id == Membership.user_id)
                           .where(Membership.team_id == team_id).order_by(User.username))
    return [{"user_id": m.user_id, "username": name, "role": m.role} for m, name in rows
            if not m.role.startswith(PENDING)]  # listing invitations would tell which usernames exist


def _admins(session: Session, team_id: int) -> int:
    return session.scalar(select(func.count()).select_from(Membership)
                          .where(Membership.team_id == team_id, Membership.role == "admin"))


def add_member(session: Session, team_id: int, actor: int, user_id: int, role: str = "interviewer",
               *, now: datetime | None = None) -> Membership:
    """Add a user directly, without an invitation (trusted callers: demo, scripts, tests; the web invites)."""
    require_admin(session, team_id, actor)
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r} (known: {', '.join(ROLES)})")
    if session.get(User, user_id) is None:
        raise NotFound(f"no user {user_id}")
    existing = membership(session, team_id, user_id)
    if existing is not None and existing.role.startswith(PENDING):
        existing.role = role  # added directly: the invitation is moot
        session.flush()
        return existing
    if existing is not None:
        return set_role(session, team_id, actor, user_id, role)
    m = Membership(team_id=team_id, user_id=user_id, role=role, created_at=utcnow(now))
    session.add(m)
    session.flush()
    return m


def invite_member(session: Session, team_id: int, actor: int, username: str, role: str = "interviewer",
                  *, now: datetime | None = None) -> None:
    """Invite an account by username (admin). Returns nothing either way: whether the name exists is not told.

    A new invitation waits for `accept_invitation`; an existing member or invitation is left as it is.
    """
    from simulator.accounts import normalise_username

    require_admin(session, team_id, actor)
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r} (known: {', '.join(ROLES)})")
    name = normalise_username(username)
    user_id = session.scalar(select(User.id).where(User.username == name)) if name else None
    if user_id is None or membership(session, team_id, user_id) is not None:
        return
    session.add(Membership(team_id=team_id, user_id=user_id, role=PENDING + role, created_at=utcnow(now)))
    session.flush()


def _invitation(session: Session, team_id: int, user_id: int) -> Membership:
    m = membership(session, team_id, user_id)
    if m is None or not m.role.startswith(PENDING):
        raise NotFound(f"no invitation to team {team_id}")
    return m


def accept_invitation(session: Session, team_id: int, user_id: int) -> Membership:
    """The invited user joins the team with the role offered."""
    m = _invitation(session, team_id, user_id)
    m.role = m.role[len(PENDING):]
    session.flush()
    return m


def decline_invitation(session: Session, team_id: int, user_id: int) -> None:
    session.delete(_invitation(session, team_id, user_id))
    session.flush()


def set_role(session: Session, team_id: int, actor: int, user_id: int, role: str) -> Membership:
    require_admin(session, team_id, actor)
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r} (known: {', '.join(ROLES)})")
    m = membership(session, team_id, user_id)
    if m is None or m.role.startswith(PENDING):
        raise NotFound(f"user {user_id} is not a member of team {team_id}")
    if m.role == "admin" and role != "admin" and _admins(session, team_id) == 1:
        raise Forbidden("a team keeps at least one admin")
    m.role = role
    session.flush()
    return m


def remove_member(session: Session, team_id: int, actor: int, user_id: int) -> None:
    require_admin(session, team_id, actor)
    m = membership(session, team_id, user_id)
    if m is None or m.role.startswith(PENDING):
        raise NotFound(f"user {user_id} is not a member of team {team_id}")
    if m.role == "admin" and _admins(session, team_id) == 1:
        raise Forbidden("a team keeps at least one admin")
    session.delete(m)
    session.flush()


def end_member_sessions(session: Session, team_id: int, actor: int, user_id: int) -> None:
    """Sign a member out everywhere (admin): every session of that account ends at once (a lost laptop, a shared
    computer). It signs in again with its password; its API token is not touched."""
    require_admin(session, team_id, actor)
    m = membership(session, team_id, user_id)
    if m is None or m.role.startswith(PENDING):  # invited but not joined: not the team's to sign out
        raise NotFound(f"user {user_id} is not a member of team {team_id}")
    user = session.get(User, user_id)
    user.session_generation = int(user.session_generation or 0) + 1
    session.flush()


def update_settings(session: Session, team_id: int, actor: int, *, kappa_threshold: float | None = None,
                    min_gold: int | None = None, require_certification: bool | None = None) -> Team:
    """Certification threshold (quadratic weighted kappa), minimum gold answers, and whether it is required."""
    require_admin(session, team_id, actor)
    _check_settings(kappa_threshold, min_gold)
    team = session.get(Team, team_id)
    if kappa_threshold is not None:
        team.kappa_threshold = kappa_threshold
    if min_gold is not None:
        team.min_gold = min_gold
    if require_certification is not None:
        team.require_certification = require_certification
    session.flush()
    return team
