"""Criterion levels -> weighted round score -> loop score with the track's weights -> decision band."""
from __future__ import annotations

from typing import Any

from rubrics import band_for, criterion_weights, rubric_hash

Grade = dict[str, Any]


def level_to_unit(level: int) -> float:
    """Level 1..5 on a 0..1 scale (1 -> 0, 5 -> 1)."""
    return (level - 1) / 4


def round_score(levels: dict[str, int | None], rubric: dict[str, Any], track: str | None = None) -> float | None:
    """Weighted mean of the rated criteria on 0..1; None when nothing was rated."""
    weights = criterion_weights(rubric, track)
    total = num = 0.0
    for cid, level in levels.items():
        w = weights.get(cid, 0.0)
        if level is None or w <= 0:
            continue
        total += w
        num += w * level_to_unit(level)
    return round(num / total, 6) if total > 0 else None


def grade_score(grade: Grade, rubric: dict[str, Any], track: str | None = None) -> float | None:
    return round_score({c["criterion"]: c["level"] for c in grade["criteria"]}, rubric, track)


def empty_grade(grader: Any, question: dict[str, Any] | None, rubric: dict[str, Any]) -> Grade:
    """A Grade with every criterion present and unrated."""
    return {
        "grader": {"kind": grader.kind, "name": grader.name, "version": grader.version},
        "rubric": {"id": rubric["id"], "version": rubric["version"], "hash": rubric_hash(rubric)},
        "question_id": (question or {}).get("id"),
        "criteria": [
            {"criterion": c["id"], "level": None, "evidence": [], "key_points_covered": [], "key_points_missing": []}
            for c in rubric["criteria"]
        ],
        "score": None,
        "feedback": "",
        "flags": [],
    }


def loop_score(rounds: list[tuple[str, float | None]], track: dict[str, Any]) -> float | None:
    """Mean of round scores weighted by the track's round weights; unscored rounds count as 0.

    A round with no answer scores 0 rather than vanishing: skipping a round
    must never raise the loop score.
    """
    weights = {r["round"]: float(r["weight"]) for r in track["rounds"]}
    total = num = 0.0
    for round_type, score in rounds:
        w = weights.get(round_type, 1.0)
        total += w
        num += w * (score or 0.0)
    return round(num / total, 6) if total > 0 else None


def decision(score: float | None, bands: list[dict[str, Any]]) -> dict[str, Any] | None:
    return band_for(bands, score)
