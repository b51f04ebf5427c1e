"""Who is asking: the local user, a signed-in account, or (for /api/) a bearer token; and the headers."""
from __future__ import annotations

import functools
import time
from typing import Any, Callable
from urllib.parse import urlsplit

from flask import Flask, abort, current_app, g, redirect, request, session, url_for

from web.extensions import accounts, local_user_id

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'")


def init_app(app: Flask) -> None:
    proxies = int(app.config.get("TRUSTED_PROXIES") or 0)
    if proxies:  # behind N reverse proxies: take the client's address (for the login limit) from X-Forwarded-For
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies)
    app.before_request(start_timer)
    app.before_request(check_host_and_origin)
    app.before_request(load_user)
    app.after_request(security_headers)
    app.context_processor(lambda: {"current_username": g.get("username"), "multi_user": app.config["MULTI_USER"]})


def start_timer() -> None:
    g.started = time.perf_counter()


SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


def check_host_and_origin():
    """400 for a Host this server does not answer to (DNS rebinding); 403 for a write sent from another origin."""
    from werkzeug.exceptions import SecurityError

    try:
        request.host  # noqa: B018  checked against TRUSTED_HOSTS
    except SecurityError:  # answered plainly: no page can be built for a host we do not serve
        from web.health import answer_any_host

        health = answer_any_host()  # probes may name the machine by address; these answers hold nothing to steal
        if health is not None:
            return health
        return current_app.response_class("This server does not answer to that host name (see MOCKLOOP_ALLOWED_HOSTS).\n",
                                          status=400, mimetype="text/plain")
    if request.method in SAFE_METHODS or request.headers.get("Authorization", "").startswith("Bearer "):
        return
    origin = request.headers.get("Origin")
    if origin and origin != "null":
        from werkzeug.sansio.utils import host_is_trusted

        netloc = urlsplit(origin).netloc
        if not netloc or not host_is_trusted(netloc, current_app.config["TRUSTED_HOSTS"]):
            abort(403, description="This request came from another site; it was refused.")


def load_user() -> None:
    g.user_id = None
    g.username = None
    g.via_token = False
    if request.endpoint in ("static", "health.healthz", "health.readyz"):  # no database, no session
        return
    if not current_app.config["MULTI_USER"]:
        g.user_id = local_user_id()
        return
    uid = session.get("uid")
    if isinstance(uid, int):
        state = accounts().session_state(uid)
        if state is not None and session.get("gen") == state[1]:  # a cookie from before a sign-out is dead
            g.user_id, g.username = uid, state[0]
            return
    session.pop("uid", None)
    session.pop("gen", None)


def sign_in(user_id: int) -> None:
    session.clear()
    session.permanent = True
    session["uid"] = user_id
    state = accounts().session_state(user_id)
    session["gen"] = state[1] if state else 0


def sign_out() -> None:
    """End this session and every other one of this user: a copied cookie stops working at once."""
    uid = session.get("uid")
    if isinstance(uid, int):
        accounts().end_sessions(uid)
    session.clear()


def login_required(view: Callable[..., Any]) -> Callable[..., Any]:
    """Pages: send an anonymous visitor to the sign-in page (multi-user mode only)."""

    @functools.wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if g.user_id is None:
            return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
        return view(*args, **kwargs)

    return wrapped


def user_id() -> int:
    """The current user's id, or 401 (used by the API and by pages behind `login_required`)."""
    if g.get("user_id") is None:
        abort(401)
    return g.user_id


def safe_next(target: str | None, default: str) -> str:
    """A redirect target that stays on this site (no scheme, no host, no protocol-relative URL)."""
    if not target or "\\" in target:
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return default
    return target


def security_headers(response):
    if "started" in g:  # how long the app took, apart from the network and the WSGI server
        response.headers["Server-Timing"] = f"app;dur={(time.perf_counter() - g.started) * 1000:.1f}"
    response.headers.setdefault("Content-Security-Policy", CSP)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=(), usb=()")
    response.headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    if current_app.config.get("SESSION_COOKIE_SECURE"):
        response.headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
    if request.endpoint != "static":  # drafts and scorecards are personal and change by the second
        response.headers.setdefault("Cache-Control", "no-store")
    return response


def external_url(endpoint: str, **values: Any) -> str:
    """An absolute URL for links people send to others: from MOCKLOOP_PUBLIC_URL when set, never from the
    request's Host header (which the sender's browser chose); otherwise this request's own address."""
    path = url_for(endpoint, **values)
    public = (current_app.config.get("PUBLIC_URL") or "").rstrip("/")
    return public + path if public else url_for(endpoint, _external=True, **values)
