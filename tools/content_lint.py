"""Lint question files against the content bar: `python tools/content_lint.py FILE.json [...]`.

Prints `FILE: question-id: problem` per problem and a summary; exit 1 when any is found.
Checks: three key points per assessed criterion, each a claim with contradicts and because,
no single-word aliases, three examples graded on every criterion with a rationale.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

from simulator.bank import default_bank
from simulator.bank_quality import question_problems


def main(paths: list[str]) -> int:
    bank = default_bank()
    bad = 0
    for p in paths:
        data = json.loads(Path(p).read_text(encoding="utf-8"))
        for q in data if isinstance(data, list) else [data]:
            rubric = bank.rubrics.get(q.get("rubric"))
            if rubric is None:
                print(f"{p}: {q.get('id')}: unknown rubric {q.get('rubric')!r}")
                bad += 1
                continue
            for line in question_problems(q, rubric):
                print(f"{p}: {q['id']}: {line}")
                bad += 1
    print(f"{bad} problem(s)", file=sys.stderr)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
