"""The scorecard: rounds, criteria, time used, flags, evidence, missed key points, band, prep plan."""
from __future__ import annotations

from typing import Any

from simulator.bank import Bank
from simulator.scoring import level_to_unit
from simulator.verdict import verdict_reasons


def _latest_machine_grade(round_view: dict[str, Any]) -> dict[str, Any] | None:
    machine = [g for g in round_view["grades"] if g["grader"]["kind"] in ("keyword", "code", "llm")]
    return machine[-1] if machine else None


def scorecard(loop_view: dict[str, Any], bank: Bank) -> dict[str, Any]:
    """Everything a candidate reads after a loop, as plain data (rendered as md, json or html)."""
    track = bank.track(loop_view["track"])
    rounds = []
    weakest: dict[tuple[str, str], list[float]] = {}
    for rv in loop_view["rounds"]:
        question = bank.questions.get(rv["question_id"], {})
        rubric = bank.rubrics.get(rv["rubric_id"], {"criteria": []})
        grade = _latest_machine_grade(rv)
        key_points = keypoint_texts(question)
        na = set(question.get("not_applicable", []))
        criteria = []
        for c in rubric["criteria"]:
            entry = next((e for e in (grade or {}).get("criteria", []) if e["criterion"] == c["id"]), None)
            level = entry["level"] if entry else None
            if level is not None:
                weakest.setdefault((rubric["id"], c["id"]), []).append(level_to_unit(level))
            # what the grader observed, in its own words; a rubric level description is never presented as a
            # statement about the answer
            criteria.append({
                "id": c["id"],
                "name": c["name"],
                "level": level,
                "graded_by": None if grade is None else grade["grader"]["name"],
                "not_applicable": c["id"] in na,
                "note": (entry or {}).get("note", ""),
                "evidence": (entry or {}).get("evidence", []),
                "covered": [key_points.get(k, k) for k in (entry or {}).get("key_points_covered", [])],
                "missed": [key_points.get(k, k) for k in (entry or {}).get("key_points_missing", [])],
            })
        rounds.append({
            "position": rv["position"] + 1,
            "round": rv["round"],
            "question_id": rv["question_id"],
            "prompt": rv["prompt"],
            "status": rv["status"],
            "time_used_s": rv["time_used_s"],
            "time_limit_s": rv["time_limit_s"],
            "answer": rv["graded_text"],
            "late_answer": rv.get("late_answer"),
            "score": None if grade is None else grade.get("score"),
            "grader": None if grade is None else grade["grader"],
            "flags": sorted(set(rv["flags"]) | set((grade or {}).get("flags", []))),
            "feedback": (grade or {}).get("feedback", ""),
            "criteria": criteria,
            "probes": rv["probes"],
        })
    band = next((b for b in track["bands"] if b["id"] == loop_view["band"]), None)
    withheld = verdict_reasons(loop_view["kind"], [(rv["round"], _latest_machine_grade(rv)) for rv in loop_view["rounds"]])
    return {
        "verdict_withheld": withheld if loop_view["score"] is not None else [],
        "loop_id": loop_view["id"],
        "track": track["id"],
        "track_name": track["name"],
        "kind": loop_view["kind"],
        "status": loop_view["status"],
        "score": loop_view["score"],
        "band": band,
        "bands": track["bands"],
        "rounds": rounds,
        "prep_plan": prep_plan(weakest, bank, track),
    }


def keypoint_texts(question: dict[str, Any]) -> dict[str, str]:
    """Key point id -> its text, and the final-answer check in words: no raw ids on a scorecard."""
    texts = {kp["id"]: kp["text"] for kp in question.get("key_points", [])}
    fa = question.get("final_answer")
    if fa:
        label = fa.get("label") or "the final answer"
        value = ", ".join(f"{v:g}" for v in fa["values"]) if "values" in fa else (f"{fa['value']:g}" if "value" in fa else fa.get("expression", ""))
        texts["final_answer"] = f"{label} ({value})" if value else label
    return texts


def prep_plan(weakest: dict[tuple[str, str], list[float]], bank: Bank, track: dict[str, Any], limit: int = 3) -> list[dict[str, Any]]:
    """Advice for the weakest criteria (mean level below 'good'), then the track's own advice."""
    ranked = sorted(weakest.items(), key=lambda kv: (sum(kv[1]) / len(kv[1]), kv[0]))
    plan = []
    for (rubric_id, criterion_id), units in ranked:
        mean = sum(units) / len(units)
        if mean >= 0.75 or len(plan) >= limit:
            break
        criterion = next(c for c in bank.rubric(rubric_id)["criteria"] if c["id"] == criterion_id)
        plan.append({
            "round": bank.rubric(rubric_id)["round"],
            "criterion": criterion["name"],
            "mean_level": round(1 + 4 * mean, 2),
            "advice": criterion.get("prep") or criterion["levels"]["4"],
        })
    return plan + [{"round": None, "criterion": None, "mean_level": None, "advice": a} for a in track.get("prep", [])]
