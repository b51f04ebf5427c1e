"""Practice before grading: gold example answers from the bank, with the levels their authors intended.

As in ORA2's learner training, a peer grades a few examples first and sees, criterion by criterion,
where they differ from the intended level. Within one level counts as agreeing.

Practice reveals intended levels, so it never shows the examples teams certify graders on: each
question holds back its examples marked `"held_back": true`, or, when none is marked, the one whose
answer text has the smallest SHA-256 (a choice that survives reordering the examples and copying the
question under another id). `simulator.teams.answers.add_gold_answers` uses only held-back examples.
"""
from __future__ import annotations

import hashlib
from typing import Any

from simulator.bank import Bank

AGREE_WITHIN = 1
PER_ROUND = 3


def held_back(question: dict[str, Any]) -> set[int]:
    """Indices of the question's examples reserved for certification (never shown in practice)."""
    exs = question.get("examples", [])
    marked = {i for i, ex in enumerate(exs) if ex.get("held_back") is True}
    if marked or not exs:
        return marked
    return {min(range(len(exs)), key=lambda i: (hashlib.sha256(exs[i]["answer"].encode()).hexdigest(), i))}


def examples(bank: Bank, rounds: list[tuple[str, str]], per_round: int = PER_ROUND) -> list[dict[str, Any]]:
    """Examples for (question id, rubric id) pairs: the question's own first, then other questions on
    the same rubric, at most `per_round` each, never the same example twice, never a held-back one.
    Numbered from 1."""
    out: list[dict[str, Any]] = []
    seen: set[tuple[str, int]] = set()
    for qid, rid in rounds:
        candidates = [bank.questions[qid]] if qid in bank.questions else []
        candidates += [q for _, q in sorted(bank.questions.items()) if q["rubric"] == rid and q["id"] != qid]
        taken = 0
        for q in candidates:
            reserved = held_back(q)
            for index, ex in enumerate(q.get("examples", [])):
                if taken >= per_round:
                    break
                if index in reserved or (q["id"], index) in seen or not set(ex["levels"]) & {c["id"] for c in bank.rubric(rid)["criteria"]}:
                    continue
                seen.add((q["id"], index))
                taken += 1
                out.append({"number": len(out) + 1, "question_id": q["id"], "rubric_id": rid, "index": index,
                            "prompt": q["prompt"], "tests": q.get("tests", ""), "answer": ex["answer"],
                            "quality": ex["quality"], "levels": dict(ex["levels"])})
    return out


def public(example: dict[str, Any]) -> dict[str, Any]:
    """An example as shown before grading it: no intended levels, no quality label."""
    return {k: v for k, v in example.items() if k not in ("levels", "quality")}


def check(rubric: dict[str, Any], given: dict[str, int | None], intended: dict[str, int]) -> dict[str, Any]:
    """Per criterion: your level, the intended one, the difference, and whether that counts as agreeing."""
    rows = []
    for c in rubric["criteria"]:
        if intended.get(c["id"]) is None:  # no intended level, or not applicable to this question
            continue
        yours, target = given.get(c["id"]), intended[c["id"]]
        diff = None if yours is None else yours - target
        rows.append({"criterion": c["id"], "name": c["name"], "yours": yours, "intended": target, "difference": diff,
                     "agrees": None if diff is None else abs(diff) <= AGREE_WITHIN,
                     "intended_descriptor": c["levels"][str(target)]})
    compared = [r for r in rows if r["agrees"] is not None]
    agreed = sum(1 for r in compared if r["agrees"])
    if not compared:
        text = "You rated none of the criteria this example has an intended level for."
    else:
        text = f"You agree with the intended level (within one) on {agreed} of {len(compared)} criteria."
        far = [r["name"] for r in compared if not r["agrees"]]
        if far:
            text += " Look again at: " + ", ".join(far) + "."
    return {"rows": rows, "compared": len(compared), "agreed": agreed, "text": text}
