"""Things the views share, attached to the app in `init_app`, never built at import time."""
from __future__ import annotations

import threading

from flask import Flask, current_app
from flask_wtf.csrf import CSRFProtect

csrf = CSRFProtect()


def init_app(app: Flask) -> None:
    app.extensions["mockloop"] = {"lock": threading.RLock()}
    csrf.init_app(app)


def _state() -> dict:
    return current_app.extensions["mockloop"]


def _once(name: str, build):
    state = _state()
    if name not in state:
        with state["lock"]:
            if name not in state:
                state[name] = build()
    return state[name]


def bank():
    """The question bank (bundled, validated once per process)."""

    def build():
        from simulator.bank import default_bank

        return current_app.config.get("BANK") or default_bank()

    return _once("bank", build)


def clock():
    def build():
        from simulator.clock import SystemClock

        return current_app.config.get("CLOCK") or SystemClock()

    return _once("clock", build)


def sessions():
    """The session factory over the app's database, migrated on first use."""

    def build():
        from simulator.config import database_url
        from simulator.storage import open_database

        return open_database(current_app.config.get("DATABASE_URL") or database_url())

    return _once("sessions", build)


def service():
    """The loop engine over the app's database. Answers reach it from browsers and scripts: untrusted code,
    run only where the sandbox policy allows (bubblewrap, or MOCKLOOP_ALLOW_UNSANDBOXED=1)."""

    def build():
        from simulator.engine import LoopService

        return LoopService(sessions(), bank(), clock(), untrusted_code=True)

    return _once("service", build)


def jobs():
    """The task queue's jobs (simulator/jobs) over this app's service: MOCKLOOP_QUEUE_URL, else the SQLite file
    beside the database; tests (TESTING without a QUEUE_URL) run jobs at once, in immediate mode."""

    def build():
        from simulator.config import database_url
        from simulator.jobs.config import queue_url
        from simulator.jobs.runtime import make_jobs

        cfg = current_app.config
        url = cfg.get("QUEUE_URL") or ("immediate" if cfg.get("TESTING") else
                                       queue_url(cfg.get("DATABASE_URL") or database_url()))
        svc, bnk, clk = service(), bank(), clock()
        return make_jobs(str(url), lambda: svc, lambda: bnk, lambda: clk.now().timestamp(),
                         **(cfg.get("JOBS_OPTIONS") or {}))

    return _once("jobs", build)


def start_embedded_worker(app: Flask, workers: int = 2):
    """Consumer threads in this web process (`mockloop serve` with MOCKLOOP_EMBEDDED_WORKER=1, the default), so
    one command serves pages and runs grading jobs. None in immediate mode, where jobs run where enqueued."""
    from simulator.jobs.runtime import consumer

    with app.app_context():
        queue = jobs()
    if queue.huey.immediate:
        return None
    queue.recover()
    worker = consumer(queue, workers, embedded=True)
    worker.start()
    app.extensions["mockloop"]["consumer"] = worker
    return worker


def accounts():
    """Passwords, API tokens and the login rate limit over the same database."""

    def build():
        from simulator.accounts import Accounts, LoginLimit

        cfg = current_app.config
        limit = LoginLimit(failures=int(cfg["LOGIN_FAILURES"]), window_s=float(cfg["LOGIN_WINDOW_S"]))
        return Accounts(sessions(), clock(), limit=limit, password_method=cfg["PASSWORD_METHOD"],
                        token_cache_s=float(cfg["TOKEN_CACHE_S"]))

    return _once("accounts", build)


def local_user_id() -> int:
    """The single user of a local install (created on first use)."""
    return _once("local_user_id", lambda: service().ensure_user())
