"""Write a team's questions and rubrics back to files that `mockloop validate` accepts.

Layout (the bundled banks' own shape):

    FOLDER/rubrics/<rubric id>.json      one rubric (its current version) per file
    FOLDER/questions/<round>.json        a list of the round's questions, by id

Retired items are left out. Questions may use bundled rubrics, which are not
written (validation reads the bundled data too), so
`simulator.bank.check([FOLDER])` finds no problems.
"""
from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from simulator.teams import library
from simulator.teams.workspace import require_member


def _write(path: Path, data: Any) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


def export_bank(session: Session, team_id: int, actor: int, folder: str | Path, *,
                statuses: tuple[str, ...] = ("draft", "reviewed")) -> list[Path]:
    """Write the team's rubrics and the questions whose status is in `statuses`; returns the files written."""
    require_member(session, team_id, actor)
    folder = Path(folder)
    written = [_write(folder / "rubrics" / f"{row.rubric_id}.json", row.content)
               for row in library.current_rubric_rows(session, team_id)]
    by_round: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in library.question_rows(session, team_id):
        if row.status in statuses:
            by_round[row.round].append(row.content)
    for round_type, items in sorted(by_round.items()):
        written.append(_write(folder / "questions" / f"{round_type}.json", sorted(items, key=lambda q: q["id"])))
    return written
