"""API routes for public data: the OpenAPI document, the tracks, bank counts and the questionnaire."""
from __future__ import annotations

from collections import Counter

from flask import abort, jsonify, url_for

from simulator import track_advice
from web.security import external_url
from web.api.blueprint import body, bp
from web.api.openapi import document
from web.extensions import bank


@bp.get("/openapi.json")
def openapi():
    return jsonify(document(external_url("home.index").rstrip("/")))


@bp.get("/tracks")
def tracks():
    return jsonify(tracks=[bank().tracks[t] for t in sorted(bank().tracks)])


@bp.get("/bank/stats")
def bank_stats():
    qs = list(bank().questions.values())
    return jsonify(
        total=len(qs),
        by_round=dict(sorted(Counter(q["round"] for q in qs).items())),
        by_track=dict(sorted(Counter(t for q in qs for t in q["tracks"]).items())),
        by_difficulty=dict(sorted(Counter(q["difficulty"] for q in qs).items())),
    )


@bp.get("/questionnaire")
def questionnaire():
    return jsonify(questions=track_advice.questions())


@bp.post("/questionnaire")
def questionnaire_answer():
    answers = body().get("answers")
    if not isinstance(answers, dict) or not all(isinstance(v, str) for v in answers.values()):
        abort(400, description="'answers' must be an object of question id to choice id.")
    try:
        advice = track_advice.recommend(answers)
    except ValueError as exc:
        abort(400, description=str(exc))
    track = bank().tracks.get(advice.track, {})
    return jsonify(dict(advice.as_dict(), track_name=track.get("name"), prep=track.get("prep", [])))
