"""The scorecard: per round and criterion, the answer with its evidence, missed key points, the band, a prep plan."""
from __future__ import annotations

from flask import Blueprint, flash, g, redirect, render_template, url_for
from markupsafe import Markup

from simulator.report.render import highlight
from simulator.report.scorecard import scorecard
from web import actions
from web.extensions import bank
from web.security import login_required

bp = Blueprint("scorecard", __name__, template_folder="templates")


@bp.get("/loops/<int:loop_id>/scorecard")
@login_required
def show(loop_id: int):
    loop = actions.finish_loop(g.user_id, loop_id)
    if loop["grading"] is not None:  # the grading job is queued, running or failed: the loop page shows which
        return redirect(url_for("loops.show", loop_id=loop_id))
    if loop["status"] not in ("complete", "graded"):
        flash("The scorecard comes when every round is in.", "error")
        return redirect(url_for("loops.show", loop_id=loop_id))
    card = scorecard(loop, bank())
    for r in card["rounds"]:
        evidence = [e for c in r["criteria"] for e in c["evidence"]]
        # highlight() escapes the answer itself; only its <mark> tags are markup.
        r["highlighted"] = Markup(highlight(r["answer"] or "", evidence))
    pending = any("pending" in r["flags"] for r in card["rounds"])
    return render_template("scorecard/scorecard.html", card=card, loop=loop, pending=pending)


@bp.post("/loops/<int:loop_id>/grade")
@login_required
def regrade(loop_id: int):
    job = actions.regrade(g.user_id, loop_id, "auto")  # a job: the loop page shows its progress
    if job["status"] == "failed":
        flash(str(job["error"]).capitalize() + ".", "error")
    elif job["status"] != "done":
        return redirect(url_for("loops.show", loop_id=loop_id))
    return redirect(url_for("scorecard.show", loop_id=loop_id))
