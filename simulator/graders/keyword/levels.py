"""Honest levels for the keyword grader: a criterion's level only where its evidence can support one.

A criterion is rated when the question gives it at least MIN_KEY_POINTS key points, or a signal the grader
observes directly (a math final answer checked by value, behavioural story signals). Otherwise it is left
unrated with a note saying why ("not assessed by the keyword grader"), never given 1/5 or 5/5 on one phrase.
A criterion listed in the question's `not_applicable` is unrated and says so.

A rated criterion's level is the rubric's `thresholds` applied to the weighted share of its claims made,
less the weight of claims whose opposite was stated; it never exceeds the highest `supports_level` among the
claims made, and a stated misconception caps it at MISCONCEPTION_LEVEL_CAP. Every note says what the grader
found and did not find, in the bank's own words; no note quotes a rubric level as a description of the answer.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

MIN_KEY_POINTS = 3  # key points a criterion needs before a keyword match can support a level
MISCONCEPTION_COST = 1.0  # a contradicted claim takes back this many times its weight from its criterion
MISCONCEPTION_LEVEL_CAP = 2  # a criterion in which a misconception was stated reaches at most this level
MISCONCEPTION_FACTOR = 0.7  # the round score is multiplied by this once per misconception (two at most); 0.3 until
# the bank had three misconception phrasings per claim (2.3.0): more are read, wrongly too, so each costs less (CV)
MAX_LISTED = 4  # claims listed per note
# Partial credit for a claim whose phrasing is only partly there (coverage in [PARTIAL_FROM, COVERED)): off unless
# leave-questions-out cross-validation on the gold set (tools/tune_curated.py) says it helps.
PARTIAL_FROM: float | None = 0.35
PARTIAL_CREDIT = 0.5


@dataclass
class Tally:
    """What the grader observed for one criterion."""

    covered: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    contradicted: list[str] = field(default_factory=list)
    partial: list[str] = field(default_factory=list)
    num: float = 0.0
    den: float = 0.0
    evidence_items: int = 0  # key points plus direct signals
    best_support: int = 0  # highest supports_level among claims made (0 when none declares one)
    declares_support: bool = False


def level_for(value: float, thresholds: list[float]) -> int:
    return 1 + sum(1 for t in thresholds if value >= t - 1e-9)


def rate(t: Tally, thresholds: list[float]) -> tuple[int | None, float | None]:
    """(level, coverage share) for a tally; level None when the evidence cannot support one."""
    if t.den <= 0 or t.evidence_items < MIN_KEY_POINTS:
        return None, None
    share = max(0.0, t.num) / t.den
    level = level_for(share, thresholds)
    if t.declares_support and t.covered:
        level = min(level, max(t.best_support, 2))
    if t.contradicted:
        level = min(level, MISCONCEPTION_LEVEL_CAP)
    return level, round(share, 4)


def _listing(texts: list[str]) -> str:
    shown = [f"\u201c{t}\u201d" for t in texts[:MAX_LISTED]]
    more = len(texts) - len(shown)
    return "; ".join(shown) + (f" and {more} more" if more > 0 else "")


def note_for(t: Tally, level: int | None, texts: dict[str, str], *, not_applicable: bool = False) -> str:
    """One or two sentences of fact: found, not found, stated the opposite, or why there is no level."""
    if not_applicable:
        return "Not applicable to this question."
    parts = []
    if t.covered:
        parts.append(f"Found: {_listing([texts.get(k, k) for k in t.covered])}.")
    if t.contradicted:
        parts.append(f"Stated the opposite of: {_listing([texts.get(k, k) for k in t.contradicted])}.")
    partial = [k for k in t.missing if k in t.partial]
    missing = [k for k in t.missing if k not in t.partial]
    if partial:
        parts.append(f"Partly found (half credit): {_listing([texts.get(k, k) for k in partial])}.")
    if missing:
        parts.append(f"Not found: {_listing([texts.get(k, k) for k in missing])}.")
    if level is None:
        n = t.evidence_items
        parts.append(f"Not assessed by the keyword grader: it has {n} thing{'s' if n != 1 else ''} to look for here, "
                     f"fewer than the {MIN_KEY_POINTS} a level needs.")
    return " ".join(parts) or "The grader found nothing to look for here."


def misconception_factor(n: int) -> float:
    return MISCONCEPTION_FACTOR ** min(n, 2)


def feedback(criteria: list[dict[str, Any]], names: dict[str, str], texts: dict[str, str],
             misconceptions: list[dict[str, Any]], flags: list[str], not_applicable: set[str]) -> str:
    """The grade's feedback: what was stated wrongly and why, what was missed, what was not assessed."""
    lines = []
    for m in misconceptions[:3]:
        why = f", which holds because {m['because'].strip().rstrip('.')}" if m.get("because") else ""
        lines.append(f"You said \u201c{m['quote']}\u201d; the grader reads that as the opposite of \u201c{m['claim']}\u201d{why}.")
    covered = [k for e in criteria for k in e["key_points_covered"]]
    missing = [k for e in criteria if e["level"] is not None for k in e["key_points_missing"]]
    rated = [e for e in criteria if e["level"] is not None]
    if rated:
        lines.append(f"Found {len(covered)} of {len(covered) + len(missing)} claims the grader looks for in the rated criteria.")
    if missing:
        lines.append(f"Not found: {_listing([texts.get(k, k) for k in missing])}.")
    unassessed = [names[e["criterion"]] for e in criteria if e["level"] is None and e["criterion"] not in not_applicable]
    if unassessed:
        lines.append(f"Not assessed by the keyword grader: {', '.join(unassessed)} (too little it can observe; a person or the LLM grader can).")
    if "keyword_stuffing" in flags:
        lines.append("The answer lists terms without explaining them; levels are capped at 2.")
    if "injection_suspected" in flags:
        lines.append("Text addressed to the grader was ignored.")
    return "\n".join(lines)
