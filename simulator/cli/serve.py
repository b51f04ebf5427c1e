"""`mockloop serve`: the web app under waitress, a production WSGI server."""
from __future__ import annotations

import click

from simulator.cli.common import clean_errors


@click.command(name="serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on.")
@click.option("--port", default=5000, show_default=True, type=int, help="Port to listen on.")
@click.option("--threads", default=8, show_default=True, type=int, help="Worker threads.")
@click.option("--connection-limit", default=1000, show_default=True, type=int,
              help="Open connections accepted at once (each open round page keeps one alive).")
@click.option("--allow-network", is_flag=True,
              help="Single-user mode only: listen beyond this machine anyway (anyone who can reach it becomes the one user).")
@clean_errors
def command(host: str, port: int, threads: int, connection_limit: int, allow_network: bool) -> None:
    """Serve the web app (SQLite in the data folder unless DATABASE_URL is set)."""
    import os

    from waitress import serve

    from simulator.bank import default_bank
    from simulator.cli.common import fail
    from web import create_app
    from web.config import flag

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
    app = create_app()
    click.echo(f"mockloop on http://{host}:{port}/ (Ctrl-C to stop)")
    serve(app, host=host, port=port, threads=threads, connection_limit=connection_limit, ident="mockloop")
