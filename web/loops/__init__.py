"""Loops: start a loop or a drill, the loop overview, and the timed round page."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, g, redirect, render_template, request, url_for

from simulator.answer_format import format_rule
from simulator.bank import ROUND_NAMES
from simulator.engine import InvalidTransition
from web import actions
from web.extensions import bank, service
from web.loops.forms import NewLoopForm, choice
from web.security import login_required

bp = Blueprint("loops", __name__, template_folder="templates")


@bp.app_template_filter("round_name")
def round_name(round_type: str) -> str:
    return ROUND_NAMES.get(round_type, round_type.replace("_", " "))


@bp.app_template_filter("clock")
def clock_text(seconds: float | None) -> str:
    if seconds is None:
        return "-"
    seconds = int(round(seconds))
    h, rest = divmod(seconds, 3600)
    return f"{h}:{rest // 60:02d}:{rest % 60:02d}" if h else f"{rest // 60}:{rest % 60:02d}"


@bp.route("/loops/new", methods=["GET", "POST"])
@login_required
def new():
    form = NewLoopForm()
    form.track.choices = [choice(t, bank().tracks[t]["name"]) for t in sorted(bank().tracks)]
    if request.method == "GET" and request.args.get("track") in bank().tracks:
        form.track.data = request.args["track"]
    if form.validate_on_submit():
        try:
            loop = service().create_loop(g.user_id, form.track.data, round_type=form.round.data or None,
                                         mode="practice" if form.practice.data else "timed", pace=form.pace.data)
        except (LookupError, ValueError) as exc:
            form.round.errors.append(str(exc.args[0] if exc.args else exc).capitalize() + ".")
        else:
            return redirect(url_for("loops.show", loop_id=loop["id"]))
    return render_template("loops/new.html", form=form), 400 if form.errors else 200


@bp.get("/loops/<int:loop_id>")
@login_required
def show(loop_id: int):
    loop = actions.finish_loop(g.user_id, loop_id)
    return render_template("loops/loop.html", loop=loop, track=bank().track(loop["track"]))


@bp.post("/loops/<int:loop_id>/grade-again")
@login_required
def grade_again(loop_id: int):
    """Enqueue the loop's grading again after its job failed (the page never restarts a failed job by itself)."""
    from web.extensions import jobs

    loop = service().get_loop(g.user_id, loop_id)
    if actions.needs_grading(loop):
        jobs().enqueue_grading(g.user_id, loop_id, retry=True)
    return redirect(url_for("loops.show", loop_id=loop_id))


@bp.post("/loops/<int:loop_id>/next")
@login_required
def start_next(loop_id: int):
    loop = service().get_loop(g.user_id, loop_id)
    if loop["current_round_id"]:
        return redirect(url_for("loops.round_page", round_id=loop["current_round_id"]))
    try:
        rnd = service().start_next_round(g.user_id, loop_id)
    except (ValueError, InvalidTransition) as exc:
        flash(str(exc).capitalize() + ".", "error")
        return redirect(url_for("loops.show", loop_id=loop_id))
    return redirect(url_for("loops.round_page", round_id=rnd["id"]))


def page_data(rv: dict, loop: dict) -> dict:
    """What the round page's script needs: the server's time left, never a client-side deadline."""
    return {
        "round_id": rv["id"], "loop_id": rv["loop_id"], "status": rv["status"], "round": rv["round"],
        "time_left_s": rv["time_left_s"], "time_limit_s": rv["time_limit_s"], "paused": rv["paused"], "warnings_at_s": rv["warnings_at_s"],
        "warnings_given": rv["warnings_given"], "draft_seq": rv["draft_seq"], "probes": rv["probes"],
        "probes_hidden": rv["probes_hidden"], "probes_timed_hidden": rv.get("probes_timed_hidden"),
        "first_answer_at": rv.get("first_answer_at"), "autosave_ms": int(current_app.config["AUTOSAVE_MS"]),
        "urls": {
            "round": url_for("api.get_round", round_id=rv["id"]),
            "draft": url_for("api.save_draft", round_id=rv["id"]),
            "first_answer": url_for("api.first_answer", round_id=rv["id"]),
            "tick": url_for("api.tick", loop_id=rv["loop_id"]),
            "run": url_for("api.run_examples", round_id=rv["id"]),
            "loop": url_for("loops.show", loop_id=rv["loop_id"]),
        },
    }


@bp.get("/rounds/<int:round_id>")
@login_required
def round_page(round_id: int):
    rv = service().get_round(g.user_id, round_id)
    loop = service().get_loop(g.user_id, rv["loop_id"])
    question = bank().questions.get(rv["question_id"], {})
    paper = bank().papers.get(question.get("paper", ""))
    live = rv["status"] in ("in_progress", "paused")
    return render_template("loops/round.html", rv=rv, loop=loop, paper=paper, data=page_data(rv, loop), live=live,
                           starter=actions.starter_code(question) if rv["round"] == "ml_coding" else "",
                           format_rule=format_rule(question))


def _answer_field() -> str | None:
    text = request.form.get("answer")
    if text is not None and len(text) > current_app.config["MAX_ANSWER_CHARS"]:
        abort(413)
    return text


@bp.post("/rounds/<int:round_id>/submit")
@login_required
def submit(round_id: int):
    try:
        rv = actions.submit(g.user_id, round_id, _answer_field(), actions.probe_answers_from_form(request.form))
    except (ValueError, InvalidTransition) as exc:
        flash(str(exc).capitalize() + ".", "error")
        return redirect(url_for("loops.round_page", round_id=round_id))
    flash("Round submitted" + (" (late)." if rv["late_by_s"] is not None else "."), "ok")
    return redirect(url_for("loops.show", loop_id=rv["loop_id"]))


@bp.post("/rounds/<int:round_id>/first-answer")
@login_required
def first_answer(round_id: int):
    actions.first_answer(g.user_id, round_id, _answer_field())
    return redirect(url_for("loops.round_page", round_id=round_id) + "#probes")


@bp.post("/rounds/<int:round_id>/pause")
@login_required
def pause(round_id: int):
    service().pause(g.user_id, round_id)
    return redirect(url_for("loops.round_page", round_id=round_id))


@bp.post("/rounds/<int:round_id>/unpause")
@login_required
def unpause(round_id: int):
    try:
        service().unpause(g.user_id, round_id)
    except ValueError as exc:
        flash(str(exc).capitalize() + ".", "error")
    return redirect(url_for("loops.round_page", round_id=round_id))
