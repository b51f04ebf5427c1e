"""Matching an answer against key points: term weights, question demoting, fuzzy stems, negation, phrases.

The answer's content tokens are aligned to the question's vocabulary (the
stems of its key points and reference answers): an exact stem match scores 1,
a misspelling of a long stem (>= FUZZY_MIN_LEN characters, rapidfuzz ratio >=
FUZZY_CUTOFF) scores ratio/100. A match only counts when its negation
polarity agrees with the key point's ("not shard" never earns "shard").
"""
from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass, field
from typing import Any, Iterable

from simulator.graders.keyword.keypoints import Contra, KeyPoint, Variant, compile_variant
from simulator.graders.keyword.normalise import CONTENT, Doc, antonyms, tokenise

FUZZY_MIN_LEN = 5
FUZZY_CUTOFF = 85.0
QUESTION_DEMOTE = 0.2  # a stem that only repeats the question keeps this share of its weight
IDF_POWER = 0.5  # curated key points: idf is damped, rare words count more, but a common domain word still counts
# Ad hoc (key points derived from a reference). Leave-questions-out CV (tools/tune_keyword.py) prefers 0.0
# (uniform weights) on new questions; kept at 0.5 with the other ad-hoc constants (see grader.py).
ADHOC_IDF_POWER = 0.5
CROSS_SENTENCE = 0.9  # a key point gathered from several sentences earns a little less
BIGRAM_SHARE = 0.0  # share of a phrase's coverage that needs its words in order: 0 by leave-questions-out CV on the gold set (0.25 cost 0.06 kappa)
# A phrasing matched only by words the question itself uses ("metric", "launch" for a question about a metric that
# misled a launch) is an echo of the question, not the claim: its coverage keeps this share (1.0 = off; 0.5 by CV, tools/tune_curated.py).
QUESTION_ECHO = 0.5
PIVOT_MISSING = 0.5  # a phrasing without one of its pivot words (more/less, before/after, ...) keeps this share
COVERED = 0.65  # a phrasing's coverage needed for its claim to count as made
CONTRA_COVERED = 0.75  # a misconception phrasing's coverage needed for it to count as stated (CV, tools/tune_curated.py)
FLIP_MIN = 0.9  # a phrasing read with an odd number of flipped words (negated, or an antonym) is its opposite; nearly every word must be there
# COVERED, CONTRA_COVERED, CONTRA_MIN_WORDS, FLIP_MIN, BIGRAM_SHARE, keypoints.LOOSE_SCOPE and levels.PARTIAL_FROM: leave-questions-out CV on the
# gold set and the blind development sets A and B (tools/tune_curated.py)
FLIP_MIN_WORDS = 3  # a two-word phrasing ("DPO is off-policy") flips on any sentence naming its subject and the antonym
DISTINCT_MIN = 0.5  # share of a misconception's own words (those the claim lacks) that must be present
# A misconception's matched words must lie within this many content words per word of the phrasing (0 = off;
# 2 by CV, tools/tune_curated.py): words scattered over a long sentence do not state it
CONTRA_SPAN = 2
# A misconception phrasing is read only when it has this many content words: one word, even negated ("the same",
# "no checks"), names a topic, and strong answers use it too (a story tells what went wrong before it was fixed).
CONTRA_MIN_WORDS = 2  # leave-questions-out CV (tools/tune_curated.py) over the gold set and blind sets A and B


class CorpusStats:
    """Document frequencies over a corpus (the bank, or a batch of answers and references).

    With no documents every term weighs 1.0 (uniform weights), the grader's
    default; `mockloop grade` and the benchmark pass idf over the batch.
    """

    def __init__(self, df: dict[str, int] | None = None, n_docs: int = 0) -> None:
        self.df: dict[str, int] = dict(df or {})
        self.n_docs = n_docs
        self._digest: str | None = None

    @classmethod
    def from_texts(cls, texts: Iterable[str]) -> "CorpusStats":
        stats = cls()
        for text in texts:
            stats.add(text)
        return stats

    @classmethod
    def from_questions(cls, questions: Iterable[dict[str, Any]]) -> "CorpusStats":
        """idf over a bank: each question's prompt, reference answer and key points form one document."""
        stats = cls()
        for q in questions:
            parts = [q.get("prompt") or q.get("question") or "", q.get("reference_answer") or ""]
            parts += [kp["text"] + " " + " ".join(kp.get("aliases", [])) for kp in q.get("key_points", [])]
            stats.add("\n".join(parts))
        return stats

    def add(self, text: str) -> None:
        doc = tokenise(text)
        for st in {s for s, k in zip(doc.stems, doc.kinds) if k == CONTENT}:
            self.df[st] = self.df.get(st, 0) + 1
        self.n_docs += 1
        self._digest = None

    def idf(self, stem: str) -> float:
        """Smoothed idf scaled to about 1 for a word in one document in ten; 1.0 with no corpus."""
        if self.n_docs == 0:
            return 1.0
        raw = math.log((self.n_docs + 1) / (self.df.get(stem, 0) + 0.5))
        return max(raw, 0.1) / math.log(10)

    def digest(self) -> str:
        if self._digest is None:
            h = hashlib.sha256(str(self.n_docs).encode())
            for k in sorted(self.df):
                h.update(f"{k}\t{self.df[k]}\n".encode())
            self._digest = h.hexdigest()[:16]
        return self._digest

    def to_dict(self) -> dict[str, Any]:
        return {"n_docs": self.n_docs, "df": {k: self.df[k] for k in sorted(self.df)}}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "CorpusStats":
        return cls(data.get("df", {}), int(data.get("n_docs", 0)))


@dataclass
class Compiled:
    """Everything about a question that does not depend on the answer; built once, cached."""

    qstems: frozenset[str]
    vocab: frozenset[str]
    polar: frozenset[tuple[str, bool]]
    keypoints: list[KeyPoint]
    refs: list[Variant]
    weights: dict[str, float]
    long_vocab: list[str]
    default_weight: float
    fuzzy: dict[str, tuple[str, float] | None] = field(default_factory=dict)
    opposites: frozenset[str] = frozenset()  # antonyms of the vocabulary: a window without them cannot flip a claim
    negated_claims: bool = False  # some phrasing negates a word: a plain mention of it could flip the claim
    _variant_weights: dict[int, float] = field(default_factory=dict)

    def weight(self, stem: str) -> float:
        return self.weights.get(stem, self.default_weight)

    def variant_weight(self, v: Variant) -> float:
        """Total term weight of a phrasing's stems, computed once per compiled question."""
        key = id(v)
        total = self._variant_weights.get(key)
        if total is None:
            total = self._variant_weights[key] = sum(self.weight(st) for st in v.stems)
        return total


def compile_question(question_text: str, keypoints: list[KeyPoint], references: list[str], stats: CorpusStats,
                     idf_power: float | None = None) -> Compiled:
    power = IDF_POWER if idf_power is None else idf_power
    qstems = frozenset(compile_variant(question_text).stems) if question_text else frozenset()
    refs = [v for v in (compile_variant(r) for r in references) if v.stems]
    vocab = {s for kp in keypoints for v in kp.variants for s in v.stems} | {s for v in refs for s in v.stems}
    vocab |= {s for kp in keypoints for c in kp.contradicts for s in c.variant.stems}
    opposite = antonyms()
    vocab |= {a for s in list(vocab) for a in opposite.get(s, ())}
    weights = {s: term_weight(s, stats, qstems, power) for s in sorted(vocab | qstems)}
    long_vocab = sorted(s for s in vocab if len(s) >= FUZZY_MIN_LEN and not s[0].isdigit())
    unseen = stats.idf("\x00unseen") ** power
    variants = [v for kp in keypoints for v in kp.variants] + refs
    polar = frozenset((s, n) for v in variants for s, n in zip(v.stems, v.negs))
    opposites = frozenset(a for s in vocab for a in opposite.get(s, ()))
    negated = any(n for kp in keypoints for v in kp.variants for n in v.negs)
    return Compiled(qstems, frozenset(vocab), polar, keypoints, refs, weights, long_vocab, unseen, opposites=opposites,
                    negated_claims=negated)


def term_weight(stem: str, stats: CorpusStats, qstems: frozenset[str], power: float | None = None) -> float:
    w = stats.idf(stem) ** (IDF_POWER if power is None else power)
    return w * QUESTION_DEMOTE if stem in qstems else w


@dataclass
class Aligned:
    """An answer's content tokens aligned to a question's vocabulary."""

    doc: Doc
    pos: list[int]  # token index of each content token
    stem: list[str | None]  # vocabulary stem it matched, or None
    sim: list[float]
    sent: list[int]
    answer_stems: dict[str, float]  # every content stem of the answer -> best similarity to the vocabulary


def align(cq: Compiled, doc: Doc) -> Aligned:
    pos, stems, sims, sents = [], [], [], []
    answer_stems: dict[str, float] = {}
    vocab = cq.vocab
    for i, kind in enumerate(doc.kinds):
        if kind != CONTENT:
            continue
        st = doc.stems[i]
        if st in vocab:
            hit, sim = st, 1.0
        else:
            hit, sim = _fuzzy(cq, st)
        pos.append(i)
        stems.append(hit)
        sims.append(sim)
        sents.append(doc.sent[i])
        if hit is not None and (hit, doc.neg[i]) not in cq.polar:
            sim = 0.0  # right word, wrong polarity: not support for the reference
        if sim > answer_stems.get(st, -1.0):
            answer_stems[st] = sim
    return Aligned(doc, pos, stems, sims, sents, answer_stems)


def _fuzzy(cq: Compiled, st: str) -> tuple[str | None, float]:
    if len(st) < FUZZY_MIN_LEN or st[0].isdigit() or not cq.long_vocab:
        return None, 0.0
    if st in cq.fuzzy:
        hit = cq.fuzzy[st]
    else:
        from rapidfuzz import fuzz, process

        res = process.extractOne(st, cq.long_vocab, scorer=fuzz.ratio, score_cutoff=FUZZY_CUTOFF)
        hit = (res[0], round(res[1] / 100.0, 4)) if res else None
        if len(cq.fuzzy) < 50_000:
            cq.fuzzy[st] = hit
    return hit if hit else (None, 0.0)


def window_index(al: Aligned, idx: Iterable[int], tight: dict[str, tuple[float, int]] | None = None
                 ) -> tuple[dict[tuple[str, bool], tuple[float, int]], set[tuple[str, str]]]:
    """(stem, negated) -> (best similarity, first token) and the set of aligned stem bigrams, over positions `idx`.

    With `tight`, also fills it: stem -> (similarity, token) for words that directly follow a negator
    ("not frozen"), the only negations read as stating the opposite."""
    best: dict[tuple[str, bool], tuple[float, int]] = {}
    bigrams: set[tuple[str, str]] = set()
    prev: str | None = None
    prev_sent = -1
    neg = al.doc.neg
    tneg = al.doc.tight
    for j in idx:
        st = al.stem[j]
        if st is not None:
            i = al.pos[j]
            key = (st, neg[i])
            if key not in best or al.sim[j] > best[key][0]:
                best[key] = (al.sim[j], j)
            if tight is not None and tneg[i] and st not in tight:
                tight[st] = (al.sim[j], j)
            if prev is not None and prev != st and prev_sent == al.sent[j]:
                bigrams.add((prev, st))
        prev = st
        prev_sent = al.sent[j]
    return best, bigrams


def variant_coverage(v: Variant, cq: Compiled, best, bigrams, pivots: frozenset[str] = frozenset()) -> tuple[float, list[int]]:
    """Weighted share of the variant's stems present with the right polarity, blended with phrase order.

    A phrasing whose pivot words (the ones that say which way the claim goes) are not all present keeps
    only PIVOT_MISSING of its coverage: "reverse KL ... mode" without "seeking" is not the claim."""
    num = den = 0.0
    hits: list[int] = []
    matched: list[str] = []
    missing_pivot = False
    for st, ng in zip(v.stems, v.negs):
        w = cq.weight(st)
        den += w
        m = best.get((st, ng))
        if m is None and ng and st in v.loose:
            m = best.get((st, False))
        if m is not None:
            num += w * m[0]
            hits.append(m[1])
            matched.append(st)
        elif st in pivots:
            missing_pivot = True
    if den <= 0:
        return 0.0, []
    cov = num / den
    if v.bigrams:
        b = sum(1 for bg in v.bigrams if bg in bigrams) / len(v.bigrams)
        cov = (1 - BIGRAM_SHARE) * cov + BIGRAM_SHARE * b
    if missing_pivot:
        cov *= PIVOT_MISSING
    if QUESTION_ECHO < 1.0 and hits and cq.qstems and all(al_st in cq.qstems for al_st in matched):
        cov *= QUESTION_ECHO
    return cov, sorted(hits)


def flipped_coverage(v: Variant, cq: Compiled, best, tight) -> tuple[float, int, list[int]]:
    """The variant read with opposite words allowed: (coverage, number of flips, tokens).

    A stem counts as flipped when the window has it directly negated ("not frozen") while the claim does
    not negate it, or has its antonym ("covering" for "seeking", "before" for "after") and not the stem.
    An odd number of flips states the opposite claim; an even number states the claim again."""
    opposite = antonyms()
    own = set(v.stems)
    num = den = 0.0
    flips = 0
    hits: list[int] = []
    for st, ng in zip(v.stems, v.negs):
        w = cq.weight(st)
        den += w
        m = best.get((st, ng))
        if m is None and ng and st in v.loose:
            m = best.get((st, False))
        if m is not None and not (not ng and st in tight):
            num += w * m[0]
            hits.append(m[1])
            continue
        f = tight.get(st) if not ng else best.get((st, False))
        if f is None:
            for a in opposite.get(st, ()):
                if a in own:
                    continue  # the claim names both ("late steps fail more than early ones"): not a flip
                f = best.get((a, ng))
                if f is not None:
                    break
        if f is not None:
            flips += 1
            num += w * f[0]
            hits.append(f[1])
    return (num / den if den > 0 else 0.0), flips, sorted(hits)


def precision(al: Aligned, cq: Compiled) -> float:
    """The reference's coverage of the answer: weighted share of the answer's content stems that match it."""
    num = den = 0.0
    for st in sorted(al.answer_stems):
        w = cq.weight(st)
        den += w
        num += w * al.answer_stems[st]
    return num / den if den else 0.0


class AnswerIndex:
    """Window indexes of one aligned answer: the whole answer, each sentence and each segment on demand."""

    def __init__(self, al: Aligned) -> None:
        self.al = al
        self.whole = window_index(al, range(len(al.pos)))
        self._sentences: dict[int, tuple] | None = None
        self._segments: list[tuple] | None = None

    def sentences(self) -> dict[int, tuple]:
        if self._sentences is None:
            groups: dict[int, list[int]] = {}
            for j, s in enumerate(self.al.sent):
                groups.setdefault(s, []).append(j)
            self._sentences = {s: window_index(self.al, idx) for s, idx in sorted(groups.items())}
        return self._sentences

    def segments(self) -> list[tuple]:
        """(best, bigrams, tight) per sentence part, split at sentence ends and contrast words, for reading
        which way a claim goes ("PPO needs a critic, whereas GRPO does not" is two parts)."""
        if self._segments is None:
            seg = self.al.doc.seg
            groups: dict[int, list[int]] = {}
            for j, i in enumerate(self.al.pos):
                groups.setdefault(seg[i], []).append(j)
            out = []
            for _, idx in sorted(groups.items()):
                tight: dict[str, tuple[float, int]] = {}
                best, bigrams = window_index(self.al, idx, tight)
                out.append((best, bigrams, tight, frozenset(st for st, _ in best)))
            self._segments = out
        return self._segments


def _may_flip(v: Variant, best, tight) -> bool:
    """Cheap test: could any stem of the variant read flipped in this window?"""
    opposite = antonyms()
    for st, ng in zip(v.stems, v.negs):
        if (not ng and st in tight) or (ng and st not in v.loose and (st, False) in best):
            return True
        for a in opposite.get(st, ()):
            if (a, ng) in best and a not in v.stems:
                return True
    return False


@dataclass
class ClaimMatch:
    """How one answer treats one key point: its best support and its strongest contradiction."""

    coverage: float = 0.0
    hits: list[int] = field(default_factory=list)
    contradiction: float = 0.0
    contra_hits: list[int] = field(default_factory=list)
    contra_phrase: str | None = None


def match_claim(kp: KeyPoint, cq: Compiled, ix: AnswerIndex, *, contradictions: bool = True) -> ClaimMatch:
    """Support and contradiction of a key point, read part by part.

    Each sentence part (split at sentence ends and at "but", "whereas", ...) either states a phrasing of the
    claim, or states it with an odd number of flipped words (a direct negation, an antonym), which is the
    opposite claim and gives no support, or states one of the key point's `contradicts` phrasings with the
    words that set it apart. Where no part states the claim and nothing contradicts it, words gathered
    across the answer still earn it at a discount (CROSS_SENTENCE), as before."""
    m = ClaimMatch()
    pivots = kp.pivots or (frozenset(),) * len(kp.variants)
    for best, bigrams, tight, present in ix.segments():
        flip_checked = contradictions and (bool(tight) or cq.negated_claims or not present.isdisjoint(cq.opposites))
        for v, piv in zip(kp.variants, pivots):
            shared = present.intersection(v.stems)
            if not shared:
                continue
            if flip_checked and len(v.stems) >= FLIP_MIN_WORDS and _may_flip(v, best, tight):
                cov_any, flips, hits_any = flipped_coverage(v, cq, best, tight)
                if flips % 2 == 1:
                    if cov_any >= FLIP_MIN and cov_any > m.contradiction:
                        m.contradiction, m.contra_hits, m.contra_phrase = cov_any, hits_any, f"the opposite of: {v.text}"
                    continue
            if m.coverage > 0:
                # cheap bound: the share of the phrasing's weight present here; nothing to gain at or below the best
                den = cq.variant_weight(v)
                if den > 0 and sum(cq.weight(st) for st in shared) / den <= m.coverage:
                    continue
            cov, hits = variant_coverage(v, cq, best, bigrams, piv)
            if cov > m.coverage:
                m.coverage, m.hits = cov, hits
        if contradictions:
            for c in kp.contradicts:
                if len(c.variant.stems) < CONTRA_MIN_WORDS:
                    continue
                if c.distinct and not any(k in best for k in c.distinct):
                    continue
                if any(k in best for k in c.claim_only if k[0][:1].isdigit()):
                    continue  # the claim's own number is in the same sentence: not read as the misconception
                cov, hits = _contra_coverage(c, cq, best, bigrams)
                if CONTRA_SPAN and hits and hits[-1] - hits[0] + 1 > CONTRA_SPAN * len(c.variant.stems):
                    continue  # its words scattered over a long sentence: not the misconception stated
                if cov >= CONTRA_COVERED and _may_flip(c.variant, best, tight) and flipped_coverage(c.variant, cq, best, tight)[1] % 2:
                    continue  # the misconception said of the other subject, or negated: not the misconception
                if cov >= CONTRA_COVERED and cov > m.contradiction:
                    m.contradiction, m.contra_hits, m.contra_phrase = cov, hits, c.variant.text
    if m.coverage < COVERED and m.contradiction < CONTRA_COVERED:
        for v, piv in zip(kp.variants, pivots):
            cov, hits = variant_coverage(v, cq, *ix.whole, piv)
            if len({ix.al.sent[h] for h in hits}) > 1:
                cov *= CROSS_SENTENCE
            if cov > m.coverage:
                m.coverage, m.hits = cov, hits
    return m


def match_keypoint(kp: KeyPoint, cq: Compiled, ix: AnswerIndex) -> tuple[float, list[int]]:
    """Best coverage of any phrasing (see match_claim), without reading contradictions."""
    m = match_claim(kp, cq, ix, contradictions=False)
    return m.coverage, m.hits


def _contra_coverage(c: Contra, cq: Compiled, best, bigrams) -> tuple[float, list[int]]:
    """A misconception's coverage in a window, 0 unless most of its own words (those the claim lacks) are there."""
    if c.distinct:
        num = den = 0.0
        for st, ng in c.distinct:
            w = cq.weight(st)
            den += w
            if (st, ng) in best:
                num += w
        if den <= 0 or num / den < DISTINCT_MIN:
            return 0.0, []
    return variant_coverage(c.variant, cq, best, bigrams)


def recall(ref: Variant, cq: Compiled, ix: AnswerIndex) -> float:
    """Weighted soft share of a reference's content stems in the answer (no phrase term)."""
    best = ix.whole[0]
    num = den = 0.0
    for st, ng in zip(ref.stems, ref.negs):
        w = cq.weight(st)
        den += w
        m = best.get((st, ng))
        if m is not None:
            num += w * m[0]
    return num / den if den else 0.0


def evidence_spans(al: Aligned, hits: list[int]) -> list[tuple[int, int]]:
    """One (start, end) span per sentence holding matched tokens."""
    by_sent: dict[int, tuple[int, int]] = {}
    for j in hits:
        i = al.pos[j]
        a, b = al.doc.starts[i], al.doc.ends[i]
        s = al.sent[j]
        if s in by_sent:
            a, b = min(a, by_sent[s][0]), max(b, by_sent[s][1])
        by_sent[s] = (a, b)
    return sorted(by_sent.values())
