"""Thin steps shared by the pages and the API, over LoopService (which checks ownership)."""
from __future__ import annotations

import threading
from typing import Any

from web.extensions import service

_STRIPES = [threading.Lock() for _ in range(64)]


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
    """Submit a round; when it was the loop's last, enqueue the loop's grading. The round view carries `job`
    (the grading job) while that job is not done."""
    with round_lock(round_id):
        view = service().submit(user_id, round_id, text, probe_answers=probe_answers)
    loop = finish_loop(user_id, view["loop_id"])
    rv = service().get_round(user_id, round_id)
    if loop.get("grading"):
        rv["job"] = loop["grading"]
    return rv


def needs_grading(loop: dict[str, Any]) -> bool:
    from simulator.jobs import needs_grading as needed

    return needed(loop)


def finish_loop(user_id: int, loop_id: int) -> dict[str, Any]:
    """The loop view. Once every round is in and none is graded, the loop's grading ("auto") is a job on the
    queue, never run in this request (except in immediate mode: tests); `grading` holds the job while it is
    queued, running or failed, else None.

    Asking again while the job is queued or running finds the same job (a dead worker's job is enqueued again);
    a failed job is retried by asking again. Grades are recorded once (`once=True`) whoever runs the job."""
    from web.extensions import jobs

    loop = service().get_loop(user_id, loop_id)  # the user's loop, or NotFound before any job is touched
    if needs_grading(loop):
        job = jobs().enqueue_grading(user_id, loop_id)
        if job["status"] == "done":
            loop = service().get_loop(user_id, loop_id)
    else:  # graded already; a regrade asked for may be on its way
        job = jobs().grading_job(user_id, loop_id) if loop["status"] in ("complete", "graded") else None
        job = jobs().recover_job(job) if job is not None and job["status"] in ("queued", "running") else None
    loop["grading"] = job_view(job) if job is not None and job["status"] != "done" else None
    return loop


def regrade(user_id: int, loop_id: int, grader: str = "auto") -> dict[str, Any]:
    """A new set of grades asked for on purpose (another grader, a grader since improved), as a job: its record
    (done already in immediate mode). NotFound for a loop that is not the user's, before anything is enqueued."""
    from web.extensions import jobs

    service().get_loop(user_id, loop_id)
    return jobs().enqueue_grading(user_id, loop_id, grader=grader, regrade=True)


def job_view(job: dict[str, Any]) -> dict[str, Any]:
    """A job as the API and the pages show it: status, progress, and links to poll it and to its result."""
    from flask import url_for

    progress = job.get("progress")
    out = {"id": job["id"], "kind": job["kind"], "status": job["status"], "attempts": job["attempts"],
           "progress": progress, "error": job.get("error"), "loop_id": job.get("loop_id"),
           "url": url_for("api.get_job", job_id=job["id"]), "result": None}
    if job["kind"] == "grade":
        out["message"] = {"queued": "waiting for a grader", "failed": f"grading failed: {job.get('error')}",
                          "done": "graded"}.get(job["status"]) or (
            f"grading round {progress['round']} of {progress['of']}" if progress else "grading")
        if job["status"] == "done":
            out["result"] = url_for("api.loop_scorecard", loop_id=job["loop_id"])
    elif job["kind"] == "demo":
        out["message"] = {"queued": "waiting for a worker", "running": "loading the demo team", "done": "loaded",
                          "failed": f"loading the demo team failed: {job.get('error')}"}[job["status"]]
        if job["status"] == "done":
            out["result"] = url_for("api.get_team", team_id=job["team_id"])
    elif job["kind"] == "run":
        out["round_id"] = job.get("round_id")
        out["message"] = {"queued": "waiting for a free sandbox" if progress else "queued",
                          "running": "running the visible examples", "done": "done",
                          "failed": f"the run failed: {job.get('error')}"}[job["status"]]
        if job["status"] == "done":
            out["available"], out["output"] = job.get("available", False), job.get("output", "")
    return out


def run_examples(user_id: int, round_id: int, code: str) -> dict[str, Any]:
    """Run an ML-coding answer on the problem's visible examples as a job, holding one of the user's sandbox slots
    (MOCKLOOP_SANDBOX_RUNS_PER_USER) until it is done and one of the server's (MOCKLOOP_SANDBOX_RUNS) while it
    runs: the job's record, or, when it cannot run or the user's run is in flight, {"available": False,
    ["busy": True,] "output": why} at once. NotFound for a round that is not the user's."""
    from web.extensions import jobs

    return jobs().enqueue_run(user_id, round_id, code)


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
