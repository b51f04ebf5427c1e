"""The candidate's side: share links (create, list, revoke), self-assessment, the comparison."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import abort, flash, g, redirect, render_template, request, url_for

from simulator.peers.forms import FormError, RubricChanged, parse_form
from simulator.peers.links import DEFAULT_DAYS, MAX_DAYS
from simulator.peers.service import PeerConflict
from web.extensions import service
from web.peers.blueprint import bp, peers
from web.security import login_required, external_url

DAY_CHOICES = (1, 3, DEFAULT_DAYS, 14, MAX_DAYS)


def _share_page(loop_id: int, *, new=None, error: str | None = None, status: int = 200):
    loop = service().get_loop(g.user_id, loop_id)  # NotFound for another user's loop
    links = peers().list_links(g.user_id, loop_id)
    url = external_url("peers.peer_home", token=new["token"]) if new else None
    return render_template("peers/share.html", loop=loop, links=links, new=new, new_url=url, error=error,
                           days=DAY_CHOICES, default_days=DEFAULT_DAYS, this_machine_only=url and loopback(url)), status


def loopback(url: str) -> bool:
    """Whether a link names this computer (127.0.0.1, localhost, ::1): nobody on another machine can open it."""
    host = (urlsplit(url).hostname or "").lower()
    return host in ("localhost", "::1") or host.startswith("127.") or host.endswith(".localhost")


@bp.route("/loops/<int:loop_id>/share", methods=["GET", "POST"])
@login_required
def share(loop_id: int):
    if request.method == "GET":
        return _share_page(loop_id)
    service().get_loop(g.user_id, loop_id)  # ownership before reading the form
    scope = request.form.get("scope", "loop")
    days = request.form.get("days", "")
    if scope != "loop" and not scope.isdigit():
        return _share_page(loop_id, error="Choose the whole loop or one round.", status=400)
    try:
        new = peers().create_link(g.user_id, loop_id, None if scope == "loop" else int(scope),
                                  int(days) if days.isdigit() else None)
    except ValueError as exc:
        return _share_page(loop_id, error=str(exc).capitalize() + ".", status=400)
    return _share_page(loop_id, new=new)


@bp.post("/share-links/<int:link_id>/revoke")
@login_required
def revoke(link_id: int):
    link = peers().revoke(g.user_id, link_id)
    flash("The link is revoked: it stops working now.", "ok")
    return redirect(url_for("peers.share", loop_id=link["loop_id"]))


@bp.route("/rounds/<int:round_id>/self", methods=["GET", "POST"])
@login_required
def self_assess(round_id: int):
    state = peers().self_state(g.user_id, round_id)
    if request.method == "GET":
        return render_template("peers/self.html", state=state, errors={}, values={})
    try:
        peers().submit_self(g.user_id, round_id, parse_form(request.form, state["form"]))
    except FormError as exc:
        return render_template("peers/self.html", state=state, errors=exc.errors, values=request.form), 400
    except (PeerConflict, RubricChanged) as exc:
        abort(409, description=str(exc))
    flash("Your self-assessment is saved.", "ok")
    return redirect(url_for("peers.self_assess", round_id=round_id))


@bp.get("/loops/<int:loop_id>/comparison")
@login_required
def comparison(loop_id: int):
    return render_template("peers/comparison.html", cmp=peers().comparison(g.user_id, loop_id))
