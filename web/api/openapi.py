"""The OpenAPI 3.1 document for /api/ (a test checks it matches the routes, both ways)."""
from __future__ import annotations

import copy
from typing import Any

from web.api.peers import PATHS as PEER_PATHS  # /api/peer/... and share links, documented in web/peers/apidoc.py
from web.api.teams import PATHS as TEAM_PATHS  # /api/teams/..., documented in web/teams/apidoc.py

OBJ = {"type": "object"}
LOOP_ID = {"name": "loop_id", "in": "path", "required": True, "schema": {"type": "integer"}}
ROUND_ID = {"name": "round_id", "in": "path", "required": True, "schema": {"type": "integer"}}
JOB_ID = {"name": "job_id", "in": "path", "required": True, "schema": {"type": "string"}}


def ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


SCHEMAS: dict[str, Any] = {
    "Error": {"type": "object", "required": ["error", "message", "status"], "properties": {
        "error": {"type": "string", "examples": ["not_found"]}, "message": {"type": "string"},
        "status": {"type": "integer"}}},
    "Round": {"type": "object", "description": "A round as the engine reports it; `time_left_s` is computed from the server's clock.",
              "required": ["id", "loop_id", "status", "time_left_s", "draft_seq"], "properties": {
        "id": {"type": "integer"}, "loop_id": {"type": "integer"}, "position": {"type": "integer"},
        "round": {"type": "string"}, "question_id": {"type": "string"}, "prompt": {"type": "string"},
        "status": {"enum": ["pending", "in_progress", "paused", "submitted", "graded"]},
        "time_limit_s": {"type": "number"}, "time_left_s": {"type": ["number", "null"]},
        "deadline": {"type": ["string", "null"], "format": "date-time"}, "paused": {"type": "boolean"},
        "warnings_at_s": {"type": "array", "items": {"type": "number"}},
        "draft": {"type": "string"}, "draft_seq": {"type": "integer"}, "answer": {"type": ["string", "null"]},
        "auto_submitted": {"type": "boolean"}, "late_by_s": {"type": ["number", "null"]},
        "flags": {"type": "array", "items": {"type": "string"}},
        "probes": {"type": "array", "items": OBJ}, "probes_hidden": {"type": "integer"},
        "grades": {"type": "array", "items": OBJ}, "saved": {"type": "boolean", "description": "Autosave only."},
        "job": {**ref("Job"), "description": "Submit only: the loop's grading job, when this was its last round "
                                             "and the job is not done."}}},
    "Job": {"type": "object", "description": "Work continuing on the task queue (grading a finished loop, running code "
                                            "on the visible examples): poll `url` until `status` is done (then `result` "
                                            "links the scorecard, or `output` holds the run's) or failed.",
            "required": ["id", "kind", "status", "url"], "properties": {
        "id": {"type": "string"}, "kind": {"enum": ["grade", "run", "demo"]},
        "status": {"enum": ["queued", "running", "done", "failed"]},
        "attempts": {"type": "integer", "description": "Runs started (a retry after an error or a dead worker adds one)."},
        "progress": {"type": ["object", "null"], "description": "While grading: the round being graded.",
                     "properties": {"round": {"type": "integer"}, "of": {"type": "integer"}}},
        "message": {"type": "string", "examples": ["grading round 3 of 6"]},
        "error": {"type": ["string", "null"]}, "loop_id": {"type": ["integer", "null"]},
        "url": {"type": "string", "description": "This job (GET /api/jobs/{job_id})."},
        "result": {"type": ["string", "null"], "description": "When done: the loop's scorecard."},
        "round_id": {"type": ["integer", "null"], "description": "A run: its round."},
        "available": {"type": "boolean", "description": "A run, when done: whether the code could be run."},
        "output": {"type": "string", "description": "A run, when done: the visible examples' results."}}},
    "Loop": {"type": "object", "required": ["id", "track", "status", "rounds"], "properties": {
        "id": {"type": "integer"}, "track": {"type": "string"}, "kind": {"enum": ["loop", "drill"]},
        "mode": {"enum": ["timed", "practice"]}, "pace": {"type": "number"},
        "status": {"enum": ["not_started", "round_in_progress", "paused", "round_submitted", "complete", "graded"]},
        "score": {"type": ["number", "null"]}, "band": {"type": ["string", "null"]},
        "current_round_id": {"type": ["integer", "null"]}, "next_round_id": {"type": ["integer", "null"]},
        "rounds": {"type": "array", "items": ref("Round")},
        "warnings": {"type": "array", "items": {"type": "number"}, "description": "Tick only: marks just reached."}}},
    "NewLoop": {"type": "object", "required": ["track"], "properties": {
        "track": {"enum": ["research-scientist", "research-engineer", "applied-ml-engineer"]},
        "round": {"type": ["string", "null"], "description": "A round type for a one-round drill."},
        "mode": {"enum": ["timed", "practice"], "default": "timed"},
        "pace": {"type": "number", "minimum": 0.05, "maximum": 10, "default": 1},
        "seed": {"type": ["integer", "null"]}}},
    "Draft": {"type": "object", "required": ["text"], "properties": {
        "text": {"type": "string"},
        "seq": {"type": ["integer", "null"], "minimum": 1,
                "description": "Increasing per round; a draft whose seq is not above the stored one is ignored."},
        "base": {"type": ["integer", "null"], "minimum": 0, "description": "The draft_seq this client last saw; if another client saved since, the draft is not taken: saved false, reason 'conflict', with the stored draft."},
        "probe_answers": {"type": "object", "additionalProperties": {"type": "string"}}}},
    "Answer": {"type": "object", "properties": {
        "text": {"type": ["string", "null"]},
        "probe_answers": {"type": "object", "additionalProperties": {"type": "string"}}}},
    "Code": {"type": "object", "required": ["code"], "properties": {"code": {"type": "string"}}},
    "RunResult": {"type": "object", "required": ["available", "output"], "properties": {
        "available": {"type": "boolean"}, "output": {"type": "string"},
        "busy": {"type": "boolean", "description": "Not run: this user's run is in flight, or the server's bound "
                                                  "on code runs is reached (`output` says which); try again later."}}},
    "Answers": {"type": "object", "required": ["answers"], "properties": {
        "answers": {"type": "object", "description": "Question id to choice id (GET /api/questionnaire lists them).",
                    "additionalProperties": {"type": "string"}}}},
    "GradeRequest": {"type": "object", "properties": {"grader": {"type": "string", "default": "auto"}}},
    "Scorecard": {"type": "object", "required": ["loop_id", "rounds", "prep_plan"], "properties": {
        "loop_id": {"type": "integer"}, "track": {"type": "string"}, "score": {"type": ["number", "null"]},
        "band": {"type": ["object", "null"], "description": "Only for a full loop whose every round was graded by a grader certified for it."},
        "verdict_withheld": {"type": "array", "items": {"type": "string"}, "description": "Why no band is given (empty when one is)."},
        "bands": {"type": "array", "items": OBJ},
        "rounds": {"type": "array", "items": OBJ}, "prep_plan": {"type": "array", "items": OBJ}}},
    "Health": {"type": "object", "required": ["status", "pid"], "properties": {
        "status": {"const": "ok"}, "pid": {"type": "integer", "description": "The process that answered."}}},
    "Ready": {"type": "object", "required": ["status", "pid"], "properties": {
        "status": {"const": "ready"}, "pid": {"type": "integer"},
        "revision": {"type": "string", "description": "The database's migration revision (the head)."},
        "questions": {"type": "integer", "description": "Questions in the loaded bank."}}},
    "NotReady": {"type": "object", "required": ["status", "reason", "pid"], "properties": {
        "status": {"const": "unavailable"}, "pid": {"type": "integer"},
        "reason": {"type": "string", "examples": ["the database is not reachable"]}}},
    "Advice": {"type": "object", "required": ["track", "reasons"], "properties": {
        "track": {"type": "string"}, "track_name": {"type": ["string", "null"]},
        "scores": {"type": "object", "additionalProperties": {"type": "integer"}},
        "reasons": {"type": "array", "items": {"type": "string"}}, "caveats": {"type": "array", "items": {"type": "string"}},
        "prep": {"type": "array", "items": {"type": "string"}}}},
}


def _json(schema: dict[str, Any]) -> dict[str, Any]:
    return {"content": {"application/json": {"schema": schema}}}


def _op(op_id: str, summary: str, ok: dict[str, Any], *, params=(), body=None, status="200", errors=(404,),
        public=False) -> dict[str, Any]:
    responses = {status: {"description": "OK", **_json(ok)}}
    for code in sorted(set(errors) | ({400, 413} if body else set()) | (set() if public else {401})):
        responses[str(code)] = {"description": _ERRORS[code], **_json(ref("Error"))}
    op: dict[str, Any] = {"operationId": op_id, "summary": summary, "parameters": list(params), "responses": responses}
    if body:
        op["requestBody"] = {"required": True, **_json(ref(body))}
    if public:
        op["security"] = []
    return op


_ERRORS = {400: "Invalid input, or a CSRF failure for a session request", 401: "Not signed in / no valid token",
           404: "No such loop or round for this user", 409: "Not allowed in the current state",
           413: "The request is larger than the server's limit"}


def health_paths() -> dict[str, dict[str, Any]]:
    """/healthz and /readyz (web/health.py): outside /api/, public, answered whatever the Host header says."""
    ready = _op("readyz", "Whether this process can serve: the database answers at the migration head and the bank "
                          "is loaded", ref("Ready"), errors=(), public=True)
    ready["responses"]["503"] = {"description": "Not ready; `reason` says why", **_json(ref("NotReady"))}
    return {
        "/healthz": {"get": _op("healthz", "The process is alive (touches no database), with its process id",
                                ref("Health"), errors=(), public=True)},
        "/readyz": {"get": ready},
    }


def _accepted(op: dict[str, Any], body: dict[str, Any], why: str) -> dict[str, Any]:
    """`op` answering 202 too: the work goes on on the task queue; Location names the job to poll."""
    op["responses"]["202"] = {"description": why, "headers": {"Location": {
        "description": "The job to poll (GET /api/jobs/{job_id})", "schema": {"type": "string"}}}, **_json(body)}
    return op


def paths() -> dict[str, dict[str, Any]]:
    loop, rnd = [LOOP_ID], [ROUND_ID]
    scorecard = _accepted(_op("loop_scorecard", "The scorecard; a complete loop not yet graded is graded on the "
                                                "task queue first (202 with the job to poll)", ref("Scorecard"),
                              params=loop, errors=(404, 409)),
                          ref("Job"), "Grading is queued or running: poll the job, then ask again")
    submit = _accepted(_op("submit", "Submit the round (late after the deadline)", ref("Round"), params=rnd,
                           body="Answer", errors=(404, 409)),
                       ref("Round"), "The loop's last round was submitted and its grading job is queued or "
                                     "running: the round, with `job` to poll")
    return {
        "/api/openapi.json": {"get": _op("openapi", "This document", OBJ, errors=(), public=True)},
        "/api/tracks": {"get": _op("tracks", "The three loop templates", OBJ, errors=(), public=True)},
        "/api/bank/stats": {"get": _op("bank_stats", "Question counts per round, track and difficulty", OBJ,
                                       errors=(), public=True)},
        "/api/questionnaire": {
            "get": _op("questionnaire", "The 'which track should I target?' questions", OBJ, errors=(), public=True),
            "post": _op("questionnaire_answer", "A recommended track, with reasons", ref("Advice"),
                        body="Answers", errors=(), public=True)},
        "/api/loops": {
            "get": _op("list_loops", "Your loops, newest first", {"type": "object", "properties": {
                "loops": {"type": "array", "items": ref("Loop")}}}, errors=()),
            "post": _op("create_loop", "Create a loop or a one-round drill", ref("Loop"), body="NewLoop", status="201",
                        errors=())},
        "/api/loops/{loop_id}": {"get": _op("get_loop", "A loop (the clock applied first)", ref("Loop"), params=loop)},
        "/api/loops/{loop_id}/next": {"post": _op("start_next_round", "Start the next round: its deadline starts now",
                                                  ref("Round"), params=loop, errors=(404, 409))},
        "/api/loops/{loop_id}/tick": {"post": _op("tick", "Apply the clock; report warning marks just reached",
                                                  ref("Loop"), params=loop)},
        "/api/loops/{loop_id}/grade": {"post": _accepted(
            _op("grade", "Grade a complete loop again (a new set of grades, as a job on the task queue)", ref("Loop"),
                params=loop, body="GradeRequest", errors=(404, 409)),
            ref("Job"), "The grading job is queued or running: poll it")},
        "/api/loops/{loop_id}/scorecard": {"get": scorecard},
        "/api/jobs/{job_id}": {"get": _op("get_job", "A job on the task queue (yours only): queued, running with "
                                                     "progress, done with a link to its result, or failed",
                                          ref("Job"), params=[JOB_ID])},
        "/api/rounds/{round_id}": {"get": _op("get_round", "A round with the time left", ref("Round"), params=rnd)},
        "/api/rounds/{round_id}/draft": {"put": _op("save_draft", "Autosave the draft (ignored when seq is stale)",
                                                    ref("Round"), params=rnd, body="Draft")},
        "/api/rounds/{round_id}/first-answer": {"post": _op("first_answer", "Mark the first answer given; reveals probes",
                                                            ref("Round"), params=rnd, body="Answer")},
        "/api/rounds/{round_id}/submit": {"post": submit},
        "/api/rounds/{round_id}/pause": {"post": _op("pause", "Pause (practice mode only)", ref("Round"), params=rnd,
                                                     errors=(404, 409))},
        "/api/rounds/{round_id}/unpause": {"post": _op("unpause", "Resume a paused round", ref("Round"), params=rnd,
                                                       errors=(404, 409))},
        "/api/rounds/{round_id}/run": {"post": _accepted(
            _op("run_examples", "Run ML-coding code on the visible examples, as a job; 200 when it is not run",
                ref("RunResult"), params=rnd, body="Code"),
            ref("Job"), "The run is queued (or done already): poll the job; when done it holds `available` and `output`")},
        "/api/progress": {"get": _op("progress", "Criterion levels over time, per criterion", OBJ, errors=())},
    }


def _complete(all_paths: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Statuses any operation of a kind can answer, whatever its own list says: 404 where the path holds a
    parameter (no such object, not yours, or an id beyond what is stored), 400 for a write that is not public
    (a session request without the CSRF header), 507 for any signed-in call when the disk is full, and 503 with
    Retry-After for any signed-in call while the database or the queue's Redis is unreachable."""
    out = copy.deepcopy(all_paths)
    for path, ops in out.items():
        for method, op in ops.items():
            responses = op["responses"]
            if "{" in path and "404" not in responses:
                responses["404"] = {"description": "No such object, or not yours", **_json(ref("Error"))}
            if method in ("post", "put", "patch", "delete") and op.get("security") != [] and "400" not in responses:
                responses["400"] = {"description": "A CSRF failure: a session request without the X-CSRFToken header",
                                    **_json(ref("Error"))}
            if op.get("security") != [] and "507" not in responses:  # every signed-in call may write (the clock)
                responses["507"] = {"description": "The server's disk is full: nothing was stored, and the message "
                                                   "says so (a page keeps its draft and retries)", **_json(ref("Error"))}
            if op.get("security") != [] and "503" not in responses:  # every signed-in call reads the database
                responses["503"] = {"description": "The database (or the task queue's Redis) is unreachable: nothing "
                                                   "was stored, the message says which, and Retry-After says when to "
                                                   "try again", "headers": {"Retry-After": {"schema": {"type": "integer"}}},
                                    **_json(ref("Error"))}
            op["responses"] = dict(sorted(responses.items()))
    return out


def document(server: str = "") -> dict[str, Any]:
    return {
        "openapi": "3.1.0",
        "info": {"title": "mockloop", "version": "1.0.0", "license": {"name": "MIT", "identifier": "MIT"},
                 "description": "Timed mock-interview loops. Scripts authenticate with `Authorization: Bearer <token>` "
                                "(create one on the account page). The web pages use their session cookie and send "
                                "the CSRF token in the X-CSRFToken header."},
        "servers": [{"url": server or "/"}],
        "security": [{"bearer": []}, {"session": []}],
        "paths": _complete({**health_paths(), **paths(), **TEAM_PATHS, **PEER_PATHS}),
        "components": {
            "schemas": SCHEMAS,
            "securitySchemes": {
                "bearer": {"type": "http", "scheme": "bearer"},
                "session": {"type": "apiKey", "in": "cookie", "name": "mockloop_session"},
            },
        },
    }
