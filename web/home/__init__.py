"""Home: the tracks, their rounds, and the bank."""
from __future__ import annotations

from collections import Counter

from flask import Blueprint, render_template

from web.extensions import bank

bp = Blueprint("home", __name__, template_folder="templates")


@bp.get("/")
def index():
    b = bank()
    tracks = [b.tracks[t] for t in sorted(b.tracks)]
    counts = Counter(q["round"] for q in b.questions.values())
    return render_template("home/index.html", tracks=tracks, counts=counts, total=len(b.questions))
