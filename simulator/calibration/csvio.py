"""Read a CSV of grades, one row per grade, with errors that name the file, line and field.

Columns: answer_id, grader, level (required); criterion, question_id,
candidate_id, graded_at (ISO 8601), answer_seconds (optional). Other columns
are ignored and listed in the result. A UTF-8 byte-order mark is accepted.
"""
from __future__ import annotations

import csv
import math
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from .grades import Grade, GradeTable

REQUIRED = ("answer_id", "grader", "level")
OPTIONAL = ("criterion", "question_id", "candidate_id", "graded_at", "answer_seconds")


class GradesFileError(ValueError):
    """A problem in a grades file, located by file, line and (when it applies) field."""

    def __init__(self, path: str | Path, line: int | None, field: str | None, message: str) -> None:
        self.path, self.line, self.field, self.message = str(path), line, field, message
        where = self.path + (f":{line}" if line is not None else "")
        what = f" field '{field}':" if field else ""
        super().__init__(f"{where}:{what} {message}")


@dataclass
class GradesFile:
    grades: list[Grade]
    lines: list[int]
    ignored_columns: list[str]

    def table(self, path: str | Path = "<grades>") -> GradeTable:
        """The columnar table; a consistency error is reported at the offending line."""
        try:
            return GradeTable.from_records(self.grades)
        except ValueError as exc:
            msg = str(exc)
            if msg.startswith("record "):
                pos, _, rest = msg[len("record "):].partition(": ")
                raise GradesFileError(path, self.lines[int(pos)], None, rest) from None
            raise GradesFileError(path, None, None, msg) from None


def _number(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise ValueError
    return value


def read_grades(path: str | Path) -> GradesFile:
    """Parse the file; raise GradesFileError on the first bad row."""
    path = Path(path)
    try:
        handle = path.open(newline="", encoding="utf-8-sig")
    except OSError as exc:
        raise GradesFileError(path, None, None, f"cannot open: {exc.strerror or exc}") from None
    with handle:
        reader = csv.reader(handle)
        try:
            header = next(reader)
        except StopIteration:
            raise GradesFileError(path, 1, None, "empty file: expected a header row "
                                  f"({','.join(REQUIRED)}[,{','.join(OPTIONAL)}])") from None
        except (csv.Error, UnicodeDecodeError) as exc:
            raise GradesFileError(path, 1, None, f"unreadable header: {exc}") from None
        columns = [h.strip() for h in header]
        for name in REQUIRED:
            if name not in columns:
                raise GradesFileError(path, 1, name, f"missing required column (header is {','.join(columns)})")
        dupes = sorted({c for c in columns if columns.count(c) > 1 and c})
        if dupes:
            raise GradesFileError(path, 1, dupes[0], "column appears twice in the header")
        index = {c: i for i, c in enumerate(columns)}
        ignored = [c for c in columns if c not in REQUIRED + OPTIONAL]
        grades: list[Grade] = []
        lines: list[int] = []
        while True:
            try:
                row = next(reader)
            except StopIteration:
                break
            except (csv.Error, UnicodeDecodeError) as exc:
                raise GradesFileError(path, reader.line_num + 1, None, f"unreadable row: {exc}") from None
            line = reader.line_num
            if not row or all(not cell.strip() for cell in row):
                continue
            if len(row) != len(columns):
                raise GradesFileError(path, line, None,
                                      f"expected {len(columns)} fields ({','.join(columns)}), found {len(row)}")
            grades.append(_grade(path, line, row, index))
            lines.append(line)
    if not grades:
        raise GradesFileError(path, None, None, "no grades: the file has a header but no rows")
    return GradesFile(grades, lines, ignored)


def _grade(path: Path, line: int, row: list[str], index: dict[str, int]) -> Grade:
    def cell(name: str) -> str | None:
        i = index.get(name)
        return None if i is None else row[i].strip()

    values: dict[str, object] = {}
    for name in ("answer_id", "grader"):
        text = cell(name)
        if not text:
            raise GradesFileError(path, line, name, "empty; every grade needs an answer_id and a grader")
        values[name] = text
    text = cell("level") or ""
    try:
        values["level"] = _number(text)
    except ValueError:
        raise GradesFileError(path, line, "level", f"{text!r} is not a finite number") from None
    for name in ("criterion", "question_id", "candidate_id"):
        values[name] = cell(name) or None
    stamp = cell("graded_at")
    if stamp:
        try:
            values["graded_at"] = datetime.fromisoformat(stamp)
        except ValueError:
            raise GradesFileError(path, line, "graded_at",
                                  f"{stamp!r} is not an ISO 8601 date-time (e.g. 2024-05-01T14:30:00Z)") from None
    seconds = cell("answer_seconds")
    if seconds:
        try:
            values["answer_seconds"] = _number(seconds)
            if values["answer_seconds"] < 0:  # type: ignore[operator]
                raise ValueError
        except ValueError:
            raise GradesFileError(path, line, "answer_seconds",
                                  f"{seconds!r} is not a non-negative number of seconds") from None
    return Grade(**values)  # type: ignore[arg-type]
