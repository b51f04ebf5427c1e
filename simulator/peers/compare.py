"""Self vs peers vs machines, per criterion: ORA2's median of peers, disagreements, the self-rating gap.

Pure: a rubric and a list of graders (each with its Grade) in, plain data out.
"""
from __future__ import annotations

import math
from itertools import combinations
from typing import Any

DISAGREE_AT = 2  # levels apart: highlighted
MACHINE_KINDS = ("keyword", "llm", "code")
MACHINE_LABELS = {"keyword": "Keyword grader", "llm": "LLM grader", "code": "Code grader"}


def ora2_median(levels: list[int]) -> int | None:
    """Open edX ORA2's peer median (Assessment.get_median_score): the middle level; for an even
    count the mean of the two middle levels, rounded up. None when nobody rated."""
    xs = sorted(levels)
    if not xs:
        return None
    mid = len(xs) // 2
    if len(xs) % 2:
        return xs[mid]
    return math.ceil((xs[mid - 1] + xs[mid]) / 2)


def grader(key: str, kind: str, label: str, grade: dict[str, Any]) -> dict[str, Any]:
    return {"key": key, "kind": kind, "label": label, "grade": grade}


def _entry(grade: dict[str, Any], criterion: str) -> dict[str, Any]:
    return next((e for e in grade["criteria"] if e["criterion"] == criterion), {})


def compare_round(rubric: dict[str, Any], graders: list[dict[str, Any]]) -> dict[str, Any]:
    """Rows per criterion, how many criteria each grader rated, and the self-rating gap.

    `graders` holds at most one `self`, any number of `peer`s and the latest grade of each machine kind."""
    rows = []
    for c in rubric["criteria"]:
        cells = []
        for g in graders:
            entry = _entry(g["grade"], c["id"])
            cells.append({"key": g["key"], "kind": g["kind"], "label": g["label"], "level": entry.get("level"),
                          "note": entry.get("note", "")})
        rated = [x for x in cells if x["level"] is not None]
        pairs = [f"{a['label']} {a['level']} vs {b['label']} {b['level']}"
                 for a, b in combinations(rated, 2) if abs(a["level"] - b["level"]) >= DISAGREE_AT]
        levels = [x["level"] for x in rated]
        spread = max(levels) - min(levels) if levels else 0
        for x in cells:  # the cells at either end of a wide spread are the ones to look at
            x["outlier"] = spread >= DISAGREE_AT and x["level"] in (min(levels), max(levels))
        rows.append({
            "criterion": c["id"], "name": c["name"],
            "cells": cells,
            "peer_median": ora2_median([x["level"] for x in rated if x["kind"] == "peer"]),
            "spread": spread, "disagreement": spread >= DISAGREE_AT, "pairs": pairs,
        })
    counts = [{"key": g["key"], "kind": g["kind"], "label": g["label"], "of": len(rubric["criteria"]),
               "rated": sum(1 for e in g["grade"]["criteria"] if e.get("level") is not None)} for g in graders]
    return {"rows": rows, "rated": counts, "self_gap": self_gap(rows, graders)}


def _reference(rows: list[dict[str, Any]], graders: list[dict[str, Any]]) -> tuple[str, str] | None:
    """What the self-rating is measured against: the peers' median, else the LLM, else keywords, else code."""
    if any(r["peer_median"] is not None for r in rows):
        return "peer_median", "your peers' median"
    for kind in ("llm", "keyword", "code"):
        if any(g["kind"] == kind for g in graders):
            return kind, "the " + MACHINE_LABELS[kind].replace("Keyword", "keyword").replace("Code", "code")
    return None


def _ref_level(row: dict[str, Any], ref: str) -> int | None:
    if ref == "peer_median":
        return row["peer_median"]
    return next((x["level"] for x in row["cells"] if x["kind"] == ref), None)


def self_gap(rows: list[dict[str, Any]], graders: list[dict[str, Any]]) -> dict[str, Any]:
    """Self minus the reference, per criterion and on average, and one plain sentence."""
    out: dict[str, Any] = {"reference": None, "per_criterion": {}, "mean": None, "higher": 0, "lower": 0, "same": 0}
    if not any(g["kind"] == "self" for g in graders):
        return dict(out, text="You did not grade yourself on this round.")
    ref = _reference(rows, graders)
    if ref is None:
        return dict(out, text="There is nothing to compare your self-assessment with yet.")
    out["reference"] = ref[0]
    gaps = []
    for row in rows:
        mine = next((x["level"] for x in row["cells"] if x["kind"] == "self"), None)
        theirs = _ref_level(row, ref[0])
        if mine is None or theirs is None:
            continue
        gap = mine - theirs
        out["per_criterion"][row["criterion"]] = gap
        gaps.append(gap)
        out["higher" if gap > 0 else "lower" if gap < 0 else "same"] += 1
    if not gaps:
        return dict(out, text=f"You and {ref[1]} rated no criterion in common.")
    mean = sum(gaps) / len(gaps)
    out["mean"] = round(mean, 2)
    counts = f"higher on {out['higher']}, lower on {out['lower']}, the same on {out['same']} of {len(gaps)} criteria"
    if abs(mean) < 0.5:
        text = f"Your self-assessment matches {ref[1]} within half a level on average ({counts})."
    else:
        way = "above" if mean > 0 else "below"
        text = f"You rated yourself {abs(mean):.1f} levels {way} {ref[1]} on average ({counts})."
    return dict(out, text=text)


def summary_gap(rounds: list[dict[str, Any]]) -> str | None:
    """One sentence over the whole loop: the mean self-rating gap across every compared criterion."""
    gaps = [g for r in rounds for g in r["self_gap"]["per_criterion"].values()]
    if not gaps:
        return None
    mean = sum(gaps) / len(gaps)
    higher = sum(1 for g in gaps if g > 0)
    if abs(mean) < 0.5:
        return f"Across the loop your self-assessment is within half a level of the others on average ({len(gaps)} criteria)."
    way = "higher" if mean > 0 else "lower"
    return (f"Across the loop you rated yourself {abs(mean):.1f} levels {way} than the others on average "
            f"(higher on {higher} of {len(gaps)} criteria).")
