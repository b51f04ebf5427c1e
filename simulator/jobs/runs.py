"""Running an ML-coding answer on its problem's visible examples (the sandbox), for the pages, the API and jobs."""
from __future__ import annotations

from typing import Any


def refusal(service, user_id: int, round_id: int) -> dict[str, Any] | None:
    """Why this round's code cannot be run at all ({"available": False, "output": why}), or None. NotFound for a
    round that is not the user's."""
    rv = service.get_round(user_id, round_id)
    if rv["round"] != "ml_coding":
        return {"available": False, "output": "Running code is only for ML-coding rounds."}
    from simulator.sandbox.policy import untrusted_allowed

    allowed, why = untrusted_allowed()
    if not allowed:
        return {"available": False, "output": f"The code was not run: {why}"}
    return None


def run_examples(service, bank, user_id: int, round_id: int, code: str) -> dict[str, Any]:
    """{"available": bool, "output": str}. The round must be the user's (the service checks) and ML coding; code
    from a browser is untrusted: it runs under bubblewrap, or where the operator allowed the fallback."""
    refused = refusal(service, user_id, round_id)
    if refused is not None:
        return refused
    from simulator.coding.visible import run_visible_summary

    question = bank.question(service.get_round(user_id, round_id)["question_id"])
    return {"available": True, "output": str(run_visible_summary(question, code))}
