"""The rubric as a form, and the Grade a submitted form becomes (kind `peer` or `self`).

Pure: rubric and input in, a form spec or a Grade out. The form is generated from the rubric JSON
(each criterion with its anchored level descriptors); the Grade is the same shape the machine graders
produce, with the rubric id, version and content hash the grader saw.
"""
from __future__ import annotations

from typing import Any, Mapping

from rubrics import rubric_hash
from simulator.scoring import round_score

FORM_VERSION = "1"  # the grader "version" of a person grading on this form
MAX_NAME = 60
MAX_NOTE = 2000
MAX_FEEDBACK = 8000
LEVELS = (1, 2, 3, 4, 5)


class FormError(ValueError):
    """What is wrong with a submitted form: field name -> message (the page shows each by its field)."""

    def __init__(self, errors: dict[str, str]):
        self.errors = errors
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))


class RubricChanged(Exception):
    """The rubric changed between showing the form and submitting it; grade on the new one."""


def rubric_form(rubric: dict[str, Any]) -> dict[str, Any]:
    """The form for a rubric: every criterion with its five anchored levels."""
    return {
        "rubric": {"id": rubric["id"], "version": rubric["version"], "hash": rubric_hash(rubric)},
        "criteria": [
            {"id": c["id"], "name": c["name"], "description": c.get("description", ""),
             "levels": [{"level": n, "descriptor": c["levels"][str(n)]} for n in LEVELS]}
            for c in rubric["criteria"]
        ],
    }


def parse_form(form: Mapping[str, str], rubric: dict[str, Any]) -> dict[str, Any]:
    """An HTML form (`level-<criterion>`, `note-<criterion>`, `feedback`, `kp-<key point>`) as API input."""
    levels: dict[str, Any] = {}
    notes: dict[str, str] = {}
    for c in rubric["criteria"]:
        raw = (form.get(f"level-{c['id']}") or "").strip()
        levels[c["id"]] = int(raw) if raw.isdigit() else (raw or None)
        if form.get(f"note-{c['id']}"):
            notes[c["id"]] = form[f"note-{c['id']}"]
    ticked = [k[3:] for k in form if k.startswith("kp-")]
    return {"levels": levels, "notes": notes, "feedback": form.get("feedback", ""),
            "rubric_hash": form.get("rubric_hash") or None, "key_points": ticked if "live" in form else None}


def clean_name(name: Any, default: str) -> str:
    """A display name as typed (stripped, one line); the default when blank."""
    if name is None:
        return default
    if not isinstance(name, str):
        raise FormError({"display_name": "must be text"})
    name = " ".join(name.split())
    if len(name) > MAX_NAME:
        raise FormError({"display_name": f"at most {MAX_NAME} characters"})
    return name or default


def build_grade(kind: str, name: str, rubric: dict[str, Any], question: dict[str, Any], data: Mapping[str, Any],
                *, track: str | None = None) -> dict[str, Any]:
    """The Grade for a submitted form (`data`: levels, notes, feedback, rubric_hash, key_points).

    Every criterion is present; an unrated one has level null. At least one must be rated. When the
    form says which rubric hash it showed and the rubric has changed since, RubricChanged."""
    current = rubric_hash(rubric)
    shown = data.get("rubric_hash")
    if shown is not None and shown != current:
        raise RubricChanged(f"the rubric {rubric['id']} changed since the form was shown; reload and grade again")
    errors: dict[str, str] = {}
    levels = _levels(data.get("levels"), rubric, errors)
    notes = _texts(data.get("notes"), rubric, errors)
    feedback = data.get("feedback") or ""
    if not isinstance(feedback, str) or len(feedback) > MAX_FEEDBACK:
        errors["feedback"] = f"text of at most {MAX_FEEDBACK} characters"
    covered = _key_points(data.get("key_points"), question, errors)
    if not errors and all(v is None for v in levels.values()):
        errors["levels"] = "rate at least one criterion"
    if errors:
        raise FormError(errors)
    entries = []
    for c in rubric["criteria"]:
        entry: dict[str, Any] = {"criterion": c["id"], "level": levels[c["id"]], "evidence": []}
        if covered is not None:
            mine = [kp["id"] for kp in question.get("key_points", []) if kp.get("criterion") == c["id"]]
            entry["key_points_covered"] = [k for k in mine if k in covered]
            entry["key_points_missing"] = [k for k in mine if k not in covered]
        if notes.get(c["id"]):
            entry["note"] = notes[c["id"]]
        entries.append(entry)
    return {
        "grader": {"kind": kind, "name": name, "version": FORM_VERSION},
        "rubric": {"id": rubric["id"], "version": rubric["version"], "hash": current},
        "question_id": question.get("id"),
        "criteria": entries,
        "score": round_score(levels, rubric, track),
        "feedback": feedback,
        "flags": [],
    }


def _levels(raw: Any, rubric: dict[str, Any], errors: dict[str, str]) -> dict[str, int | None]:
    ids = [c["id"] for c in rubric["criteria"]]
    if raw is None:
        raw = {}
    if not isinstance(raw, Mapping):
        errors["levels"] = "an object of criterion id to level (1 to 5, or null)"
        return dict.fromkeys(ids)
    for key in raw:
        if key not in ids:
            errors[f"level-{key}"] = f"unknown criterion (this rubric has: {', '.join(ids)})"
    out: dict[str, int | None] = {}
    for cid in ids:
        value = raw.get(cid)
        if value is None or value == "":
            out[cid] = None
        elif isinstance(value, bool) or not isinstance(value, int) or value not in LEVELS:
            errors[f"level-{cid}"] = "a level from 1 to 5, or not rated"
            out[cid] = None
        else:
            out[cid] = value
    return out


def _texts(raw: Any, rubric: dict[str, Any], errors: dict[str, str]) -> dict[str, str]:
    if raw is None:
        return {}
    ids = {c["id"] for c in rubric["criteria"]}
    if not isinstance(raw, Mapping):
        errors["notes"] = "an object of criterion id to note"
        return {}
    out = {}
    for cid, note in raw.items():
        if cid not in ids:
            errors[f"note-{cid}"] = "unknown criterion"
        elif not isinstance(note, str) or len(note) > MAX_NOTE:
            errors[f"note-{cid}"] = f"text of at most {MAX_NOTE} characters"
        elif note.strip():
            out[cid] = note
    return out


def _key_points(raw: Any, question: dict[str, Any], errors: dict[str, str]) -> set[str] | None:
    """Key points ticked in the live view (None: not a live grade, no checklist)."""
    if raw is None:
        return None
    known = {kp["id"] for kp in question.get("key_points", [])}
    if not isinstance(raw, list) or not all(isinstance(k, str) and k in known for k in raw):
        errors["key_points"] = "a list of this question's key point ids"
        return None
    return set(raw)
