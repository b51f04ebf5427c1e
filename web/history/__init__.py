"""History: past loops, and a progress chart per criterion over time."""
from __future__ import annotations

from flask import Blueprint, g, render_template

from web.extensions import bank, service
from web.history.chart import labels, svg_chart
from web.history.progress import progress
from web.security import login_required

bp = Blueprint("history", __name__, template_folder="templates")


@bp.get("/history")
@login_required
def index():
    loops = service().list_loops(g.user_id)
    series = progress(loops, bank())
    charts = [(s, svg_chart(s, f"chart-{i}"), labels(s["points"])) for i, s in enumerate(series)]
    return render_template("history/index.html", loops=loops, charts=charts, tracks=bank().tracks)
