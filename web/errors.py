"""Errors as a friendly page, or as JSON under /api/: {"error", "message", "status"}."""
from __future__ import annotations

import re
import sqlite3

import sqlalchemy.exc
from flask import Flask, current_app, jsonify, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from simulator.engine import InvalidTransition, ModeError, NotFound
from simulator.storage.db import StorageError, is_disk_full

MESSAGES = {
    400: "The request was not understood.",
    401: "Sign in first (or send an API token: Authorization: Bearer <token>).",
    403: "That is not yours.",
    404: "There is nothing here (or it belongs to someone else).",
    405: "That action is not allowed here.",
    409: "That cannot be done now.",
    413: None,  # filled in with the configured limit
    429: "Too many attempts; wait and try again.",
}
DISK_FULL = ("The server's disk is full, so it cannot store anything now; your draft is kept in this browser "
             "and is saved again when there is room. Nothing saved before is lost.")
DATABASE_DOWN = ("The database cannot be reached right now, so nothing was changed. Nothing saved before is lost; "
                 "try again in a few seconds.")
DATABASE_DOWN_PAGE = ("The database cannot be reached right now, so nothing was changed. Nothing saved before is "
                      "lost; go back to keep what you typed (the round page keeps its draft in this browser) and "
                      "try again in a minute.")
QUEUE_DOWN = ("The grading queue cannot be reached right now. Everything you saved is kept (a submitted answer is "
              "saved too), but grading cannot be started or shown; open the loop again in a minute and its grading "
              "starts then.")
RETRY_AFTER_S = "5"
DISK_FULL_PAGE = ("The server's disk is full, so it could not store this and nothing was changed. Nothing saved "
                  "before is lost; go back to keep what you typed (the round page keeps its draft in this browser) "
                  "and try again later.")


def wants_json() -> bool:
    return request.path.startswith("/api/")


def error_response(status: int, message: str, code: str | None = None):
    code = code or {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
                    405: "method_not_allowed", 409: "conflict", 413: "too_large", 429: "rate_limited",
                    503: "unavailable", 507: "disk_full"}.get(status, "error")
    if wants_json():
        response = jsonify(error=code, message=message, status=status)
        response.status_code = status
    else:
        response = current_app.response_class(
            render_template("errors/error.html", status=status, message=message), status=status)
    if status == 401 and wants_json():
        response.headers["WWW-Authenticate"] = 'Bearer realm="mockloop"'
    return response


def too_large_message() -> str:
    limit = current_app.config.get("MAX_CONTENT_LENGTH") or 0
    return (f"The request is too large: the limit is {limit // 1024} KiB. Your last autosaved draft is kept; "
            "shorten the answer (or paste less at once) and try again.")


_SECRET_IN_PATH = re.compile(r"(mlp_|mlt_)([A-Za-z0-9_-]{6})[A-Za-z0-9_-]+")


def redact(text: str) -> str:
    """Share and API tokens cut to a 6-character prefix: enough to find the link, useless to replay it."""
    return _SECRET_IN_PATH.sub(lambda m: f"{m.group(1)}{m.group(2)}…", text)


def log_exception(app: Flask, exc_info) -> None:
    """Flask's error log line, with any token in the path redacted."""
    app.logger.error(f"Exception on {redact(request.path)} [{request.method}]", exc_info=exc_info)


_UNREACHABLE_SQLSTATES = ("57P01", "57P02", "57P03")  # admin_shutdown, crash_shutdown, cannot_connect_now


def unavailable(exc: BaseException | None) -> str | None:
    """"database" or "queue" when `exc`, or what it wraps, says that server cannot be reached now (it is down or
    restarting): a connection refused or cut, never a query's own error. None otherwise."""
    seen = 0
    while exc is not None and seen < 8:
        module = type(exc).__module__ or ""
        if module.startswith("redis") and type(exc).__name__ in ("ConnectionError", "TimeoutError",
                                                                  "BusyLoadingError"):
            return "queue"
        if isinstance(exc, sqlalchemy.exc.DBAPIError) and exc.connection_invalidated:
            return "database"
        if module.startswith("psycopg") and type(exc).__name__ == "OperationalError":
            state = getattr(exc, "sqlstate", None)
            if state is None or state.startswith("08") or state in _UNREACHABLE_SQLSTATES:
                return "database"  # connection failures carry no SQLSTATE, or class 08
        exc = getattr(exc, "orig", None) or exc.__cause__ or exc.__context__
        seen += 1
    return None


def unavailable_response(what: str):
    """503 saying which server is down and that nothing saved is lost; Retry-After for scripts."""
    if what == "queue":
        message = QUEUE_DOWN
    else:
        message = DATABASE_DOWN if wants_json() else DATABASE_DOWN_PAGE
    response = error_response(503, message)
    response.headers["Retry-After"] = RETRY_AFTER_S
    return response


def init_app(app: Flask) -> None:
    app.log_exception = lambda exc_info: log_exception(app, exc_info)  # type: ignore[method-assign]

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        status = exc.code or 500
        if status == 413:
            return error_response(413, too_large_message())
        custom = exc.description and exc.description != type(exc).description
        message = exc.description if custom else MESSAGES.get(status) or exc.description
        return error_response(status, message or exc.name)

    @app.errorhandler(CSRFError)
    def csrf_error(exc: CSRFError):
        return error_response(400, "The form's security token is missing or stale (or the request came from another "
                              f"site): reload the page and try again. ({exc.description})", "csrf_failed")

    @app.errorhandler(RecursionError)
    def too_deep(exc: RecursionError):
        return error_response(400, "The request body is nested too deeply to read.")

    @app.errorhandler(StorageError)
    @app.errorhandler(OSError)
    @app.errorhandler(sqlalchemy.exc.OperationalError)
    @app.errorhandler(sqlalchemy.exc.InterfaceError)
    @app.errorhandler(sqlite3.OperationalError)
    def disk_full(exc: Exception):
        """A write the disk had no room for: 507 saying so, not a 500 (the page keeps its draft and retries). The
        database server down or restarting: 503 saying so (nothing was stored; the page retries)."""
        if is_disk_full(exc):
            app.logger.error(f"Disk full on {redact(request.path)} [{request.method}]: {exc}")
            return error_response(507, DISK_FULL if wants_json() else DISK_FULL_PAGE)
        what = unavailable(exc)
        if what is None:
            raise exc  # any other storage or system error is a server error, logged as one
        app.logger.error(f"The {what} is unreachable on {redact(request.path)} [{request.method}]: {exc}")
        return unavailable_response(what)

    try:
        import redis.exceptions
    except ImportError:  # no Redis client: no Redis queue either
        pass
    else:
        @app.errorhandler(redis.exceptions.ConnectionError)
        @app.errorhandler(redis.exceptions.TimeoutError)
        def queue_down(exc: Exception):
            """The queue's Redis down or restarting (the sign-in limits fall back to memory on their own)."""
            if unavailable(exc) is None:
                raise exc
            app.logger.error(f"The queue is unreachable on {redact(request.path)} [{request.method}]: {exc}")
            return unavailable_response("queue")

    @app.errorhandler(NotFound)
    def not_found(exc: NotFound):
        return error_response(404, MESSAGES[404])

    @app.errorhandler(ModeError)
    def mode_error(exc: ModeError):
        return error_response(409, str(exc))

    @app.errorhandler(InvalidTransition)
    def invalid_transition(exc: InvalidTransition):
        return error_response(409, str(exc))
