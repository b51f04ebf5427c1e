"""Review status of a team's questions and rubrics, and the transitions allowed between them.

    draft    --review-->  reviewed   (an admin who is not the last editor: a second pair of eyes)
    draft    --retire-->  retired    (admin)
    reviewed --reopen-->  draft      (admin; any edit also reopens)
    reviewed --retire-->  retired    (admin)
    retired  --revive-->  draft      (admin; a retired item must be revived before it is edited)

Retired items leave the team's bank (no new calibration answers, not exported);
answers and grades that used them keep resolving.
"""
from __future__ import annotations

from simulator.teams.errors import Forbidden, InvalidTransition

STATUSES = ("draft", "reviewed", "retired")
TRANSITIONS: dict[str, frozenset[str]] = {
    "draft": frozenset({"reviewed", "retired"}),
    "reviewed": frozenset({"draft", "retired"}),
    "retired": frozenset({"draft"}),
}


def allowed(current: str) -> list[str]:
    """The statuses an item in `current` may move to, for building a form."""
    return sorted(TRANSITIONS.get(current, ()))


def check_transition(what: str, current: str, new: str, *, actor: int, actor_is_admin: bool,
                     last_editor: int | None) -> None:
    """Raise InvalidTransition or Forbidden unless `current -> new` is allowed for this actor."""
    if new not in STATUSES:
        raise InvalidTransition(f"unknown status {new!r} (known: {', '.join(STATUSES)})")
    if new not in TRANSITIONS[current]:
        options = ", ".join(allowed(current))
        raise InvalidTransition(f"{what} is {current}; it can move to {options}, not {new}")
    if not actor_is_admin:
        raise Forbidden(f"only a team admin can move {what} from {current} to {new}")
    if new == "reviewed" and last_editor is not None and last_editor == actor:
        raise InvalidTransition(f"{what} was last edited by you; another admin must review it")


def check_editable(what: str, status: str) -> None:
    if status == "retired":
        raise InvalidTransition(f"{what} is retired; revive it (move it to draft) before editing")
