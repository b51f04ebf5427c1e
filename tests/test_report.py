"""Scoring and the scorecard: weights, bands, evidence highlighting, escaping, the prep plan."""
import pytest

from simulator.graders.base import registry
from simulator.report.render import highlight, to_html, to_markdown, to_terminal
from simulator.report.scorecard import scorecard
from simulator.scoring import decision, loop_score, round_score
from simulator.validation import validate
from simulator.scoring import empty_grade
from tests.factories import rubric


class FixedGrader:
    """Finds 'gradient accumulation' (depth 4) and nothing else (clarity 1)."""

    name, kind, version = "fixed-test", "keyword", "1"

    def grade(self, question, rubric, answer, *, track=None):
        g = empty_grade(self, question, rubric)
        start = answer.find("gradient accumulation")
        for c in g["criteria"]:
            if c["criterion"] == "depth":
                c.update(level=4, key_points_covered=["a"],
                         evidence=[{"start": start, "end": start + 21, "quote": answer[start:start + 21], "key_point": "a"}])
            else:
                c.update(level=1, key_points_missing=["b"])
        g["score"] = round_score({"depth": 4, "clarity": 1}, rubric, track)
        return g


if "fixed-test" not in registry.names():
    registry.register(FixedGrader())


def test_round_score_uses_track_weights():
    rb = rubric("behavioral")  # default weights depth 2, clarity 1; research-engineer 1:1
    assert round_score({"depth": 5, "clarity": 1}, rb) == pytest.approx(2 / 3, abs=1e-6)
    assert round_score({"depth": 5, "clarity": 1}, rb, "research-engineer") == 0.5
    assert round_score({"depth": None, "clarity": 3}, rb) == 0.5
    assert round_score({"depth": None, "clarity": None}, rb) is None


def test_loop_score_weights_rounds_and_counts_unanswered_as_zero(bank):
    track = bank.track("research-scientist")
    assert loop_score([("paper_discussion", 1.0), ("behavioral", None)], track) == pytest.approx(1.3 / 2.1, abs=1e-6)
    assert decision(0.86, track["bands"])["id"] == "strong_hire"
    assert decision(0.0, track["bands"])["id"] == "strong_no_hire"


def test_highlight_escapes_and_marks():
    text = "<script>alert(1)</script> uses ZeRO-3 & FSDP"
    start = text.index("ZeRO-3")
    out = highlight(text, [{"start": start, "end": start + 6, "quote": "ZeRO-3"}, {"start": start + 2, "end": start + 9, "quote": "x"}])
    assert "<script>" not in out and "&lt;script&gt;" in out
    assert out.count("<mark>") == 1 and "<mark>ZeRO-3 &amp; </mark>FSDP" in out


@pytest.fixture
def graded_loop(service, user, clock):
    loop = service.create_loop(user, "research-engineer", round_type="behavioral", seed=4)
    rnd = service.start_next_round(user, loop["id"])
    clock.advance(90)
    service.submit(user, rnd["id"], "<script>x</script> I would use gradient accumulation here.")
    return service.grade(user, loop["id"], "fixed-test")


def test_scorecard_has_levels_evidence_missed_band_and_plan(graded_loop, bank):
    card = scorecard(graded_loop, bank)
    assert graded_loop["status"] == "graded"
    r = card["rounds"][0]
    depth = next(c for c in r["criteria"] if c["id"] == "depth")
    assert depth["level"] == 4 and depth["evidence"][0]["quote"] == "gradient accumulation"
    clarity = next(c for c in r["criteria"] if c["id"] == "clarity")
    assert clarity["level"] == 1 and clarity["missed"] == ["clear structure"]
    assert r["time_used_s"] == 90
    assert card["score"] == 0.375  # (0.75 + 0) / 2 at 1:1 weights
    # a drill gets per-criterion feedback, never a hiring band, and says why
    assert card["band"] is None and graded_loop["band"] is None
    assert card["verdict_withheld"] == ["This is a one-round drill: a hiring verdict needs a full loop."]
    assert depth["graded_by"] == "fixed-test" and "no verdict" in to_markdown(card)
    assert card["prep_plan"][0]["criterion"] == "Clarity"
    html = to_html(card)
    assert "&lt;script&gt;x&lt;/script&gt;" in html and "<mark>gradient accumulation</mark>" in html
    md = to_markdown(card)
    assert "“gradient accumulation”" in md and "clear structure" in md
    term = to_terminal(card, color=False)
    assert "[gradient accumulation]" in term and "missed: clear structure" in term


def test_grades_validate_against_the_schema(graded_loop):
    grade = graded_loop["rounds"][0]["grades"][0]
    assert validate("grade", grade, "grade") == []
    assert registry.get("fixed-test").kind == "keyword"


def test_an_unanswered_round_reads_no_answer_not_pending(service, user, clock, bank):
    loop = service.create_loop(user, "research-engineer", round_type="behavioral", seed=4)
    service.start_next_round(user, loop["id"])
    clock.advance(601)  # the deadline submits the empty draft
    card = scorecard(service.grade(user, loop["id"], "fixed-test"), bank)
    assert card["rounds"][0]["flags"] == ["no_answer"] and card["score"] == 0
    assert "Score no answer" in to_markdown(card)
    assert "score no answer" in to_terminal(card, color=False)


def _full_loop(service, user, clock, grader="fixed-test"):
    loop = service.create_loop(user, "research-engineer", seed=4)
    while True:
        rnd = service.start_next_round(user, loop["id"])
        if rnd is None:
            break
        clock.advance(30)
        service.submit(user, rnd["id"], "I would use gradient accumulation here.")
        if service.get_loop(user, loop["id"])["status"] in ("complete", "graded"):
            break
    return service.grade(user, loop["id"], grader)


def test_a_full_loop_gets_a_band_only_when_every_round_grader_is_certified(service, user, clock, bank, monkeypatch):
    from simulator.graders import certification

    rounds = {r["round"] for r in bank.track("research-engineer")["rounds"]}
    passed = {r: {"certified": True, "reason": "kappa 0.80 >= 0.60 on 40 gold answers"} for r in rounds}
    monkeypatch.setattr(certification, "records", lambda: {"graders": {"fixed-test@1": {"rounds": passed}}})
    card = scorecard(_full_loop(service, user, clock), bank)
    assert card["band"] is not None and card["verdict_withheld"] == []

    failed = dict(passed, behavioral={"certified": False, "reason": "kappa 0.41 < 0.60 on 36 gold answers"})
    monkeypatch.setattr(certification, "records", lambda: {"graders": {"fixed-test@1": {"rounds": failed}}})
    card = scorecard(_full_loop(service, user, clock), bank)
    assert card["band"] is None
    assert any("Behavioral" in r and "kappa 0.41 < 0.60" in r for r in card["verdict_withheld"])
    assert "No hiring verdict" not in to_markdown(card) and "no verdict" in to_markdown(card)
