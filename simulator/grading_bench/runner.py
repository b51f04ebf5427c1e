"""The ASAG benchmark: grade a labelled JSONL file ad hoc and compare with the human scores.

Records: `question_id`, `question`, `reference_answer` (and optionally
`reference_answers`: [{"text": ...}]), `answer`, `score`, `max_score`
(optionally `label`). Scores are compared on the data's own scale
(grade.score * max_score). Two-way data (scores 0/1) also get weighted F1
with a threshold chosen on a separate training file only.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Iterable

from simulator.grading_bench import metrics

# Published figures from shared/notes/grading.md, matched by file-name fragments.
PUBLISHED: list[tuple[tuple[str, ...], list[dict[str, Any]]]] = [
    (("scientsbank", "unseen-answers"), [
        {"system": "feature baseline (Riordan et al. 2017)", "f1": 0.661},
        {"system": "LSTM (Riordan et al. 2017)", "f1": 0.712},
        {"system": "best reported", "f1": 0.773},
    ]),
    (("beetle", "unseen-answers"), [
        {"system": "feature baseline (Riordan et al. 2017)", "f1": 0.742},
        {"system": "LSTM (Riordan et al. 2017)", "f1": 0.790},
        {"system": "best reported", "f1": 0.845},
    ]),
    (("mohler",), [
        {"system": "human vs human", "pearson": 0.586, "rmse": 0.659},
        {"system": "tf*idf cosine", "pearson": 0.281, "rmse": 1.085},
        {"system": "SVMRank hybrid, best (Mohler et al. 2011)", "pearson": 0.518, "rmse": 1.015},
        {"system": "Sultan et al. 2016", "pearson": 0.592},
    ]),
]


class BadRecord(ValueError):
    pass


def load_jsonl(path: str | Path) -> list[dict[str, Any]]:
    """Labelled records; a bad line raises BadRecord naming the file and line."""
    out = []
    with open(path, encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                rec = json.loads(line)
            except json.JSONDecodeError as exc:
                raise BadRecord(f"{path}:{n}: invalid JSON: {exc.msg}") from None
            missing = [k for k in ("question", "answer", "score") if k not in rec]
            if not rec.get("reference_answer") and not rec.get("reference_answers"):
                missing.append("reference_answer")
            if missing:
                raise BadRecord(f"{path}:{n}: missing {', '.join(missing)}")
            out.append(rec)
    return out


def references(rec: dict[str, Any]) -> list[str]:
    refs = [r["text"] if isinstance(r, dict) else r for r in rec.get("reference_answers") or []]
    return [r for r in refs if r] or [rec["reference_answer"]]


def batch_corpus(records: Iterable[dict[str, Any]]):
    """idf over the batch: every answer and every distinct reference answer is a document."""
    from simulator.graders.keyword.matching import CorpusStats

    stats = CorpusStats()
    seen: set[str] = set()
    for rec in records:
        stats.add(rec["answer"])
        for ref in references(rec):
            if ref not in seen:
                seen.add(ref)
                stats.add(ref)
    return stats


def grader_scores(records: list[dict[str, Any]], grader_name: str = "keyword") -> list[float]:
    """grade.score (0..1) for each record, graded ad hoc with idf over the batch."""
    from simulator.graders.base import registry
    from simulator.graders.keyword import adhoc_question

    grader = registry.get(grader_name)
    if hasattr(grader, "with_corpus"):
        grader = grader.with_corpus(batch_corpus(records))
    out = []
    for rec in records:
        q, rubric = adhoc_question(rec["question"], references(rec), question_id=_qid(rec))
        g = grader.grade(q, rubric, rec["answer"])
        out.append(float(g["score"] or 0.0))
    return out


def _qid(rec: dict[str, Any]) -> str | None:
    qid = rec.get("question_id")
    return f"adhoc-{qid}" if qid is not None else None


def baseline_scores(records: list[dict[str, Any]]) -> list[float]:
    """Plain stemmed overlap: share of the reference's distinct content stems found in the answer (best reference)."""
    from simulator.graders.keyword.normalise import content_stems

    out = []
    for rec in records:
        have = set(content_stems(rec["answer"]))
        best = 0.0
        for ref in references(rec):
            want = set(content_stems(ref))
            if want:
                best = max(best, len(want & have) / len(want))
        out.append(best)
    return out


def gold(records: list[dict[str, Any]]) -> tuple[list[float], list[float]]:
    """(scores on the data's scale, max scores)."""
    return [float(r["score"]) for r in records], [float(r.get("max_score") or 1.0) for r in records]


def is_two_way(records: list[dict[str, Any]]) -> bool:
    g, m = gold(records)
    return all(x in (0.0, 1.0) for x in g) and all(x == 1.0 for x in m)


def agreement(pred01: list[float], records: list[dict[str, Any]], threshold: float | None) -> dict[str, Any]:
    g, m = gold(records)
    pred = [p * mx for p, mx in zip(pred01, m)]
    levels = sorted(set(g))
    row: dict[str, Any] = {
        "n": len(records),
        "pearson": metrics.pearson(pred, g),
        "spearman": metrics.spearman(pred, g),
        "rmse": metrics.rmse(pred, g),
        "qwk": metrics.qwk(pred, g, levels),
    }
    if is_two_way(records):
        row["threshold"] = threshold
        row["f1"] = metrics.weighted_f1([int(p >= threshold) for p in pred01], [int(x) for x in g]) if threshold is not None else None
    return row


def published_for(path: str | Path) -> list[dict[str, Any]]:
    name = Path(path).name.lower()
    for keys, rows in PUBLISHED:
        if all(k in name for k in keys):
            return rows
    return []


def evaluate(path: str | Path, train: str | Path | None = None, grader_name: str = "keyword") -> dict[str, Any]:
    """Agreement of the grader and of the plain-overlap baseline with the human scores of one file."""
    records = load_jsonl(path)
    scorers = {"grader": lambda rs: grader_scores(rs, grader_name), "baseline": baseline_scores}
    train_records = load_jsonl(train) if train else None
    result: dict[str, Any] = {"file": str(path), "name": Path(path).stem, "two_way": is_two_way(records)}
    for key, fn in scorers.items():
        threshold = None
        if result["two_way"] and train_records is not None:
            tg, _ = gold(train_records)
            threshold = metrics.best_threshold(fn(train_records), [int(x) for x in tg])
        result[key] = _rounded(agreement(fn(records), records, threshold))
    result["published"] = published_for(path)
    return result


def _rounded(row: dict[str, Any]) -> dict[str, Any]:
    return {k: (round(v, 4) if isinstance(v, float) else v) for k, v in row.items()}
