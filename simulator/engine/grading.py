"""Grading a finished loop: a grader per round, round scores, the loop score and its band."""
from __future__ import annotations

from typing import Any

from simulator.bank import Bank
from simulator.engine.states import LOOP_TRANSITIONS, ROUND_TRANSITIONS, LoopState, RoundState, check
from simulator.engine.views import graded_text
from simulator.graders.base import grade_answer, registry
from simulator.scoring import decision, grade_score, loop_score
from simulator.storage.models import GradeRecord, Loop, Round
from simulator.verdict import verdict_reasons

# The grader a round type uses when the caller asks for "auto".
DEFAULT_GRADER = {"ml_coding": "code"}


def auto_grader(round_type: str) -> str:
    """Code rounds run in the sandbox; text rounds use the LLM when configured, else keywords."""
    if round_type in DEFAULT_GRADER:
        return DEFAULT_GRADER[round_type]
    try:
        from simulator.llm.config import configured
    except ImportError:
        return "keyword"
    return "llm" if configured() else "keyword"


TEXT_GRADERS = ("keyword", "llm")


def check_grader(grader: str) -> None:
    """LookupError, with a suggestion, for a grader name that is neither `auto` nor registered
    (a name that is registered but cannot load still grades as pending)."""
    if grader != "auto" and grader not in registry.names():
        registry.get(grader)


def grader_for(round_type: str, grader: str) -> str:
    """The grader a round gets: `auto` picks per round; a text grader the user names
    (`run --grader keyword`) grades the text rounds, while code rounds keep the code grader."""
    if grader == "auto" or (grader in TEXT_GRADERS and round_type in DEFAULT_GRADER):
        return auto_grader(round_type)
    return grader


def grade_round(rnd: Round, bank: Bank, track: str, grader: str = "auto", *,
                untrusted_code: bool = False) -> dict[str, Any]:
    """The Grade for one submitted round; a grader that is not available yields a pending grade.

    `untrusted_code`: the answer comes from someone the machine does not trust (the web server), so the
    code grader runs only where the sandbox policy allows it (bubblewrap, or the fallback with
    MOCKLOOP_ALLOW_UNSANDBOXED=1); otherwise the round stays pending, saying why."""
    question = bank.question(rnd.question_id)
    rubric = bank.rubric(rnd.rubric_id)
    name = grader_for(rnd.round_type, grader)
    try:
        registry.get(name)
    except (LookupError, ImportError):
        name = "pending"
    refused = None
    if name == "code" and untrusted_code and (graded_text(rnd) or "").strip():
        from simulator.sandbox.policy import untrusted_allowed

        allowed, why = untrusted_allowed()
        if not allowed:
            name, refused = "pending", why
    grade = grade_answer(name, question, rubric, graded_text(rnd), track=track)
    if refused:
        grade["flags"].append("needs_review")
        grade["feedback"] = f"The code was not run: {refused}"
    if rnd.late_by_s is not None and "late" not in grade["flags"]:
        grade["flags"].append("late")
    if grade.get("score") is None and "no_answer" not in grade["flags"] and "pending" not in grade["flags"]:
        grade["score"] = grade_score(grade, rubric, track)
    grade.setdefault("details", {})["time_used_s"] = _used(rnd)
    return grade


def _used(rnd: Round) -> float | None:
    if rnd.started_at is None or rnd.submitted_at is None:
        return None
    from simulator.clock import as_utc

    paused = sum(p.get("seconds") or 0 for p in rnd.pauses or [])
    return round(min(rnd.duration_s, (as_utc(rnd.submitted_at) - as_utc(rnd.started_at)).total_seconds() - paused), 3)


def finalise_scores(loop: Loop, bank: Bank) -> None:
    """Loop score from each round's latest machine grade; None while any round is pending."""
    track = bank.track(loop.track)
    per_round = []
    latest_grades = []
    for rnd in loop.rounds:
        machine = [g for g in rnd.grades if g.kind in ("keyword", "code", "llm")]
        if not machine:
            loop.score = loop.band = None
            return
        latest = machine[-1].payload
        if "pending" in latest["flags"]:
            loop.score = loop.band = None
            return
        per_round.append((rnd.round_type, latest.get("score")))
        latest_grades.append((rnd.round_type, latest))
    loop.score = loop_score(per_round, track)
    # a band only where it means something: a full loop, every round's grader certified for it
    band = None if verdict_reasons(loop.kind, latest_grades) else decision(loop.score, track["bands"])
    loop.band = band["id"] if band else None


def check_gradable(loop: Loop) -> None:
    if loop.status not in (LoopState.COMPLETE, LoopState.GRADED):
        raise ValueError(f"loop {loop.id} is {loop.status.replace('_', ' ')}; finish it before grading")


def grade_rounds(loop: Loop, bank: Bank, grader: str = "auto", *, untrusted_code: bool = False,
                 progress=None) -> dict[int, dict[str, Any]]:
    """Round id -> its Grade. Graders may call an LLM or run code: keep this outside any transaction.
    `progress(n, total)`, when given, is called as round n (from 1) starts being graded."""
    check_gradable(loop)
    check_grader(grader)
    grades = {}
    for n, rnd in enumerate(loop.rounds, 1):
        if progress is not None:
            progress(n, len(loop.rounds))
        grades[rnd.id] = grade_round(rnd, bank, loop.track, grader, untrusted_code=untrusted_code)
    return grades


def record_grades(loop: Loop, grades: dict[int, dict[str, Any]], bank: Bank, now) -> None:
    """Store each round's Grade, then score the loop (graded once every round has a real grade)."""
    check_gradable(loop)
    for rnd in loop.rounds:
        grade = grades[rnd.id]
        rnd.grades.append(GradeRecord(
            kind=grade["grader"]["kind"], grader_name=grade["grader"]["name"], score=grade.get("score"),
            payload=grade, created_at=now,
        ))
        if rnd.status == RoundState.SUBMITTED and "pending" not in grade["flags"]:
            check(ROUND_TRANSITIONS, f"round {rnd.position + 1}", rnd.status, RoundState.GRADED)
            rnd.status = RoundState.GRADED
    finalise_scores(loop, bank)
    if loop.score is not None:
        check(LOOP_TRANSITIONS, f"loop {loop.id}", loop.status, LoopState.GRADED)
        loop.status = LoopState.GRADED
