"""Creating, editing and importing a team's questions and rubrics, and moving them through review.

Items use the bundled schemas, checked by the same code as `mockloop validate`
(`simulator.validation.validate`, then `simulator.bank.cross_check` against the
team's bank), so a problem reads `FILE: /json/pointer: message`. Any problem
raises `ValidationFailed` listing all of them, and nothing is stored.

Rubrics are stored by content hash: saving changed content adds a version (its
`version` string must change too); saving content already stored is a no-op,
or makes that older version current again. Questions are edited in place; a
change of content puts a reviewed question back to draft.
"""
from __future__ import annotations

import json
import tempfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path, PurePosixPath
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from rubrics import rubric_hash
from simulator.bank import Bank, cross_check, kind_of, read_files
from simulator.teams import library
from simulator.teams.errors import InvalidTransition, NotFound
from simulator.teams.models import TeamQuestion, TeamRubric
from simulator.teams.review import check_transition
from simulator.teams.workspace import is_admin, require_member, utcnow
from simulator.validation import Problem, ValidationFailed, validate


@dataclass
class ImportResult:
    rubrics_added: list[str] = field(default_factory=list)  # "id@version" for each new version
    rubrics_unchanged: list[str] = field(default_factory=list)
    questions_created: list[str] = field(default_factory=list)
    questions_updated: list[str] = field(default_factory=list)
    questions_unchanged: list[str] = field(default_factory=list)


def _taken(kind: str, ident: str, file: str, ptr: str) -> Problem | None:
    base = library.base_bank()
    table = base.rubrics if kind == "rubric" else base.questions
    if ident in table:
        return Problem(file, f"{ptr}/id", f"{kind} id {ident!r} is taken by a bundled {kind}; choose another id")
    return None


def _version_problem(session: Session, team_id: int, data: dict[str, Any], file: str, ptr: str) -> Problem | None:
    same = session.scalar(select(TeamRubric).where(TeamRubric.team_id == team_id, TeamRubric.rubric_id == data["id"],
                                                   TeamRubric.version == data["version"]))
    if same is not None and same.hash != rubric_hash(data):
        return Problem(file, f"{ptr}/version", f"rubric {data['id']!r} version {data['version']!r} is already stored "
                                               "with different content; bump the version")
    return None


def _check(session: Session, team_id: int, items: list[tuple[str, dict[str, Any], str, str]]) -> list[Problem]:
    """Cross-check schema-valid (kind, item, file, pointer) items against the team's bank with them in it."""
    problems: list[Problem] = []
    bank: Bank = library.build_bank(session, team_id)
    for kind, item, file, ptr in items:
        taken = _taken(kind, item["id"], file, ptr)
        if taken:
            problems.append(taken)
            continue
        if kind == "rubric":
            problems += filter(None, [_version_problem(session, team_id, item, file, ptr)])
            current = library.current_rubric_row(session, team_id, item["id"])
        else:
            current = library.question_row(session, team_id, item["id"])
        if current is not None and current.status == "retired":
            problems.append(Problem(file, f"{ptr}/id", f"{kind} {item['id']!r} is retired; revive it before editing"))
        table = bank.rubrics if kind == "rubric" else bank.questions
        table[item["id"]] = item
        bank.sources[(kind, item["id"])] = (file, ptr)
    bundled = library.bundled_files()
    problems += [p for p in cross_check(bank) if p.file not in bundled]
    return sorted(set(problems))


def _store_rubric(session: Session, team_id: int, actor: int, data: dict[str, Any],
                  now: datetime) -> tuple[TeamRubric, bool]:
    digest = rubric_hash(data)
    top = session.scalar(select(func.max(TeamRubric.seq)).where(TeamRubric.team_id == team_id,
                                                               TeamRubric.rubric_id == data["id"])) or 0
    row = session.scalar(select(TeamRubric).where(TeamRubric.team_id == team_id, TeamRubric.hash == digest))
    if row is not None:
        if row.seq != top:  # an older version saved again becomes current again, as a draft
            row.seq, row.status, row.updated_by = top + 1, "draft", actor
        return row, False
    row = TeamRubric(team_id=team_id, rubric_id=data["id"], seq=top + 1, version=data["version"], hash=digest,
                     content=data, status="draft", created_by=actor, updated_by=actor, created_at=now)
    session.add(row)
    return row, True


def _store_question(session: Session, team_id: int, actor: int, data: dict[str, Any],
                    now: datetime) -> tuple[TeamQuestion, str]:
    row = library.question_row(session, team_id, data["id"])
    if row is None:
        row = TeamQuestion(team_id=team_id, question_id=data["id"], round=data["round"], rubric_id=data["rubric"],
                           content=data, status="draft", created_by=actor, updated_by=actor, created_at=now,
                           updated_at=now)
        session.add(row)
        return row, "created"
    if row.content == data:
        return row, "unchanged"
    row.content, row.round, row.rubric_id = data, data["round"], data["rubric"]
    row.status, row.updated_by, row.updated_at = "draft", actor, now
    return row, "updated"


def _save(session: Session, team_id: int, actor: int, kind: str, data: Any, file: str, now: datetime | None, store):
    """Validate one document (schema, then cross-checks against the team's bank) and store it."""
    require_member(session, team_id, actor)
    problems = validate(kind, data, file)
    if not problems:
        problems = _check(session, team_id, [(kind, data, file, "")])
    if problems:
        raise ValidationFailed(problems)
    row, _ = store(session, team_id, actor, data, utcnow(now))
    session.flush()
    return row


def save_rubric(session: Session, team_id: int, actor: int, data: Any, *, file: str = "rubric.json",
                now: datetime | None = None) -> TeamRubric:
    """Store a rubric version (new content -> new version row, status draft). Raises ValidationFailed."""
    return _save(session, team_id, actor, "rubric", data, file, now, _store_rubric)


def save_question(session: Session, team_id: int, actor: int, data: Any, *, file: str = "question.json",
                  now: datetime | None = None) -> TeamQuestion:
    """Create or edit a question (a change of content resets status to draft). Raises ValidationFailed."""
    return _save(session, team_id, actor, "question", data, file, now, _store_question)


def _safe_name(name: str) -> str:
    parts = [p for p in PurePosixPath(name.replace("\\", "/")).parts if p not in ("", ".", "..", "/")]
    return "/".join(parts) or "upload.json"


def _foreign_items(documents: Mapping[str, str | bytes]) -> list[tuple[str, str]]:
    """(file, pointer) of the tracks and paper cards in the upload."""
    out = []
    for name, text in documents.items():
        try:
            data = json.loads(text)
        except (ValueError, UnicodeDecodeError):
            continue
        items = list(enumerate(data)) if isinstance(data, list) else [(None, data)]
        out += [(_safe_name(name), "" if i is None else f"/{i}") for i, item in items
                if kind_of(item) in ("track", "paper")]
    return out


def import_documents(session: Session, team_id: int, actor: int, documents: Mapping[str, str | bytes],
                     *, now: datetime | None = None) -> ImportResult:
    """Import uploaded files (name -> JSON text), each one item or a list, rubrics and questions mixed.

    All or nothing: every problem in every file is raised at once as
    ValidationFailed, with the file named as uploaded.
    """
    require_member(session, team_id, actor)
    with tempfile.TemporaryDirectory(prefix="mockloop-import-") as tmp:
        names: dict[str, str] = {}
        paths = []
        for i, (name, text) in enumerate(documents.items()):
            shown = _safe_name(name)
            path = Path(tmp) / f"{i:04d}.json"
            path.write_bytes(text.encode("utf-8") if isinstance(text, str) else text)
            names[str(path)] = shown
            paths.append(path)
        imported, problems = read_files(paths)
    problems = [Problem(names.get(p.file, p.file), p.pointer, p.message) for p in problems]
    foreign = _foreign_items(documents)
    problems = [p for p in problems if not any(p.file == f and (p.pointer + "/").startswith(ptr + "/")
                                               for f, ptr in foreign)]
    problems += [Problem(f, ptr, "a team can import rubrics and questions only, not tracks or paper cards")
                 for f, ptr in foreign]
    sources = {key: (names.get(f, f), ptr) for key, (f, ptr) in imported.sources.items()}
    items = [(kind, item, *sources[(kind, ident)])
             for kind, table in (("rubric", imported.rubrics), ("question", imported.questions))
             for ident, item in table.items()]
    problems = sorted(set(problems + _check(session, team_id, items)))
    if problems:
        raise ValidationFailed(problems)
    result = ImportResult()
    when = utcnow(now)
    for kind, item, _, _ in sorted(items, key=lambda t: t[0] != "rubric"):
        if kind == "rubric":
            row, added = _store_rubric(session, team_id, actor, item, when)
            (result.rubrics_added if added else result.rubrics_unchanged).append(f"{item['id']}@{item['version']}")
        else:
            row, state = _store_question(session, team_id, actor, item, when)
            getattr(result, f"questions_{state}").append(item["id"])
        session.flush()
    return result


def import_paths(session: Session, team_id: int, actor: int, paths: Iterable[str | Path],
                 *, now: datetime | None = None) -> ImportResult:
    """Import files or folders from disk (folders: every *.json inside, schemas excluded)."""
    docs: dict[str, bytes] = {}
    for p in map(Path, paths):
        files = sorted(f for f in p.rglob("*.json") if not f.name.endswith(".schema.json")) if p.is_dir() else [p]
        for f in files:
            docs[str(f)] = f.read_bytes()
    return import_documents(session, team_id, actor, docs, now=now)


def set_question_status(session: Session, team_id: int, actor: int, question_id: str, status: str) -> TeamQuestion:
    member = require_member(session, team_id, actor)
    row = library.question_row(session, team_id, question_id)
    if row is None:
        raise NotFound(f"no question {question_id!r} in team {team_id}")
    check_transition(f"question {question_id!r}", row.status, status, actor=actor,
                     actor_is_admin=member.role == "admin", last_editor=row.updated_by)
    if status != "retired":
        rubric = library.build_bank(session, team_id).rubrics.get(row.rubric_id)
        if rubric is None:
            raise InvalidTransition(f"question {question_id!r} uses rubric {row.rubric_id!r}, which is retired")
    row.status = status
    session.flush()
    return row


def set_rubric_status(session: Session, team_id: int, actor: int, rubric_id: str, status: str) -> TeamRubric:
    """Moves the current version; retiring is refused while questions that are not retired use the rubric."""
    require_member(session, team_id, actor)
    row = library.current_rubric_row(session, team_id, rubric_id)
    if row is None:
        raise NotFound(f"no rubric {rubric_id!r} in team {team_id}")
    check_transition(f"rubric {rubric_id!r}", row.status, status, actor=actor,
                     actor_is_admin=is_admin(session, team_id, actor), last_editor=row.updated_by)
    if status == "retired":
        users = [q.question_id for q in library.question_rows(session, team_id) if q.rubric_id == rubric_id]
        if users:
            raise InvalidTransition(f"rubric {rubric_id!r} is used by {', '.join(users)}; retire those first")
    row.status = status
    session.flush()
    return row

