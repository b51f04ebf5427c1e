"""/api/teams/...: the team pages as JSON, for scripts (bearer tokens) and pages (session + CSRF header).

Same library calls and the same refusals as the pages (web/teams/common.py):
403 for a team you are not in or a role you lack, 404 for another team's
object, 409 for a transition the workflow refuses, 422 with `problems`
(file, JSON pointer, message) for content that fails validation.
Workspaces, members and authoring are here; calibration sets, grading, certification
and the report are in web/api/teams_calibration.py (imported after this module by
web/api/__init__.py), on the same blueprint. `PATHS` documents them all in the
OpenAPI document (web/teams/apidoc.py).
"""
from __future__ import annotations

from typing import Any

from flask import Response, abort, g, jsonify

from simulator import teams
from simulator.teams import workspace
from simulator.validation import ValidationFailed
from web.api.blueprint import body, bp
from web.teams import common as c
from web.teams.apidoc import PATHS  # noqa: F401  (merged into the OpenAPI document)
from web.teams.pages_workspace import demo_allowed


def invalid(exc: ValidationFailed):
    response = jsonify(error="invalid", message=f"{len(exc.problems)} problems; nothing was stored",
                       status=422, problems=c.problem_dicts(exc))
    response.status_code = 422
    return response


def _str(data: dict[str, Any], name: str, default: str | None = None) -> str:
    value = data.get(name, default)
    if not isinstance(value, str):
        abort(400, description=f"'{name}' must be a string.")
    return value


def _int(data: dict[str, Any], name: str, *, required: bool = True) -> int | None:
    value = data.get(name)
    if value is None and not required:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 0 < value < 2**31:
        abort(400, description=f"'{name}' must be a positive integer.")
    return value


def _machine(data: dict[str, Any]) -> str:
    name = data.get("grader", "keyword")
    if name not in c.MACHINES:
        abort(400, description=f"'grader' must be one of {', '.join(c.MACHINES)}.")
    return name


@bp.get("/teams")
def list_teams():
    with c.team_session() as s:
        return jsonify(teams=[c.team_dict(t, role) for t, role in teams.teams_for(s, g.user_id)])


@bp.post("/teams")
def create_team():
    data = body()
    settings = c.check_settings(data)
    with c.team_session() as s:
        team = teams.create_team(s, _str(data, "name", ""), g.user_id, **settings)
        return jsonify(c.team_dict(team, "admin")), 201


@bp.post("/teams/demo")
def load_demo():
    if not demo_allowed():
        abort(404)
    from web import actions
    from web.api.jobs import accepted
    from web.extensions import jobs

    job = jobs().enqueue_demo(g.user_id)
    if job["status"] == "done":  # a queue in immediate mode
        return jsonify(job["info"]), 201
    view = actions.job_view(job)
    return accepted(view, view)


@bp.get("/teams/<int:team_id>")
def get_team(team_id: int):
    with c.team_session() as s:
        team = teams.get_team(s, team_id, g.user_id)
        role = teams.require_member(s, team_id, g.user_id).role
        return jsonify(c.team_dict(team, role))


@bp.put("/teams/<int:team_id>/settings")
def update_settings(team_id: int):
    settings = c.check_settings(body())
    with c.team_session() as s:
        team = teams.update_settings(s, team_id, g.user_id, **settings)
        return jsonify(c.team_dict(team, "admin"))


@bp.get("/teams/<int:team_id>/members")
def list_members(team_id: int):
    with c.team_session() as s:
        return jsonify(members=teams.list_members(s, team_id, g.user_id))


@bp.post("/teams/<int:team_id>/members")
def add_member(team_id: int):
    """Invite an account (admin): the same 202 whether or not the username exists; it joins when it accepts."""
    data = body()
    username, role = _str(data, "username", ""), _str(data, "role", "interviewer")
    with c.team_session() as s:
        workspace.invite_member(s, team_id, g.user_id, username, role)
    return jsonify(username=username, role=role, status="invited", message=c.INVITED.format(username=username,
                                                                                             role=role)), 202


@bp.get("/teams/invitations")
def list_invitations():
    with c.team_session() as s:
        return jsonify(invitations=[c.team_dict(t, role) for t, role in workspace.invitations_for(s, g.user_id)])


@bp.post("/teams/<int:team_id>/invitation")
def accept_invitation(team_id: int):
    with c.team_session() as s:
        m = workspace.accept_invitation(s, team_id, g.user_id)
        return jsonify(c.team_dict(teams.get_team(s, team_id, g.user_id), m.role))


@bp.delete("/teams/<int:team_id>/invitation")
def decline_invitation(team_id: int):
    with c.team_session() as s:
        workspace.decline_invitation(s, team_id, g.user_id)
    return "", 204


@bp.put("/teams/<int:team_id>/members/<int:user_id>")
def set_member_role(team_id: int, user_id: int):
    role = _str(body(), "role", "")
    with c.team_session() as s:
        m = teams.set_role(s, team_id, g.user_id, user_id, role)
        return jsonify(user_id=m.user_id, role=m.role)


@bp.delete("/teams/<int:team_id>/members/<int:user_id>")
def remove_member(team_id: int, user_id: int):
    with c.team_session() as s:
        teams.remove_member(s, team_id, g.user_id, user_id)
    return "", 204


@bp.delete("/teams/<int:team_id>/members/<int:user_id>/sessions")
def end_member_sessions(team_id: int, user_id: int):
    """Sign a member out everywhere (admin): every session cookie of that account stops working."""
    with c.team_session() as s:
        workspace.end_member_sessions(s, team_id, g.user_id, user_id)
    return "", 204


@bp.get("/teams/<int:team_id>/questions")
def list_questions(team_id: int):
    with c.team_session() as s:
        rows = teams.list_questions(s, team_id, g.user_id, include_retired=True)
        return jsonify(questions=[c.question_dict(r, content=False) for r in rows])


@bp.post("/teams/<int:team_id>/questions")
def save_question(team_id: int):
    """Create or edit (by the id in the document)."""
    data = body()
    with c.team_session() as s:
        try:
            row = teams.save_question(s, team_id, g.user_id, data)
        except ValidationFailed as exc:
            return invalid(exc)
        return jsonify(c.question_dict(row))


@bp.get("/teams/<int:team_id>/questions/<question_id>")
def get_question(team_id: int, question_id: str):
    with c.team_session() as s:
        return jsonify(c.question_dict(teams.get_question(s, team_id, g.user_id, question_id)))


@bp.post("/teams/<int:team_id>/questions/<question_id>/status")
def question_status(team_id: int, question_id: str):
    status = _str(body(), "status", "")
    with c.team_session() as s:
        row = teams.set_question_status(s, team_id, g.user_id, question_id, status)
        return jsonify(c.question_dict(row, content=False))


@bp.get("/teams/<int:team_id>/rubrics")
def list_rubrics(team_id: int):
    with c.team_session() as s:
        rows = teams.list_rubrics(s, team_id, g.user_id, include_retired=True)
        return jsonify(rubrics=[c.rubric_dict(r, content=False) for r in rows])


@bp.post("/teams/<int:team_id>/rubrics")
def save_rubric(team_id: int):
    data = body()
    with c.team_session() as s:
        try:
            row = teams.save_rubric(s, team_id, g.user_id, data)
        except ValidationFailed as exc:
            return invalid(exc)
        return jsonify(c.rubric_dict(row))


@bp.get("/teams/<int:team_id>/rubrics/<rubric_id>/versions")
def rubric_versions(team_id: int, rubric_id: str):
    with c.team_session() as s:
        return jsonify(versions=[c.rubric_dict(r) for r in teams.rubric_versions(s, team_id, g.user_id, rubric_id)])


@bp.post("/teams/<int:team_id>/rubrics/<rubric_id>/status")
def rubric_status(team_id: int, rubric_id: str):
    status = _str(body(), "status", "")
    with c.team_session() as s:
        return jsonify(c.rubric_dict(teams.set_rubric_status(s, team_id, g.user_id, rubric_id, status), content=False))


@bp.get("/teams/<int:team_id>/rubric-hashes/<digest>")
def rubric_by_hash(team_id: int, digest: str):
    with c.team_session() as s:
        return jsonify(hash=digest, content=teams.rubric_by_hash(s, team_id, g.user_id, digest))


@bp.post("/teams/<int:team_id>/import")
def import_documents(team_id: int):
    files = body().get("files")
    if not isinstance(files, dict) or not files or not all(isinstance(v, str) for v in files.values()):
        abort(400, description="'files' must be an object of file name to JSON text.")
    with c.team_session() as s:
        try:
            result = teams.import_documents(s, team_id, g.user_id, files)
        except ValidationFailed as exc:
            return invalid(exc)
        return jsonify(vars(result))


@bp.get("/teams/<int:team_id>/export")
def export_bank(team_id: int):
    with c.team_session() as s:
        data = c.export_zip(s, team_id, g.user_id)
    return Response(data, mimetype="application/zip",
                    headers={"Content-Disposition": f'attachment; filename="team-{team_id}-bank.zip"'})
