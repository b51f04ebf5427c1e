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

# Technical compounds written with or without a hyphen or space, kept as one token ("all-reduce" is one
# collective, not "all" + "reduce"); then decimal / scientific numbers and words with inner apostrophes.
COMPOUND = (r"all[-\s]?reduce[ds]?|reduce[-\s]?scatter|all[-\s]?gather|all[-\s]?to[-\s]?all|"
            r"pre[-\s]?train(?:ed|ing|s)?|fine[-\s]?tun(?:e|ed|es|ing)|back[-\s]?prop(?:agation)?|"
            r"(?:on|off)[-\s]policy|(?:compute|memory|bandwidth|latency)[-\s]bound")
TOKEN_RE = re.compile(rf"(?i:\b(?:{COMPOUND})\b)|\d+(?:[.,]\d+)+|[^\W_]+(?:['’][^\W_]+)*")
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
    if "-" in w or " " in w or "\t" in w or "\n" in w:
        w = re.sub(r"[-\s]+", "", w)
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
        stem = _canon().get(stem, stem)
        info = (w, stem, kind)
        if len(_INFO) > 200_000:
            _INFO.clear()
        _INFO[raw] = info
    return info


def _raw_stem(word: str) -> str:
    w = norm_word(word)
    return w if w[:1].isdigit() else _stemmer().stemWord(w)


def _groups(name: str) -> list[list[str]]:
    text = resources.files("simulator.graders.keyword").joinpath("data", name).read_text(encoding="utf-8")
    return [line.split() for line in text.splitlines() if line.strip() and not line.startswith("#")]


@lru_cache(maxsize=1)
def _canon() -> dict[str, str]:
    """Stem -> the stem naming its synonym group (thesaurus.txt); a stem in no group is absent."""
    out: dict[str, str] = {}
    for words in _groups("thesaurus.txt"):
        head = _raw_stem(words[0])
        for w in words:
            st = _raw_stem(w)
            if st != head:
                out.setdefault(st, head)
    return out


@lru_cache(maxsize=1)
def antonyms() -> dict[str, frozenset[str]]:
    """Stem (after the thesaurus) -> the stems of its opposites (antonyms.txt), both ways."""
    out: dict[str, set[str]] = {}
    for words in _groups("antonyms.txt"):
        a, b = (word_info(w)[1] for w in words[:2])
        out.setdefault(a, set()).add(b)
        out.setdefault(b, set()).add(a)
    return {k: frozenset(v) for k, v in out.items()}


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
    tight: list[bool] = field(default_factory=list)  # the first content word after a negator ("not frozen")
    seg: list[int] = field(default_factory=list)  # sentence parts split at "but", "whereas", ... not at commas

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
    rows: list[tuple] = []  # (word, stem, kind, start, end, negated, sentence, clause, tight, seg), transposed at the end
    sent = clause = seg = 0
    prev_end = 0
    neg_left = 0
    tight_next = False
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
                seg += 1
                neg_left = 0
                tight_next = False
            elif CLAUSE_BREAK.search(gap):
                clause += 1
                neg_left = 0
                tight_next = False
        raw = m.group()
        word, st, kind = info_get(raw) or word_info(raw)
        if kind == CUT:
            clause += 1
            seg += 1
            neg_left = 0
            tight_next = False
        negated = neg_left > 0
        tight = False
        if kind == NEGATOR:
            neg_left = NEG_WINDOW
            tight_next = True
        elif neg_left:
            if word in NOT_REALLY_NEGATING and rows and rows[-1][2] == NEGATOR:
                neg_left = 0
                negated = False
                tight_next = False
                rows[-1] = rows[-1][:5] + (False,) + rows[-1][6:]
            else:
                neg_left -= 1
        if kind == CONTENT and tight_next:
            tight, tight_next = negated, False
        rows.append((word, st, kind, start, end, negated, sent, clause, tight, seg))
        prev_end = end
    if not rows:
        return Doc(text)
    cols = [list(c) for c in zip(*rows)]
    return Doc(text, *cols[:5], neg=cols[5], sent=cols[6], clause=cols[7], tight=cols[8], seg=cols[9])


def content_stems(text: str) -> list[str]:
    """The content stems of a text, in order (stop words, negators dropped)."""
    doc = tokenise(text)
    return [s for s, k in zip(doc.stems, doc.kinds) if k == CONTENT]
