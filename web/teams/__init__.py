"""Hiring-team pages under /teams: workspaces, authoring, calibration sets, grading, certification, the dashboard.

Teams exist in both modes. In multi-user mode every page needs a signed-in
member (a candidate who is in no team sees only the team list and the share
page); in single-user mode the local user can create teams, author questions,
run the machine graders and load the demo team. Every read and write goes
through `simulator.teams`, which checks membership and role and filters by
team (see web/teams/common.py for how its errors become 403/404/409/400).

The blueprint and the helpers every page shares are in blueprint.py; the page modules import them from there
(not from this package, which imports them) and register their routes on `bp`.
"""
from __future__ import annotations

from web.teams.blueprint import bp, form_int, team_context  # noqa: F401
from web.teams import pages_authoring, pages_report, pages_sets, pages_workspace  # noqa: F401  (routes register on bp)
