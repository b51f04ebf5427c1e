"""Schema validation that reports every problem at once, one line each.

A problem line reads `FILE: /json/pointer: message`, the shape `mockloop
validate` prints and the authoring pages show.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

SCHEMAS = {
    "rubric": ("rubrics", "rubric.schema.json"),
    "question": ("question_bank", "question.schema.json"),
    "paper": ("question_bank", "paper.schema.json"),
    "track": ("simulator.schemas", "track.schema.json"),
    "grade": ("simulator.schemas", "grade.schema.json"),
}


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with one file."""

    file: str
    pointer: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}: {self.pointer or '/'}: {self.message}"


class ValidationFailed(Exception):
    """Raised with every problem found, never just the first."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


def pointer(path) -> str:
    """A JSON pointer (RFC 6901) for a jsonschema error path."""
    parts = [str(p).replace("~", "~0").replace("/", "~1") for p in path]
    return "/" + "/".join(parts) if parts else ""


@lru_cache(maxsize=None)
def schema(kind: str) -> dict[str, Any]:
    package, name = SCHEMAS[kind]
    return json.loads(resources.files(package).joinpath(name).read_text(encoding="utf-8"))


@lru_cache(maxsize=None)
def validator(kind: str):
    from jsonschema import Draft202012Validator

    s = schema(kind)
    Draft202012Validator.check_schema(s)
    return Draft202012Validator(s)


def _message(error) -> str:
    if error.validator == "additionalProperties":
        return error.message.replace("Additional properties are not allowed", "unknown field")
    if error.validator == "required":
        return error.message.replace("is a required property", "is required")
    return error.message


def _unknown_fields(error) -> list[str]:
    """The fields an `additionalProperties: false` error is about, so each gets its own line."""
    if error.validator != "additionalProperties" or error.validator_value is not False or not isinstance(error.instance, dict):
        return []
    known = error.schema.get("properties", {})
    patterns = [re.compile(p) for p in error.schema.get("patternProperties", {})]
    return [k for k in error.instance if k not in known and not any(p.search(k) for p in patterns)]


def validate(kind: str, data: Any, file: str, base: tuple = ()) -> list[Problem]:
    """Every schema problem of `data` as Problems; `base` prefixes the pointer. An unknown
    field is reported at its own pointer."""
    problems = []
    for e in validator(kind).iter_errors(data):
        path = base + tuple(e.absolute_path)
        fields = _unknown_fields(e)
        if fields:
            problems += [Problem(file, pointer(path + (k,)), "unknown field") for k in fields]
        else:
            problems.append(Problem(file, pointer(path), _message(e)))
    return problems


def read_json(path: Path) -> tuple[Any, list[Problem]]:
    """Parse a JSON file; a syntax error becomes a Problem, not a traceback."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return None, [Problem(str(path), "", f"cannot read: {exc}")]
    try:
        return json.loads(text), []
    except json.JSONDecodeError as exc:
        return None, [Problem(str(path), "", f"invalid JSON at line {exc.lineno} column {exc.colno}: {exc.msg}")]
