"""GET /api/jobs/<id>: a job to poll (grading a finished loop): queued, running (with "round n of total"), done
(with a link to the result) or failed (with the reason). Only its owner sees it."""
from __future__ import annotations

from flask import abort, g, jsonify

from web import actions
from web.api.blueprint import bp
from web.extensions import jobs


@bp.get("/jobs/<job_id>")
def get_job(job_id: str):
    queue = jobs()
    record = queue.records.get(job_id)
    if record is None or record.get("user_id") != g.user_id:
        abort(404, description="No such job.")
    record = queue.recover_job(record)  # a job whose worker died is enqueued again when polled
    return jsonify(actions.job_view(record))


def accepted(body: dict, job: dict):
    """202 Accepted with `Location: <the job>`, for a request whose work continues on the queue."""
    response = jsonify(body)
    response.status_code = 202
    response.headers["Location"] = job["url"]
    return response
