"""Progress: each criterion's level over a candidate's graded loops, oldest first."""
from __future__ import annotations

from typing import Any

from simulator.bank import ROUNDS, Bank

MACHINE = ("keyword", "code", "llm")


def _latest_grade(rv: dict[str, Any]) -> dict[str, Any] | None:
    machine = [g for g in rv["grades"] if g["grader"]["kind"] in MACHINE]
    if not machine or "pending" in machine[-1]["flags"]:
        return None
    return machine[-1]


def progress(loops: list[dict[str, Any]], bank: Bank) -> list[dict[str, Any]]:
    """One series per (round type, criterion): a point per loop, the mean level when a loop has several such rounds."""
    series: dict[tuple[str, str], dict[str, Any]] = {}
    done = [lp for lp in loops if lp["status"] in ("complete", "graded")]
    for loop in sorted(done, key=lambda lp: (lp["completed_at"] or lp["created_at"] or "", lp["id"])):
        levels: dict[tuple[str, str], list[int]] = {}
        for rv in loop["rounds"]:
            grade = _latest_grade(rv)
            if grade is None:
                continue
            rubric = bank.rubrics.get(rv["rubric_id"], {"criteria": []})
            names = {c["id"]: c["name"] for c in rubric["criteria"]}
            for entry in grade["criteria"]:
                if entry["level"] is None:
                    continue
                key = (rv["round"], entry["criterion"])
                levels.setdefault(key, []).append(entry["level"])
                series.setdefault(key, {"round": rv["round"], "criterion": entry["criterion"],
                                        "name": names.get(entry["criterion"], entry["criterion"]), "points": []})
        for key, found in levels.items():
            series[key]["points"].append({
                "loop_id": loop["id"], "track": loop["track"], "at": loop["completed_at"] or loop["created_at"],
                "level": round(sum(found) / len(found), 2),
            })
    order = {r: i for i, r in enumerate(ROUNDS)}
    return sorted(series.values(), key=lambda s: (order.get(s["round"], 99), s["name"]))
