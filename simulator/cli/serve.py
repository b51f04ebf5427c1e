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
@clean_errors
def command(host: str, port: int, threads: int, connection_limit: int) -> None:
    """Serve the web app (SQLite in the data folder unless DATABASE_URL is set)."""
    from waitress import serve

    from simulator.bank import default_bank
    from web import create_app

    default_bank()  # fail fast, with every problem listed, if the bank is broken
    app = create_app()
    click.echo(f"mockloop on http://{host}:{port}/ (Ctrl-C to stop)")
    serve(app, host=host, port=port, threads=threads, connection_limit=connection_limit, ident="mockloop")
