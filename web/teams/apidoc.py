"""OpenAPI paths for /api/teams/... (merged into web/api/openapi.py's document as `web.api.teams.PATHS`)."""
from __future__ import annotations

from typing import Any

OBJ = {"type": "object"}
ERROR = {"$ref": "#/components/schemas/Error"}
ERRORS = {400: "Invalid input, or a CSRF failure for a session request", 401: "Not signed in / no valid token",
          403: "Not a member of this team, or the action needs the admin role",
          404: "No such object in this team", 409: "The review or grading workflow does not allow this now",
          413: "The request is larger than the server's limit",
          422: "The content fails validation: `problems` lists file, JSON pointer and message, one each"}
PROBLEMS = {"type": "object", "required": ["error", "message", "status", "problems"], "properties": {
    "error": {"const": "invalid"}, "message": {"type": "string"}, "status": {"const": 422},
    "problems": {"type": "array", "items": {"type": "object", "required": ["file", "pointer", "message"], "properties": {
        "file": {"type": "string"}, "pointer": {"type": "string", "description": "RFC 6901 JSON pointer"},
        "message": {"type": "string"}}}}}}
TEAM = {"type": "object", "required": ["id", "name"], "properties": {
    "id": {"type": "integer"}, "slug": {"type": "string"}, "name": {"type": "string"},
    "kappa_threshold": {"type": "number"}, "min_gold": {"type": "integer"},
    "require_certification": {"type": "boolean"}, "role": {"enum": ["admin", "interviewer"]}}}
SETTINGS = {"type": "object", "properties": {
    "kappa_threshold": {"type": "number", "minimum": -1, "maximum": 1}, "min_gold": {"type": "integer", "minimum": 2},
    "require_certification": {"type": "boolean"}}}
ANSWER = {"type": "object", "description": "Never includes the intended levels.", "properties": {
    "id": {"type": "integer"}, "set_id": {"type": "integer"}, "question_id": {"type": "string"},
    "round": {"type": "string"}, "rubric_hash": {"type": "string"},
    "source": {"enum": ["gold", "shared", "synthetic", "llm"]}, "text": {"type": "string"}}}
ANSWERS = {"type": "object", "properties": {"answers": {"type": "array", "items": ANSWER}}}
CSV = {"content": {"text/csv": {"schema": {"type": "string"}}}}
ZIP = {"content": {"application/zip": {"schema": {"type": "string", "contentMediaType": "application/zip"}}}}


def _param(name: str, kind: str = "integer") -> dict[str, Any]:
    return {"name": name, "in": "path", "required": True, "schema": {"type": kind}}


QUERY = [{"name": "set_id", "in": "query", "required": False, "schema": {"type": "integer"}},
         {"name": "min_n", "in": "query", "required": False,
          "schema": {"type": "integer", "minimum": 2, "maximum": 1000, "default": 20},
          "description": "Statistics on fewer ratings are withheld (value null, with a reason)."}]


def _demo_op() -> dict[str, Any]:
    """201 when loaded at once (a queue in immediate mode), else 202 with the job (kind "demo") to poll."""
    out = op("load_demo", "Load the demo team (single-user mode, or MOCKLOOP_TEAMS_DEMO=1) as a job; you join it as "
                          "an admin", params=(), status="201", errors=(404,))
    out["responses"]["202"] = {"description": "Loading on the task queue: poll the job; when done `result` links the team",
                               "headers": {"Location": {"description": "The job to poll (GET /api/jobs/{job_id})",
                                                        "schema": {"type": "string"}}},
                               "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Job"}}}}
    return out


def op(op_id: str, summary: str, ok: Any = OBJ, *, params: tuple[str, ...] = ("team_id",), body: Any = None,
       status: str = "200", errors: tuple[int, ...] = (403, 404), extra: list | None = None) -> dict[str, Any]:
    if ok is None:
        good: dict[str, Any] = {"description": "Done"}
    elif "content" in ok:
        good = {"description": "OK", **ok}
    else:
        good = {"description": "OK", "content": {"application/json": {"schema": ok}}}
    responses = {status: good}
    for code in sorted(set(errors) | {401} | ({400, 413} if body is not None else set())):
        schema = PROBLEMS if code == 422 else ERROR
        responses[str(code)] = {"description": ERRORS[code], "content": {"application/json": {"schema": schema}}}
    strings = {"question_id", "rubric_id", "digest"}
    out: dict[str, Any] = {"operationId": op_id, "summary": summary, "tags": ["teams"], "responses": responses,
                           "parameters": [_param(p, "string" if p in strings else "integer") for p in params]
                           + (extra or [])}
    if body is not None:
        out["requestBody"] = {"required": True, "content": {"application/json": {"schema": body}}}
    return out


T, TS, TA, TU = ("team_id",), ("team_id", "set_id"), ("team_id", "answer_id"), ("team_id", "user_id")
TQ, TR = ("team_id", "question_id"), ("team_id", "rubric_id")
STATUS = {"type": "object", "required": ["status"], "properties": {"status": {"enum": ["draft", "reviewed", "retired"]}}}
MACHINE = {"type": "object", "properties": {"grader": {"enum": ["keyword", "llm"], "default": "keyword"},
                                            "set_id": {"type": ["integer", "null"]}}}
BANK_ITEM = {"type": "object", "description": "A question or rubric in the bundled bank's schema "
                                              "(question_bank/question.schema.json, rubrics/rubric.schema.json)."}

PATHS: dict[str, dict[str, Any]] = {
    "/api/teams": {
        "get": op("list_teams", "Your teams, with your role in each", {"type": "object", "properties": {
            "teams": {"type": "array", "items": TEAM}}}, params=(), errors=()),
        "post": op("create_team", "Create a team (you become its admin)", TEAM, params=(), status="201", errors=(),
                   body={"allOf": [SETTINGS, {"required": ["name"], "properties": {"name": {"type": "string"}}}]})},
    "/api/teams/demo": {"post": _demo_op()},
    "/api/teams/{team_id}": {"get": op("get_team", "A team's settings and your role", TEAM)},
    "/api/teams/{team_id}/settings": {"put": op("update_settings", "Certification settings (admin)", TEAM,
                                                body=SETTINGS)},
    "/api/teams/{team_id}/members": {
        "get": op("list_members", "Members and roles"),
        "post": op("add_member", "Invite an account by username (admin); the same answer whether or not it exists, "
                                 "and it joins when it accepts", status="202", body={
            "type": "object", "required": ["username"], "properties": {
                "username": {"type": "string"}, "role": {"enum": ["admin", "interviewer"], "default": "interviewer"}}})},
    "/api/teams/invitations": {"get": op("list_invitations", "Teams that invited you, with the role offered",
                                         {"type": "object", "properties": {"invitations": {"type": "array",
                                                                                           "items": TEAM}}},
                                         params=(), errors=())},
    "/api/teams/{team_id}/invitation": {
        "post": op("accept_invitation", "Accept the team's invitation: you become a member", TEAM, errors=(404,)),
        "delete": op("decline_invitation", "Decline the team's invitation", None, status="204", errors=(404,))},
    "/api/teams/{team_id}/members/{user_id}": {
        "put": op("set_member_role", "Change a member's role (admin; a team keeps one admin)", params=TU,
                  body={"type": "object", "required": ["role"], "properties": {"role": {"enum": ["admin", "interviewer"]}}}),
        "delete": op("remove_member", "Remove a member (admin)", None, params=TU, status="204")},
    "/api/teams/{team_id}/members/{user_id}/sessions": {
        "delete": op("end_member_sessions", "Sign a member out everywhere: every session of that account ends at once "
                     "(admin; API tokens are not touched)", None, params=TU, status="204")},
    "/api/teams/{team_id}/questions": {
        "get": op("list_questions", "The team's questions (without content)"),
        "post": op("save_question", "Create or edit a question (by its id); a change puts it back to draft",
                   body=BANK_ITEM, errors=(403, 404, 422))},
    "/api/teams/{team_id}/questions/{question_id}": {"get": op("get_question", "One question with its content",
                                                               params=TQ)},
    "/api/teams/{team_id}/questions/{question_id}/status": {
        "post": op("question_status", "Review status: draft, reviewed (another admin), retired", params=TQ, body=STATUS,
                   errors=(403, 404, 409))},
    "/api/teams/{team_id}/rubrics": {
        "get": op("list_rubrics", "The current version of each team rubric"),
        "post": op("save_rubric", "Store a rubric version (by content hash)", body=BANK_ITEM, errors=(403, 404, 422))},
    "/api/teams/{team_id}/rubrics/{rubric_id}/versions": {"get": op("rubric_versions", "Every version, oldest first",
                                                                    params=TR)},
    "/api/teams/{team_id}/rubrics/{rubric_id}/status": {
        "post": op("rubric_status", "Review status of the current version", params=TR, body=STATUS,
                   errors=(403, 404, 409))},
    "/api/teams/{team_id}/rubric-hashes/{digest}": {"get": op("rubric_by_hash", "The exact rubric a grade used",
                                                              params=("team_id", "digest"))},
    "/api/teams/{team_id}/import": {"post": op("import_documents", "Import files (all or nothing)", body={
        "type": "object", "required": ["files"], "properties": {"files": {
            "type": "object", "additionalProperties": {"type": "string"}, "description": "File name to JSON text"}}},
        errors=(403, 422))},
    "/api/teams/{team_id}/export": {"get": op("export_bank", "The bank as a zip that `mockloop validate` accepts", ZIP)},
    "/api/teams/{team_id}/sets": {
        "get": op("list_sets", "Calibration sets"),
        "post": op("create_set", "Create a calibration set (admin)", status="201", body={
            "type": "object", "required": ["name"], "properties": {"name": {"type": "string"}}})},
    "/api/teams/{team_id}/sets/{set_id}": {"get": op("get_set", "A set and its answers", params=TS)},
    "/api/teams/{team_id}/sets/{set_id}/gold": {"post": op("add_gold", "Add the bank's graded examples (admin)",
                                                           ANSWERS, params=TS, status="201", body={
        "type": "object", "properties": {"question_ids": {"type": ["array", "null"], "items": {"type": "string"}}}})},
    "/api/teams/{team_id}/sets/{set_id}/synthetic": {"post": op(
        "add_synthetic", "Variants of a gold answer with key points removed (admin)", ANSWERS, params=TS,
        status="201", body={"type": "object", "required": ["answer_id"], "properties": {"answer_id": {"type": "integer"}}})},
    "/api/teams/{team_id}/sets/{set_id}/llm": {"post": op(
        "add_llm", "LLM-written answers leaving out key points (admin; [] without an LLM)", ANSWERS, params=TS,
        status="201", body={"type": "object", "required": ["question_id", "omit_plans"], "properties": {
            "question_id": {"type": "string"},
            "omit_plans": {"type": "array", "items": {"type": "array", "items": {"type": "string"}}}}})},
    "/api/teams/{team_id}/sets/{set_id}/allocate": {"post": op(
        "allocate", "N graders per answer by lowest workload, never the author (admin)", params=TS,
        body={"type": "object", "properties": {"n": {"type": "integer", "minimum": 1, "default": 3}}})},
    "/api/teams/{team_id}/shared": {"post": op(
        "share_answer", "Share a submitted answer of your own loop with the team (consent must be true)", ANSWER,
        status="201", errors=(403, 404, 409), body={"type": "object", "required": ["round_id", "set_id", "consent"],
                                                    "properties": {"round_id": {"type": "integer"},
                                                                   "set_id": {"type": "integer"},
                                                                   "consent": {"const": True}}})},
    "/api/teams/{team_id}/answers/{answer_id}": {
        "get": op("get_answer", "An answer to grade, with the rubric's anchored levels", params=TA),
        "delete": op("withdraw_answer", "Withdraw a shared answer (its author, or an admin)", None, params=TA,
                     status="204")},
    "/api/teams/{team_id}/answers/{answer_id}/grade": {"post": op(
        "submit_grade", "Your levels for one answer (gold grades are final)", params=TA, status="201",
        errors=(403, 404, 409, 422), body={"type": "object", "required": ["levels"], "properties": {
            "levels": {"type": "object", "additionalProperties": {"type": ["integer", "null"], "minimum": 1, "maximum": 5}},
            "feedback": {"type": "string"}}})},
    "/api/teams/{team_id}/queue": {"get": op("grading_queue", "Answers assigned to you, and gold answers left")},
    "/api/teams/{team_id}/machine": {"post": op("run_machine", "Grade answers with the keyword or LLM grader (admin)",
                                                body=MACHINE)},
    "/api/teams/{team_id}/certifications": {"get": op("certifications", "Each grader's kappa vs gold, with n and CI")},
    "/api/teams/{team_id}/certifications/machine": {"post": op(
        "certify_machine", "Run a machine grader on the gold answers and certify it (admin)", body=MACHINE)},
    "/api/teams/{team_id}/report": {"get": op("team_report", "Every statistic with n and CI, and the flags",
                                              extra=QUERY, errors=(400, 403, 404))},
    "/api/teams/{team_id}/report.csv": {"get": op("team_report_csv", "The statistics, one row each", CSV, extra=QUERY,
                                                  errors=(400, 403, 404))},
    "/api/teams/{team_id}/grades.csv": {"get": op("team_grades_csv", "The grades, as `mockloop calibrate` reads them",
                                                  CSV, extra=QUERY[:1], errors=(400, 403, 404))},
}
