"""Calibration sets (gold, shared with consent, synthetic, LLM), allocation, machine graders, grading, sharing."""
from __future__ import annotations

from collections import Counter

from flask import abort, flash, g, redirect, render_template, request, url_for
from sqlalchemy import select

from simulator import teams
from simulator.llm.config import configured as llm_configured
from simulator.teams import library
from simulator.teams.models import Assignment, TeamGrade
from simulator.validation import ValidationFailed
from web.extensions import service
from web.security import login_required
from web.teams.blueprint import bp, form_int, team_context
from web.teams.common import MACHINES, grading_rubric, problem_lines, team_session
from web.teams.share import my_shared, share_round, shareable_rounds


@bp.route("/<int:team_id>/sets", methods=["GET", "POST"])
@login_required
def sets(team_id: int):
    with team_session() as s:
        ctx = team_context(s, team_id)
        if request.method == "POST":
            row = teams.create_set(s, team_id, g.user_id, (request.form.get("name") or "")[:200])
            flash(f"Calibration set {row.name!r} created.", "ok")
            return redirect(url_for("teams.set_detail", team_id=team_id, set_id=row.id))
        rows = teams.list_sets(s, team_id, g.user_id)
        counts = Counter(a.set_id for a in teams.list_answers(s, team_id, g.user_id))
    return render_template("teams/sets.html", **ctx, sets=rows, counts=counts, llm=llm_configured(), machines=MACHINES)


@bp.get("/<int:team_id>/sets/<int:set_id>")
@login_required
def set_detail(team_id: int, set_id: int):
    with team_session() as s:
        ctx = team_context(s, team_id)
        row = teams.get_set(s, team_id, g.user_id, set_id)
        answers = teams.list_answers(s, team_id, g.user_id, set_id=set_id)
        ids = [a.id for a in answers]
        graded = Counter(s.scalars(select(TeamGrade.answer_id).where(TeamGrade.team_id == team_id,
                                                                    TeamGrade.answer_id.in_(ids))))
        assigned = Counter(s.scalars(select(Assignment.answer_id).where(Assignment.team_id == team_id,
                                                                       Assignment.answer_id.in_(ids))))
        questions = sorted(q for q, item in teams.team_bank(s, team_id, g.user_id).questions.items()
                           if item.get("examples"))
    return render_template("teams/set.html", **ctx, set=row, answers=answers, graded=graded, assigned=assigned,
                           questions=questions, llm=llm_configured(), machines=MACHINES)


def _back(team_id: int, set_id: int):
    return redirect(url_for("teams.set_detail", team_id=team_id, set_id=set_id))


@bp.post("/<int:team_id>/sets/<int:set_id>/gold")
@login_required
def add_gold(team_id: int, set_id: int):
    chosen = [q for q in request.form.getlist("question_id") if q]
    with team_session() as s:
        made = teams.add_gold_answers(s, team_id, g.user_id, set_id, question_ids=chosen or None)
        flash(f"{len(made)} gold answers added (the graded examples of "
              f"{len(chosen) if chosen else 'every'} question{'s' if len(chosen) != 1 else ''}).", "ok")
    return _back(team_id, set_id)


@bp.post("/<int:team_id>/sets/<int:set_id>/synthetic")
@login_required
def add_synthetic(team_id: int, set_id: int):
    answer_id = form_int(request.form.get("answer_id"))
    if answer_id is None:
        abort(400, description="Choose a gold answer to make synthetic answers from.")
    with team_session() as s:
        made, skipped = teams.add_synthetic_answers(s, team_id, g.user_id, set_id, answer_id)
        flash(f"{len(made)} synthetic answers made by removing key points"
              + (f"; not made: {'; '.join(skipped)}" if skipped else "") + ".", "ok")
    return _back(team_id, set_id)


@bp.post("/<int:team_id>/sets/<int:set_id>/llm")
@login_required
def add_llm(team_id: int, set_id: int):
    question_id = request.form.get("question_id", "")
    with team_session() as s:
        teams.require_admin(s, team_id, g.user_id)
        teams.get_set(s, team_id, g.user_id, set_id)
        if not llm_configured():
            flash("No LLM is configured (set OPENAI_API_KEY); nothing was written.", "error")
            return _back(team_id, set_id)
        q = teams.team_bank(s, team_id, g.user_id).questions.get(question_id)
        if q is None:
            abort(404, description=f"no question {question_id!r} in this team's bank")
        ids = [kp["id"] for kp in q["key_points"]]
        plans = [ids[:1], ids[: len(ids) // 2], ids[:-1]]
        made = teams.add_llm_answers(s, team_id, g.user_id, set_id, question_id, [p for p in plans if p])
        flash(f"{len(made)} LLM-written answers added.", "ok")
    return _back(team_id, set_id)


@bp.post("/<int:team_id>/sets/<int:set_id>/allocate")
@login_required
def allocate(team_id: int, set_id: int):
    n = form_int(request.form.get("n")) or 3
    with team_session() as s:
        result = teams.allocate(s, team_id, g.user_id, set_id, n=n)
        flash(f"{len(result.created)} assignments made, {result.per_answer} graders per answer; the graders are "
              + ("connected through shared answers." if result.connected else
                 "NOT connected: severities of separate groups cannot be compared."), "ok")
    return _back(team_id, set_id)


@bp.post("/<int:team_id>/machine")
@login_required
def run_machine(team_id: int):
    name = request.form.get("grader", "")
    set_id = form_int(request.form.get("set_id"))
    if name not in MACHINES:
        abort(400, description=f"'grader' must be one of {', '.join(MACHINES)}.")
    with team_session() as s:
        run = teams.run_machine_grader(s, team_id, g.user_id, name, set_id=set_id)
        why = sorted(set(run.skipped.values()))
        flash(f"The {name} grader graded {len(run.graded)} answers"
              + (f"; skipped {len(run.skipped)} ({'; '.join(why)})" if run.skipped else "") + ".", "ok")
    if set_id:
        return _back(team_id, set_id)
    return redirect(url_for("teams.sets", team_id=team_id))


@bp.route("/<int:team_id>/answers/<int:answer_id>/grade", methods=["GET", "POST"])
@login_required
def grade(team_id: int, answer_id: int):
    """The grading form, generated from the answer's pinned rubric version; intended levels are never shown."""
    lines: list[str] = []
    with team_session() as s:
        ctx = team_context(s, team_id)
        answer = teams.get_answer(s, team_id, g.user_id, answer_id)
        rubric = library.find_rubric(s, team_id, answer.rubric_hash)
        question = library.build_bank(s, team_id).questions.get(answer.question_id)
        mine = s.scalar(select(TeamGrade).where(TeamGrade.team_id == team_id, TeamGrade.answer_id == answer_id,
                                                TeamGrade.grader_key == f"user:{g.user_id}"))
        lock = teams.grading_lock(s, team_id, g.user_id, answer)  # said before the form, not after it is filled
        standing = teams.standing(s, team_id, g.user_id)
        gold_next = teams.certification_queue(s, team_id, g.user_id)[:1]
        if lock and request.method == "POST":
            return render_template("teams/grade.html", **ctx, answer=answer, rubric=rubric, criteria=[],
                                   question=question, mine=mine, problems=[], lock=lock, standing=standing,
                                   gold_next=gold_next), 403
        if request.method == "POST":
            levels = {c["id"]: form_int(request.form.get(f"level-{c['id']}")) for c in rubric["criteria"]}
            try:
                teams.submit_grade(s, team_id, g.user_id, answer_id, levels,
                                   feedback=(request.form.get("feedback") or "")[:5000])
            except ValidationFailed as exc:
                lines = problem_lines(exc)
            else:
                flash(f"Your grade for answer {answer_id} is saved.", "ok")
                return redirect(url_for("teams.queue", team_id=team_id))
    return render_template("teams/grade.html", **ctx, answer=answer, rubric=rubric, criteria=grading_rubric(rubric),
                           question=question, mine=mine, problems=lines, lock=lock, standing=standing,
                           gold_next=gold_next), 400 if lines else 200


@bp.post("/<int:team_id>/answers/<int:answer_id>/withdraw")
@login_required
def withdraw(team_id: int, answer_id: int):
    with team_session() as s:
        teams.withdraw_shared_answer(s, team_id, g.user_id, answer_id)
    flash("The shared answer is withdrawn: it and every grade of it are deleted.", "ok")
    if request.form.get("back") == "share":
        return redirect(url_for("teams.share_index"))
    return redirect(url_for("teams.sets", team_id=team_id))


@bp.get("/share")
@login_required
def share_index():
    with team_session() as s:
        shared = my_shared(s, g.user_id)
    loops = [lp for lp in service().list_loops(g.user_id) if shareable_rounds(lp)]
    return render_template("teams/share_index.html", shared=shared, loops=loops)


@bp.route("/share/loops/<int:loop_id>", methods=["GET", "POST"])
@login_required
def share_loop(loop_id: int):
    """A candidate shares answers of their own loop with a team they belong to (consent is a required tick)."""
    loop = service().get_loop(g.user_id, loop_id)  # another user's loop: 404 before anything else
    rounds = shareable_rounds(loop)
    if request.method == "POST":
        target = (request.form.get("target") or ":").partition(":")  # "team:set" from the page's one select
        round_id = form_int(request.form.get("round_id"))
        team_id = form_int(request.form.get("team_id") or target[0])
        set_id = form_int(request.form.get("set_id") or target[2])
        chosen = next((r for r in rounds if r["id"] == round_id), None)
        if chosen is None or team_id is None or set_id is None:
            abort(400, description="Choose an answered round of this loop, a team and a calibration set.")
        if request.form.get("consent") != "yes":
            abort(400, description="Sharing needs your consent: tick the box.")
        with team_session() as s:
            share_round(s, team_id, g.user_id, chosen, set_id, consent=True)
        flash("Shared. The team's graders see the answer without your name; you can withdraw it at any time.", "ok")
        return redirect(url_for("teams.share_index"))
    with team_session() as s:
        targets = [(team, teams.list_sets(s, team.id, g.user_id)) for team, _ in teams.teams_for(s, g.user_id)]
    return render_template("teams/share.html", loop=loop, rounds=rounds, targets=[t for t in targets if t[1]])
