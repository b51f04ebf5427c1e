"""Ordering checks on answers written without seeing the key points: strong, fluent-but-wrong, weak, off-topic.

Each record: `question_id` (a bank question), `kind` (strong | wrong | weak | offtopic), `answer`. For every
question with all four kinds the grader must order them as a person would: the strong answer (right, in other
words) above the wrong one (fluent, right vocabulary, central claims wrong), the wrong one no higher than the
weak one plus a margin, and the strong one above the weak and the off-topic ones.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

KINDS = ("strong", "wrong", "weak", "offtopic")
WRONG_MARGIN = 0.05


def load(path: Path) -> dict[str, dict[str, str]]:
    """question id -> kind -> answer."""
    out: dict[str, dict[str, str]] = {}
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        if line.strip():
            rec = json.loads(line)
            out.setdefault(rec["question_id"], {})[rec["kind"]] = rec["answer"]
    return out


def evaluate(grader, bank, sets: dict[str, dict[str, str]]) -> dict[str, Any]:
    """Per-question scores and the shares the grading issue sets targets for."""
    rows = []
    for qid in sorted(sets):
        answers = sets[qid]
        if qid not in bank.questions or any(k not in answers for k in KINDS):
            continue
        q = bank.questions[qid]
        rubric = bank.rubric(q["rubric"])
        scores = {}
        for k in KINDS:
            g = grader.grade(q, rubric, answers[k])
            scores[k] = g["score"] if g["score"] is not None else 0.0
        rows.append({"question_id": qid, "round": q["round"], **{k: round(v, 4) for k, v in scores.items()},
                     "strong_gt_wrong": scores["strong"] > scores["wrong"],
                     "wrong_le_weak": scores["wrong"] <= scores["weak"] + WRONG_MARGIN,
                     "strong_gt_weak_offtopic": scores["strong"] > max(scores["weak"], scores["offtopic"])})
    n = len(rows)

    def share(key: str) -> float:
        return round(sum(r[key] for r in rows) / n, 4) if n else 0.0

    means = {k: round(sum(r[k] for r in rows) / n, 4) if n else None for k in KINDS}
    return {"questions": n, "strong_gt_wrong": share("strong_gt_wrong"), "wrong_le_weak_plus_margin": share("wrong_le_weak"),
            "strong_gt_weak_and_offtopic": share("strong_gt_weak_offtopic"), "mean_score": means, "rows": rows}
