"""Round-aware signals: behavioural STAR / ownership / measurable result, and math final answers."""
from __future__ import annotations

import math

import pytest

from simulator.graders.keyword import KeywordGrader, adhoc_question
from simulator.graders.keyword.signals import behavioural_signals, check_final_answer, signal_for
from tests.test_keyword_fixtures import behavioural_question, behavioural_rubric, math_question, math_rubric

STAR = ("Last year our evaluation pipeline was flaky and nobody owned it. My task was to make the nightly evals reliable. "
        "I profiled the jobs, I found a race in the cache and I wrote a fix with retries. "
        "As a result, failures dropped from 30% to 2% and we saved about 5 hours a week. The lesson I learned: own the boring parts.")
VAGUE = "We had some problems with evals. The team fixed them eventually and things got better."


def test_star_ownership_and_measurable_result_signals():
    s = behavioural_signals(STAR)
    assert s["star"]["value"] == 1.0 and s["star"]["parts"] == ["situation", "task", "action", "result"]
    assert s["ownership"]["value"] > 0.6
    assert s["measurable_result"]["value"] == 1.0
    v = behavioural_signals(VAGUE)
    assert v["ownership"]["value"] < 0.3 and v["measurable_result"]["value"] < 1.0 and v["star"]["value"] < 1.0


def test_signals_feed_the_rubric_criteria_they_map_to():
    g = KeywordGrader()
    strong = g.grade(behavioural_question(), behavioural_rubric(), STAR)
    weak = g.grade(behavioural_question(), behavioural_rubric(), VAGUE)
    lv = {c["criterion"]: c["level"] for c in strong["criteria"]}
    lw = {c["criterion"]: c["level"] for c in weak["criteria"]}
    assert lv["ownership"] > lw["ownership"] and lv["impact_and_results"] > lw["impact_and_results"]
    assert lv["star_structure"] == 5
    # one of the three reflection claims ("the lesson I learned") is made: level 2, and the note says which
    reflection = next(c for c in strong["criteria"] if c["criterion"] == "reflection")
    assert reflection["level"] == 2 and "what I would do differently next time" in reflection["note"]
    assert strong["score"] > weak["score"]
    assert "signals" in strong["details"]


@pytest.mark.parametrize("cid,signal", [
    ("ownership", "ownership"), ("initiative_and_ownership", "ownership"), ("impact", "measurable_result"),
    ("measurable_results", "measurable_result"), ("star_structure", "star"), ("communication", "star"),
    ("collaboration", None),
])
def test_signal_mapping_table_is_by_criterion_id_pattern(cid, signal):
    assert signal_for(cid) == signal


@pytest.mark.parametrize("answer", [
    "Average the faces: the answer is 3.5",
    "Sum is 21, divided by 6 gives = 7/2",
    "so E[X] ≈ 3.50 overall",
    "It comes to 3.5e0.",
    "It equals 3.5 × 10^0.",
])
def test_final_answer_forms_are_recognised(answer):
    assert check_final_answer({"value": 3.5, "rel_tol": 1e-3}, answer)["correct"], answer


def test_final_answer_tolerance_percent_and_closed_forms():
    assert check_final_answer({"value": math.log(2), "rel_tol": 1e-3}, "the median is ≈ 0.693")["correct"]
    assert not check_final_answer({"value": math.log(2), "rel_tol": 1e-6}, "roughly ≈ 0.7")["correct"]
    assert check_final_answer({"value": 0.35, "abs_tol": 1e-9}, "The answer is 35%")["correct"]
    assert check_final_answer({"value": math.log(2)}, "so the answer is ln(2)")["correct"]
    assert check_final_answer({"expression": "n/(n+1)"}, "Therefore E = n / (n + 1).")["correct"]
    assert not check_final_answer({"value": 3.5, "rel_tol": 1e-3}, "the answer is 4")["correct"]


def test_the_last_marked_answer_wins():
    assert not check_final_answer({"value": 3.5, "rel_tol": 1e-3}, "First I guessed 3.5 but the answer is 3.")["correct"]
    assert check_final_answer({"value": 3.5, "rel_tol": 1e-3}, "Not 3, the answer is 3.5")["correct"]


def test_final_answer_feeds_its_criterion_with_evidence():
    g = KeywordGrader()
    right = g.grade(math_question(), math_rubric(), "Each face has probability one sixth, so the mean is 21/6 = 3.5")
    wrong = g.grade(math_question(), math_rubric(), "Each face has probability one sixth, so the mean is 21/6 = 4")
    fr = next(c for c in right["criteria"] if c["criterion"] == "final_answer")
    fw = next(c for c in wrong["criteria"] if c["criterion"] == "final_answer")
    assert fr["level"] == 5 and fr["key_points_covered"] == ["final_answer"]
    assert fr["evidence"][0]["quote"] == "3.5"
    assert fw["level"] == 1 and fw["key_points_missing"] == ["final_answer"]
    assert right["details"]["final_answer"]["correct"] is True


@pytest.mark.parametrize("answer", [
    "P(win) = 2/3 ~ 0.667. Sanity check: with n = 1 it gives 1/2, which matches the small case.",
    "The probability works out to two thirds, i.e. 0.667; for three players it would be 0.25 instead.",
    "Conditioning on the first draw, I get 2/3.",
    "Final answer: 2/3 ≈ 0.667",
    "so it is 66.7%",
])
def test_a_correct_value_is_read_wherever_it_is_stated(answer):
    assert check_final_answer({"value": 2 / 3, "rel_tol": 1e-3}, answer)["correct"], answer


@pytest.mark.parametrize("answer", [
    "We get 2/3 first, but the final answer is 1/2.",  # an explicit final statement decides
    "so the probability is 4/6 = 1/2",  # the last value of an equality chain is the one stated
    "I think it is 0.6.",
])
def test_a_wrong_final_value_is_not_rescued_by_an_earlier_step(answer):
    assert not check_final_answer({"value": 2 / 3, "rel_tol": 1e-3}, answer)["correct"], answer


def test_several_values_are_read_in_the_order_asked():
    spec = {"values": [0.5, 0.25], "rel_tol": 1e-3}
    both = check_final_answer(spec, "The mean is 1/2 and the variance is 1/4.")
    assert both["correct"] and both["score"] == 1.0 and both["values_found"] == ["1/2", "1/4"]
    swapped = check_final_answer(spec, "The variance is 1/4 and the mean is 1/2.")
    assert not swapped["correct"] and swapped["score"] == 0.5


def test_magnitude_words_and_suffixes():
    assert check_final_answer({"value": 7e10, "rel_tol": 1e-2}, "so you need about 70B parameters")["correct"]
    assert check_final_answer({"value": 1.2e9, "rel_tol": 1e-2}, "it comes to 1.2 billion tokens")["correct"]


def test_feedback_names_the_final_answer_in_words_never_by_id():
    g = KeywordGrader()
    q = math_question({"value": 3.5, "rel_tol": 1e-3, "criterion": "final_answer", "label": "the expected roll"})
    wrong = g.grade(q, math_rubric(), "Each face has probability one sixth, so the mean is 4.")
    text = wrong["feedback"] + " ".join(c.get("note", "") for c in wrong["criteria"])
    assert "final_answer" not in text and "the expected roll (3.5)" in text


STORY_REF = ("A strong answer names a specific disagreement, explains both positions and the data used to resolve it, says "
             "what the candidate personally did, gives a measurable outcome, and reflects on what they would change.")


def test_ad_hoc_story_questions_are_graded_on_the_story_not_on_overlap_with_a_description():
    q, r = adhoc_question("Tell me about a time you disagreed with a teammate about a technical decision.", STORY_REF)
    g = KeywordGrader()
    star = g.grade(q, r, STAR)
    vague = g.grade(q, r, "We disagreed sometimes but always resolved things through good communication and respect.")
    assert star["score"] > 0.5 > vague["score"] + 0.25
    assert star["details"]["story"]["measurable_result"] == 1.0


def test_ad_hoc_non_story_questions_keep_the_coverage_score():
    q, r = adhoc_question("What does dropout do?", "Dropout randomly zeroes activations during training to regularise.")
    grade = KeywordGrader().grade(q, r, "It randomly zeroes activations while training, which regularises the network.")
    assert "story" not in grade["details"] and grade["score"] > 0.7
