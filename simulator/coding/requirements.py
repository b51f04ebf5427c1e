"""Requirements a problem statement names (finite outputs, dtype, shape, inputs left alone) and whether a run met them.

A requirement counts only when the statement names it, and fails when some test showed it broken: an output
with inf or nan where the reference is finite, an output of the wrong dtype or shape, an input modified in place.
A failed requirement caps the criterion it belongs to at REQUIREMENT_CAP and keeps the round below the rubric's
hire band: a solution the statement rules out is not a hire, however many other tests it passes.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Callable

REQUIREMENT_CAP = 2
_I = re.IGNORECASE


@dataclass(frozen=True)
class Requirement:
    id: str
    text: str
    criterion: str
    named: re.Pattern[str]  # how a statement names it
    broken: Callable[[Any], bool]  # a test result that shows it broken


REQUIREMENTS = (
    Requirement("finite", "outputs stay finite (no inf or nan)", "numerical_care",
                re.compile(r"\bfinite\b|overflow|\bnan\b|\binf\b|numerically stable|stabil", _I),
                lambda t: "inf or nan" in (t.message or "")),
    Requirement("dtype", "outputs have the dtype the statement asks for", "correctness",
                re.compile(r"\bdtype\b|float16|float32|float64|bfloat16|int64|int32", _I),
                lambda t: "has dtype" in (t.message or "")),
    Requirement("shape", "outputs have the shape the statement asks for", "correctness",
                re.compile(r"\bshape\b|\(\.\.\.|\(n, ?d\)|\(batch", _I),
                lambda t: "wrong shape" in (t.message or "") or "output(s), expected" in (t.message or "")),
    Requirement("inputs", "inputs are left unmodified", "code_quality",
                re.compile(r"in[- ]place|\bmodif|\bmutat|must not change|do not change|unchanged|left intact", _I),
                lambda t: bool(getattr(t, "mutated", None))),
)


def failed_requirements(statement: str, tests) -> list[dict[str, Any]]:
    """The named requirements some test broke: id, text, criterion, and where it was seen."""
    out = []
    for req in REQUIREMENTS:
        if not req.named.search(statement or ""):
            continue
        where = [t for t in tests if req.broken(t)]
        if where:
            out.append({"requirement": req.id, "text": req.text, "criterion": req.criterion,
                        "tests": [f"visible example {t.id + 1}" if t.visible else f"hidden {t.kind} test" for t in where][:5]})
    return out


def below_hire(rubric: dict[str, Any]) -> float | None:
    """The highest score still below the rubric's hire band (None when it has no such band)."""
    hire = next((b["min_score"] for b in rubric.get("bands", []) if b["id"] == "hire"), None)
    return None if hire is None else round(max(0.0, hire - 0.01), 6)
