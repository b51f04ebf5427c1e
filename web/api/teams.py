"""/api/teams/...: the team pages as JSON, for scripts (bearer tokens) and pages (session + CSRF header).

Same library calls and the same refusals as the pages (web/teams/common.py):
403 for a team you are not in or a role you lack, 404 for another team's
object, 409 for a transition the workflow refuses, 422 with `problems`
(file, JSON pointer, message) for content that fails validation.
`PATHS` documents every route here in the OpenAPI document (web/teams/apidoc.py).
"""
from __future__ import annotations

from typing import Any

from flask import Response, abort, g, jsonify, request

from simulator import teams
from simulator.teams import library
from simulator.validation import ValidationFailed
from web.api import body, bp
from web.extensions import service
from web.teams import common as c
from web.teams.apidoc import PATHS  # noqa: F401  (merged into the OpenAPI document)
from web.teams.dashboard import GRADE_HEADERS, STAT_HEADERS, grades_rows, statistics_rows, to_csv
from web.teams.demo import seed_demo
from web.teams.pages_report import report_args
from web.teams.pages_workspace import demo_allowed
from web.teams.share import share_round


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
    with c.team_session() as s:
        info = seed_demo(s, g.user_id)
    return jsonify(info), 201


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
    data = body()
    username, role = _str(data, "username", ""), _str(data, "role", "interviewer")
    with c.team_session() as s:
        teams.require_admin(s, team_id, g.user_id)  # before any lookup: no probing usernames
        uid = c.user_by_name(s, username)
        if uid is None:
            abort(404, description=f"There is no account named {username!r}.")
        m = teams.add_member(s, team_id, g.user_id, uid, role)
        return jsonify(user_id=m.user_id, username=username, role=m.role), 201


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


@bp.get("/teams/<int:team_id>/sets")
def list_sets(team_id: int):
    with c.team_session() as s:
        return jsonify(sets=[c.set_dict(r) for r in teams.list_sets(s, team_id, g.user_id)])


@bp.post("/teams/<int:team_id>/sets")
def create_set(team_id: int):
    name = _str(body(), "name", "")
    with c.team_session() as s:
        return jsonify(c.set_dict(teams.create_set(s, team_id, g.user_id, name[:200]))), 201


@bp.get("/teams/<int:team_id>/sets/<int:set_id>")
def get_set(team_id: int, set_id: int):
    with c.team_session() as s:
        row = teams.get_set(s, team_id, g.user_id, set_id)
        answers = teams.list_answers(s, team_id, g.user_id, set_id=set_id)
        return jsonify(dict(c.set_dict(row), answers=[c.answer_dict(a, text=False) for a in answers]))


@bp.post("/teams/<int:team_id>/sets/<int:set_id>/gold")
def add_gold(team_id: int, set_id: int):
    ids = body().get("question_ids")
    if ids is not None and (not isinstance(ids, list) or not all(isinstance(q, str) for q in ids)):
        abort(400, description="'question_ids' must be a list of question ids, or null for every question.")
    with c.team_session() as s:
        made = teams.add_gold_answers(s, team_id, g.user_id, set_id, question_ids=ids)
        return jsonify(answers=[c.answer_dict(a, text=False) for a in made]), 201


@bp.post("/teams/<int:team_id>/sets/<int:set_id>/synthetic")
def add_synthetic(team_id: int, set_id: int):
    answer_id = _int(body(), "answer_id")
    with c.team_session() as s:
        made, skipped = teams.add_synthetic_answers(s, team_id, g.user_id, set_id, answer_id)
        return jsonify(answers=[c.answer_dict(a, text=False) for a in made], skipped=skipped), 201


@bp.post("/teams/<int:team_id>/sets/<int:set_id>/llm")
def add_llm(team_id: int, set_id: int):
    data = body()
    question_id, plans = _str(data, "question_id", ""), data.get("omit_plans")
    if not isinstance(plans, list) or not all(isinstance(p, list) and all(isinstance(k, str) for k in p) for p in plans):
        abort(400, description="'omit_plans' must be a list of lists of key point ids to leave out.")
    with c.team_session() as s:
        made = teams.add_llm_answers(s, team_id, g.user_id, set_id, question_id, plans)
        return jsonify(answers=[c.answer_dict(a, text=False) for a in made]), 201


@bp.post("/teams/<int:team_id>/sets/<int:set_id>/allocate")
def allocate(team_id: int, set_id: int):
    data = body()
    n = _int(data, "n", required=False) or 3
    with c.team_session() as s:
        result = teams.allocate(s, team_id, g.user_id, set_id, n=n)
        return jsonify(created=[list(p) for p in result.created], connected=result.connected, per_answer=n,
                       load={str(k): v for k, v in result.load.items()})


@bp.post("/teams/<int:team_id>/shared")
def share_answer(team_id: int):
    """A candidate shares a submitted answer of their own loop; `consent` must be true."""
    data = body()
    round_id, set_id = _int(data, "round_id"), _int(data, "set_id")
    if data.get("consent") is not True:
        abort(400, description="Sharing needs the candidate's consent: send \"consent\": true.")
    view = service().get_round(g.user_id, round_id)  # another user's round: 404
    with c.team_session() as s:
        row = share_round(s, team_id, g.user_id, view, set_id, consent=True)
        return jsonify(c.answer_dict(row, text=False)), 201


@bp.delete("/teams/<int:team_id>/answers/<int:answer_id>")
def withdraw_answer(team_id: int, answer_id: int):
    with c.team_session() as s:
        teams.withdraw_shared_answer(s, team_id, g.user_id, answer_id)
    return "", 204


@bp.get("/teams/<int:team_id>/queue")
def grading_queue(team_id: int):
    with c.team_session() as s:
        assigned = teams.grading_queue(s, team_id, g.user_id)
        gold = teams.certification_queue(s, team_id, g.user_id)
        return jsonify(assigned=[c.answer_dict(a, text=False) for a in assigned],
                       gold=[c.answer_dict(a, text=False) for a in gold])


@bp.get("/teams/<int:team_id>/answers/<int:answer_id>")
def get_answer(team_id: int, answer_id: int):
    """The answer to grade with its rubric's criteria and anchored levels; never the intended levels."""
    with c.team_session() as s:
        answer = teams.get_answer(s, team_id, g.user_id, answer_id)
        rubric = library.find_rubric(s, team_id, answer.rubric_hash)
        return jsonify(dict(c.answer_dict(answer), rubric={"id": rubric["id"], "version": rubric["version"]},
                            criteria=c.grading_rubric(rubric)))


@bp.post("/teams/<int:team_id>/answers/<int:answer_id>/grade")
def submit_grade(team_id: int, answer_id: int):
    data = body()
    levels = data.get("levels")
    if not isinstance(levels, dict):
        abort(400, description="'levels' must be an object of criterion id to level (1..5 or null).")
    with c.team_session() as s:
        try:
            row = teams.submit_grade(s, team_id, g.user_id, answer_id, levels, feedback=_str(data, "feedback", "")[:5000])
        except ValidationFailed as exc:
            return invalid(exc)
        return jsonify(answer_id=answer_id, levels=row.levels, rubric_hash=row.rubric_hash), 201


@bp.post("/teams/<int:team_id>/machine")
def run_machine(team_id: int):
    data = body()
    name, set_id = _machine(data), _int(data, "set_id", required=False)
    with c.team_session() as s:
        run = teams.run_machine_grader(s, team_id, g.user_id, name, set_id=set_id)
        return jsonify(grader=run.grader, graded=run.graded, skipped={str(k): v for k, v in run.skipped.items()})


@bp.get("/teams/<int:team_id>/certifications")
def certifications(team_id: int):
    with c.team_session() as s:
        return jsonify(certifications=teams.certifications(s, team_id, g.user_id))


@bp.post("/teams/<int:team_id>/certifications/machine")
def certify_machine(team_id: int):
    name = _machine(body())
    with c.team_session() as s:
        row = teams.certify_machine(s, team_id, g.user_id, name)
        return jsonify(grader=f"machine:{name}", certified=row.certified, kappa=row.kappa, n_answers=row.n_answers,
                       reason=row.reason)


@bp.get("/teams/<int:team_id>/report")
def team_report(team_id: int):
    args = report_args()
    with c.team_session() as s:
        return jsonify(teams.team_report(s, team_id, g.user_id, **args))


@bp.get("/teams/<int:team_id>/report.csv")
def team_report_csv(team_id: int):
    args = report_args()
    with c.team_session() as s:
        report = teams.team_report(s, team_id, g.user_id, **args)
    return Response(to_csv(STAT_HEADERS, statistics_rows(report)), mimetype="text/csv")


@bp.get("/teams/<int:team_id>/grades.csv")
def team_grades_csv(team_id: int):
    set_id = report_args()["set_id"]
    with c.team_session() as s:
        records = teams.team_records(s, team_id, g.user_id, set_id=set_id)
    return Response(to_csv(GRADE_HEADERS, grades_rows(records)), mimetype="text/csv")
