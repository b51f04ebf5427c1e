"""The /api/ blueprint and its request helpers: authentication (bearer token, or session + CSRF header) and body checks.

The route modules of web/api import it from here; web/api/__init__.py imports them.
"""
from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, current_app, g, request

from web.extensions import accounts, csrf

bp = Blueprint("api", __name__, url_prefix="/api")

# Endpoints that read public data (the tracks, the bank, the questionnaire): no sign-in, no CSRF token.
PUBLIC = {"api.openapi", "api.tracks", "api.bank_stats", "api.questionnaire", "api.questionnaire_answer"}
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


@bp.before_request
def authenticate() -> None:
    """A bearer token names the user (and needs no CSRF token); otherwise the session does, with the CSRF header."""
    header = request.headers.get("Authorization", "")
    if header[:7].lower() == "bearer ":
        uid = accounts().user_for_token(header[7:].strip())
        if uid is None:
            abort(401, description="The API token is not valid (create one on the account page).")
        g.user_id, g.via_token = uid, True
        return
    if request.endpoint in PUBLIC:
        return
    if g.get("user_id") is None:  # no credentials at all: 401 first (not the CSRF failure, a 400, nor a 403)
        abort(401)
    if request.method not in SAFE_METHODS:
        csrf.protect()


def body() -> dict[str, Any]:
    """The request's JSON object, or 400 saying what is wrong."""
    data = request.get_json(silent=True)
    if data is None and request.content_length in (None, 0):
        data = {}
    if not isinstance(data, dict):
        abort(400, description="The body must be a JSON object (Content-Type: application/json).")
    bad = _ill_formed(data, "")
    if bad is not None:
        abort(400, description=f"'{bad}' holds an unpaired surrogate (half of an emoji, often from a cut paste); "
                               "remove it or replace it with the whole character.")
    return data


def _ill_formed(value: Any, path: str, depth: int = 0) -> str | None:
    """The JSON pointer of the first string (or key) that is not valid Unicode text, else None."""
    if depth > 64:
        abort(400, description="The JSON body is nested too deeply (more than 64 levels).")
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return path or "/"
        return None
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    for key, item in items:
        if isinstance(key, str):
            try:
                key.encode("utf-8")
            except UnicodeEncodeError:
                return f"{path}/<key>"
        found = _ill_formed(item, f"{path}/{key}", depth + 1)
        if found is not None:
            return found
    return None


def text_field(data: dict[str, Any], name: str, *, required: bool = False) -> str | None:
    value = data.get(name)
    if value is None:
        if required:
            abort(400, description=f"'{name}' is required.")
        return None
    if not isinstance(value, str):
        abort(400, description=f"'{name}' must be a string.")
    if len(value) > current_app.config["MAX_ANSWER_CHARS"]:
        abort(413)
    return value


def probe_answers(data: dict[str, Any]) -> dict[int, str] | None:
    raw = data.get("probe_answers")
    if raw is None:
        return None
    if not isinstance(raw, dict):
        abort(400, description="'probe_answers' must be an object of follow-up index to answer text.")
    out = {}
    for key, value in raw.items():
        if not str(key).isdigit() or not isinstance(value, str):
            abort(400, description="'probe_answers' keys are follow-up indexes (0, 1, ...) and values are strings.")
        if len(value) > current_app.config["MAX_ANSWER_CHARS"]:
            abort(413)
        out[int(key)] = value
    return out
