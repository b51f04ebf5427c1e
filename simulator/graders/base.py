"""The grader interface and its registry.

A grader is pure: it receives the question, the rubric and the answer text
(and, optionally, the track whose weights apply) and returns a Grade dict
that validates against `grade.schema.json`. It never sees an HTTP request, a
database session or the clock.
"""
from __future__ import annotations

import difflib
import importlib
from typing import Any, Protocol, runtime_checkable

from simulator.scoring import empty_grade

Question = dict[str, Any]
Rubric = dict[str, Any]
Grade = dict[str, Any]


@runtime_checkable
class Grader(Protocol):
    """(question, rubric, answer) in, Grade out."""

    name: str
    kind: str
    version: str

    def grade(self, question: Question, rubric: Rubric, answer: str, *, track: str | None = None) -> Grade: ...


class GraderRegistry:
    """Names to graders. Rejects duplicates, checks the interface, suggests close names on a miss.

    Graders may be registered eagerly (`register`) or lazily by import path
    (`register_lazy`), so that importing the registry stays cheap.
    """

    def __init__(self) -> None:
        self._graders: dict[str, Grader] = {}
        self._lazy: dict[str, str] = {}

    def register(self, grader: Grader) -> Grader:
        if not isinstance(grader, Grader):
            raise TypeError(f"{grader!r} does not implement the Grader interface (name, kind, version, grade)")
        if grader.name in self._graders:
            raise ValueError(f"grader {grader.name!r} is already registered")
        self._graders[grader.name] = grader
        self._lazy.pop(grader.name, None)
        return grader

    def register_lazy(self, name: str, target: str) -> None:
        """`target` is 'module:factory'; the factory is called with no arguments on first use."""
        if name in self._graders or name in self._lazy:
            raise ValueError(f"grader {name!r} is already registered")
        self._lazy[name] = target

    def names(self) -> list[str]:
        return sorted(set(self._graders) | set(self._lazy))

    def get(self, name: str) -> Grader:
        if name in self._graders:
            return self._graders[name]
        if name in self._lazy:
            module, factory = self._lazy[name].split(":")
            grader = getattr(importlib.import_module(module), factory)()
            del self._lazy[name]
            return self.register(grader)
        close = difflib.get_close_matches(name, self.names(), n=1)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        raise LookupError(f"unknown grader {name!r}{hint} (known: {', '.join(self.names())})")


class PendingGrader:
    """Placeholder used where no grader applies yet: every criterion pending, score null."""

    name = "pending"
    kind = "keyword"
    version = "0"

    def grade(self, question: Question, rubric: Rubric, answer: str, *, track: str | None = None) -> Grade:
        grade = empty_grade(self, question, rubric)
        grade["flags"].append("pending")
        return grade


registry = GraderRegistry()
registry.register(PendingGrader())
# Real graders register lazily; their modules load only when asked for.
registry.register_lazy("keyword", "simulator.graders.keyword:KeywordGrader")
registry.register_lazy("code", "simulator.graders.code:CodeGrader")
registry.register_lazy("llm", "simulator.graders.llm:LLMGrader")


def grade_answer(name: str, question: Question, rubric: Rubric, answer: str, *, track: str | None = None) -> Grade:
    """Grade with the named grader, marking an empty answer `no_answer` and never scoring it."""
    grader = registry.get(name)
    if not answer or not answer.strip():
        grade = empty_grade(grader, question, rubric)
        grade["flags"].append("no_answer")
        grade["feedback"] = "No answer was given."
        return grade
    return grader.grade(question, rubric, answer, track=track)
