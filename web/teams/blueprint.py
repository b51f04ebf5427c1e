"""The /teams blueprint and what every team page needs: the team and the user's role in it, ids from forms.

The page modules of web/teams import it from here; web/teams/__init__.py imports them.
"""
from __future__ import annotations

from typing import Any

from flask import Blueprint, g
from sqlalchemy.orm import Session

from simulator.teams.models import Team
from simulator.teams.workspace import require_member

bp = Blueprint("teams", __name__, url_prefix="/teams", template_folder="templates")


def team_context(session: Session, team_id: int) -> dict[str, Any]:
    """The team and the current user's role in it (Forbidden unless a member), for every team page."""
    member = require_member(session, team_id, g.user_id)
    return {"team": session.get(Team, team_id), "role": member.role, "is_admin": member.role == "admin"}


def form_int(value: Any) -> int | None:
    """A positive id from a form field, or None."""
    text = str(value or "").strip()
    return int(text) if text.isdigit() and 0 < int(text) < 2**31 else None
