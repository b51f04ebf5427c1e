"""Team list, creating a team, the demo team, a team's home page, members and roles, settings."""
from __future__ import annotations

from flask import abort, current_app, flash, g, redirect, render_template, request, url_for

from simulator import teams
from simulator.teams import workspace
from simulator.teams.certification import certification_queue
from web.config import flag
from web.security import login_required, sign_in
from web.teams.blueprint import bp, team_context
from web.teams.common import INVITED, check_settings, team_session


def demo_allowed() -> bool:
    """Single-user mode always; a shared server only with MOCKLOOP_TEAMS_DEMO=1 (it adds a dozen accounts)."""
    return not current_app.config["MULTI_USER"] or flag(current_app.config.get("TEAMS_DEMO", False))


@bp.get("/")
@login_required
def index():
    with team_session() as s:
        mine = teams.teams_for(s, g.user_id)
        invited = workspace.invitations_for(s, g.user_id)
    return render_template("teams/index.html", mine=mine, invited=invited, demo=demo_allowed())


@bp.post("/<int:team_id>/invitation/accept")
@login_required
def accept_invitation(team_id: int):
    with team_session() as s:
        workspace.accept_invitation(s, team_id, g.user_id)
    flash("You joined the team.", "ok")
    return redirect(url_for("teams.home", team_id=team_id))


@bp.post("/<int:team_id>/invitation/decline")
@login_required
def decline_invitation(team_id: int):
    with team_session() as s:
        workspace.decline_invitation(s, team_id, g.user_id)
    flash("The invitation is declined.", "ok")
    return redirect(url_for("teams.index"))


@bp.post("/")
@login_required
def create():
    try:  # the library's rule, as for the API
        name = workspace.check_name(request.form.get("name") or "")
    except ValueError as exc:
        flash(f"Not created: {exc}.", "error")
        return index(), 400
    with team_session() as s:
        team = teams.create_team(s, name, g.user_id)
        team_id = team.id
    flash("The team is ready; you are its admin.", "ok")
    return redirect(url_for("teams.home", team_id=team_id))


@bp.post("/demo")
@login_required
def demo():
    """Loading the demo team is a job (5-10 s of seeding): the dashboard when it is done already (a queue in
    immediate mode), else a page that follows the job; a second click follows the same job."""
    from web.extensions import jobs

    if not demo_allowed():
        abort(404)
    return _demo_outcome(jobs().enqueue_demo(g.user_id))


@bp.get("/demo/<job_id>")
@login_required
def demo_job(job_id: str):
    from web.extensions import jobs

    queue = jobs()
    record = queue.records.get(job_id)
    if record is None or record.get("kind") != "demo" or record.get("user_id") != g.user_id:
        abort(404, description="No such job.")
    return _demo_outcome(queue.recover_job(record))


def _demo_outcome(job: dict):
    if job["status"] == "done":
        info = job["info"]
        flash(f"Demo team loaded: {info['gold_answers']} gold answers, {info['calibration_answers']} calibration "
              "answers, simulated graders of known severity. You are one of its admins.", "ok")
        return redirect(url_for("teams.dashboard", team_id=info["team_id"]))
    if request.method == "POST":
        return redirect(url_for("teams.demo_job", job_id=job["id"]))
    return render_template("teams/demo_job.html", job=job), 200 if job["status"] != "failed" else 500


@bp.get("/<int:team_id>")
@login_required
def home(team_id: int):
    with team_session() as s:
        ctx = team_context(s, team_id)
        queue = teams.grading_queue(s, team_id, g.user_id)
        gold = certification_queue(s, team_id, g.user_id)
        sets = teams.list_sets(s, team_id, g.user_id)
        n_questions = len(teams.list_questions(s, team_id, g.user_id))
        n_rubrics = len(teams.list_rubrics(s, team_id, g.user_id))
        mine = [c for c in teams.certifications(s, team_id, g.user_id) if c["grader_key"] == f"user:{g.user_id}"]
        standing = teams.standing(s, team_id, g.user_id)
    return render_template("teams/home.html", **ctx, queue=queue, gold=gold, sets=sets, n_questions=n_questions,
                           n_rubrics=n_rubrics, mine=mine[0] if mine else None, standing=standing)


@bp.get("/<int:team_id>/members")
@login_required
def members(team_id: int):
    with team_session() as s:
        ctx = team_context(s, team_id)
        people = teams.list_members(s, team_id, g.user_id)
    return render_template("teams/members.html", **ctx, people=people, roles=teams.ROLES)


@bp.post("/<int:team_id>/members")
@login_required
def add_member(team_id: int):
    role = request.form.get("role", "interviewer")
    username = request.form.get("username", "")
    with team_session() as s:  # the same answer whether or not the account exists: no probing usernames
        workspace.invite_member(s, team_id, g.user_id, username, role)
    flash(INVITED.format(username=username, role=role), "ok")
    return redirect(url_for("teams.members", team_id=team_id))


@bp.post("/<int:team_id>/members/<int:user_id>/role")
@login_required
def set_role(team_id: int, user_id: int):
    with team_session() as s:
        teams.set_role(s, team_id, g.user_id, user_id, request.form.get("role", ""))
    flash("The role is changed.", "ok")
    return redirect(url_for("teams.members", team_id=team_id))


@bp.post("/<int:team_id>/members/<int:user_id>/remove")
@login_required
def remove_member(team_id: int, user_id: int):
    with team_session() as s:
        teams.remove_member(s, team_id, g.user_id, user_id)
    flash("The member is removed; their grades stay in the statistics.", "ok")
    if user_id == g.user_id:
        return redirect(url_for("teams.index"))
    return redirect(url_for("teams.members", team_id=team_id))


@bp.post("/<int:team_id>/members/<int:user_id>/sessions/end")
@login_required
def end_member_sessions(team_id: int, user_id: int):
    with team_session() as s:
        workspace.end_member_sessions(s, team_id, g.user_id, user_id)
    if user_id == g.user_id:  # an admin signing themself out everywhere keeps the session that asked
        sign_in(g.user_id)
        flash("Every other session of yours is signed out.", "ok")
    else:
        flash("That member is signed out everywhere (every session ended); they sign in again with their password.",
              "ok")
    return redirect(url_for("teams.members", team_id=team_id))


@bp.route("/<int:team_id>/settings", methods=["GET", "POST"])
@login_required
def settings(team_id: int):
    with team_session() as s:
        ctx = team_context(s, team_id)
        if request.method == "POST":
            raw = dict(request.form)
            raw["require_certification"] = request.form.get("require_certification", "")
            teams.update_settings(s, team_id, g.user_id, **check_settings(raw))
            flash("Settings saved. Certifications are recomputed as graders grade gold answers.", "ok")
            return redirect(url_for("teams.settings", team_id=team_id))
    return render_template("teams/settings.html", **ctx)


@bp.get("/<int:team_id>/queue")
@login_required
def queue(team_id: int):
    with team_session() as s:
        ctx = team_context(s, team_id)
        assigned = teams.grading_queue(s, team_id, g.user_id)
        gold = certification_queue(s, team_id, g.user_id)
        standing = teams.standing(s, team_id, g.user_id)
    return render_template("teams/queue.html", **ctx, assigned=assigned, gold=gold, standing=standing)

