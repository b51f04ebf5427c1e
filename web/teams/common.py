"""What the team pages and the team API share: one transaction per request, errors as HTTP statuses, plain dicts.

Every call goes through `simulator.teams`, which checks membership and role and
filters by team; this module only maps its errors: Forbidden -> 403,
NotFound -> 404, InvalidTransition -> 409, ConsentRequired and ValueError -> 400.
`ValidationFailed` is left to the caller, which shows its problems.
"""
from __future__ import annotations

import io
import json
import tempfile
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from flask import abort
from sqlalchemy.orm import Session

from simulator.storage.db import unit_of_work
from simulator.teams.errors import ConsentRequired, Forbidden, InvalidTransition, NotFound
from simulator.validation import Problem, ValidationFailed
from web.extensions import sessions

MACHINES = ("keyword", "llm")
# What inviting answers, whether or not the account exists (telling would let admins test usernames).
INVITED = ("If an account named {username!r} exists, it is invited as {role}; it joins the team when it accepts "
           "the invitation (on its Teams page).")
SETTING_LIMITS = {"kappa_threshold": (-1.0, 1.0), "min_gold": (2, 10_000)}


@contextmanager
def team_session() -> Iterator[Session]:
    """A unit of work whose team errors become 403/404/409/400 (after the rollback)."""
    try:
        with unit_of_work(sessions()) as session:
            yield session
    except Forbidden as exc:
        abort(403, description=str(exc))
    except NotFound as exc:
        abort(404, description=str(exc))
    except InvalidTransition as exc:
        abort(409, description=str(exc))
    except (ConsentRequired, ValueError) as exc:
        abort(400, description=str(exc))


def problem_lines(exc: ValidationFailed) -> list[str]:
    """`FILE: /json/pointer: message`, one problem a line, as `mockloop validate` prints them."""
    return [str(p) for p in exc.problems]


def problem_dicts(exc: ValidationFailed) -> list[dict[str, str]]:
    return [{"file": p.file, "pointer": p.pointer or "/", "message": p.message} for p in exc.problems]


def parse_json(text: str, file: str) -> Any:
    """The document, or ValidationFailed pointing at the root with the parser's line and column."""
    try:
        return json.loads(text)
    except ValueError as exc:
        raise ValidationFailed([Problem(file, "", f"not valid JSON: {exc}")]) from None


def team_dict(team: Any, role: str | None = None) -> dict[str, Any]:
    out = {"id": team.id, "slug": team.slug, "name": team.name, "kappa_threshold": team.kappa_threshold,
           "min_gold": team.min_gold, "require_certification": team.require_certification}
    if role is not None:
        out["role"] = role
    return out


def question_dict(row: Any, *, content: bool = True) -> dict[str, Any]:
    out = {"question_id": row.question_id, "round": row.round, "rubric_id": row.rubric_id, "status": row.status,
           "updated_at": row.updated_at.isoformat() if row.updated_at else None}
    if content:
        out["content"] = row.content
    return out


def rubric_dict(row: Any, *, content: bool = True) -> dict[str, Any]:
    out = {"rubric_id": row.rubric_id, "version": row.version, "hash": row.hash, "seq": row.seq,
           "status": row.status, "created_at": row.created_at.isoformat() if row.created_at else None}
    if content:
        out["content"] = row.content
    return out


def set_dict(row: Any) -> dict[str, Any]:
    return {"id": row.id, "name": row.name, "created_at": row.created_at.isoformat() if row.created_at else None}


def answer_dict(row: Any, *, text: bool = True) -> dict[str, Any]:
    """An answer as graders may see it: never its intended levels, nor how a synthetic one was made."""
    out = {"id": row.id, "set_id": row.set_id, "question_id": row.question_id, "round": row.round,
           "rubric_hash": row.rubric_hash, "source": row.source}
    if text:
        out["text"] = row.text
    return out


def grading_rubric(rubric: dict[str, Any]) -> list[dict[str, Any]]:
    """The criteria of a rubric with their anchored level descriptors, for a grading form."""
    return [{"id": c["id"], "name": c.get("name", c["id"]), "description": c.get("description", ""),
             "levels": [{"level": int(k), "descriptor": v} for k, v in sorted(c["levels"].items(), key=lambda kv: int(kv[0]))]}
            for c in rubric["criteria"]]


def export_zip(session: Session, team_id: int, actor: int) -> bytes:
    """The team's bank as a zip of rubrics/*.json and questions/<round>.json (`mockloop validate` accepts it)."""
    from simulator.teams import export_bank

    buffer = io.BytesIO()
    with tempfile.TemporaryDirectory(prefix="mockloop-export-") as tmp:
        written = export_bank(session, team_id, actor, tmp)
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
            for path in sorted(written):
                zf.write(path, Path(path).relative_to(tmp).as_posix())
    return buffer.getvalue()


def check_settings(raw: dict[str, Any]) -> dict[str, Any]:
    """Settings from a form or a JSON body, or 400 saying which is wrong (the library checks the ranges too)."""
    out: dict[str, Any] = {}
    if raw.get("kappa_threshold") not in (None, ""):
        try:
            out["kappa_threshold"] = float(raw["kappa_threshold"])
        except (TypeError, ValueError):
            abort(400, description="'kappa_threshold' must be a number from -1 to 1.")
    if raw.get("min_gold") not in (None, ""):
        value = raw["min_gold"]
        if isinstance(value, bool) or not str(value).strip().isdigit():
            abort(400, description="'min_gold' must be a whole number of at least 2.")
        out["min_gold"] = int(value)
    if "require_certification" in raw:
        value = raw["require_certification"]
        out["require_certification"] = value if isinstance(value, bool) else str(value).lower() in ("1", "on", "true", "yes")
    return out

