"""When a hiring band may be shown: a full loop, every round graded, every grader certified for its round.

A band read off a score means something only when the score comes from a whole loop and from graders whose
levels are known to agree with people's. Otherwise the scorecard gives per-criterion feedback and says what a
verdict would need.
"""
from __future__ import annotations

from typing import Any

from simulator.bank import ROUND_NAMES
from simulator.graders.certification import is_certified

MACHINE_KINDS = ("keyword", "code", "llm")


def verdict_reasons(kind: str, rounds: list[tuple[str, dict[str, Any] | None]]) -> list[str]:
    """Why no band may be shown (empty when one may). `rounds`: (round type, latest machine grade or None)."""
    if kind != "loop":
        return ["This is a one-round drill: a hiring verdict needs a full loop."]
    reasons = []
    for i, (round_type, grade) in enumerate(rounds, start=1):
        name = ROUND_NAMES.get(round_type, round_type)
        if grade is None or "pending" in grade.get("flags", []):
            reasons.append(f"Round {i} ({name}) is not graded yet.")
            continue
        g = grade["grader"]
        ok, why = is_certified(g["name"], g["version"], round_type)
        if not ok:
            reasons.append(f"Round {i} ({name}): the {g['name']} grader is not certified for this round ({why}).")
    return reasons
