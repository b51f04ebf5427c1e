"""Follow-up probes during a round: which to ask next, and how a chosen probe enters the record.

The interviewer (simulator.interviewer) aims a probe at key points the answer has not covered:
with an LLM configured it writes one; otherwise it picks the question's scripted probe whose targets
are missing. Probes with a time mark are revealed by the clock instead (see timing.reveal_due_probes).
"""
from __future__ import annotations

from typing import Any

MAX_PROBES = 3  # follow-ups asked per round, timed ones included


def revealed(probes: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [p for p in probes if p.get("revealed_at")]


def choose(question: dict[str, Any], rubric: dict[str, Any], answer: str, probes: list[dict[str, Any]]):
    """The interviewer's next probe (text, source, targets), or None when the round has had enough."""
    asked = revealed(probes)
    if len(asked) >= MAX_PROBES:
        return None
    from simulator.interviewer import choose_probe

    untimed = dict(question, probes=[p for p in question.get("probes", []) if p.get("reveal_after_min") is None])
    probe = choose_probe(untimed, answer, [p["text"] for p in asked], rubric=rubric)
    if probe is not None:
        return probe
    # Nothing is missing: still ask the first scripted follow-up not yet asked, as an interviewer would.
    from simulator.interviewer import Probe

    for p in probes:
        if not p.get("revealed_at") and p.get("reveal_after_s") is None:
            return Probe(p["text"], "script", list(p.get("targets", [])))
    return None


def record(probes: list[dict[str, Any]], probe, now_iso: str) -> list[dict[str, Any]]:
    """Probes with `probe` revealed: a scripted one is marked, an LLM one is appended."""
    out = [dict(p) for p in probes]
    for p in out:
        if not p.get("revealed_at") and " ".join(p["text"].split()) == " ".join(probe.text.split()):
            p["revealed_at"] = now_iso
            p["source"] = probe.source
            return out
    out.append({"text": probe.text, "targets": list(probe.targets), "reveal_after_s": None,
                "revealed_at": now_iso, "answer": "", "source": probe.source})
    return out
