"""Certification (people and machine graders as raters) and the dashboard with its CSV and JSON exports."""
from __future__ import annotations

from typing import Any

from flask import Response, abort, flash, g, jsonify, redirect, render_template, request, url_for

from simulator import teams
from simulator.llm.config import configured as llm_configured
from web.security import login_required
from web.teams.blueprint import bp, form_int, team_context
from web.teams.common import MACHINES, team_session
from web.teams.dashboard import GRADE_HEADERS, STAT_HEADERS, figures, grades_rows, statistics_rows, to_csv

DEFAULT_MIN_N = 20


def report_args() -> dict[str, Any]:
    """set_id and min_n from the query string (min n 2..1000, default 20: below it a statistic is withheld)."""
    min_n = form_int(request.args.get("min_n")) or DEFAULT_MIN_N
    if not 2 <= min_n <= 1000:
        abort(400, description="'min_n' must be a whole number from 2 to 1000.")
    raw_set = request.args.get("set_id")
    set_id = form_int(raw_set)
    if raw_set and set_id is None:
        abort(400, description="'set_id' must be a calibration set's id.")
    return {"set_id": set_id, "min_n": min_n}


@bp.get("/<int:team_id>/certification")
@login_required
def certification(team_id: int):
    with team_session() as s:
        ctx = team_context(s, team_id)
        rows = teams.certifications(s, team_id, g.user_id)
        people = teams.list_members(s, team_id, g.user_id)
    seen = {r["grader_key"] for r in rows}
    pending = [p for p in people if f"user:{p['user_id']}" not in seen]
    return render_template("teams/certification.html", **ctx, rows=rows, pending=pending, machines=MACHINES,
                           llm=llm_configured())


@bp.post("/<int:team_id>/certification/machine")
@login_required
def certify_machine(team_id: int):
    name = request.form.get("grader", "")
    if name not in MACHINES:
        abort(400, description=f"'grader' must be one of {', '.join(MACHINES)}.")
    with team_session() as s:
        row = teams.certify_machine(s, team_id, g.user_id, name)
        flash(f"machine:{name}: {'certified' if row.certified else 'not certified'} ({row.reason}).", "ok")
    return redirect(url_for("teams.certification", team_id=team_id))


@bp.post("/<int:team_id>/certification/me")
@login_required
def certify_me(team_id: int):
    with team_session() as s:
        row = teams.certify(s, team_id, g.user_id)
        flash(f"You are {'certified' if row.certified else 'not certified'} ({row.reason}).", "ok")
    return redirect(url_for("teams.certification", team_id=team_id))


@bp.get("/<int:team_id>/dashboard")
@login_required
def dashboard(team_id: int):
    args = report_args()
    with team_session() as s:
        ctx = team_context(s, team_id)
        report = teams.team_report(s, team_id, g.user_id, **args)
        sets = teams.list_sets(s, team_id, g.user_id)
    empty = report["input"]["grades"] == 0
    return render_template("teams/dashboard.html", **ctx, r=report, figs=None if empty else figures(report),
                           sets=sets, args=args, empty=empty)


@bp.get("/<int:team_id>/report.json")
@login_required
def report_json(team_id: int):
    with team_session() as s:
        report = teams.team_report(s, team_id, g.user_id, **report_args())
    response = jsonify(report)
    response.headers["Content-Disposition"] = f'attachment; filename="team-{team_id}-report.json"'
    return response


@bp.get("/<int:team_id>/report.csv")
@login_required
def report_csv(team_id: int):
    with team_session() as s:
        report = teams.team_report(s, team_id, g.user_id, **report_args())
    return Response(to_csv(STAT_HEADERS, statistics_rows(report)), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="team-{team_id}-statistics.csv"'})


@bp.get("/<int:team_id>/grades.csv")
@login_required
def grades_csv(team_id: int):
    set_id = report_args()["set_id"]
    with team_session() as s:
        records = teams.team_records(s, team_id, g.user_id, set_id=set_id)
    return Response(to_csv(GRADE_HEADERS, grades_rows(records)), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="team-{team_id}-grades.csv"'})
