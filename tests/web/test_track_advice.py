"""simulator.track_advice: the seed's "which to target" criteria, scored to a track with reasons."""
import pytest

from simulator.track_advice import AML, QUESTIONS, RE, RS, TRACKS, questions, recommend


def test_every_choice_is_well_formed():
    assert [q["id"] for q in questions()] == [q["id"] for q in QUESTIONS]
    for q in QUESTIONS:
        assert len({c["id"] for c in q["choices"]}) == len(q["choices"])
        for c in q["choices"]:
            assert set(c["points"]) <= set(TRACKS)
            assert bool(c["reason"]) == bool(c["points"]), c["id"]
    assert "points" not in questions()[0]["choices"][0]


def test_a_phd_who_loves_open_research_targets_research_scientist():
    advice = recommend({"background": "phd", "mode": "research", "long_threads": "yes", "publishing": "excited"})
    assert advice.track == RS
    assert any("PhD" in r for r in advice.reasons) and any("open-ended" in r for r in advice.reasons)
    assert advice.caveats == []


def test_a_systems_engineer_without_a_phd_targets_research_engineer():
    advice = recommend({"background": "shipped", "systems": "strong", "mode": "systems", "problems": "defined"})
    assert advice.track == RE
    assert any("systems-engineering background" in r for r in advice.reasons)
    assert any("2-4x" in c for c in advice.caveats)


def test_research_scientist_without_a_phd_is_steered_with_a_caveat():
    advice = recommend({"background": "shipped", "mode": "research", "long_threads": "yes", "publishing": "excited"})
    assert advice.track in (RE, AML)
    assert any("PhD" in c for c in advice.caveats)


def test_unanswered_background_keeps_research_scientist_but_warns():
    advice = recommend({"mode": "research", "long_threads": "yes"})
    assert advice.track == RS and any("PhD" in c for c in advice.caveats)


def test_close_between_scientist_and_engineer_recommends_applied_ml():
    advice = recommend({"background": "phd", "systems": "strong", "mode": "research", "problems": "defined"})
    assert advice.track == AML
    assert any("starting point" in c for c in advice.caveats)
    assert advice.reasons


def test_product_focus_targets_applied_ml():
    assert recommend({"mode": "product"}).track == AML


@pytest.mark.parametrize("answers,match", [
    ({}, "at least one"), ({"nope": "x"}, "unknown question 'nope'"), ({"mode": "dance"}, "mode: unknown choice"),
])
def test_bad_answers_say_what_is_wrong(answers, match):
    with pytest.raises(ValueError, match=match):
        recommend(answers)
