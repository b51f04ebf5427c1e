"""Authoring: questions (a form for the common fields, or the JSON) and rubrics (JSON) in the bank schemas, import, review status, export."""
from __future__ import annotations

import copy
import json
from typing import Any

from flask import Response, abort, current_app, flash, g, redirect, render_template, request, url_for

from simulator import teams
from simulator.teams.review import allowed
from simulator.validation import Problem, ValidationFailed
from web.security import login_required
from web.teams import question_form
from web.teams.blueprint import bp, team_context
from web.teams.common import export_zip, parse_json, problem_lines, team_session

MAX_IMPORT_FILES = 50
REQUIRED = {"question": "id, round, rubric, tracks, difficulty, time_limit_min, prompt, tests, key_points, probes, "
                        "reference_answer (optional: topics, tags, final_answer, paper, coding, examples)",
            "rubric": "id, version, round, title, criteria (each with levels 1 to 5), track_weights, thresholds, bands"}


def _pretty(data: Any) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False)


def review_context(s, team_id: int) -> dict[str, Any]:
    """What the review buttons need: who is asking, and the other admins who could review their edits."""
    others = [m["username"] for m in teams.list_members(s, team_id, g.user_id)
              if m["role"] == "admin" and m["user_id"] != g.user_id]
    return {"me": g.user_id, "other_admins": others, "allowed": allowed}


def review_help(other_admins: list[str]) -> str:
    """What a team can do about an edit its author may not review (a second pair of eyes is the rule)."""
    usable = ("Until then the draft works as it is: it is in the team's bank, its calibration sets and its export; "
              "'reviewed' records that a second admin checked it.")
    if other_admins:
        return f"Another admin reviews it: ask {', '.join(other_admins)}."
    if not current_app.config["MULTI_USER"]:
        return ("Single-user mode has one account, so nobody else can review it: on a shared server "
                "(MOCKLOOP_MULTI_USER=1) invite a second admin on the Members page. " + usable)
    return ("You are the team's only admin, so nobody can review it yet: invite a second admin (or make an "
            "interviewer an admin) on the Members page. " + usable)


@bp.get("/<int:team_id>/authoring")
@login_required
def authoring(team_id: int):
    return _authoring_page(team_id)


def _authoring_page(team_id: int, refused: str | None = None, status: int = 200):
    """The list of questions and rubrics; `refused` says why a status change was refused and what to do."""
    with team_session() as s:
        ctx = team_context(s, team_id)
        questions = teams.list_questions(s, team_id, g.user_id, include_retired=True)
        rubrics = teams.list_rubrics(s, team_id, g.user_id, include_retired=True)
        review = review_context(s, team_id)
    return render_template("teams/authoring.html", **ctx, **review, questions=questions, rubrics=rubrics,
                           refused=refused, review_help=review_help(review["other_admins"])), status


def _starter(s, team_id: int, kind: str, slug: str, source: str | None) -> dict[str, Any]:
    """A document to start from: a chosen bundled or team item with a new id, else the first bundled one."""
    bank = teams.team_bank(s, team_id, g.user_id)
    table = bank.questions if kind == "question" else bank.rubrics
    key = source if source in table else sorted(table)[0]
    data = copy.deepcopy(table[key])
    prefix = slug if slug[:1].isalpha() else f"team-{slug}"
    data["id"] = f"{prefix}-{key}"[:100]
    if kind == "rubric":
        data["version"] = "1.0.0"
    return data


def _editor(team_id: int, kind: str, item_id: str | None):
    """GET: the editor; POST: validate and store (problems shown with their JSON pointers, nothing stored).

    Questions open in the form (`_question_form`); the JSON view (`?view=json`, or a post with a `document`) is
    kept for everything the form does not show."""
    if kind == "question" and (request.args.get("view") != "json" if request.method == "GET"
                               else "document" not in request.form):
        return _question_form(team_id, item_id)
    lines: list[str] = []
    with team_session() as s:
        ctx = team_context(s, team_id)
        current = _current(s, team_id, kind, item_id)
        versions = teams.rubric_versions(s, team_id, g.user_id, item_id) if kind == "rubric" and item_id else []
        text = request.form.get("document", "")
        if request.method == "POST" and kind == "question" and request.form.get("action") == "form":
            try:  # the JSON view's document, shown in the form (nothing stored)
                data = parse_json(text, "question.json")
            except ValidationFailed as exc:
                lines = problem_lines(exc)
            else:
                return _render_form(s, ctx, team_id, item_id, current, question_form.from_document(data))
        elif request.method == "POST":
            file = f"{kind}.json"
            try:
                data = parse_json(text, file)
                if item_id is not None and (not isinstance(data, dict) or data.get("id") != item_id):
                    raise ValidationFailed([_id_stays(file, kind, item_id)])
                save = teams.save_question if kind == "question" else teams.save_rubric
                row = save(s, team_id, g.user_id, data, file=file)
                saved_id = row.question_id if kind == "question" else row.rubric_id
            except ValidationFailed as exc:
                lines = problem_lines(exc)
            else:
                flash(f"Saved {kind} {saved_id} (status: {row.status}).", "ok")
                return redirect(url_for(f"teams.edit_{kind}", team_id=team_id, **{f"{kind}_id": saved_id}))
        elif current is not None:
            text = _pretty(current.content)
        else:
            text = _pretty(_starter(s, team_id, kind, ctx["team"].slug, request.args.get("from")))
        return _render_json(s, ctx, team_id, kind, item_id, current, text, lines, versions)


def _current(s, team_id: int, kind: str, item_id: str | None):
    if item_id is None:
        return None
    if kind == "question":
        return teams.get_question(s, team_id, g.user_id, item_id)
    return teams.rubric_versions(s, team_id, g.user_id, item_id)[-1]


def _id_stays(file: str, kind: str, item_id: str) -> Problem:
    return Problem(file, "/id", f"the id stays {item_id!r} while editing; use 'New {kind}' for a new one")


def _render_json(s, ctx, team_id: int, kind: str, item_id: str | None, current, text: str, lines: list[str],
                 versions=()):
    bank = teams.team_bank(s, team_id, g.user_id)
    choices = sorted(bank.questions if kind == "question" else bank.rubrics)
    review = review_context(s, team_id)
    return render_template("teams/editor.html", **ctx, **review, kind=kind, item_id=item_id, current=current,
                           text=text, problems=lines, choices=choices, versions=versions, required=REQUIRED[kind],
                           review_help=review_help(review["other_admins"]), view="json"), 400 if lines else 200


def _question_form(team_id: int, item_id: str | None):
    """The question as a form. Buttons: save (validate, store), add or remove a key point, show the chosen rubric's
    criteria, and "Edit as JSON" (the JSON view with the document the form makes); all work without JavaScript."""
    with team_session() as s:
        ctx = team_context(s, team_id)
        current = _current(s, team_id, "question", item_id)
        if request.method == "GET":
            if current is not None:
                qf = question_form.from_document(current.content)
            else:
                qf = question_form.from_document(_starter(s, team_id, "question", ctx["team"].slug,
                                                          request.args.get("from")))
            return _render_form(s, ctx, team_id, item_id, current, qf)
        qf = question_form.from_request(request.form)
        action = request.form.get("action", "save")
        if action == "add" and len(qf.key_points) < question_form.MAX_KEY_POINTS:
            qf.key_points.append(question_form.KeyPoint())
        elif action.startswith("remove-") and action[7:].isdigit() and int(action[7:]) < len(qf.key_points):
            qf.key_points.pop(int(action[7:]))
            qf.key_points = qf.key_points or [question_form.KeyPoint()]
        elif action == "json":
            built = question_form.build(qf)
            return _render_json(s, ctx, team_id, "question", item_id, current, _pretty(built.document), [])
        elif action == "save":
            built = question_form.build(qf)
            try:
                if item_id is not None and built.document.get("id") != item_id:
                    raise ValidationFailed([_id_stays("question.json", "question", item_id)])
                row = teams.save_question(s, team_id, g.user_id, built.document, file="question.json")
            except ValidationFailed as exc:
                return _render_form(s, ctx, team_id, item_id, current, qf,
                                    question_form.field_errors(exc.problems, built))
            flash(f"Saved question {row.question_id} (status: {row.status}).", "ok")
            return redirect(url_for("teams.edit_question", team_id=team_id, question_id=row.question_id))
        return _render_form(s, ctx, team_id, item_id, current, qf)


def _options(values, current: str) -> list[str]:
    """The choices, and what was typed or stored when it is not one of them (kept, so the page shows it)."""
    values = list(values)
    return values + [current] if current and current not in values else values


def _render_form(s, ctx, team_id: int, item_id: str | None, current, qf, errors=None):
    bank = teams.team_bank(s, team_id, g.user_id)
    rubric_id = qf.fields.get("rubric", "")
    rubric = bank.rubrics.get(rubric_id)
    criteria = [(c["id"], c.get("name") or c["id"]) for c in rubric["criteria"]] if rubric else []
    rubrics = [(r, bank.rubrics[r]["round"] if r in bank.rubrics else "") for r in _options(sorted(bank.rubrics),
                                                                                             rubric_id)]
    review = review_context(s, team_id)
    kept = sorted(k for k in qf.base if k not in question_form.FORM_KEYS)
    return render_template("teams/question_form.html", **ctx, **review, kind="question", item_id=item_id,
                           current=current, form=qf, errors=errors or question_form.Errors(),
                           choices=sorted(bank.questions), rubrics=rubrics, rubric=rubric, criteria=criteria,
                           rounds=_options(question_form.enum("round"), qf.fields.get("round", "")),
                           difficulties=_options(question_form.enum("difficulty"), qf.fields.get("difficulty", "")),
                           tracks=sorted(set(bank.tracks) | set(qf.tracks)), kept=kept, view="form",
                           review_help=review_help(review["other_admins"])), 400 if errors else 200


@bp.route("/<int:team_id>/questions/new", methods=["GET", "POST"])
@login_required
def new_question(team_id: int):
    return _editor(team_id, "question", None)


@bp.route("/<int:team_id>/questions/<question_id>/edit", methods=["GET", "POST"])
@login_required
def edit_question(team_id: int, question_id: str):
    return _editor(team_id, "question", question_id)


@bp.route("/<int:team_id>/rubrics/new", methods=["GET", "POST"])
@login_required
def new_rubric(team_id: int):
    return _editor(team_id, "rubric", None)


@bp.route("/<int:team_id>/rubrics/<rubric_id>/edit", methods=["GET", "POST"])
@login_required
def edit_rubric(team_id: int, rubric_id: str):
    return _editor(team_id, "rubric", rubric_id)


@bp.get("/<int:team_id>/rubrics/<rubric_id>/versions/<digest>")
@login_required
def rubric_version(team_id: int, rubric_id: str, digest: str):
    with team_session() as s:
        ctx = team_context(s, team_id)
        versions = teams.rubric_versions(s, team_id, g.user_id, rubric_id)
        row = next((v for v in versions if v.hash == digest), None)
        if row is None:
            abort(404)
    return render_template("teams/version.html", **ctx, row=row, text=_pretty(row.content))


def _refused(team_id: int, exc: Exception):
    """A refused status change: the authoring page, saying why and what the team can do (not a dead end)."""
    message = str(exc)
    status = 403 if isinstance(exc, teams.Forbidden) else 409
    if "another admin must review it" in message:
        with team_session() as s:
            message += ". " + review_help(review_context(s, team_id)["other_admins"])
    return _authoring_page(team_id, refused=message[:1].upper() + message[1:], status=status)


@bp.post("/<int:team_id>/questions/<question_id>/status")
@login_required
def question_status(team_id: int, question_id: str):
    with team_session() as s:
        try:
            row = teams.set_question_status(s, team_id, g.user_id, question_id, request.form.get("status", ""))
        except (teams.InvalidTransition, teams.Forbidden) as exc:
            refused = exc
        else:
            refused = None
            flash(f"Question {question_id} is now {row.status}.", "ok")
    if refused is not None:
        return _refused(team_id, refused)
    return redirect(url_for("teams.authoring", team_id=team_id))


@bp.post("/<int:team_id>/rubrics/<rubric_id>/status")
@login_required
def rubric_status(team_id: int, rubric_id: str):
    with team_session() as s:
        try:
            row = teams.set_rubric_status(s, team_id, g.user_id, rubric_id, request.form.get("status", ""))
        except (teams.InvalidTransition, teams.Forbidden) as exc:
            refused = exc
        else:
            refused = None
            flash(f"Rubric {rubric_id} version {row.version} is now {row.status}.", "ok")
    if refused is not None:
        return _refused(team_id, refused)
    return redirect(url_for("teams.authoring", team_id=team_id))


@bp.route("/<int:team_id>/import", methods=["GET", "POST"])
@login_required
def import_files(team_id: int):
    lines: list[str] = []
    result = None
    with team_session() as s:
        ctx = team_context(s, team_id)
        if request.method == "POST":
            uploads = [f for f in request.files.getlist("files") if f and f.filename]
            if not uploads:
                lines = ["upload: /: choose one or more .json files (rubrics and questions, one item or a list each)"]
            elif len(uploads) > MAX_IMPORT_FILES:
                lines = [f"upload: /: at most {MAX_IMPORT_FILES} files at once"]
            else:
                documents = {f.filename: f.read() for f in uploads}
                try:
                    result = teams.import_documents(s, team_id, g.user_id, documents)
                except ValidationFailed as exc:
                    lines = problem_lines(exc)
    return render_template("teams/import.html", **ctx, problems=lines, result=result), 400 if lines else 200


@bp.get("/<int:team_id>/export.zip")
@login_required
def export(team_id: int):
    with team_session() as s:
        ctx = team_context(s, team_id)
        data = export_zip(s, team_id, g.user_id)
    name = f"{ctx['team'].slug}-bank.zip"
    return Response(data, mimetype="application/zip", headers={"Content-Disposition": f'attachment; filename="{name}"'})
