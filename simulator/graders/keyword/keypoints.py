"""Key points: curated ones from a bank question, or derived from a reference answer.

A key point is compiled into one `Variant` per phrasing (its text and each
alias): the content stems in order, each with its negation polarity, and the
stem bigrams that make it a phrase. Derived key points are the reference's
sentences and clauses, weighted by how much informative content they carry.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Iterable

from simulator.graders.keyword.normalise import CONTENT, antonyms, tokenise

ADHOC_CRITERION = "content"
LOOSE_SCOPE = True  # see Variant.loose: curated mode only (leave-questions-out CV, tools/tune_curated.py); ad-hoc
# mode keeps exact polarity, as its own CV (tools/tune_keyword.py) measured it
MAX_CLAUSE_CONTENT = 14  # longer sentences are split again at commas and "and"
_SEGMENT_SPLIT = re.compile(r"(?<=[.!?;])\s+|\n+|\s+[-•*]\s+|\s*\(\d+\)\s*|\s+\d+[.)]\s+")
_CLAUSE_SPLIT = re.compile(r",\s+|\s+and\s+|\s+but\s+|:\s+")


@dataclass(frozen=True, slots=True)
class Variant:
    """One phrasing of a key point."""

    text: str
    stems: tuple[str, ...]
    negs: tuple[bool, ...]
    bigrams: tuple[tuple[str, str], ...]
    # stems in a negation's window that do not follow the negator ("injection" in "can't prevent injection"): the
    # negation is about the verb, so either polarity of such a stem in an answer supports the phrasing
    loose: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class Contra:
    """One phrasing of a misconception, with the (stem, negated) pairs that set it apart from the claim."""

    variant: Variant
    distinct: tuple[tuple[str, bool], ...]
    # the claim's own words that this misconception lacks ("16" against "8 bytes per parameter"): a sentence
    # holding one of them states the claim's version too, so it is not read as the misconception
    claim_only: tuple[tuple[str, bool], ...] = ()


@dataclass(frozen=True, slots=True)
class KeyPoint:
    id: str
    text: str
    criterion: str
    weight: float
    variants: tuple[Variant, ...]
    contradicts: tuple[Contra, ...] = ()
    because: str = ""
    supports_level: int | None = None
    pivots: tuple[frozenset[str], ...] = ()  # per variant: stems that carry its relation and must be present

    def stems(self) -> list[str]:
        return sorted({s for v in self.variants for s in v.stems})


def compile_variant(text: str, loose: bool = False) -> Variant:
    """Content stems (first occurrence of each) with negation flags, plus the content bigrams."""
    doc = tokenise(text)
    stems: list[str] = []
    negs: list[bool] = []
    seq: list[str] = []
    scope: set[str] = set()
    for st, kind, neg, tight in zip(doc.stems, doc.kinds, doc.neg, doc.tight):
        if kind != CONTENT:
            continue
        seq.append(st)
        if st not in stems:
            stems.append(st)
            negs.append(neg)
            if neg and not tight:
                scope.add(st)
    bigrams = tuple(dict.fromkeys((a, b) for a, b in zip(seq, seq[1:]) if a != b))
    return Variant(text, tuple(stems), tuple(negs), bigrams, frozenset(scope) if loose and LOOSE_SCOPE else frozenset())


def pivots_of(v: Variant, contras: list[Variant]) -> frozenset[str]:
    """The stems that make a phrasing this claim rather than the misconceptions written against it: stems
    whose antonym a misconception uses (seeking/covering, before/after) and stems a misconception uses with
    the other polarity. A phrasing counts as made only when all of them are there."""
    opposite = antonyms()
    used = {(s, n) for c in contras for s, n in zip(c.stems, c.negs)}
    stems_used = {s for s, _ in used}
    out = {s for s, n in zip(v.stems, v.negs) if (s, not n) in used or any(a in stems_used for a in opposite.get(s, ()))}
    mine = set(v.stems)
    for c in contras:  # a minimal pair ("16 bytes per parameter" / "8 bytes per parameter"): the words that differ decide
        if len(mine & set(c.stems)) >= 0.5 * len(mine):
            out |= mine - set(c.stems)
    return frozenset(out)


def compile_contra(text: str, claim: list[Variant], loose: bool = False) -> Contra | None:
    v = compile_variant(text, loose)
    if not v.stems:
        return None
    mine = {(s, n) for c in claim for s, n in zip(c.stems, c.negs)}
    theirs = set(zip(v.stems, v.negs))
    head = claim[0] if claim else None  # the key point's own text
    claim_only = tuple((s, n) for s, n in zip(head.stems, head.negs) if (s, n) not in theirs) if head else ()
    return Contra(v, tuple((s, n) for s, n in zip(v.stems, v.negs) if (s, n) not in mine), claim_only)


def curated_keypoints(question: dict[str, Any], *, loose: bool = True) -> list[KeyPoint]:
    """The bank question's key points: text and aliases as variants, misconceptions as contradicts. `loose`
    (curated mode; ad-hoc key points derived from a reference pass False): see Variant.loose."""
    out = []
    for kp in question.get("key_points", []):
        variants = [compile_variant(kp["text"], loose)] + [compile_variant(a, loose) for a in kp.get("aliases", [])]
        variants = [v for v in variants if v.stems]
        contras = [c for c in (compile_contra(t, variants, loose) for t in kp.get("contradicts", [])) if c]
        contra_vs = [c.variant for c in contras]
        out.append(KeyPoint(kp["id"], kp["text"], kp["criterion"], float(kp.get("weight", 1.0)), tuple(variants),
                            tuple(contras), kp.get("because", ""), kp.get("supports_level"),
                            tuple(pivots_of(v, contra_vs) for v in variants)))
    return out


def split_reference(reference: str) -> list[str]:
    """Sentences, list items and (for long sentences) clauses of a reference answer."""
    pieces: list[str] = []
    for seg in _SEGMENT_SPLIT.split(reference):
        seg = seg.strip(" \t-•*;:,.")
        if not seg:
            continue
        if len(compile_variant(seg).stems) > MAX_CLAUSE_CONTENT:
            parts = [p.strip(" ,;:.") for p in _CLAUSE_SPLIT.split(seg)]
            pieces.extend(p for p in parts if p)
        else:
            pieces.append(seg)
    return pieces


def derive_keypoints(references: Iterable[str], weight_of=None, question_text: str = "") -> list[dict[str, Any]]:
    """Key points (question-schema shape) derived from one or more reference answers.

    Each sentence/clause with content becomes a key point; its weight is the
    summed term weight of its content stems not already in the question
    (`weight_of(stem)`; uniform when not given), so clauses that only restate
    the question weigh little. Duplicate clauses (same stems) are merged.
    """
    qstems = set(compile_variant(question_text).stems) if question_text else set()
    seen: set[tuple[str, ...]] = set()
    out: list[dict[str, Any]] = []
    for ref in references:
        for piece in split_reference(ref):
            v = compile_variant(piece)
            key = tuple(sorted(v.stems))
            if not v.stems or key in seen:
                continue
            seen.add(key)
            w = sum((weight_of(s) if weight_of else 1.0) * (0.2 if s in qstems else 1.0) for s in v.stems)
            out.append({"id": f"ref-{len(out) + 1}", "text": piece, "weight": round(max(w, 0.05), 4), "criterion": ADHOC_CRITERION})
    return out
