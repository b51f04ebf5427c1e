"""Matching rules of the keyword grader, one small golden case each."""
from __future__ import annotations

import pytest

from simulator.graders.keyword import KeywordGrader, adhoc_question
from simulator.graders.keyword.keypoints import derive_keypoints, split_reference
from simulator.graders.keyword.matching import CorpusStats, term_weight
from simulator.graders.keyword.normalise import CONTENT, NEGATOR, content_stems, norm_word, tokenise
from tests.test_keyword_fixtures import ds_question, ds_rubric


def covered(answer: str, question=None, rubric=None) -> dict[str, float]:
    grade = KeywordGrader().grade(question or ds_question(), rubric or ds_rubric(), answer)
    return {k for c in grade["criteria"] for k in c["key_points_covered"]}


# ---- normalising ------------------------------------------------------------------------------

def test_nfkc_casefold_and_offsets_point_into_the_original():
    text = "ＳＨＡＲＤ the Optimizer ﬁles"
    doc = tokenise(text)
    assert doc.words[:3] == ["shard", "the", "optimizer"]
    assert doc.words[3] == "files"
    for w, a, b in zip(doc.words, doc.starts, doc.ends):
        assert norm_word(text[a:b]) == w


def test_stems_stop_words_and_contractions():
    assert content_stems("The gradients are being accumulated") == ["gradient", "accumul"]
    doc = tokenise("It doesn't converge")
    assert doc.kinds[1] == NEGATOR and doc.kinds[2] == CONTENT


def test_british_and_american_spellings_meet():
    assert content_stems("optimise the behaviour") == content_stems("optimize the behavior")


# ---- aliases, phrases, fuzzy ----------------------------------------------------------------

def test_key_point_text_matches():
    assert "shard-opt" in covered("We shard the optimizer state across the data-parallel ranks.")


def test_alias_matches():
    assert "shard-opt" in covered("Just turn on ZeRO stage 1.")
    assert "adam-moments" in covered("Adam stores first and second moment estimates.")


def test_word_order_does_not_count_against_a_paraphrase():
    # Leave-questions-out CV on the gold set chose BIGRAM_SHARE = 0: people reorder a claim when they
    # rephrase it; direction is read from antonyms and authored misconceptions instead (test_keyword_claims).
    grader = KeywordGrader()
    in_order = grader.grade(ds_question(), ds_rubric(), "Adam keeps two moments per parameter.")["details"]["key_points"]["adam-moments"]
    reordered = grader.grade(ds_question(), ds_rubric(), "Per parameter, two moments: Adam keeps them.")["details"]["key_points"]["adam-moments"]
    assert in_order == reordered == 1.0


def test_typo_on_a_long_word_matches():
    assert "shard-opt" in covered("Shard the optimzer state acros data-paralel ranks.")


def test_no_fuzzy_matching_on_short_words():
    # "shard" (5) may be fuzzy-matched but "cat"/"car" style short tokens never are
    q, r = adhoc_question("Which animal barks?", "A dog barks.")
    g = KeywordGrader()
    assert g.grade(q, r, "A dig.")["details"]["recall"] == 0.0


# ---- negation ---------------------------------------------------------------------------------

def test_negated_mention_does_not_earn_the_key_point():
    assert "shard-opt" not in covered("I would not shard the optimizer state across data-parallel ranks.")
    assert "shard-opt" not in covered("Never shard the optimizer state across data-parallel ranks.")


def test_negation_window_is_cut_at_but_and_however():
    assert "shard-opt" in covered("I would not replicate it, but shard the optimizer state across data-parallel ranks.")
    assert "shard-opt" in covered("Not replicated; however, we shard the optimizer state across data-parallel ranks.")


def test_negated_key_point_needs_a_negated_answer():
    q, r = adhoc_question("Is dropout supervised?", "Dropout does not require labels.")
    g = KeywordGrader()
    agree = g.grade(q, r, "It does not require labels.")
    contra = g.grade(q, r, "It requires labels.")
    assert agree["score"] > contra["score"]
    assert agree["criteria"][0]["key_points_covered"] == ["ref-1"]


def test_not_only_is_not_a_negation():
    doc = tokenise("not only shards but also")
    assert doc.neg[2] is False


# ---- weights ----------------------------------------------------------------------------------

def test_question_words_are_demoted():
    q, r = adhoc_question("Why is gradient clipping used in training?", "Gradient clipping bounds the update size and prevents exploding gradients.")
    g = KeywordGrader()
    parrot = g.grade(q, r, "Gradient clipping is used in training because gradient clipping is used.")
    content = g.grade(q, r, "It bounds the update size, which prevents exploding updates.")
    assert content["score"] > parrot["score"]


def test_idf_weights_make_rare_terms_count_more():
    stats = CorpusStats.from_texts(["the model trains"] * 20 + ["warmup schedule"])
    assert stats.idf("warmup") > stats.idf("model") > 0
    assert CorpusStats().idf("anything") == 1.0
    assert CorpusStats.from_dict(stats.to_dict()).digest() == stats.digest()
    bank_stats = CorpusStats.from_questions([ds_question(), {"prompt": "Explain warmup.", "key_points": []}])
    assert bank_stats.n_docs == 2 and bank_stats.df["optim"] == 1
    q, r = adhoc_question("How do you stabilise it?", "Use a warmup for the model.")
    assert term_weight("warmup", stats, frozenset()) > term_weight("model", stats, frozenset())  # curated key points: idf ** IDF_POWER
    rare_hit = KeywordGrader(stats).grade(q, r, "A warmup.")["score"]
    common_hit = KeywordGrader(stats).grade(q, r, "The model.")["score"]
    assert rare_hit > common_hit  # ad hoc: idf ** ADHOC_IDF_POWER


# ---- derived key points ---------------------------------------------------------------------------

def test_reference_split_into_clauses_and_items():
    pieces = split_reference("First point here. Second point; third point.\n- item one\n- item two")
    assert pieces == ["First point here", "Second point", "third point", "item one", "item two"]


def test_derived_key_points_weighted_and_deduplicated():
    kps = derive_keypoints(["Dropout regularises. Dropout regularises!", "Weight decay shrinks weights."], question_text="Why dropout?")
    assert [k["id"] for k in kps] == ["ref-1", "ref-2"]
    assert all(k["criterion"] == "content" for k in kps)
    assert kps[1]["weight"] > kps[0]["weight"]  # "dropout" repeats the question and is demoted


@pytest.mark.parametrize("answer", ["Use ZeRO stage 1.", "shard the optimizer state across data-parallel ranks"])
def test_evidence_quotes_the_matched_span(answer):
    grade = KeywordGrader().grade(ds_question(), ds_rubric(), answer)
    ev = [e for c in grade["criteria"] for e in c["evidence"]]
    assert ev and all(answer[e["start"]:e["end"]] == e["quote"] and e["key_point"] == "shard-opt" for e in ev)
