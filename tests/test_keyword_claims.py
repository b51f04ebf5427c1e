"""Key points read as claims: the opposite claim earns nothing, costs credit and is named; the claim in other
words still counts; negation and antonyms flip a claim only where they apply; too few key points means no level."""
from __future__ import annotations

import copy

import pytest

from simulator.graders.keyword import KeywordGrader
from simulator.validation import validate
from tests.test_keyword_fixtures import BANDS, _criterion

RUBRIC = {
    "id": "claims-test", "version": "1.0.0", "round": "paper_discussion", "title": "Claims (test)",
    "criteria": [_criterion("method"), _criterion("costs")], "track_weights": {},
    "thresholds": [0.15, 0.35, 0.6, 0.85], "bands": copy.deepcopy(BANDS),
}


def kp(i, text, crit="method", aliases=(), contradicts=(), because="it follows from the definition", level=None):
    out = {"id": i, "text": text, "aliases": list(aliases), "contradicts": list(contradicts), "because": because, "criterion": crit}
    if level:
        out["supports_level"] = level
    return out


QUESTION = {
    "id": "claims-kl", "round": "paper_discussion", "rubric": "claims-test", "tracks": ["research-scientist"],
    "difficulty": "medium", "time_limit_min": 10, "prompt": "Compare the two directions of the KL divergence in variational inference.",
    "tests": "Knows which KL direction seeks modes and why.", "probes": [], "reference_answer": "x" * 60,
    "key_points": [
        kp("rev", "reverse KL is mode-seeking", aliases=["minimising KL(q||p) locks onto a single mode"],
           contradicts=["reverse KL is mode-covering", "reverse KL spreads mass over every mode"],
           because="KL(q||p) charges q heavily for mass where p is small, so q concentrates on one mode"),
        kp("fwd", "forward KL is mode-covering", aliases=["KL(p||q) spreads mass over every mode"],
           contradicts=["forward KL is mode-seeking"]),
        kp("zero", "reverse KL forces q to zero wherever p is zero", aliases=["q must vanish where p vanishes"], level=4),
        kp("frozen", "the pretrained weights are frozen", crit="costs", aliases=["base weights are never updated"]),
        kp("adam", "Adam moments are kept only for the adapters", crit="costs"),
        kp("cheap", "only the small adapter matrices are trained", crit="costs"),
        kp("merge", "the adapter merges into the weights after training", crit="costs"),
    ],
}
STRONG = ("Reverse KL is mode-seeking: minimising KL(q||p) locks q onto a single mode, and q must vanish where p vanishes. "
          "Forward KL, by contrast, is mode-covering.")


def grade(answer):
    g = KeywordGrader().grade(QUESTION, RUBRIC, answer)
    assert validate("grade", g, "grade") == []
    return g


def levels(g):
    return {c["criterion"]: c["level"] for c in g["criteria"]}


def test_the_claim_in_its_own_words_is_covered():
    g = grade(STRONG)
    method = g["criteria"][0]
    # all three claims made; level 4, the highest any of them supports (zero: 4; the others default to 3)
    assert method["key_points_covered"] == ["rev", "fwd", "zero"] and method["level"] == 4
    assert "misconception" not in g["flags"]


def test_the_swapped_claim_earns_nothing_is_named_and_halves_the_score():
    right = grade(STRONG)
    wrong = grade("Reverse KL is mode-covering, it spreads over all the modes, while forward KL is mode-seeking.")
    assert "misconception" in wrong["flags"] and levels(wrong)["method"] == 1
    said = {m["key_point"] for m in wrong["details"]["misconceptions"]}
    assert said == {"rev", "fwd"}
    assert "the grader reads that as the opposite of “reverse KL is mode-seeking”" in wrong["feedback"]
    assert "charges q heavily for mass where p is small" in wrong["feedback"]
    assert wrong["score"] < right["score"]


def test_both_directions_named_correctly_in_one_sentence_is_not_a_contradiction():
    g = grade("Forward KL is mode-covering while reverse KL is mode-seeking.")
    assert "misconception" not in g["flags"]
    assert set(g["criteria"][0]["key_points_covered"]) == {"rev", "fwd"}


def test_a_direct_negation_states_the_opposite_but_a_negated_neighbour_does_not():
    flipped = grade("The pretrained weights are not frozen, everything is fine-tuned.")
    assert any(m["key_point"] == "frozen" for m in flipped["details"]["misconceptions"])
    neighbour = grade("LoRA does not update the frozen pretrained weights.")
    assert "misconceptions" not in neighbour["details"]
    # a negation elsewhere in a sentence that only partly makes the claim is not its opposite
    partial = grade("Only the adapters train, so there is no Adam state for the big matrices.")
    assert "misconceptions" not in partial["details"]


def test_a_misconception_needs_the_words_that_make_it_one():
    # "spreads mass over every mode" is forward KL's claim; said of forward KL it is right, not reverse KL's misconception
    g = grade("Forward KL spreads mass over every mode of p.")
    assert "misconceptions" not in g["details"] and "fwd" in g["criteria"][0]["key_points_covered"]


def test_a_level_needs_three_key_points_and_says_so():
    q = copy.deepcopy(QUESTION)
    q["key_points"] = [k for k in q["key_points"] if k["id"] not in ("cheap", "merge", "adam")]
    g = KeywordGrader().grade(q, RUBRIC, STRONG + " The pretrained weights are frozen.")
    costs = g["criteria"][1]
    assert costs["level"] is None and costs["key_points_covered"] == ["frozen"]
    assert "Not assessed by the keyword grader" in costs["note"] and "Found: “the pretrained weights are frozen”" in costs["note"]


def test_not_applicable_criteria_are_not_rated_and_say_so():
    q = copy.deepcopy(QUESTION)
    q["key_points"] = [k for k in q["key_points"] if k["criterion"] != "costs"]
    q["not_applicable"] = ["costs"]
    g = KeywordGrader().grade(q, RUBRIC, STRONG)
    assert levels(g)["costs"] is None and g["criteria"][1]["note"] == "Not applicable to this question."
    assert "Costs" not in g["feedback"]


def test_a_deeper_claim_is_needed_for_the_top_levels():
    q = copy.deepcopy(QUESTION)
    for k in q["key_points"]:
        if k["criterion"] == "method":
            k["supports_level"] = 3
    q["key_points"][2]["supports_level"] = 5
    basic = KeywordGrader().grade(q, RUBRIC, "Reverse KL is mode-seeking. Forward KL is mode-covering.")
    assert levels(basic)["method"] == 3  # two of three claims made, but not the one that supports 4-5


@pytest.mark.parametrize("answer", ["", "   "])
def test_no_answer_is_no_answer(answer):
    assert grade(answer)["flags"] == ["no_answer"]


def test_notes_never_quote_the_rubric_level_descriptions():
    g = grade("Reverse KL is mode-covering.")
    for c in g["criteria"]:
        assert "Observable behaviour for level" not in c["note"]
    assert "Observable behaviour for level" not in g["feedback"]


def test_a_number_misconception_needs_the_wrong_number_without_the_right_one():
    q = copy.deepcopy(QUESTION)
    q["key_points"].append(kp("bytes", "mixed-precision Adam needs 16 bytes per parameter",
                              contradicts=["mixed-precision Adam needs 8 bytes per parameter"]))
    g = KeywordGrader()
    right = g.grade(q, RUBRIC, "Mixed-precision Adam needs 16 bytes per parameter, so 8 GPUs hold it.")
    wrong = g.grade(q, RUBRIC, "Mixed-precision Adam needs 8 bytes per parameter.")
    assert "misconceptions" not in right["details"]
    assert [m["key_point"] for m in wrong["details"]["misconceptions"]] == ["bytes"]


def _question(prompt, key_points):
    return dict(QUESTION, id="claims-echo", prompt=prompt, key_points=key_points)


def test_an_answer_that_only_echoes_the_question_does_not_make_a_claim_in_the_same_words():
    q = _question("Tell me about a metric that misled a launch decision.", [
        kp("named", "I name the metric and the launch decision", aliases=["metric launch decision"]),
        kp("fix", "we added a holdout check before every later launch"), kp("why", "clicks rose while retention fell")])
    g = KeywordGrader()
    echo = g.grade(q, RUBRIC, "A metric misled our launch decision once.")
    assert "named" not in echo["criteria"][0]["key_points_covered"]
    own = g.grade(q, RUBRIC, "I name the metric: click-through, which drove the launch decision for the ranking model.")
    assert "named" in own["criteria"][0]["key_points_covered"]  # question words still count beside the answer's own


def test_a_one_word_misconception_phrasing_is_not_read_as_stated():
    q = _question("Tell me about a mistake you made.", [
        kp("learn", "I changed how I review changes afterwards", contradicts=["I would do the same again", "no review",
                                                                              "I skipped the review"]),
        kp("own", "I owned the mistake"), kp("tell", "I told the team the same day")])
    g = KeywordGrader()
    same = g.grade(q, RUBRIC, "We shipped the same model to two regions, and I caught the mistake in the second one.")
    assert not same["details"].get("misconceptions")
    assert not g.grade(q, RUBRIC, "We shipped with no review, and that is how the bug got out.")["details"].get("misconceptions")
    skipped = g.grade(q, RUBRIC, "I skipped the review again on the next release.")
    assert [m["key_point"] for m in skipped["details"].get("misconceptions", [])] == ["learn"]


def test_a_claim_that_names_both_words_of_an_antonym_pair_is_not_flipped_by_one_of_them():
    q = _question("Where do long agent trajectories fail?", [
        kp("late", "late steps fail more often than early steps"), kp("a", "errors compound over steps"),
        kp("b", "resume from saved late states")])
    g = KeywordGrader().grade(q, RUBRIC, "We counted late-step failures separately from the first few steps.")
    assert not g["details"].get("misconceptions")


def test_a_misconception_whose_words_are_scattered_over_a_long_sentence_is_not_read():
    q = _question("How was BERT pre-trained?", [
        kp("mlm", "BERT predicts 15% of the tokens", contradicts=["BERT was trained to convergence"]),
        kp("a", "the masked tokens are replaced 80/10/10"), kp("b", "next sentence prediction was dropped later")])
    g = KeywordGrader()
    far = g.grade(q, RUBRIC, "BERT predicts only a small share of positions, so per pass it gets a fraction of the training signal "
                             "a left-to-right model gets from every position, and it converges more slowly.")
    assert not far["details"].get("misconceptions")
    near = g.grade(q, RUBRIC, "BERT was trained until it converged.")
    assert [m["key_point"] for m in near["details"].get("misconceptions", [])] == ["mlm"]
