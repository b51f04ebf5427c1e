"""The peer's side, opened from a share link: what it grants, blind grading, the live interviewer view,
practice on gold examples. The token in the path is the only credential; anything it does not grant is
the same 404 as a wrong token."""
from __future__ import annotations

from flask import abort, g, redirect, render_template, request, url_for

from simulator.peers.forms import FormError, RubricChanged, parse_form, rubric_form
from simulator.peers.practice import public
from simulator.peers.service import PeerConflict
from web.extensions import bank
from web.peers.blueprint import bp, peer_user, peers, remember_grade, submitted_grade


def _name_default() -> str:
    return (g.get("username") or "") if peer_user() is not None else ""


@bp.get("/p/<token>")
def peer_home(token: str):
    scope = peers().scope(token)
    done = {r["position"] for r in scope["rounds"] if submitted_grade(token, r["position"]) is not None}
    return render_template("peers/peer_home.html", token=token, scope=scope, done=done,
                           examples=len(peers().practice_examples(token)))


def _grade_page(token: str, position: int, *, live: bool, errors=None, values=None, status: int = 200):
    data = peers().peer_round(token, position)
    results = None
    mine = submitted_grade(token, position)
    if mine is not None:
        results = peers().peer_results(token, position, mine)
    template = "peers/live.html" if live else "peers/grade.html"
    countdown = {"live_url": url_for("api.peer_live", token=token, position=position),
                 "time_left_s": data["time_left_s"], "status": data["status"]}
    return render_template(template, token=token, rnd=data, results=results, errors=errors or {},
                           values=values or {"display_name": _name_default()}, countdown=countdown), status


@bp.route("/p/<token>/<int:position>", methods=["GET", "POST"])
def peer_grade(token: str, position: int):
    if request.method == "GET":
        return _grade_page(token, position, live=False)
    data = peers().peer_round(token, position)  # 404 before the form is read
    live = "live" in request.form
    try:
        out = peers().submit_peer(token, position, parse_form(request.form, data["form"]),
                                  display_name=request.form.get("display_name"), user_id=peer_user())
    except FormError as exc:
        return _grade_page(token, position, live=live, errors=exc.errors, values=request.form, status=400)
    except (PeerConflict, RubricChanged) as exc:
        abort(409, description=str(exc))
    remember_grade(token, position, out["grade_id"])
    return redirect(url_for("peers.peer_grade", token=token, position=position) + "#results")


@bp.get("/p/<token>/<int:position>/live")
def peer_live(token: str, position: int):
    return _grade_page(token, position, live=True)


@bp.route("/p/<token>/practice/<int:number>", methods=["GET", "POST"])
def practice(token: str, number: int):
    examples = peers().practice_examples(token)
    example = next((e for e in examples if e["number"] == number), None)
    if example is None:
        abort(404)
    form = rubric_form(bank().rubric(example["rubric_id"]))
    result, errors = None, {}
    if request.method == "POST":
        try:
            result = peers().practice_check(token, number, parse_form(request.form, form))
        except FormError as exc:
            errors = exc.errors
    return render_template("peers/practice.html", token=token, example=public(example), form=form, result=result,
                           errors=errors, values=request.form, total=len(examples)), 400 if errors else 200
