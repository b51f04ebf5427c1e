"""The loop and round state machines, as explicit transition tables."""
from __future__ import annotations


class LoopState:
    NOT_STARTED = "not_started"
    ROUND_IN_PROGRESS = "round_in_progress"
    PAUSED = "paused"
    ROUND_SUBMITTED = "round_submitted"
    COMPLETE = "complete"
    GRADED = "graded"


class RoundState:
    PENDING = "pending"
    IN_PROGRESS = "in_progress"
    PAUSED = "paused"
    SUBMITTED = "submitted"
    GRADED = "graded"


LOOP_TRANSITIONS: dict[str, set[str]] = {
    LoopState.NOT_STARTED: {LoopState.ROUND_IN_PROGRESS},
    LoopState.ROUND_IN_PROGRESS: {LoopState.PAUSED, LoopState.ROUND_SUBMITTED, LoopState.COMPLETE},
    LoopState.PAUSED: {LoopState.ROUND_IN_PROGRESS, LoopState.ROUND_SUBMITTED, LoopState.COMPLETE},
    LoopState.ROUND_SUBMITTED: {LoopState.ROUND_IN_PROGRESS},
    LoopState.COMPLETE: {LoopState.GRADED},
    LoopState.GRADED: {LoopState.GRADED},  # re-grading with another grader keeps it graded
}

ROUND_TRANSITIONS: dict[str, set[str]] = {
    RoundState.PENDING: {RoundState.IN_PROGRESS},
    RoundState.IN_PROGRESS: {RoundState.PAUSED, RoundState.SUBMITTED},
    RoundState.PAUSED: {RoundState.IN_PROGRESS, RoundState.SUBMITTED},
    RoundState.SUBMITTED: {RoundState.GRADED},
    RoundState.GRADED: {RoundState.GRADED},
}


class InvalidTransition(Exception):
    """An action that the current state does not allow; the message says what state it is in."""


def check(table: dict[str, set[str]], what: str, current: str, target: str) -> None:
    if target not in table.get(current, set()):
        raise InvalidTransition(f"{what} is {current.replace('_', ' ')}; it cannot become {target.replace('_', ' ')}")


class NotFound(LookupError):
    """No such loop or round for this user (another user's loop is reported the same way)."""


class ModeError(Exception):
    """The action is not allowed in this loop's mode (pausing outside practice mode)."""


def advance(obj, table: dict[str, set[str]], target: str) -> None:
    """Move a Loop or Round to `target`, or raise InvalidTransition naming its state."""
    what = f"round {obj.position + 1}" if hasattr(obj, "position") else f"loop {obj.id}"
    check(table, what, obj.status, target)
    obj.status = target
