"""Pure parts: the rubric form and the Grade it builds, ORA2's median, the comparison, practice checks."""
import pytest

from rubrics import rubric_hash
from simulator.peers import compare, practice
from simulator.peers.forms import FormError, RubricChanged, build_grade, clean_name, parse_form, rubric_form
from simulator.validation import validate
from tests.factories import question, rubric

RUBRIC = rubric("behavioral")
QUESTION = question("behavioral", 0)


def test_the_form_has_every_criterion_with_its_five_anchored_levels():
    form = rubric_form(RUBRIC)
    assert form["rubric"] == {"id": "behavioral-r", "version": "1.0.0", "hash": rubric_hash(RUBRIC)}
    assert [c["id"] for c in form["criteria"]] == ["depth", "clarity"]
    assert [lv["descriptor"] for lv in form["criteria"][0]["levels"]] == [RUBRIC["criteria"][0]["levels"][str(n)] for n in range(1, 6)]


@pytest.mark.parametrize("kind", ["peer", "self"])
def test_a_submitted_form_is_a_valid_grade_with_the_rubric_it_used(kind):
    data = {"levels": {"depth": 4, "clarity": None}, "notes": {"depth": "solid"}, "feedback": "Good.",
            "rubric_hash": rubric_hash(RUBRIC)}
    grade = build_grade(kind, "Ada", RUBRIC, QUESTION, data, track="research-engineer")
    assert validate("grade", grade, "grade") == []
    assert grade["grader"] == {"kind": kind, "name": "Ada", "version": "1"}
    assert grade["rubric"]["hash"] == rubric_hash(RUBRIC) and grade["question_id"] == QUESTION["id"]
    assert [(e["criterion"], e["level"]) for e in grade["criteria"]] == [("depth", 4), ("clarity", None)]
    assert grade["criteria"][0]["note"] == "solid" and "note" not in grade["criteria"][1]
    assert grade["score"] == 0.75 and grade["feedback"] == "Good."


@pytest.mark.parametrize("levels, field", [
    ({"depth": 0}, "level-depth"), ({"depth": 6}, "level-depth"), ({"depth": "4"}, "level-depth"),
    ({"depth": True}, "level-depth"), ({"nope": 3}, "level-nope"), ({}, "levels"), ({"depth": None}, "levels"),
    ([3, 4], "levels"),
])
def test_bad_levels_are_refused_by_field(levels, field):
    with pytest.raises(FormError) as err:
        build_grade("peer", "x", RUBRIC, QUESTION, {"levels": levels})
    assert field in err.value.errors


def test_a_stale_rubric_hash_is_refused():
    with pytest.raises(RubricChanged):
        build_grade("peer", "x", RUBRIC, QUESTION, {"levels": {"depth": 3}, "rubric_hash": "sha256:" + "0" * 64})


def test_the_live_checklist_becomes_key_points_covered_and_missing():
    form = {"level-depth": "3", "level-clarity": "", "live": "1", "kp-a": "1", "feedback": "f"}
    grade = build_grade("peer", "x", RUBRIC, QUESTION, parse_form(form, RUBRIC))
    depth, clarity = grade["criteria"]
    assert depth["key_points_covered"] == ["a"] and depth["key_points_missing"] == ["a2", "a3"]
    assert clarity["key_points_covered"] == [] and clarity["key_points_missing"] == ["b", "b2", "b3"]
    with pytest.raises(FormError):
        build_grade("peer", "x", RUBRIC, QUESTION, {"levels": {"depth": 3}, "key_points": ["zz"]})


def test_display_names_are_one_line_and_bounded():
    assert clean_name("  Ada \n Lovelace ", "Anon") == "Ada Lovelace"
    assert clean_name("", "Anon") == "Anon" and clean_name(None, "Anon") == "Anon"
    with pytest.raises(FormError):
        clean_name("x" * 61, "Anon")


@pytest.mark.parametrize("levels, median", [([], None), ([3], 3), ([5, 1, 3], 3), ([2, 3], 3), ([1, 2], 2),
                                            ([2, 4], 3), ([1, 2, 4, 5], 3), ([1, 1, 2, 5], 2)])
def test_ora2_median_rounds_the_mean_of_the_middle_two_up(levels, median):
    assert compare.ora2_median(levels) == median


def grade_with(kind, depth, clarity, name=None):
    return build_grade(kind, name or kind, RUBRIC, QUESTION, {"levels": {"depth": depth, "clarity": clarity}})


def graders(*items):
    return [compare.grader(f"{kind}:{i}", kind, label, grade_with(kind, d, c)) for i, (kind, label, d, c) in enumerate(items)]


def test_comparison_rows_medians_disagreements_and_counts():
    out = compare.compare_round(RUBRIC, graders(("self", "Self", 5, 3), ("peer", "Ada", 3, 3), ("peer", "Bo", 4, None),
                                                ("keyword", "Keyword grader", 2, 4)))
    depth, clarity = out["rows"]
    assert depth["peer_median"] == 4 and clarity["peer_median"] == 3  # ceil((3 + 4) / 2); one rating is its own median
    assert depth["disagreement"] and depth["spread"] == 3
    assert "Self 5 vs Ada 3" in depth["pairs"] and "Self 5 vs Keyword grader 2" in depth["pairs"]
    assert "Ada 3 vs Bo 4" not in depth["pairs"]  # one level apart is not a disagreement
    assert [c["outlier"] for c in depth["cells"]] == [True, False, False, True]
    assert not clarity["disagreement"] and clarity["spread"] == 1
    assert [(c["label"], c["rated"]) for c in out["rated"]] == [("Self", 2), ("Ada", 2), ("Bo", 1), ("Keyword grader", 2)]
    gap = out["self_gap"]
    assert gap["reference"] == "peer_median" and gap["per_criterion"] == {"depth": 1, "clarity": 0}
    assert gap["text"] == ("You rated yourself 0.5 levels above your peers' median on average "
                           "(higher on 1, lower on 0, the same on 1 of 2 criteria).")


def test_self_gap_falls_back_to_the_llm_then_keywords_and_says_when_close_or_missing():
    llm = compare.compare_round(RUBRIC, graders(("self", "Self", 1, 1), ("keyword", "K", 5, 5), ("llm", "L", 4, 4)))
    assert llm["self_gap"]["reference"] == "llm" and llm["self_gap"]["text"].startswith("You rated yourself 3.0 levels below the LLM grader")
    close = compare.compare_round(RUBRIC, graders(("self", "Self", 3, 4), ("keyword", "K", 3, 4)))
    assert close["self_gap"]["text"].startswith("Your self-assessment matches the keyword grader within half a level")
    assert compare.compare_round(RUBRIC, graders(("peer", "P", 3, 3)))["self_gap"]["text"] == "You did not grade yourself on this round."
    assert "nothing to compare" in compare.compare_round(RUBRIC, graders(("self", "Self", 3, 3)))["self_gap"]["text"]


def test_practice_examples_prefer_the_question_and_hide_the_intended_levels(bank):
    found = practice.examples(bank, [("behavioral-q1", "behavioral-r"), ("math-fundamentals-q0", "math_fundamentals-r")])
    assert [(e["number"], e["question_id"]) for e in found] == [(1, "behavioral-q0"), (2, "behavioral-q0"), (3, "math-fundamentals-q1")]
    assert "levels" not in practice.public(found[0]) and "quality" not in practice.public(found[0])
    assert practice.examples(bank, [("behavioral-q0", "behavioral-r")], per_round=1)[0]["quality"] == "strong"


def test_practice_check_counts_within_one_level_as_agreeing():
    result = practice.check(RUBRIC, {"depth": 3, "clarity": 3}, {"depth": 5, "clarity": 4})
    assert [(r["criterion"], r["difference"], r["agrees"]) for r in result["rows"]] == [("depth", -2, False), ("clarity", -1, True)]
    assert result["text"] == "You agree with the intended level (within one) on 1 of 2 criteria. Look again at: Depth."
    assert practice.check(RUBRIC, {"depth": None, "clarity": 4}, {"depth": 5})["rows"][0]["agrees"] is None
