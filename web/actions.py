"""Thin steps shared by the pages and the API, over LoopService (which checks ownership)."""
from __future__ import annotations

import threading
from typing import Any

from web.extensions import bank, service

_STRIPES = [threading.Lock() for _ in range(64)]
_GRADING = threading.Lock()


def round_lock(round_id: int) -> threading.Lock:
    """Writes to one round are serialised in this process, so a slow autosave cannot land after a newer one."""
    return _STRIPES[round_id % len(_STRIPES)]


def save_draft(user_id: int, round_id: int, text: str, seq: int | None, probe_answers: dict[int, str] | None) -> dict[str, Any]:
    with round_lock(round_id):
        return service().save_draft(user_id, round_id, text, seq=seq, probe_answers=probe_answers)


def first_answer(user_id: int, round_id: int, text: str | None) -> dict[str, Any]:
    with round_lock(round_id):
        return service().first_answer(user_id, round_id, text)


def submit(user_id: int, round_id: int, text: str | None, probe_answers: dict[int, str] | None) -> dict[str, Any]:
    """Submit a round; when it was the loop's last, grade the loop."""
    with round_lock(round_id):
        view = service().submit(user_id, round_id, text, probe_answers=probe_answers)
    finish_loop(user_id, view["loop_id"])
    return service().get_round(user_id, round_id)


def needs_grading(loop: dict[str, Any]) -> bool:
    return loop["status"] == "complete" and any(not r["grades"] for r in loop["rounds"])


def finish_loop(user_id: int, loop_id: int) -> dict[str, Any]:
    """The loop view, graded automatically ("auto") once every round is in and none is graded yet.

    The lock keeps one process from grading a loop twice; `once` makes the record itself idempotent across
    processes (the check runs under the loop's row lock)."""
    loop = service().get_loop(user_id, loop_id)
    if needs_grading(loop):
        with _GRADING:
            loop = service().get_loop(user_id, loop_id)
            if needs_grading(loop):
                loop = service().grade(user_id, loop_id, "auto", once=True)
    return loop


def run_examples(user_id: int, round_id: int, code: str) -> dict[str, Any]:
    """Run an ML-coding answer on the problem's visible examples, when the coding module is installed."""
    rv = service().get_round(user_id, round_id)
    if rv["round"] != "ml_coding":
        return {"available": False, "output": "Running code is only for ML-coding rounds."}
    try:
        from simulator.coding.visible import run_visible_summary
    except ImportError:
        return {"available": False, "output": "Running the visible examples is not available on this server yet."}
    from simulator.sandbox.policy import untrusted_allowed

    allowed, why = untrusted_allowed()  # code from a browser is untrusted: bubblewrap, or the operator's say-so
    if not allowed:
        return {"available": False, "output": f"The code was not run: {why}"}
    question = bank().question(rv["question_id"])
    return {"available": True, "output": str(run_visible_summary(question, code))}


def probe_answers_from_form(form) -> dict[int, str]:
    """`probe-<index>` fields of a submitted form."""
    out = {}
    for key, value in form.items():
        if key.startswith("probe-") and key[6:].isdigit():
            out[int(key[6:])] = value
    return out


def starter_code(question: dict[str, Any]) -> str:
    """The ML-coding problem's starter code, when the coding module knows the problem."""
    name = (question.get("coding") or {}).get("problem")
    if not name:
        return ""
    try:
        from simulator.coding import get

        return str(get(name).STARTER)
    except Exception:  # the coding module is optional here: no starter is better than no page
        return ""
