"""The synonym groups and antonym pairs the keyword grader reads (data/thesaurus.txt, data/antonyms.txt)."""
from __future__ import annotations

import pytest

from simulator.graders.keyword import KeywordGrader
from simulator.graders.keyword.normalise import _groups, _raw_stem, antonyms, stem


def test_every_word_of_a_group_reads_as_its_head():
    for words in _groups("thesaurus.txt"):
        head = stem(words[0])
        assert all(stem(w) == head for w in words), words


def test_no_stem_sits_in_two_groups():
    owner: dict[str, str] = {}
    for words in _groups("thesaurus.txt"):
        for w in words:
            st = _raw_stem(w)
            assert owner.setdefault(st, words[0]) == words[0], f"{w!r} is in {owner[st]!r} and {words[0]!r}"


@pytest.mark.parametrize("word", ["cost", "mean", "sample", "fixed", "objective", "drop", "cut", "target"])
def test_words_with_two_common_senses_stay_themselves(word):
    assert stem(word) == _raw_stem(word) or word == "target"  # target/goal: one sense in an interview answer


def test_antonyms_are_symmetric_and_never_synonyms():
    opp = antonyms()
    for a, others in opp.items():
        for b in others:
            assert a in opp[b] and a != b


def test_a_paraphrase_through_the_thesaurus_earns_the_claim():
    from tests.test_keyword_claims import QUESTION, RUBRIC, kp

    q = dict(QUESTION, key_points=[kp("m", "gradient checkpointing reduces activation memory"),
                                   kp("n", "the backward pass recomputes the forward activations"),
                                   kp("o", "compute grows by about one third")])
    g = KeywordGrader().grade(q, RUBRIC, "Checkpointing lowers the memory for activations, and backprop recomputes the forward "
                                         "activations, so computation increases by roughly a third.")
    assert g["criteria"][0]["key_points_covered"] == ["m", "n", "o"]
