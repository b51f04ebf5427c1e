"""Text to tokens: NFKC + casefold, word tokens with offsets, Snowball stems, stop words, negation.

Offsets always point into the original text, so evidence quotes are exact
(`text[start:end]`): the tokeniser runs on the original string and each token
is normalised on its own. Per-token work (normalising, stemming, classifying)
is cached, so a word seen once costs a dict lookup afterwards.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

# Words (letters/digits, inner apostrophes) and decimal / scientific numbers.
TOKEN_RE = re.compile(r"\d+(?:[.,]\d+)+|[^\W_]+(?:['’][^\W_]+)*")
SENTENCE_BREAK = re.compile(r"[.!?;\n]")
CLAUSE_BREAK = re.compile(r"[,:()\[\]{}—–]| - ")
NEG_WINDOW = 6  # tokens after a negator that it reaches (NegEx uses 5-6)

CONTENT, STOP, NEGATOR, CUT = 0, 1, 2, 3


def _wordlist(name: str) -> frozenset[str]:
    text = resources.files("simulator.graders.keyword").joinpath("data", name).read_text(encoding="utf-8")
    return frozenset(w.strip() for w in text.splitlines() if w.strip() and not w.startswith("#"))


STOP_WORDS = _wordlist("stopwords.txt")
NEGATORS = _wordlist("negation.txt")
CUT_WORDS = _wordlist("cutwords.txt")
NOT_REALLY_NEGATING = frozenset({"only", "just", "merely", "necessarily", "simply"})  # "not only X but Y"


@lru_cache(maxsize=1)
def _stemmer():
    import Stemmer  # PyStemmer: the Snowball stemmers compiled in C

    return Stemmer.Stemmer("english")


def norm_word(raw: str) -> str:
    """NFKC, casefold, straight apostrophes; `it's` -> `it`, `don't` -> `dont`."""
    w = unicodedata.normalize("NFKC", raw).casefold().replace("’", "'")
    if "'" in w:
        head, _, tail = w.rpartition("'")
        if tail in _CLITICS and head:
            w = head
        w = w.replace("'", "")
    if len(w) >= 6:
        w = _american(w)
    return w


_BRITISH = re.compile(r"(?<=[a-z]{3})(?:(is|ys)(e|ed|es|ing|ation|ations|er|ers)|(our)(s|ed|ing|ite|ites|able)?|(tre)(s|d)?)$")


def _american(w: str) -> str:
    """British spellings folded to American (optimise -> optimize, behaviour -> behavior, centre -> center)."""
    m = _BRITISH.search(w)
    if not m:
        return w
    head = w[: m.start()]
    if m.group(1):
        return head + m.group(1)[0] + "z" + m.group(2)
    if m.group(3):
        return head + "or" + (m.group(4) or "")
    return head + "ter" + (m.group(6) or "")


_CLITICS = frozenset({"s", "d", "ll", "ve", "re", "m"})


_INFO: dict[str, tuple[str, str, int]] = {}


def word_info(raw: str) -> tuple[str, str, int]:
    """(normalised word, stem, class) for one raw token; cached."""
    info = _INFO.get(raw)
    if info is None:
        w = norm_word(raw)
        if w in CUT_WORDS:
            kind = CUT
        elif w in NEGATORS or "n't" in raw.replace("’", "'").casefold():
            kind = NEGATOR
        elif w in STOP_WORDS:
            kind = STOP
        else:
            kind = CONTENT
        stem = w if w[:1].isdigit() else _stemmer().stemWord(w)
        info = (w, stem, kind)
        if len(_INFO) > 200_000:
            _INFO.clear()
        _INFO[raw] = info
    return info


def stem(word: str) -> str:
    return word_info(word)[1]


@dataclass(slots=True)
class Doc:
    """A tokenised text. Parallel lists, one entry per token."""

    text: str
    words: list[str] = field(default_factory=list)
    stems: list[str] = field(default_factory=list)
    kinds: list[int] = field(default_factory=list)
    starts: list[int] = field(default_factory=list)
    ends: list[int] = field(default_factory=list)
    neg: list[bool] = field(default_factory=list)
    sent: list[int] = field(default_factory=list)
    clause: list[int] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.stems)

    def content_positions(self) -> list[int]:
        return [i for i, k in enumerate(self.kinds) if k == CONTENT]

    def function_share(self) -> float:
        n = len(self.kinds)
        return sum(1 for k in self.kinds if k != CONTENT) / n if n else 0.0


def tokenise(text: str, *, masked: list[tuple[int, int]] | None = None) -> Doc:
    """Tokens with offsets, sentence/clause ids and negation flags.

    `masked` spans (e.g. text aimed at the grader) are skipped: nothing in
    them can match a key point.
    """
    rows: list[tuple] = []  # (word, stem, kind, start, end, negated, sentence, clause), transposed at the end
    sent = clause = 0
    prev_end = 0
    neg_left = 0
    info_get = _INFO.get
    for m in TOKEN_RE.finditer(text):
        start, end = m.span()
        if masked and any(a <= start < b for a, b in masked):
            prev_end = end
            continue
        if prev_end and not (start == prev_end + 1 and text[prev_end] == " "):
            gap = text[prev_end:start]
            if SENTENCE_BREAK.search(gap):
                sent += 1
                clause += 1
                neg_left = 0
            elif CLAUSE_BREAK.search(gap):
                clause += 1
                neg_left = 0
        raw = m.group()
        word, st, kind = info_get(raw) or word_info(raw)
        if kind == CUT:
            clause += 1
            neg_left = 0
        negated = neg_left > 0
        if kind == NEGATOR:
            neg_left = NEG_WINDOW
        elif neg_left:
            if word in NOT_REALLY_NEGATING and rows and rows[-1][2] == NEGATOR:
                neg_left = 0
                negated = False
                rows[-1] = rows[-1][:5] + (False,) + rows[-1][6:]
            else:
                neg_left -= 1
        rows.append((word, st, kind, start, end, negated, sent, clause))
        prev_end = end
    if not rows:
        return Doc(text)
    cols = [list(c) for c in zip(*rows)]
    return Doc(text, *cols[:5], neg=cols[5], sent=cols[6], clause=cols[7])


def content_stems(text: str) -> list[str]:
    """The content stems of a text, in order (stop words, negators dropped)."""
    doc = tokenise(text)
    return [s for s, k in zip(doc.stems, doc.kinds) if k == CONTENT]
