"""API routes for loops and rounds; LoopService checks that each belongs to the caller."""
from __future__ import annotations

from flask import abort, g, jsonify

from simulator.engine import InvalidTransition
from simulator.graders.base import registry
from simulator.report.scorecard import scorecard
from web import actions
from web.api.blueprint import body, bp, probe_answers, text_field
from web.api.jobs import accepted
from web.extensions import bank, service
from web.history.progress import progress as progress_series


def _conflict(exc: Exception):
    abort(409, description=str(exc.args[0] if exc.args else exc))


@bp.get("/loops")
def list_loops():
    return jsonify(loops=service().list_loops(g.user_id))


@bp.post("/loops")
def create_loop():
    data = body()
    track = data.get("track")
    round_type = data.get("round")
    mode = data.get("mode", "timed")
    pace = data.get("pace", 1.0)
    seed = data.get("seed")
    if not isinstance(track, str):
        abort(400, description="'track' is required: one of " + ", ".join(sorted(bank().tracks)) + ".")
    if round_type is not None and not isinstance(round_type, str):
        abort(400, description="'round' must be a round type or null.")
    if mode not in ("timed", "practice"):
        abort(400, description="'mode' must be 'timed' or 'practice'.")
    if isinstance(pace, bool) or not isinstance(pace, (int, float)) or not 0.05 <= pace <= 10:
        abort(400, description="'pace' must be a number from 0.05 to 10.")
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed < 2**31):
        abort(400, description="'seed' must be an integer from 0 to 2**31 - 1, or null.")
    try:
        loop = service().create_loop(g.user_id, track, round_type=round_type, mode=mode, pace=float(pace), seed=seed)
    except (LookupError, ValueError) as exc:
        abort(400, description=str(exc.args[0] if exc.args else exc))
    return jsonify(loop), 201


@bp.get("/loops/<int:loop_id>")
def get_loop(loop_id: int):
    return jsonify(service().get_loop(g.user_id, loop_id))


@bp.post("/loops/<int:loop_id>/next")
def start_next_round(loop_id: int):
    try:
        return jsonify(service().start_next_round(g.user_id, loop_id))
    except (ValueError, InvalidTransition) as exc:
        _conflict(exc)


@bp.post("/loops/<int:loop_id>/tick")
def tick(loop_id: int):
    return jsonify(service().tick(g.user_id, loop_id))


@bp.post("/loops/<int:loop_id>/grade")
def grade(loop_id: int):
    grader = body().get("grader", "auto")
    if not isinstance(grader, str) or (grader != "auto" and grader not in registry.names()):
        abort(400, description="'grader' must be 'auto' or one of: " + ", ".join(registry.names()) + ".")
    job = actions.regrade(g.user_id, loop_id, grader)
    if job["status"] == "failed":
        abort(409, description=str(job["error"]))
    if job["status"] != "done":
        return accepted(actions.job_view(job), actions.job_view(job))  # the grading continues on the queue
    return jsonify(service().get_loop(g.user_id, loop_id))


@bp.get("/loops/<int:loop_id>/scorecard")
def loop_scorecard(loop_id: int):
    """The scorecard; while the loop's grading job is queued or running, 202 with the job to poll; 409 when it
    failed (asking again enqueues it again)."""
    loop = actions.finish_loop(g.user_id, loop_id)
    job = loop.pop("grading", None)
    if job is not None and job["status"] in ("queued", "running"):
        return accepted(job, job)
    if job is not None:
        abort(409, description=f"{job['message']}; ask again to retry.")
    return jsonify(scorecard(loop, bank()))


@bp.get("/rounds/<int:round_id>")
def get_round(round_id: int):
    return jsonify(service().get_round(g.user_id, round_id))


@bp.put("/rounds/<int:round_id>/draft")
def save_draft(round_id: int):
    data = body()
    text = text_field(data, "text", required=True)
    seq = data.get("seq")
    if seq is not None and (isinstance(seq, bool) or not isinstance(seq, int) or not 0 < seq < 2**31):
        abort(400, description="'seq' must be a positive integer (higher than the last one sent), or null.")
    base = data.get("base")
    if base is not None and (isinstance(base, bool) or not isinstance(base, int) or not 0 <= base < 2**31):
        abort(400, description="'base' must be the draft_seq this client last saw (an integer >= 0), or null.")
    with actions.round_lock(round_id):  # as actions.save_draft, with the revision this tab last saw
        return jsonify(service().save_draft(g.user_id, round_id, text, seq=seq, probe_answers=probe_answers(data), base=base))


@bp.post("/rounds/<int:round_id>/first-answer")
def first_answer(round_id: int):
    return jsonify(actions.first_answer(g.user_id, round_id, text_field(body(), "text")))


@bp.post("/rounds/<int:round_id>/submit")
def submit(round_id: int):
    data = body()
    try:
        rv = actions.submit(g.user_id, round_id, text_field(data, "text"), probe_answers(data))
    except (ValueError, InvalidTransition) as exc:
        _conflict(exc)
    job = rv.get("job")
    if job is not None and job["status"] in ("queued", "running"):
        return accepted(rv, job)  # the loop's last round: its grading continues on the queue
    return jsonify(rv)


@bp.post("/rounds/<int:round_id>/pause")
def pause(round_id: int):
    return jsonify(service().pause(g.user_id, round_id))


@bp.post("/rounds/<int:round_id>/unpause")
def unpause(round_id: int):
    try:
        return jsonify(service().unpause(g.user_id, round_id))
    except ValueError as exc:
        _conflict(exc)


@bp.post("/rounds/<int:round_id>/run")
def run_examples(round_id: int):
    """202 with the run's job (poll it: `output` when done), or 200 with why it was not run (busy, not coding)."""
    from web.api.jobs import accepted

    code = text_field(body(), "code", required=True)
    out = actions.run_examples(g.user_id, round_id, code)
    if "id" not in out:
        return jsonify(out)
    view = actions.job_view(out)
    return accepted(view, view)


@bp.get("/progress")
def progress():
    return jsonify(series=progress_series(service().list_loops(g.user_id), bank()))
