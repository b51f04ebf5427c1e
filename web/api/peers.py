"""API routes for peer review: the candidate's share links, self-assessment and comparison (session or
bearer token, like every /api/ route), and the peer's side under /api/peer/{token}, where the share token
in the path is the only credential (no session, no CSRF token: a peer's grade through the API is
anonymous unless a bearer token names a signed-up user)."""
from __future__ import annotations

from typing import Any

from flask import abort, current_app, g, jsonify, url_for

from simulator.peers.forms import FormError, RubricChanged
from simulator.peers.service import PeerConflict
from web.security import external_url
from web.api.blueprint import PUBLIC, body, bp
from web.peers import peers
from web.peers.apidoc import PATHS  # noqa: F401  (merged into the OpenAPI document)

PEER_ENDPOINTS = {"api.peer_scope", "api.peer_submit", "api.peer_live", "api.peer_practice", "api.peer_practice_check"}
PUBLIC.update(PEER_ENDPOINTS)  # the token in the path is the credential
GRADE_FIELDS = {"levels", "notes", "feedback", "rubric_hash", "key_points"}


def _fields(data: dict[str, Any], allowed: set[str]) -> dict[str, Any]:
    """Unknown fields are refused: a body cannot name another loop or round (the path decides)."""
    unknown = sorted(set(data) - allowed)
    if unknown:
        abort(400, description=f"unknown field {unknown[0]!r}; this call takes: {', '.join(sorted(allowed))}.")
    return data


def _invalid(exc: FormError):
    response = jsonify(error="invalid", message=str(exc), status=400, fields=exc.errors)
    response.status_code = 400
    return response


# ---- the candidate ----------------------------------------------------------------------------
@bp.get("/loops/<int:loop_id>/share-links")
def list_share_links(loop_id: int):
    return jsonify(links=peers().list_links(g.user_id, loop_id))


@bp.post("/loops/<int:loop_id>/share-links")
def create_share_link(loop_id: int):
    peers().list_links(g.user_id, loop_id)  # ownership first: another user's loop is 404 whatever the body
    data = _fields(body(), {"round", "expires_in_days"})
    try:
        link = peers().create_link(g.user_id, loop_id, data.get("round"), data.get("expires_in_days"))
    except ValueError as exc:
        abort(400, description=str(exc).capitalize() + ".")
    return jsonify(dict(link, url=external_url("peers.peer_home", token=link["token"]))), 201


@bp.delete("/share-links/<int:link_id>")
def revoke_share_link(link_id: int):
    return jsonify(peers().revoke(g.user_id, link_id))


@bp.get("/rounds/<int:round_id>/self-assessment")
def self_assessment(round_id: int):
    return jsonify(peers().self_state(g.user_id, round_id))


@bp.post("/rounds/<int:round_id>/self-assessment")
def submit_self_assessment(round_id: int):
    peers().self_state(g.user_id, round_id)  # ownership first
    data = _fields(body(), GRADE_FIELDS - {"key_points"})
    try:
        return jsonify(grade=peers().submit_self(g.user_id, round_id, data)), 201
    except FormError as exc:
        return _invalid(exc)
    except (PeerConflict, RubricChanged) as exc:
        abort(409, description=str(exc))


@bp.get("/loops/<int:loop_id>/comparison")
def comparison(loop_id: int):
    return jsonify(peers().comparison(g.user_id, loop_id))


# ---- a peer, by share token -------------------------------------------------------------------
@bp.get("/peer/<token>")
def peer_scope(token: str):
    return jsonify(peers().scope(token))


@bp.post("/peer/<token>/rounds/<int:position>/grades")
def peer_submit(token: str, position: int):
    peers().peer_round(token, position)  # a dead token or a round outside the link: 404 before the body
    data = _fields(body(), GRADE_FIELDS | {"display_name"})
    user = g.user_id if g.get("via_token") and current_app.config["MULTI_USER"] else None
    try:
        out = peers().submit_peer(token, position, data, display_name=data.get("display_name"), user_id=user)
    except FormError as exc:
        return _invalid(exc)
    except (PeerConflict, RubricChanged) as exc:
        abort(409, description=str(exc))
    return jsonify(out), 201


@bp.get("/peer/<token>/rounds/<int:position>/live")
def peer_live(token: str, position: int):
    rnd = peers().peer_round(token, position)
    return jsonify({k: rnd[k] for k in ("position", "status", "time_left_s", "time_limit_s", "deadline")})


@bp.get("/peer/<token>/practice")
def peer_practice(token: str):
    from simulator.peers.practice import public

    return jsonify(examples=[public(e) for e in peers().practice_examples(token)])


@bp.post("/peer/<token>/practice/<int:number>")
def peer_practice_check(token: str, number: int):
    peers().practice_examples(token)
    data = _fields(body(), GRADE_FIELDS - {"key_points"})
    try:
        return jsonify(peers().practice_check(token, number, data))
    except FormError as exc:
        return _invalid(exc)
    except RubricChanged as exc:
        abort(409, description=str(exc))
