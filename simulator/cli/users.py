"""`mockloop users create`: accounts for scripted setups (a team server's first admin, a cohort's candidates)."""
from __future__ import annotations

import click

from simulator.cli.common import clean_errors


@click.group(name="users")
def command() -> None:
    """Accounts on the configured database (DATABASE_URL, else SQLite in the data folder)."""


def _read_password(password_stdin: bool, no_password: bool) -> str | None:
    import sys

    from simulator.cli.common import fail

    if password_stdin and no_password:
        fail("--password-stdin and --no-password exclude each other")
    if no_password:
        return None
    if password_stdin:
        line = sys.stdin.readline()
        password = line[:-1] if line.endswith("\n") else line
        password = password[:-1] if password.endswith("\r") else password
        if not password:
            fail("no password on standard input (send it as the first line, e.g. printf '%s\\n' \"$PW\" | ...)")
        return password
    if not sys.stdin.isatty():
        fail("no password given: send it on standard input with --password-stdin, or pass --no-password "
             "for an account that only uses an API token")
    return click.prompt("Password", hide_input=True, confirmation_prompt=True, err=True)


@command.command(name="create")
@click.argument("username")
@click.option("--password-stdin", is_flag=True, help="Read the password from the first line of standard input.")
@click.option("--no-password", is_flag=True,
              help="No password: the account cannot sign in, only use an API token (mockloop token create).")
@click.option("--team", "team", metavar="TEAM", help="Add the user to this existing team (its slug or id).")
@click.option("--role", type=click.Choice(["admin", "interviewer"]), default="interviewer", show_default=True,
              help="The role in --team.")
@click.option("--new-team", metavar="NAME", help="Create a team named NAME with the user as its first admin.")
@clean_errors
def create(username: str, password_stdin: bool, no_password: bool, team: str | None, role: str,
           new_team: str | None) -> None:
    """Create the account USERNAME; without --password-stdin or --no-password the password is asked for.

    Teams have admins and interviewers; there is no server-wide admin. A team joined here is joined at once (an
    operator's act), not by an invitation. Nothing is created if any part fails (a taken name, an unknown team)."""
    from simulator.accounts import AccountError
    from simulator.cli.common import fail

    if team and new_team:
        fail("--team and --new-team exclude each other (join one team, or create one)")
    password = _read_password(password_stdin, no_password)
    accounts = _accounts()

    def join(session, user_id: int) -> None:
        if new_team:
            from simulator.teams.workspace import check_name, create_team

            check_name(new_team, "--new-team")
            create_team(session, new_team, user_id, now=accounts.clock.now())
        elif team:
            _join(session, team, user_id, role, accounts.clock.now())

    try:
        user_id = accounts.create_user(username, password, then=join)
    except AccountError as exc:
        if exc.field == "password":
            fail(f"weak password: {exc.message}")
        fail(exc.message)
    name = accounts.username(user_id)
    click.echo(f"created user {name} (id {user_id})" + ("" if password is not None else ", without a password"))
    if team:
        click.echo(f"added {name} to team {team} as {role}")
    if new_team:
        click.echo(f"created team {new_team!r} with {name} as its admin")


def _accounts():
    from simulator.accounts import Accounts
    from simulator.config import database_url
    from simulator.storage import open_database

    return Accounts(open_database(database_url()))


def _join(session, team: str, user_id: int, role: str, now) -> None:
    from sqlalchemy import select

    from simulator.teams.models import Membership, Team

    found = session.scalar(select(Team).where(Team.slug == team.strip().lower()))
    if found is None and team.strip().isdigit():
        found = session.get(Team, int(team))
    if found is None:
        raise LookupError(f"unknown team {team!r} (give its slug or id; --new-team creates one)")
    session.add(Membership(team_id=found.id, user_id=user_id, role=role, created_at=now))
    session.flush()
