"""OpenAPI paths for peer review (merged into web/api/openapi.py's document as `web.api.peers.PATHS`)."""
from __future__ import annotations

from typing import Any

OBJ = {"type": "object"}
ERROR = {"$ref": "#/components/schemas/Error"}
ERRORS = {400: "Invalid input (`fields` names each problem), or a CSRF failure for a session request",
          401: "Not signed in / no valid token", 404: "No such loop, round or link for you; or a dead share token",
          409: "Not allowed now (self-assessment closed, your own loop, round not started)",
          413: "The request is larger than the server's limit"}


def _json(schema: dict[str, Any]) -> dict[str, Any]:
    return {"content": {"application/json": {"schema": schema}}}


LOOP = [{"name": "loop_id", "in": "path", "required": True, "schema": {"type": "integer"}}]
ROUND = [{"name": "round_id", "in": "path", "required": True, "schema": {"type": "integer"}}]
LINK = [{"name": "link_id", "in": "path", "required": True, "schema": {"type": "integer"}}]
TOKEN = [{"name": "token", "in": "path", "required": True, "description": "The share token from the link.",
          "schema": {"type": "string", "pattern": "^mlp_[A-Za-z0-9_-]{43}$"}}]
POSITION = [{"name": "position", "in": "path", "required": True, "description": "The round's position in the loop, from 1.",
             "schema": {"type": "integer", "minimum": 1}}]
NUMBER = [{"name": "number", "in": "path", "required": True, "schema": {"type": "integer", "minimum": 1}}]
LEVELS = {"type": "object", "description": "Criterion id to level 1..5 (null: not rated); at least one rated.",
          "additionalProperties": {"type": ["integer", "null"], "minimum": 1, "maximum": 5}}
GRADE_FORM = {"type": "object", "additionalProperties": False, "required": ["levels"], "properties": {
    "levels": LEVELS, "notes": {"type": "object", "additionalProperties": {"type": "string", "maxLength": 2000}},
    "feedback": {"type": "string", "maxLength": 8000},
    "rubric_hash": {"type": "string", "description": "The hash the form showed; 409 if the rubric has changed since."}}}
PEER_FORM = {**GRADE_FORM, "properties": {**GRADE_FORM["properties"], "display_name": {"type": "string", "maxLength": 60},
                                          "key_points": {"type": "array", "items": {"type": "string"},
                                                         "description": "Live view: the key points heard."}}}
NEW_LINK = {"type": "object", "additionalProperties": False, "properties": {
    "round": {"type": ["integer", "null"], "description": "A round position to share one round; null: the whole finished loop."},
    "expires_in_days": {"type": "integer", "minimum": 1, "maximum": 30, "default": 7}}}
LINK_VIEW = {"type": "object", "required": ["id", "scope", "status", "expires_at"], "properties": {
    "id": {"type": "integer"}, "scope": {"enum": ["loop", "round"]}, "status": {"enum": ["active", "expired", "revoked"]},
    "expires_at": {"type": "string", "format": "date-time"}, "grades": {"type": "integer"},
    "token": {"type": "string", "description": "Creation only: shown once, stored as its SHA-256."},
    "url": {"type": "string", "description": "Creation only."}}}


def op(op_id: str, summary: str, ok: dict[str, Any], *, params=(), form: dict[str, Any] | None = None,
       status: str = "200", errors=(404,), public: bool = False) -> dict[str, Any]:
    """One operation; a peer's (`public`) needs no sign-in: the share token in the path is the credential."""
    codes = set(errors) | ({400, 413} if form is not None else set()) | (set() if public else {401})
    out: dict[str, Any] = {"operationId": op_id, "summary": summary, "parameters": list(params),
                           "responses": {status: {"description": "OK", **_json(ok)},
                                         **{str(c): {"description": ERRORS[c], **_json(ERROR)} for c in sorted(codes)}}}
    if form is not None:
        out["requestBody"] = {"required": True, **_json(form)}
    if public:
        out["security"] = []
    return out


PATHS: dict[str, dict[str, Any]] = {
    "/api/loops/{loop_id}/share-links": {
        "get": op("list_share_links", "Your share links for a loop", OBJ, params=LOOP),
        "post": op("create_share_link", "Create a share link for the finished loop or one round", LINK_VIEW,
                   params=LOOP, form=NEW_LINK, status="201")},
    "/api/share-links/{link_id}": {"delete": op("revoke_share_link", "Revoke a link at once", LINK_VIEW, params=LINK)},
    "/api/rounds/{round_id}/self-assessment": {
        "get": op("self_assessment", "The self-assessment form, whether it is open, and your grade", OBJ, params=ROUND),
        "post": op("submit_self_assessment", "Grade yourself (before the automatic grades are revealed)", OBJ,
                   params=ROUND, form=GRADE_FORM, status="201", errors=(404, 409))},
    "/api/loops/{loop_id}/comparison": {"get": op(
        "comparison", "Self, peers, peers' median and machines per criterion (reveals the automatic grades)", OBJ,
        params=LOOP)},
    "/api/peer/{token}": {"get": op("peer_scope", "What a share link grants: rounds, answers, rubric forms; no grades",
                                    OBJ, params=TOKEN, public=True)},
    "/api/peer/{token}/rounds/{position}/grades": {"post": op(
        "peer_submit", "Submit a peer grade; the response carries every grade so far", OBJ, params=TOKEN + POSITION,
        form=PEER_FORM, status="201", errors=(404, 409), public=True)},
    "/api/peer/{token}/rounds/{position}/live": {"get": op(
        "peer_live", "The round's state and time left (the live interviewer's countdown)", OBJ,
        params=TOKEN + POSITION, public=True)},
    "/api/peer/{token}/practice": {"get": op("peer_practice", "Gold example answers to practise on (no levels)", OBJ,
                                             params=TOKEN, public=True)},
    "/api/peer/{token}/practice/{number}": {"post": op(
        "peer_practice_check", "Grade an example; see per criterion where you differ from the intended level", OBJ,
        params=TOKEN + NUMBER, form=GRADE_FORM, public=True)},
}
