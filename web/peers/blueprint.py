"""The peer-review blueprint, its request hooks (peer-only view, recording a reveal) and the helpers its pages share.

The page modules (candidate.py, peer.py) import it from here; web/peers/__init__.py imports them.
"""
from __future__ import annotations

import hashlib

from flask import Blueprint, abort, current_app, flash, g, redirect, request, session, url_for

from simulator.engine import NotFound
from web.extensions import _once, bank, clock, sessions

bp = Blueprint("peers", __name__, template_folder="templates", static_folder="static",
               static_url_path="/peers/static")

# Views that show the candidate a loop's automatic grades as grades: opening one closes self-assessment.
REVEALING = {"scorecard.show": "scorecard", "api.loop_scorecard": "scorecard (API)"}
SESSION_KEY = "peer_grades"  # which grade this browser submitted through which link, for "see the others"


# A share link gives a peer-only view wherever it is opened. On the peer's pages the header is the review's own
# (no History, scorecards, teams, account); and in single-user mode, where everyone who reaches the server is the
# local user, a browser that came in through a share link (and never used the owner's pages before) is held to
# the peer's pages by the server: anything else redirects to its review (pages) or is a 403 (API).
PEER_ENDPOINTS = frozenset({"peers.peer_home", "peers.peer_grade", "peers.peer_live", "peers.practice",
                            "api.peer_scope", "api.peer_submit", "api.peer_live", "api.peer_practice",
                            "api.peer_practice_check"})
OPEN_ENDPOINTS = frozenset({"static", "peers.static", "health.healthz", "health.readyz"})
PEER_VIEW = "peer_view"  # session: the review this browser came in through (single-user mode)
OWNER = "owner"  # session: this browser used the owner's pages first (single-user mode)
PEER_ONLY = ("This browser opened a peer-review link, so it shows only that review: not the owner's loops, "
             "history, scorecards or teams.")


@bp.before_app_request
def peer_only_view():
    endpoint = request.endpoint
    if endpoint in OPEN_ENDPOINTS:
        return None
    single = not current_app.config["MULTI_USER"]
    if endpoint in PEER_ENDPOINTS:
        g.peer_home = url_for("peers.peer_home", token=(request.view_args or {}).get("token", ""))
        if single and not session.get(OWNER) and session.get(PEER_VIEW) != g.peer_home:
            session[PEER_VIEW] = g.peer_home
        return None
    if not single:
        return None
    home = session.get(PEER_VIEW)
    if not isinstance(home, str):
        if endpoint is not None and not request.path.startswith("/api/") and not session.get(OWNER):
            session[OWNER] = True  # the owner's browser: opening its own share link later keeps it the owner's
        return None
    g.peer_home = home
    if request.path.startswith("/api/"):
        abort(403, description=PEER_ONLY + " It can use only that review's /api/peer/ endpoints.")
    flash(PEER_ONLY, "error")
    return redirect(home)


def peers():
    """The peer-review library over the app's database."""

    def build():
        from simulator.peers.service import PeerService

        return PeerService(sessions(), bank(), clock())

    return _once("peers", build)


@bp.after_app_request
def record_reveal(response):
    """The scorecard (page or API) shows the automatic grades: record that the candidate saw them."""
    via = REVEALING.get(request.endpoint or "")
    if via and response.status_code == 200 and g.get("user_id") is not None:
        try:
            peers().mark_revealed(g.user_id, (request.view_args or {})["loop_id"], via)
        except (NotFound, KeyError):
            pass
    return response


def peer_user() -> int | None:
    """A signed-in peer's user id (multi-user mode); None for an anonymous peer and on a local install,
    where everyone who reaches the server is the local user."""
    return g.get("user_id") if current_app.config["MULTI_USER"] else None


def _slot(token: str, position: int) -> str:
    return hashlib.sha256(token.encode()).hexdigest()[:16] + f":{position}"


def remember_grade(token: str, position: int, grade_id: int) -> None:
    done = dict(session.get(SESSION_KEY) or {})
    done[_slot(token, position)] = grade_id
    session[SESSION_KEY] = dict(list(done.items())[-50:])


def submitted_grade(token: str, position: int) -> int | None:
    value = (session.get(SESSION_KEY) or {}).get(_slot(token, position))
    return value if isinstance(value, int) else None


@bp.app_template_filter("level")
def level_text(level: int | None) -> str:
    return "–" if level is None else str(level)
