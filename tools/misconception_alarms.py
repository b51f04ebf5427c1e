"""Misconceptions the keyword grader reads in answers that are right: `python tools/misconception_alarms.py [ROUND|QUESTION_ID ...]`.

A question's reference answer, and each of its gold examples graded at level 3 or more on a criterion, should not
be read as stating a misconception of a key point of that criterion: such a reading is a false alarm, and it costs
a right answer credit. Prints one line per false alarm (question, key point, the misconception phrasing matched,
where) and a count per round; exit 1 when any is found. Run it after writing `contradicts`.
"""
from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from simulator.bank import load_bank  # noqa: E402
from simulator.graders.keyword import KeywordGrader  # noqa: E402


def alarms(bank, question: dict) -> list[tuple[str, str, str, str]]:
    """(key point, matched phrasing, source, quote) for every misconception read in a right answer."""
    grader = KeywordGrader()
    rubric = bank.rubric(question["rubric"])
    out = []
    sources = [("reference answer", question.get("reference_answer") or "", None)]
    sources += [(f"example {ex.get('quality', i)}", ex["answer"], ex["levels"]) for i, ex in enumerate(question.get("examples", []))]
    for name, text, lv in sources:
        if not text.strip():
            continue
        for m in grader.grade(question, rubric, text)["details"].get("misconceptions", []):
            if lv is None or (lv.get(m["criterion"]) or 0) >= 3:
                out.append((m["key_point"], m["matched"], name, m["quote"][:100]))
    return out


def main(args: list[str]) -> int:
    bank = load_bank()
    per_round: Counter = Counter()
    for qid in sorted(bank.questions):
        q = bank.questions[qid]
        if q["round"] == "ml_coding" or (args and q["round"] not in args and qid not in args):
            continue
        for kp, phrase, where, quote in alarms(bank, q):
            per_round[q["round"]] += 1
            print(f"{qid}: {kp}: read {phrase!r} in the {where}: {quote!r}")
    print(f"{sum(per_round.values())} false alarm(s) {dict(per_round)}", file=sys.stderr)
    return 1 if per_round else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
