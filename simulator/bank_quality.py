"""Content quality of the bank: key points as claims, enough of them per criterion, graded gold examples.

`question_problems` lists what an author must fix in one question (the lint
behind `tools/content_lint.py`); `quality_stats` counts the same over the
bank for `mockloop bank stats`.
"""
from __future__ import annotations

import re
from typing import Any, Iterable

MIN_KEY_POINTS = 3  # per assessed (question, criterion) pair
MIN_ALIAS_WORDS = 2  # content words in an alias: a single word is a topic, not a claim
QUALITIES = ("strong", "borderline", "weak")
_WORD = re.compile(r"[^\W_]+", re.UNICODE)
_STOP = frozenset("a an the of to in on for and or is are be by with as at it its this that from than into".split())


def assessed_criteria(question: dict[str, Any], rubric: dict[str, Any]) -> list[str]:
    """Rubric criteria this question assesses (all but its `not_applicable` ones)."""
    na = set(question.get("not_applicable", []))
    return [c["id"] for c in rubric["criteria"] if c["id"] not in na]


def content_words(text: str) -> list[str]:
    return [w for w in _WORD.findall(text.casefold()) if w not in _STOP]


def key_point_counts(question: dict[str, Any], rubric: dict[str, Any]) -> dict[str, int]:
    counts = {cid: 0 for cid in assessed_criteria(question, rubric)}
    for kp in question.get("key_points", []):
        if kp["criterion"] in counts:
            counts[kp["criterion"]] += 1
    return counts


def question_problems(question: dict[str, Any], rubric: dict[str, Any]) -> list[str]:
    """What keeps a non-coding question below the content bar, one line each (empty when it meets it)."""
    if question.get("round") == "ml_coding":
        return []
    out = []
    for cid, n in key_point_counts(question, rubric).items():
        if n < MIN_KEY_POINTS:
            out.append(f"criterion {cid}: {n} key point(s), needs {MIN_KEY_POINTS} (or list it in not_applicable)")
    for kp in question.get("key_points", []):
        if not kp.get("contradicts"):
            out.append(f"key point {kp['id']}: no contradicts")
        if not kp.get("because"):
            out.append(f"key point {kp['id']}: no because")
        if len(content_words(kp["text"])) < 3:
            out.append(f"key point {kp['id']}: text is a topic, not a claim: {kp['text']!r}")
        for alias in kp.get("aliases", []):
            if len(content_words(alias)) < MIN_ALIAS_WORDS:
                out.append(f"key point {kp['id']}: alias {alias!r} is a single word")
    examples = question.get("examples", [])
    have = sorted(e["quality"] for e in examples)
    if have != sorted(QUALITIES):
        out.append(f"examples: has {have or 'none'}, needs one strong, one borderline, one weak")
    ids = {c["id"] for c in rubric["criteria"]}
    for i, ex in enumerate(examples):
        missing = ids - set(ex["levels"])
        if missing:
            out.append(f"example {i} ({ex['quality']}): no level for {', '.join(sorted(missing))} (use null for not applicable)")
        if not ex.get("rationale"):
            out.append(f"example {i} ({ex['quality']}): no rationale")
    return out


def alias_verbatim_share(questions: Iterable[dict[str, Any]]) -> tuple[int, int]:
    """(aliases and key-point texts found word for word in their question's examples, all of them)."""
    hit = total = 0
    for q in questions:
        answers = " ".join(" ".join(_WORD.findall(e["answer"].casefold())) for e in q.get("examples", []))
        if not answers:
            continue
        for kp in q.get("key_points", []):
            for phrase in [kp["text"], *kp.get("aliases", [])]:
                norm = " ".join(_WORD.findall(phrase.casefold()))
                if not norm:
                    continue
                total += 1
                hit += f" {norm} " in f" {answers} "
    return hit, total


def quality_stats(bank) -> dict[str, Any]:
    """Counts for `mockloop bank stats`: the content bar, over the non-coding questions."""
    qs = [q for q in bank.questions.values() if q["round"] != "ml_coding"]
    pairs = thin = single_word = contradicted = kps = 0
    graded = 0
    for q in qs:
        rubric = bank.rubric(q["rubric"])
        for n in key_point_counts(q, rubric).values():
            pairs += 1
            thin += n < MIN_KEY_POINTS
        for kp in q.get("key_points", []):
            kps += 1
            contradicted += bool(kp.get("contradicts"))
            single_word += sum(1 for a in kp.get("aliases", []) if len(content_words(a)) < MIN_ALIAS_WORDS)
        ex = q.get("examples", [])
        ids = {c["id"] for c in rubric["criteria"]}
        if sorted(e["quality"] for e in ex) == sorted(QUALITIES) and all(ids <= set(e["levels"]) and e.get("rationale") for e in ex):
            graded += 1
    hit, total = alias_verbatim_share(qs)
    return {
        "assessed_pairs": pairs,
        "assessed_pairs_below_min_key_points": thin,
        "min_key_points": MIN_KEY_POINTS,
        "key_points": kps,
        "key_points_with_contradicts": contradicted,
        "single_word_aliases": single_word,
        "non_coding_questions": len(qs),
        "questions_with_three_graded_examples": graded,
        "alias_verbatim_in_examples": {"found": hit, "of": total, "share": round(hit / total, 4) if total else 0.0},
    }
