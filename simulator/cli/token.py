"""`mockloop token create|revoke USERNAME`: API tokens for scripts, made by the operator."""
from __future__ import annotations

import click

from simulator.cli.common import clean_errors


@click.group(name="token")
def command() -> None:
    """API tokens (Authorization: Bearer ...) on the configured database."""


def _user(username: str):
    from simulator.accounts import Accounts
    from simulator.cli.common import fail
    from simulator.config import database_url
    from simulator.storage import open_database

    accounts = Accounts(open_database(database_url()))
    user_id = accounts.user_id(username)
    if user_id is None:
        fail(f"unknown user {username!r} (mockloop users create {username} makes one)")
    return accounts, user_id


@command.command(name="create")
@click.argument("username")
@clean_errors
def create(username: str) -> None:
    """Print a new API token for USERNAME on standard output (only its hash is stored).

    A user has one token: a new one replaces the old, which running servers stop accepting within
    MOCKLOOP_TOKEN_CACHE_S seconds (10 by default)."""
    accounts, user_id = _user(username)
    replaced = accounts.has_token(user_id)
    click.echo(accounts.create_token(user_id))
    if replaced:
        click.echo(f"mockloop: the previous token of {username} no longer works", err=True)


@command.command(name="revoke")
@click.argument("username")
@clean_errors
def revoke(username: str) -> None:
    """Revoke USERNAME's API token."""
    accounts, user_id = _user(username)
    had = accounts.has_token(user_id)
    accounts.revoke_token(user_id)
    click.echo(f"revoked the API token of {username}" if had else f"{username} had no API token")
