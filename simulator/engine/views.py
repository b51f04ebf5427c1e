"""Plain, JSON-ready views of loops and rounds: what the CLI prints and the API returns."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from simulator.bank import Bank
from simulator.engine import timing
from simulator.storage.models import Loop, Round


def _iso(moment: datetime | None) -> str | None:
    from simulator.clock import as_utc

    return None if moment is None else as_utc(moment).isoformat()


def graded_text(rnd: Round) -> str:
    """The answer plus the answers to follow-up probes, as graded (probe texts are not included).

    An ML-coding answer is source code run by the sandbox: its follow-up answers are prose, kept in the
    record beside it but never appended to the code (that would make valid code a syntax error)."""
    main = rnd.answer if rnd.answer is not None else rnd.draft or ""
    if rnd.round_type == "ml_coding":
        return main if main.strip() else ""
    parts = [main] + [p.get("answer", "") for p in rnd.probes or []]
    return "\n\n".join(part for part in parts if part.strip())


def round_flags(rnd: Round) -> list[str]:
    flags = []
    if rnd.status in ("submitted", "graded") and not graded_text(rnd).strip():
        flags.append("no_answer")
    if rnd.late_by_s is not None:
        flags.append("late")
    return flags


def round_view(rnd: Round, bank: Bank, now: datetime, marks: list[float]) -> dict[str, Any]:
    q = bank.questions.get(rnd.question_id, {})
    revealed = [
        {"index": i, "text": p["text"], "answer": p.get("answer", ""), "revealed_at": p.get("revealed_at")}
        for i, p in enumerate(rnd.probes or []) if p.get("revealed_at")
    ]
    grades = [g.payload for g in rnd.grades]
    return {
        "id": rnd.id,
        "loop_id": rnd.loop_id,
        "position": rnd.position,
        "round": rnd.round_type,
        "question_id": rnd.question_id,
        "rubric_id": rnd.rubric_id,
        "prompt": q.get("prompt", ""),
        "time_limit_s": round(rnd.duration_s, 3),
        "status": rnd.status,
        "started_at": _iso(rnd.started_at),
        "deadline": _iso(rnd.deadline),
        "time_left_s": None if rnd.deadline is None else round(timing.time_left(rnd, now), 3),
        "time_used_s": round(timing.elapsed(rnd, now), 3),
        "paused": rnd.paused_at is not None,
        "pauses": rnd.pauses or [],
        "warnings_at_s": marks,
        "warnings_given": rnd.warnings_given or [],
        "draft": rnd.draft,
        "draft_seq": rnd.draft_seq,
        "draft_saved_at": _iso(rnd.draft_saved_at),
        "answer": rnd.answer,
        "late_answer": rnd.late_answer,
        "graded_text": graded_text(rnd),
        "submitted_at": _iso(rnd.submitted_at),
        "auto_submitted": rnd.auto_submitted,
        "late_by_s": rnd.late_by_s,
        "flags": round_flags(rnd),
        "probes": revealed,
        "probes_hidden": sum(1 for p in rnd.probes or [] if not p.get("revealed_at")),
        "probes_timed_hidden": sum(1 for p in rnd.probes or [] if not p.get("revealed_at") and p.get("reveal_after_s") is not None), "first_answer_at": _iso(rnd.first_answer_at),
        "grades": grades,
    }


def loop_view(loop: Loop, bank: Bank, now: datetime, marks: list[float]) -> dict[str, Any]:
    rounds = [round_view(r, bank, now, marks) for r in loop.rounds]
    current = next((r for r in rounds if r["status"] in ("in_progress", "paused")), None)
    upcoming = next((r for r in rounds if r["status"] == "pending"), None)
    return {
        "id": loop.id,
        "track": loop.track,
        "track_version": loop.track_version,
        "kind": loop.kind,
        "mode": loop.mode,
        "pace": loop.pace,
        "seed": loop.seed,
        "status": loop.status,
        "created_at": _iso(loop.created_at),
        "completed_at": _iso(loop.completed_at),
        "score": loop.score,
        "band": loop.band,
        "current_round_id": current["id"] if current else None,
        "next_round_id": upcoming["id"] if upcoming else None,
        "rounds": rounds,
    }
