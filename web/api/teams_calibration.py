"""/api/teams/<team_id>/...: calibration sets, sharing, grading, machine graders, certification and the report.

The second half of web/api/teams.py (same blueprint, same helpers, same refusals).
"""
from __future__ import annotations

from flask import Response, abort, g, jsonify

from simulator import teams
from simulator.teams import library
from simulator.validation import ValidationFailed
from web.api.blueprint import body, bp
from web.api.teams import _int, _machine, _str, invalid
from web.extensions import service
from web.teams import common as c
from web.teams.dashboard import GRADE_HEADERS, STAT_HEADERS, grades_rows, statistics_rows, to_csv
from web.teams.pages_report import report_args
from web.teams.share import share_round


@bp.get("/teams/<int:team_id>/sets")
def list_sets(team_id: int):
    with c.team_session() as s:
        return jsonify(sets=[c.set_dict(r) for r in teams.list_sets(s, team_id, g.user_id)])


@bp.post("/teams/<int:team_id>/sets")
def create_set(team_id: int):
    name = _str(body(), "name", "")
    with c.team_session() as s:
        return jsonify(c.set_dict(teams.create_set(s, team_id, g.user_id, name))), 201


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
