"""Health and readiness for load balancers and process supervisors.

`/healthz` says the process answers (it touches nothing else: no database, no session, no bank), with the
process id, so one can tell which of several worker processes answered. `/readyz` says whether this process can
serve: the database answers, its schema is at the migration head this version ships, and the question bank is
loaded; otherwise 503 with a JSON reason.

Both answer whatever the Host header says (see `answer_any_host`): probes from a load balancer or an orchestrator
often name the machine by address, and these two answers hold nothing a DNS-rebinding page could use (no user
data, no cookies read or set, no writes, no database URL: failures are logged in full and answered in a phrase).
"""
from __future__ import annotations

import os

from flask import Blueprint, current_app, jsonify, request

bp = Blueprint("health", __name__)

ENDPOINTS = ("health.healthz", "health.readyz")


@bp.get("/healthz")
def healthz():
    return jsonify(status="ok", pid=os.getpid())


@bp.get("/readyz")
def readyz():
    reason, detail = _problem()
    if reason is None:
        return jsonify(status="ready", pid=os.getpid(), **detail)
    response = jsonify(status="unavailable", reason=reason, pid=os.getpid())
    response.status_code = 503
    response.headers["Retry-After"] = "5"
    return response


_HEADS: dict[str, str | None] = {}  # script location -> head revision (the migration files do not change)


def _head(engine) -> str | None:
    from alembic.script import ScriptDirectory

    from simulator.storage.db import alembic_config

    cfg = alembic_config(engine)
    location = cfg.get_main_option("script_location")
    if location not in _HEADS:
        _HEADS[location] = ScriptDirectory.from_config(cfg).get_current_head()
    return _HEADS[location]


def _problem() -> tuple[str | None, dict]:
    """(None, facts) when ready, else (a reason people can act on, {}); the full error goes to the log."""
    from sqlalchemy import text

    from simulator.storage.db import current_revision
    from web import extensions

    try:
        engine = extensions.sessions().kw["bind"]
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        revision = current_revision(engine)
    except Exception as exc:  # noqa: BLE001  any failure here means "not ready", and says why in the log
        current_app.logger.warning(f"readiness: the database is not available: {exc}")
        return "the database is not reachable", {}
    head = _head(engine)
    if revision != head:
        current_app.logger.warning(f"readiness: database at revision {revision}, this version expects {head}")
        return (f"the database schema is at revision {revision or 'none'}, this version expects {head} "
                "(run: mockloop db upgrade)"), {}
    try:
        questions = len(extensions.bank().questions)
    except Exception as exc:  # noqa: BLE001
        current_app.logger.warning(f"readiness: the question bank did not load: {exc}")
        return "the question bank did not load (run: mockloop validate)", {}
    if not questions:
        return "the question bank is empty", {}
    return None, {"revision": revision, "questions": questions}


def answer_any_host():
    """The health answer for a request whose Host is not one this server answers to, else None (then the host
    check refuses it as usual). Only GET and HEAD of the two exact paths."""
    if request.method not in ("GET", "HEAD"):
        return None
    view = {"/healthz": healthz, "/readyz": readyz}.get(request.path)
    return view() if view is not None else None
