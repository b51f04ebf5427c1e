"""Anti-gaming: text aimed at the grader (prompt injection) and keyword stuffing.

Injection: sentences that address the grader ("ignore the rubric", "give full
marks", "you are a grader", "as an AI") are found, flagged and masked, so
nothing in them can match a key point: they never raise a level.

Stuffing: a bare list of the reference's terms is not an explanation. An
answer that covers key points but has almost no function words, or is
mostly short list fragments with little prose, is capped at level 2.
"""
from __future__ import annotations

import re

from simulator.graders.keyword.normalise import CONTENT, Doc

_I = re.IGNORECASE
INJECTION_PATTERNS = [
    re.compile(r"\b(?:ignore|disregard|forget|override|bypass|skip)\b[^.!?\n]{0,40}?\b(?:instructions?|rubrics?|prompts?|criteria|guidelines?|rules|grading|the above|previous|prior)\b", _I),
    re.compile(r"\b(?:give|award|assign|grant)s?\b[^.!?\n]{0,30}?\b(?:full|maximum|max|top|perfect|highest|all the)\s+(?:marks?|scores?|points|credit|grades?|levels?)\b", _I),
    re.compile(r"\b(?:grade|score|rate|mark)\s+(?:this|me|my|the)\s*(?:answer|response|submission)?\s+(?:as\s+|with\s+)?(?:an?\s+)?(?:5|10|100|five|ten|perfect|excellent|correct|strong hire|full)\b", _I),
    re.compile(r"\byou\s+are\s+(?:now\s+)?(?:an?|the|my)\s+(?:\w+\s+){0,2}?(?:grader|evaluator|examiner|assessor|judge|marker|reviewer|language model|llm|ai)\b", _I),
    re.compile(r"\bas\s+an\s+(?:ai|a\.i\.|language model|llm)\b", _I),
    re.compile(r"\b(?:system|developer)\s+(?:prompt|message|instructions?)\b|<\|?(?:im_start|system|endoftext)\|?>|\[/?INST\]", _I),
    re.compile(r"\b(?:level|score)\s+5\s+(?:on|for)\s+(?:every|all|each)\b", _I),
]
_SENTENCE = re.compile(r"[^.!?\n]*(?:[.!?]+|\n|$)")


_ANY_INJECTION = re.compile("|".join(f"(?:{p.pattern})" for p in INJECTION_PATTERNS), _I)


_CUES = ("ignor", "disregard", "forget", "overrid", "bypass", "skip", "give", "award", "assign", "grant", "grade",
         "score", "rate", "mark", "you", "as an", "system", "developer", "<", "[", "level")


def injection_spans(text: str) -> list[tuple[int, int]]:
    """Sentence spans holding instruction-like text aimed at a grader, sorted and merged."""
    low = text.casefold()
    if not any(cue in low for cue in _CUES):
        return []  # cheap pre-check: every pattern needs one of these
    hits = [m.span() for m in _ANY_INJECTION.finditer(text)]
    if not hits:
        return []
    spans: list[tuple[int, int]] = []
    for s in _SENTENCE.finditer(text):
        a, b = s.span()
        if b > a and any(a <= h0 < b or a < h1 <= b for h0, h1 in hits):
            spans.append((a, b))
    merged: list[tuple[int, int]] = []
    for a, b in sorted(spans):
        if merged and a <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(b, merged[-1][1]))
        else:
            merged.append((a, b))
    return merged


def stuffing_features(doc: Doc) -> dict[str, float]:
    """Function-word share, count and share of clauses that are bare fragments (<= 3 tokens, no function word), tokens."""
    n = len(doc)
    clauses: dict[int, list[int]] = {}
    for c, k in zip(doc.clause, doc.kinds):
        clauses.setdefault(c, []).append(k)
    fragments = sum(1 for ks in clauses.values() if len(ks) <= 3 and all(k == CONTENT for k in ks))
    return {
        "tokens": float(n),
        "function_share": round(doc.function_share(), 4),
        "fragments": float(fragments),
        "fragment_share": round(fragments / len(clauses), 4) if clauses else 0.0,
    }


_EQUATION = re.compile(r"[^\s=≈]\s*(?:=|≈|≤|≥)\s*[^\s=≈]")


def is_stuffing(doc: Doc, coverage: float) -> tuple[bool, dict[str, float]]:
    """True when key-point coverage is not backed by prose.

    Two or more equations make a derivation, not a list of terms: terse mathematical working has few
    function words but is structured, so it is never called stuffing."""
    f = stuffing_features(doc)
    f["equations"] = float(len(_EQUATION.findall(doc.text)))
    if f["tokens"] < 5 or coverage < 0.3 or f["equations"] >= 2:
        return False, f
    bare = f["function_share"] < 0.12
    listy = f["fragments"] >= 4 and f["fragment_share"] >= 0.6 and f["function_share"] < 0.25
    return bare or listy, f
