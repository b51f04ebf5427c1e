"""Deadlines, time left, warnings and probe reveals, all computed from an injected clock."""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from simulator.clock import as_utc
from simulator.storage.models import Round


def time_left(rnd: Round, now: datetime) -> float | None:
    """Seconds left on the server's deadline; frozen while paused; None before the start."""
    deadline = as_utc(rnd.deadline)
    if deadline is None:
        return None
    reference = as_utc(rnd.paused_at) or now
    return max(0.0, (deadline - reference).total_seconds())


def expired(rnd: Round, now: datetime) -> bool:
    deadline = as_utc(rnd.deadline)
    return deadline is not None and rnd.paused_at is None and now >= deadline


def elapsed(rnd: Round, now: datetime) -> float:
    """Seconds of answering time used (pauses excluded)."""
    if rnd.started_at is None:
        return 0.0
    end = as_utc(rnd.submitted_at) or as_utc(rnd.paused_at) or now
    paused = sum(p["seconds"] for p in rnd.pauses or [] if p.get("seconds") is not None)
    used = (end - as_utc(rnd.started_at)).total_seconds() - paused
    return max(0.0, min(used, rnd.duration_s))


def due_warnings(rnd: Round, now: datetime, marks: list[float]) -> list[float]:
    """Marks (seconds left) reached and not yet announced, largest first."""
    left = time_left(rnd, now)
    if left is None:
        return []
    given = set(rnd.warnings_given or [])
    return sorted((m for m in marks if left <= m and m not in given and m < rnd.duration_s), reverse=True)


def reveal_due_probes(rnd: Round, now: datetime) -> list[int]:
    """Reveal probes whose time mark (in answering time, pauses excluded) has passed; untimed
    ones are asked by the interviewer."""
    if rnd.started_at is None:
        return []
    since_start = elapsed(rnd, now)
    revealed = []
    probes: list[dict[str, Any]] = [dict(p) for p in rnd.probes or []]
    for index, probe in enumerate(probes):
        if probe.get("revealed_at"):
            continue
        mark = probe.get("reveal_after_s")
        if mark is not None and since_start >= mark:
            probe["revealed_at"] = now.isoformat()
            revealed.append(index)
    if revealed:
        rnd.probes = probes
    return revealed


def shift(moment: datetime | None, seconds: float) -> datetime | None:
    return None if moment is None else as_utc(moment) + timedelta(seconds=seconds)
