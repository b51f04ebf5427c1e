"""Home: the three tracks, what their loops contain, and the "which track should I target?" questionnaire."""
from __future__ import annotations

from collections import Counter

from flask import Blueprint, render_template, request

from simulator import track_advice
from web.extensions import bank

bp = Blueprint("home", __name__, template_folder="templates")


@bp.app_template_filter("track_name")
def track_name(track_id: str) -> str:
    """A track's display name ("Applied ML engineer") for its id ("applied-ml-engineer")."""
    track = bank().tracks.get(track_id)
    return track["name"] if track else track_id


def _tracks():
    b = bank()
    order = {t: i for i, t in enumerate(track_advice.TRACKS)}
    return [b.tracks[t] for t in sorted(b.tracks, key=lambda t: (order.get(t, 99), t))]


@bp.get("/")
def index():
    counts = Counter(q["round"] for q in bank().questions.values())
    return render_template("home/index.html", tracks=_tracks(), counts=counts, total=len(bank().questions),
                           questions=track_advice.questions(), answers={})


@bp.get("/advice")
def advice():
    """The questionnaire's result (a GET form: it changes nothing)."""
    questions = track_advice.questions()
    answers = {q["id"]: request.args.get(q["id"], "") for q in questions}
    try:
        result = track_advice.recommend(answers)
    except ValueError as exc:
        return render_template("home/advice.html", error=str(exc), questions=questions, answers=answers,
                               result=None, track=None), 400
    return render_template("home/advice.html", error=None, questions=questions, answers=answers,
                           result=result, track=bank().tracks.get(result.track))
