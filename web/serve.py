"""`mockloop serve`: the web app under a production WSGI server: waitress in one process, or gunicorn with
--workers N processes (Linux and other Unix systems)."""
from __future__ import annotations

import click

from simulator.cli.common import clean_errors


@click.command(name="serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on.")
@click.option("--port", default=5000, show_default=True, type=int, help="Port to listen on.")
@click.option("--workers", default=1, show_default=True, type=click.IntRange(1, 64),
              help="Server processes. 1: one waitress process; more: gunicorn with that many worker processes "
                   "(Unix only), each with --threads threads. Give them a shared MOCKLOOP_RATELIMIT_STORAGE_URI "
                   "(redis://...) so that the sign-in limits hold for all of them together.")
@click.option("--threads", default=8, show_default=True, type=int, help="Worker threads (per process).")
@click.option("--connection-limit", default=1000, show_default=True, type=int,
              help="Open connections accepted at once, per process (each open round page keeps one alive).")
@click.option("--allow-network", is_flag=True,
              help="Single-user mode only: listen beyond this machine anyway (anyone who can reach it becomes the one user).")
@clean_errors
def command(host: str, port: int, workers: int, threads: int, connection_limit: int, allow_network: bool) -> None:
    """Serve the web app (SQLite in the data folder unless DATABASE_URL is set).

    The database is migrated once before any request is served (with --workers, before the workers start, so
    that they never race to migrate it)."""
    import os

    from simulator.bank import default_bank
    from simulator.cli.common import fail
    from simulator.config import database_url
    from simulator.storage import open_database
    from web import create_app
    from web.config import ConfigError, flag

    loopback = host in ("127.0.0.1", "localhost", "::1") or host.startswith("127.")
    if not loopback:
        if not flag(os.environ.get("MOCKLOOP_MULTI_USER", "")) and not allow_network:
            fail(f"refusing to listen on {host} in single-user mode: anyone who can reach it would become the one "
                 "user and see every answer. Set MOCKLOOP_MULTI_USER=1 (accounts), or pass --allow-network to accept that.")
        if not os.environ.get("MOCKLOOP_ALLOWED_HOSTS"):
            fail(f"listening on {host} needs MOCKLOOP_ALLOWED_HOSTS: the host names people will use to reach this "
                 "server, comma-separated (e.g. mockloop.lan,192.168.1.20); other Host headers are refused.")
        if allow_network and not flag(os.environ.get("MOCKLOOP_MULTI_USER", "")):
            click.secho(f"warning: single-user mode on {host}: anyone who can reach this port is the one user.", fg="red", err=True)
    default_bank()  # fail fast, with every problem listed, if the bank is broken
    try:
        app = create_app()  # fail fast on a bad setting (the secret key, the limits), before anything listens
    except ConfigError as exc:
        fail(str(exc))
    url = app.config.get("DATABASE_URL") or database_url()
    open_database(url).kw["bind"].dispose()  # migrated here, once
    embedded = flag(os.environ.get("MOCKLOOP_EMBEDDED_WORKER", "1"))
    if workers == 1:
        from waitress import serve

        if embedded:
            _embedded_worker(app)
        click.echo(f"mockloop on http://{host}:{port}/ (Ctrl-C to stop)")
        serve(app, host=host, port=port, threads=threads, connection_limit=connection_limit, ident="mockloop")
        return
    del app  # each worker makes its own (no database connection crosses a fork)
    storage = os.environ.get("MOCKLOOP_RATELIMIT_STORAGE_URI", "memory://")
    if storage.startswith("memory"):
        click.secho(f"note: the sign-in limits count in each of the {workers} processes alone (memory://); set "
                    "MOCKLOOP_RATELIMIT_STORAGE_URI=redis://... to share them", err=True)
    _gunicorn(host, port, workers, threads, connection_limit, embedded)


def _embedded_worker(app) -> None:
    """Grading jobs run in this process's own consumer threads, unless MOCKLOOP_EMBEDDED_WORKER=0 (then run
    `mockloop worker` beside it)."""
    from web.extensions import start_embedded_worker

    if start_embedded_worker(app) is not None:
        click.echo("grading jobs run in this process (MOCKLOOP_EMBEDDED_WORKER=0 and `mockloop worker` to separate them)")


def _gunicorn(host: str, port: int, workers: int, threads: int, connection_limit: int, embedded: bool) -> None:
    from simulator.cli.common import fail

    try:
        from gunicorn.app.base import BaseApplication
    except ImportError:  # Windows, or an install without it
        fail("--workers above 1 needs gunicorn, which runs on Linux and other Unix systems (pip install gunicorn); "
             "on this system use --workers 1")

    options = {
        "bind": f"[{host}]:{port}" if ":" in host else f"{host}:{port}",
        "workers": workers,
        "worker_class": "gthread",
        "threads": threads,
        "worker_connections": connection_limit,
        "keepalive": 5,  # a round page saves every 3 s: keep its connection
        "proc_name": "mockloop",
        "secure_scheme_headers": {},  # the scheme behind a proxy comes from MOCKLOOP_TRUSTED_PROXIES, as under waitress
        "errorlog": "-",
        "loglevel": "info",
    }

    class Server(BaseApplication):
        def load_config(self):
            for key, value in options.items():
                self.cfg.set(key, value)
            if "control_socket_disable" in self.cfg.settings:  # gunicorn 25.1+: no socket in ~/.gunicorn, which
                self.cfg.set("control_socket_disable", True)  # a second server on the machine would also claim

        def load(self):
            from web import create_app

            app = create_app()
            if embedded:  # in each worker process, after the fork (threads do not survive one)
                _embedded_worker(app)
            return app

    click.echo(f"mockloop on http://{host}:{port}/ with {workers} gunicorn workers (Ctrl-C to stop)")
    Server().run()
