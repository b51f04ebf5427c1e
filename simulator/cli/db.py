"""`mockloop db upgrade|current`: Alembic migrations for the configured database."""
from __future__ import annotations

import click

from simulator.cli.common import clean_errors


@click.group(name="db")
def command() -> None:
    """Database maintenance. The database is DATABASE_URL, else SQLite in the data folder."""


@command.command(name="upgrade")
@click.option("--revision", default="head", show_default=True, help="Target revision.")
@clean_errors
def upgrade(revision: str) -> None:
    """Apply migrations up to REVISION."""
    from simulator.config import database_url
    from simulator.storage.db import current_revision, make_engine, upgrade as run_upgrade

    engine = make_engine(database_url())
    run_upgrade(engine, revision)
    click.echo(f"database at revision {current_revision(engine)}")


@command.command(name="current")
@clean_errors
def current() -> None:
    """Print the database's current revision."""
    from simulator.config import database_url
    from simulator.storage.db import current_revision, make_engine

    click.echo(current_revision(make_engine(database_url())) or "empty (run: mockloop db upgrade)")
