"""Answers of known quality, made by removing key points from a strong answer (or written by an LLM).

Removal: the answer is split into sentences (`simulator.llm.guard.segments`).
Every sentence that covers a chosen key point is dropped, where "covers" is
either the keyword grader's evidence for that key point or token overlap
(`simulator.interviewer.overlap_covered`) within the sentence. This repeats
until the coverage detector (the keyword grader when it is importable, else
token overlap) no longer finds any chosen key point, since the grader may find
a second mention once the first is gone.

The intended level rule. For each criterion c with key points, let s_c be the
weight share of c's key points *lost* (covered by the original answer and not
by the new one: the chosen ones plus any that went with the same sentences):

    new level = 1 + floor((L_c - 1) * (1 - s_c) + 0.5)

so losing nothing keeps the original level L_c, losing every key point of a
criterion gives level 1, and levels in between scale linearly. Criteria with
no key points keep L_c. An LLM-written answer starts from the levels of the
question's strong example (5 for each criterion without one) and loses the
key points the detector does not find in what the model wrote.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from simulator.llm.guard import segments
from simulator.interviewer import overlap_covered

Question = dict[str, Any]
Rubric = dict[str, Any]


@dataclass
class Degraded:
    text: str
    levels: dict[str, int]
    requested: list[str]
    lost: list[str]
    removed_sentences: int
    still_covered: list[str] = field(default_factory=list)  # chosen key points the detector still finds


def _keyword():
    try:
        from simulator.graders.base import registry

        return registry.get("keyword")
    except (ImportError, LookupError, AttributeError):
        return None


def evidence(question: Question, rubric: Rubric | None, text: str) -> tuple[set[str], dict[str, list[tuple[int, int]]]]:
    """Key points covered in `text`, and the spans that evidence each (keyword grader, else token overlap)."""
    grader = _keyword() if rubric is not None else None
    if grader is not None and text.strip():
        try:
            grade = grader.grade(question, rubric, text)
        except Exception:  # coverage is advisory: fall back to token overlap
            grade = None
        if grade is not None:
            covered = {k for c in grade["criteria"] for k in c.get("key_points_covered") or []}
            spans: dict[str, list[tuple[int, int]]] = {}
            for c in grade["criteria"]:
                for ev in c.get("evidence") or []:
                    if ev.get("key_point"):
                        spans.setdefault(ev["key_point"], []).append((ev["start"], ev["end"]))
            return covered, spans
    covered = {kp["id"] for kp in question["key_points"] if overlap_covered(kp, text)}
    return covered, {}


def intended_levels(question: Question, base: dict[str, int], lost: set[str]) -> dict[str, int]:
    """The rule in the module docstring."""
    total: dict[str, float] = {}
    gone: dict[str, float] = {}
    for kp in question["key_points"]:
        w = float(kp.get("weight", 1))
        total[kp["criterion"]] = total.get(kp["criterion"], 0.0) + w
        if kp["id"] in lost:
            gone[kp["criterion"]] = gone.get(kp["criterion"], 0.0) + w
    out = {}
    for cid, level in base.items():
        if level is None:  # not applicable to this question: stays so
            out[cid] = None
            continue
        share = gone.get(cid, 0.0) / total[cid] if total.get(cid) else 0.0
        out[cid] = 1 + math.floor((int(level) - 1) * (1.0 - share) + 0.5)
    return out


def remove_key_points(question: Question, rubric: Rubric | None, answer: str, levels: dict[str, int],
                      remove: list[str]) -> Degraded:
    """Drop the sentences covering `remove` (key point ids); ValueError when nothing would be left."""
    known = {kp["id"]: kp for kp in question["key_points"]}
    unknown = [k for k in remove if k not in known]
    if unknown:
        raise ValueError(f"question {question['id']!r} has no key point {', '.join(map(repr, unknown))}")
    before, _ = evidence(question, rubric, answer)
    sentences = [answer[s:e] for s, e in segments(answer)]
    keep = [True] * len(sentences)
    targets = [known[k] for k in remove]
    text = answer
    for _ in range(len(sentences)):
        kept = [i for i, k in enumerate(keep) if k]
        starts, pos = {}, 0
        for i in kept:
            starts[i] = pos
            pos += len(sentences[i])
        text = "".join(sentences[i] for i in kept)
        covered, spans = evidence(question, rubric, text)
        hit = set()
        for i in kept:
            lo, hi = starts[i], starts[i] + len(sentences[i])
            for kp in targets:
                if overlap_covered(kp, sentences[i]) or any(lo <= s < hi for s, _ in spans.get(kp["id"], ())):
                    hit.add(i)
        if not hit:
            break
        if len(hit) == len(kept):
            raise ValueError(f"removing {', '.join(remove)} would leave nothing of the answer")
        for i in hit:
            keep[i] = False
    text = "".join(s for s, k in zip(sentences, keep) if k).strip()
    after, _ = evidence(question, rubric, text)
    lost = sorted(before - after, key=list(known).index)
    return Degraded(text=text, levels=intended_levels(question, levels, set(lost)), requested=list(remove),
                    lost=lost, removed_sentences=keep.count(False),
                    still_covered=[k for k in remove if k in after])


def removal_plans(question: Question, rubric: Rubric | None, answer: str) -> list[list[str]]:
    """Default variants of a strong answer: drop one key point, about half, and all but one."""
    covered, _ = evidence(question, rubric, answer)
    ids = [kp["id"] for kp in question["key_points"] if kp["id"] in covered]
    n = len(ids)
    plans = [ids[n - k:] for k in sorted({1, n // 2, n - 1}) if 0 < k < n]
    return plans


def base_levels(question: Question, rubric: Rubric) -> dict[str, int]:
    """The strong example's levels, else 5 for each criterion (an answer covering every key point)."""
    strong = next((ex for ex in question.get("examples", []) if ex["quality"] == "strong"), None)
    levels = {c["id"]: 5 for c in rubric["criteria"]}
    if strong is not None:
        levels = {cid: strong["levels"].get(cid, lv) for cid, lv in levels.items()}
    return levels


ANSWER_SCHEMA = {"type": "object", "properties": {"answer": {"type": "string"}}, "required": ["answer"],
                 "additionalProperties": False}


def llm_answer(question: Question, rubric: Rubric, omit: list[str], *, config: Any = None) -> Degraded | None:
    """An LLM-written answer that leaves out `omit`; None when no LLM is configured (or it fails).

    Calls the model through `simulator.llm.adapter.get_adapter(config).structured`.
    The intended levels are measured on the text, never taken from the model.
    """
    from simulator.llm.config import from_env

    config = config or from_env()
    if not config.configured:
        return None
    from simulator.llm.adapter import LLMFault, get_adapter

    keep = [kp["text"] for kp in question["key_points"] if kp["id"] not in omit]
    drop = [kp["text"] for kp in question["key_points"] if kp["id"] in omit]
    messages = [
        {"role": "system", "content": "You write realistic spoken interview answers used to calibrate graders. "
                                      "Reply with JSON only."},
        {"role": "user", "content": (
            f"Question:\n{question['prompt']}\n\nWrite a fluent answer of 120-250 words that covers these points:\n- "
            + "\n- ".join(keep or ["(none: a vague answer)"])
            + "\n\nDo not mention or hint at these points:\n- " + "\n- ".join(drop or ["(nothing to leave out)"]))},
    ]
    try:
        reply = get_adapter(config).structured(messages, "synthetic_answer", ANSWER_SCHEMA)
    except LLMFault:
        return None
    text = " ".join(str(reply.data["answer"]).split())
    if not text:
        return None
    covered, _ = evidence(question, rubric, text)
    lost = [kp["id"] for kp in question["key_points"] if kp["id"] not in covered]
    return Degraded(text=text, levels=intended_levels(question, base_levels(question, rubric), set(lost)),
                    requested=list(omit), lost=lost, removed_sentences=0,
                    still_covered=[k for k in omit if k in covered])
