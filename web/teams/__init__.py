"""Hiring-team pages under /teams: workspaces, authoring, calibration sets, grading, certification, the dashboard.

Teams exist in both modes. In multi-user mode every page needs a signed-in
member (a candidate who is in no team sees only the team list and the share
page); in single-user mode the local user can create teams, author questions,
run the machine graders and load the demo team. Every read and write goes
through `simulator.teams`, which checks membership and role and filters by
team (see web/teams/common.py for how its errors become 403/404/409/400).
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


from web.teams import pages_authoring, pages_report, pages_sets, pages_workspace  # noqa: E402,F401
