"""The timed engine with a fake clock: every state transition, deadlines, autosubmit, late, pauses, probes."""
import pytest

from simulator.engine import InvalidTransition, ModeError, NotFound


def drill(service, user, **kw):
    kw.setdefault("round_type", "behavioral")
    return service.create_loop(user, "research-engineer", seed=7, **kw)


def test_new_loop_is_not_started_and_follows_the_track(service, user):
    loop = service.create_loop(user, "research-scientist", seed=1)
    assert loop["status"] == "not_started"
    rounds = [r["round"] for r in loop["rounds"]]
    assert rounds == ["paper_discussion", "paper_discussion", "ml_coding", "math_fundamentals", "research_framing", "behavioral"]
    assert all(r["status"] == "pending" and r["deadline"] is None for r in loop["rounds"])


def test_round_lifecycle_to_graded(service, user, clock):
    loop = drill(service, user)
    rnd = service.start_next_round(user, loop["id"])
    assert rnd["status"] == "in_progress"
    assert service.get_loop(user, loop["id"])["status"] == "round_in_progress"
    assert rnd["time_left_s"] == 600
    clock.advance(60)
    service.save_draft(user, rnd["id"], "I used gradient accumulation with a clear structure.")
    assert service.get_round(user, rnd["id"])["time_left_s"] == 540
    done = service.submit(user, rnd["id"])
    assert done["status"] == "submitted" and not done["auto_submitted"] and done["flags"] == []
    assert service.get_loop(user, loop["id"])["status"] == "complete"
    graded = service.grade(user, loop["id"], "pending")
    assert graded["status"] == "complete"  # a pending grade does not make the loop graded
    assert graded["rounds"][0]["grades"][0]["flags"] == ["pending"]


def test_submitting_a_round_of_many_moves_to_round_submitted(service, user):
    loop = service.create_loop(user, "research-engineer", seed=3)
    first = service.start_next_round(user, loop["id"])
    service.submit(user, first["id"], "answer")
    view = service.get_loop(user, loop["id"])
    assert view["status"] == "round_submitted"
    assert view["next_round_id"] == view["rounds"][1]["id"]
    service.start_next_round(user, loop["id"])
    assert service.get_loop(user, loop["id"])["status"] == "round_in_progress"


def test_deadline_autosubmits_the_last_saved_draft(service, user, clock):
    loop = drill(service, user)
    rnd = service.start_next_round(user, loop["id"])
    clock.advance(100)
    service.save_draft(user, rnd["id"], "draft one")
    clock.advance(400)
    service.save_draft(user, rnd["id"], "draft two, saved in time")
    clock.advance(100)  # exactly at the deadline
    view = service.get_round(user, rnd["id"])
    assert view["status"] == "submitted" and view["auto_submitted"]
    assert view["answer"] == "draft two, saved in time"
    assert view["submitted_at"] == view["deadline"]
    assert view["flags"] == []


def test_a_draft_after_the_deadline_is_not_taken(service, user, clock):
    loop = drill(service, user)
    rnd = service.start_next_round(user, loop["id"])
    service.save_draft(user, rnd["id"], "in time")
    clock.advance(601)
    view = service.save_draft(user, rnd["id"], "too late")
    assert view["saved"] is False and view["answer"] == "in time"


def test_submit_after_deadline_is_flagged_late(service, user, clock):
    loop = drill(service, user)
    rnd = service.start_next_round(user, loop["id"])
    service.save_draft(user, rnd["id"], "partial")
    clock.advance(630)
    view = service.submit(user, rnd["id"], "the full answer, 30 s late")
    assert view["late_by_s"] == 30 and "late" in view["flags"]
    # the answer on time (submitted at the deadline) stays the graded one; the late one is kept beside it
    assert view["answer"] == "partial" and view["graded_text"] == "partial"
    assert view["late_answer"] == "the full answer, 30 s late"
    grade = service.grade(user, loop["id"], "pending")["rounds"][0]["grades"][0]
    assert "late" in grade["flags"]
    with pytest.raises(ValueError):
        service.submit(user, rnd["id"], "again")


def test_in_practice_mode_a_late_answer_is_the_graded_one(service, user, clock):
    loop = service.create_loop(user, "research-engineer", round_type="behavioral", mode="practice", seed=1)
    rnd = service.start_next_round(user, loop["id"])
    service.save_draft(user, rnd["id"], "partial")
    clock.advance(630)
    view = service.submit(user, rnd["id"], "the full answer, 30 s late")
    assert view["answer"] == "the full answer, 30 s late" and view["late_answer"] is None and "late" in view["flags"]


def test_empty_answer_is_no_answer_and_scores_zero_in_the_loop(service, user, clock):
    loop = drill(service, user)
    rnd = service.start_next_round(user, loop["id"])
    clock.advance(601)
    view = service.get_round(user, rnd["id"])
    assert view["flags"] == ["no_answer"]
    from simulator.graders.base import registry

    registry.get("pending")
    graded = service.grade(user, loop["id"], "pending")
    grade = graded["rounds"][0]["grades"][0]
    assert "no_answer" in grade["flags"] and grade["score"] is None
    assert all(c["level"] is None for c in grade["criteria"])


def test_out_of_order_autosave_is_ignored(service, user):
    loop = drill(service, user)
    rnd = service.start_next_round(user, loop["id"])
    assert service.save_draft(user, rnd["id"], "v2", seq=2)["saved"]
    assert not service.save_draft(user, rnd["id"], "v1", seq=1)["saved"]
    assert service.get_round(user, rnd["id"])["draft"] == "v2"


def test_pause_only_in_practice_mode_and_recorded(service, user, clock):
    timed = drill(service, user)
    rnd = service.start_next_round(user, timed["id"])
    with pytest.raises(ModeError):
        service.pause(user, rnd["id"])

    practice = drill(service, user, mode="practice")
    rnd = service.start_next_round(user, practice["id"])
    clock.advance(100)
    paused = service.pause(user, rnd["id"])
    assert paused["status"] == "paused" and paused["time_left_s"] == 500
    assert service.get_loop(user, practice["id"])["status"] == "paused"
    clock.advance(3600)  # a paused round never expires
    assert service.get_round(user, rnd["id"])["time_left_s"] == 500
    resumed = service.unpause(user, rnd["id"])
    assert resumed["status"] == "in_progress" and resumed["time_left_s"] == 500
    assert resumed["pauses"][0]["seconds"] == 3600
    clock.advance(500)
    assert service.get_round(user, rnd["id"])["status"] == "submitted"


def test_invalid_transitions_are_refused(service, user):
    loop = drill(service, user)
    rnd_id = loop["rounds"][0]["id"]
    with pytest.raises(ValueError):
        service.submit(user, rnd_id, "not started")
    with pytest.raises(ValueError):
        service.unpause(user, rnd_id)
    service.start_next_round(user, loop["id"])
    with pytest.raises(ValueError):
        service.start_next_round(user, loop["id"])  # nothing pending
    with pytest.raises(ValueError):
        service.grade(user, loop["id"])  # not complete yet


def test_state_tables_reject_skipping_states():
    from simulator.engine.states import LOOP_TRANSITIONS, ROUND_TRANSITIONS, check

    with pytest.raises(InvalidTransition):
        check(LOOP_TRANSITIONS, "loop 1", "not_started", "complete")
    with pytest.raises(InvalidTransition):
        check(ROUND_TRANSITIONS, "round 1", "pending", "submitted")


def test_probes_revealed_after_first_answer_or_time_mark(service, user, clock):
    loop = drill(service, user)
    rnd = service.start_next_round(user, loop["id"])
    assert rnd["probes"] == [] and rnd["probes_hidden"] == 2
    clock.advance(60)
    view = service.first_answer(user, rnd["id"], "first answer")
    assert [p["index"] for p in view["probes"]] == [0]
    clock.advance(240)  # 5 minutes in: the timed probe appears
    view = service.get_round(user, rnd["id"])
    assert [p["index"] for p in view["probes"]] == [0, 1]
    service.save_draft(user, rnd["id"], "first answer", probe_answers={0: "I would accumulate gradients"})
    done = service.submit(user, rnd["id"])
    assert done["graded_text"] == "first answer\n\nI would accumulate gradients"


def test_pace_scales_durations_and_warnings(service, user, clock):
    loop = drill(service, user, pace=0.1)
    rnd = service.start_next_round(user, loop["id"])
    assert rnd["time_limit_s"] == 60
    assert rnd["warnings_at_s"] == [30, 6]
    clock.advance(31)
    assert service.tick(user, loop["id"])["warnings"] == [30]
    assert service.tick(user, loop["id"])["warnings"] == []  # each warning once
    clock.advance(24)
    assert service.tick(user, loop["id"])["warnings"] == [6]


def test_another_users_loop_is_not_found(service, user):
    loop = drill(service, user)
    mallory = service.ensure_user("mallory")
    with pytest.raises(NotFound):
        service.get_loop(mallory, loop["id"])
    with pytest.raises(NotFound):
        service.save_draft(mallory, loop["rounds"][0]["id"], "x")


def test_bad_track_round_and_pace(service, user):
    with pytest.raises(LookupError, match="did you mean 'research-engineer'"):
        service.create_loop(user, "research-enginer")
    with pytest.raises(LookupError, match="has no 'distributed_systems' round"):
        service.create_loop(user, "research-scientist", round_type="distributed_systems")
    with pytest.raises(ValueError):
        service.create_loop(user, "research-engineer", pace=0)


def test_interviewer_asks_about_what_is_missing(service, user, bank):
    q = bank.questions["behavioral-q0"]
    q["probes"] = [
        {"text": "How did you fit the batch into memory?", "targets": ["a"]},
        {"text": "How did you organise your explanation?", "targets": ["b"]},
    ]
    loop = service.create_loop(user, "research-engineer", round_type="behavioral", seed=0)
    assert loop["rounds"][0]["question_id"] == "behavioral-q0"
    rnd = service.start_next_round(user, loop["id"])
    view = service.first_answer(user, rnd["id"], "We used gradient accumulation across eight micro-batches.")
    assert view["probe_asked"] and [p["text"] for p in view["probes"]] == ["How did you organise your explanation?"]
    view = service.ask_probe(user, rnd["id"])  # everything targeted is asked: the other probe comes next
    assert view["probe_asked"] and len(view["probes"]) == 2
    assert not service.ask_probe(user, rnd["id"])["probe_asked"]  # nothing left to ask


def test_submitting_a_paused_round_closes_the_pause_and_counts_only_answering_time(service, user, clock):
    loop = drill(service, user, mode="practice")
    rnd = service.start_next_round(user, loop["id"])
    clock.advance(100)
    service.save_draft(user, rnd["id"], "an answer")
    service.pause(user, rnd["id"])
    clock.advance(3600)  # far past the original deadline, but the clock is stopped
    done = service.submit(user, rnd["id"])
    assert done["status"] == "submitted" and done["flags"] == [] and done["late_by_s"] is None
    assert done["pauses"][0]["seconds"] == 3600
    assert done["time_used_s"] == 100
    assert service.get_loop(user, loop["id"])["status"] == "complete"


def test_next_round_cannot_start_while_one_is_paused(service, user, clock):
    loop = service.create_loop(user, "research-engineer", seed=3, mode="practice")
    first = service.start_next_round(user, loop["id"])
    service.pause(user, first["id"])
    with pytest.raises(InvalidTransition):
        service.start_next_round(user, loop["id"])
    view = service.get_loop(user, loop["id"])
    assert [r["status"] for r in view["rounds"][:2]] == ["paused", "pending"]
    assert view["status"] == "paused"


def test_timed_probe_mark_counts_answering_time_not_pauses(service, user, clock):
    loop = drill(service, user, mode="practice")
    rnd = service.start_next_round(user, loop["id"])
    clock.advance(60)
    service.pause(user, rnd["id"])
    clock.advance(600)
    service.unpause(user, rnd["id"])
    assert service.get_round(user, rnd["id"])["probes"] == []  # 1 minute answered, the mark is at 5
    clock.advance(240)
    assert [p["index"] for p in service.get_round(user, rnd["id"])["probes"]] == [1]


def test_asking_a_probe_after_the_deadline_returns_the_submitted_round(service, user, clock):
    loop = drill(service, user)
    rnd = service.start_next_round(user, loop["id"])
    service.save_draft(user, rnd["id"], "in time")
    clock.advance(601)
    view = service.ask_probe(user, rnd["id"])
    assert view["status"] == "submitted" and view["probe_asked"] is False and view["answer"] == "in time"


def test_a_text_grader_named_by_the_user_leaves_code_rounds_to_the_code_grader(bank):
    from simulator.engine.grading import grader_for

    assert grader_for("ml_coding", "keyword") == "code" and grader_for("ml_coding", "llm") == "code"
    assert grader_for("behavioral", "keyword") == "keyword"
    assert grader_for("ml_coding", "pending") == "pending" and grader_for("ml_coding", "auto") == "code"


def test_grading_with_an_unknown_grader_is_refused_not_silently_pending(service, user):
    loop = drill(service, user)
    rnd = service.start_next_round(user, loop["id"])
    service.submit(user, rnd["id"], "an answer")
    with pytest.raises(LookupError, match="unknown grader 'kyword'"):
        service.grade(user, loop["id"], "kyword")
    assert service.get_loop(user, loop["id"])["rounds"][0]["grades"] == []


def test_code_answers_are_graded_without_the_follow_up_prose(service, user, bank):
    """Follow-up answers are prose: appended to code they would turn valid code into a syntax error."""
    loop = service.create_loop(user, "research-engineer", round_type="ml_coding", seed=1)
    rnd = service.start_next_round(user, loop["id"])
    code = "def f(x):\n    return x\n"
    view = service.first_answer(user, rnd["id"], code)
    assert view["probes"], "the interviewer asks a follow-up"
    service.save_draft(user, rnd["id"], code, probe_answers={view["probes"][0]["index"]: "It is O(n) in time."})
    done = service.submit(user, rnd["id"])
    assert done["graded_text"] == code
    assert done["probes"][0]["answer"] == "It is O(n) in time."  # kept in the record


def test_a_code_round_with_answered_follow_ups_is_graded_on_the_code(service, user):
    """End to end through the sandbox: the reference passes even after follow-ups were answered."""
    from simulator import coding
    from tests.sandbox_support import require_sandbox_python

    require_sandbox_python()
    loop = service.create_loop(user, "research-engineer", round_type="ml_coding", seed=1)
    rnd = service.start_next_round(user, loop["id"])
    code = coding.get("softmax").source_of("reference")
    view = service.first_answer(user, rnd["id"], code)
    service.save_draft(user, rnd["id"], code, probe_answers={p["index"]: "Subtract the max first." for p in view["probes"]})
    service.submit(user, rnd["id"])
    grade = service.grade(user, loop["id"])["rounds"][0]["grades"][-1]
    assert grade["grader"]["kind"] == "code"
    assert grade["details"]["total"] > 0 and grade["details"]["passed"] == grade["details"]["total"], grade["feedback"]


def test_a_loop_can_set_its_own_warning_marks(service, user, clock):
    loop = drill(service, user, pace=0.1, warnings_at=[45, 10, 45])
    rnd = service.start_next_round(user, loop["id"])
    assert rnd["warnings_at_s"] == [45, 10]  # real seconds left, not scaled by the pace; duplicates merged
    clock.advance(16)
    assert service.tick(user, loop["id"])["warnings"] == [45]
    clock.advance(35)
    assert service.tick(user, loop["id"])["warnings"] == [10]
    with pytest.raises(ValueError, match="must be positive"):
        drill(service, user, warnings_at=[0])


def test_grading_once_records_one_set_of_grades_when_two_workers_finish_the_same_loop(service, user):
    """Two web processes may both see a finished, ungraded loop; the second to lock the loop records nothing."""
    loop = drill(service, user)
    rnd = service.start_next_round(user, loop["id"])
    service.submit(user, rnd["id"], "I owned the rollout, measured a 12% drop in errors, and told the team why.")
    first = service.grade(user, loop["id"], "keyword", once=True)
    second = service.grade(user, loop["id"], "keyword", once=True)
    assert len(first["rounds"][0]["grades"]) == len(second["rounds"][0]["grades"]) == 1
    again = service.grade(user, loop["id"], "keyword")  # asked for on purpose: a regrade is recorded
    assert len(again["rounds"][0]["grades"]) == 2
