"""Grades as plain records, and the columnar table the statistics run on.

A grade is one grader's level for one answer (optionally on one criterion).
The *unit* of agreement is the answer, or (answer, criterion) when criteria
are given. `GradeTable` holds integer codes and float arrays so that every
statistic is a handful of numpy operations, whatever the number of grades.
"""
from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

import numpy as np


@dataclass(frozen=True)
class Grade:
    answer_id: str
    grader: str
    level: float
    criterion: str | None = None
    question_id: str | None = None
    candidate_id: str | None = None
    graded_at: datetime | str | None = None  # an ISO 8601 string is parsed
    answer_seconds: float | None = None


def _epoch(ts: datetime | str | None) -> float:
    if ts is None or ts == "":
        return math.nan
    if isinstance(ts, str):
        ts = datetime.fromisoformat(ts)
    if ts.tzinfo is None:
        ts = ts.replace(tzinfo=timezone.utc)
    return ts.timestamp()


class _Coder:
    def __init__(self) -> None:
        self.index: dict[Any, int] = {}
        self.names: list[Any] = []

    def __call__(self, key: Any) -> int:
        code = self.index.get(key)
        if code is None:
            code = self.index[key] = len(self.names)
            self.names.append(key)
        return code


@dataclass
class GradeTable:
    """Columnar grades. Codes index into the `*_names` lists; -1 means 'not given'."""

    level: np.ndarray
    unit: np.ndarray
    answer: np.ndarray
    grader: np.ndarray
    criterion: np.ndarray
    question: np.ndarray
    candidate: np.ndarray
    time: np.ndarray  # seconds since the epoch, NaN when not given
    seconds: np.ndarray  # time the candidate took to answer, NaN when not given
    unit_names: list[tuple[str, str | None]]
    answer_names: list[str]
    grader_names: list[str]
    criterion_names: list[str]
    question_names: list[str]
    candidate_names: list[str]

    def __len__(self) -> int:
        return int(self.level.size)

    @property
    def has_criteria(self) -> bool:
        return bool(self.criterion_names)

    @classmethod
    def from_records(cls, records: Iterable[Grade | Mapping[str, Any]]) -> GradeTable:
        """Build from Grade objects or dicts with the same keys.

        Raises ValueError (with the record's position) on a non-finite level, an
        answer attributed to two questions or candidates, or a grader grading the
        same unit twice.
        """
        units, answers, graders = _Coder(), _Coder(), _Coder()
        crits, questions, cands = _Coder(), _Coder(), _Coder()
        cols: dict[str, list[Any]] = {k: [] for k in
                                      ("level", "unit", "answer", "grader", "crit", "q", "c", "t", "s")}
        answer_q: dict[int, int] = {}
        answer_c: dict[int, int] = {}
        seen: set[tuple[int, int]] = set()
        for pos, rec in enumerate(records):
            g = rec if isinstance(rec, Grade) else Grade(**rec)
            level = float(g.level)
            if not math.isfinite(level):
                raise ValueError(f"record {pos}: level {g.level!r} is not a finite number")
            a = answers(str(g.answer_id))
            crit = None if g.criterion in (None, "") else str(g.criterion)
            u = units((str(g.answer_id), crit))
            r = graders(str(g.grader))
            if (u, r) in seen:
                where = f" on criterion {crit!r}" if crit else ""
                raise ValueError(f"record {pos}: grader {g.grader!r} already graded answer {g.answer_id!r}{where}")
            seen.add((u, r))
            q = -1 if g.question_id in (None, "") else questions(str(g.question_id))
            c = -1 if g.candidate_id in (None, "") else cands(str(g.candidate_id))
            for label, mapping, code in (("question", answer_q, q), ("candidate", answer_c, c)):
                if mapping.setdefault(a, code) != code:
                    raise ValueError(f"record {pos}: answer {g.answer_id!r} already belongs to another {label}")
            cols["level"].append(level)
            cols["unit"].append(u)
            cols["answer"].append(a)
            cols["grader"].append(r)
            cols["crit"].append(-1 if crit is None else crits(crit))
            cols["q"].append(q)
            cols["c"].append(c)
            try:
                cols["t"].append(_epoch(g.graded_at))
            except ValueError:
                raise ValueError(f"record {pos}: graded_at {g.graded_at!r} is not an ISO 8601 date-time") from None
            cols["s"].append(math.nan if g.answer_seconds is None else float(g.answer_seconds))
        if crits.names and min(cols["crit"]) < 0:
            pos = cols["crit"].index(-1)
            raise ValueError(f"record {pos}: criterion is empty here but given for other grades")
        ints = {k: np.asarray(cols[k], dtype=np.int64) for k in ("unit", "answer", "grader", "crit", "q", "c")}
        return cls(level=np.asarray(cols["level"], dtype=float), unit=ints["unit"], answer=ints["answer"],
                   grader=ints["grader"], criterion=ints["crit"], question=ints["q"], candidate=ints["c"],
                   time=np.asarray(cols["t"], dtype=float), seconds=np.asarray(cols["s"], dtype=float),
                   unit_names=units.names, answer_names=answers.names, grader_names=graders.names,
                   criterion_names=crits.names, question_names=questions.names, candidate_names=cands.names)

    def subset(self, mask: np.ndarray) -> GradeTable:
        """Rows where mask is true (codes and name lists are kept as they are)."""
        arrays = {k: getattr(self, k)[mask] for k in
                  ("level", "unit", "answer", "grader", "criterion", "question", "candidate", "time", "seconds")}
        names = {k: getattr(self, k) for k in
                 ("unit_names", "answer_names", "grader_names", "criterion_names", "question_names",
                  "candidate_names")}
        return GradeTable(**arrays, **names)

    def matrix(self) -> np.ndarray:
        """Units x graders matrix of levels, NaN where a grader did not grade a unit."""
        return to_matrix(self.unit, self.grader, self.level, len(self.unit_names), len(self.grader_names))


def to_matrix(unit: np.ndarray, rater: np.ndarray, value: np.ndarray,
              n_units: int | None = None, n_raters: int | None = None) -> np.ndarray:
    """Long (unit, rater, value) arrays to a units x raters matrix with NaN for missing."""
    unit = np.asarray(unit, dtype=np.int64)
    rater = np.asarray(rater, dtype=np.int64)
    n_units = int(unit.max()) + 1 if n_units is None else n_units
    n_raters = int(rater.max()) + 1 if n_raters is None else n_raters
    out = np.full((n_units, n_raters), np.nan)
    out[unit, rater] = np.asarray(value, dtype=float)
    return out


def to_long(matrix: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A units x raters matrix (NaN = missing) to long (unit, rater, value) arrays."""
    x = np.asarray(matrix, dtype=float)
    if x.ndim != 2:
        raise ValueError("expected a 2-D units x raters matrix")
    u, r = np.nonzero(~np.isnan(x))
    return u, r, x[u, r]
