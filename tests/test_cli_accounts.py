"""`mockloop users create` and `mockloop token create|revoke`: a shared server set up by a script, on SQLite and
PostgreSQL, with errors that name the problem and leave nothing half made."""
from __future__ import annotations

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from simulator.accounts import Accounts
from simulator.cli import main
from simulator.storage import open_database
from simulator.storage.db import unit_of_work
from simulator.teams.models import Membership, Team
from tests.conftest import database_url

PASSWORD = "correct horse battery"


@pytest.fixture
def db(database, tmp_path, monkeypatch):
    url = database_url(tmp_path, "cli.sqlite3")
    monkeypatch.setenv("DATABASE_URL", url)
    return url


def run(*args, input=None):
    return CliRunner().invoke(main, list(args), input=input)


def accounts(url) -> Accounts:
    return Accounts(open_database(url))


def test_a_scripted_setup_user_then_token_works_on_the_api(db, tmp_path, bank, clock):
    made = run("users", "create", "Alice", "--password-stdin", input=PASSWORD + "\n")
    assert made.exit_code == 0, made.output
    assert made.output.startswith("created user alice (id ")
    assert accounts(db).authenticate("alice", PASSWORD, "127.0.0.1") is not None

    issued = run("token", "create", "alice")
    assert issued.exit_code == 0, issued.output
    token = issued.stdout.strip()
    assert token.startswith("mlt_") and "\n" not in token  # stdout is the token alone: T=$(mockloop token create x)

    from tests.web.conftest import make_app

    app = make_app(tmp_path, bank, clock, MULTI_USER=True, DATABASE_URL=db)
    headers = {"Authorization": f"Bearer {token}"}
    assert app.test_client().get("/api/loops", headers=headers).status_code == 200

    again = run("token", "create", "alice")
    assert again.exit_code == 0 and "previous token of alice no longer works" in again.stderr
    assert accounts(db).user_for_token(token) is None
    assert accounts(db).user_for_token(again.stdout.strip()) is not None
    revoked = run("token", "revoke", "alice")
    assert revoked.exit_code == 0 and accounts(db).user_for_token(again.stdout.strip()) is None


def test_errors_name_the_problem(db):
    assert run("users", "create", "alice", "--password-stdin", input=PASSWORD + "\n").exit_code == 0
    taken = run("users", "create", "ALICE", "--password-stdin", input=PASSWORD + "\n")
    assert taken.exit_code == 1 and "user 'alice' exists" in taken.output

    weak = run("users", "create", "bob", "--password-stdin", input="short\n")
    assert weak.exit_code == 1 and "weak password: Passwords need at least 10 characters" in weak.output
    empty = run("users", "create", "bob", "--password-stdin", input="")
    assert empty.exit_code == 1 and "no password on standard input" in empty.output
    bad = run("users", "create", "b", "--no-password")
    assert bad.exit_code == 1 and "Usernames are 3 to 40" in bad.output
    reserved = run("users", "create", "admin", "--no-password")
    assert reserved.exit_code == 1 and "reserved" in reserved.output
    unasked = run("users", "create", "bob", input="")  # not a terminal, and no way of giving a password chosen
    assert unasked.exit_code == 1 and "--password-stdin" in unasked.output

    unknown = run("token", "create", "nobody")
    assert unknown.exit_code == 1 and "unknown user 'nobody'" in unknown.output
    assert run("token", "revoke", "nobody").exit_code == 1
    assert accounts(db).user_id("bob") is None  # none of the refusals made anyone
    for result in (taken, weak, empty, bad, reserved, unasked, unknown):
        assert result.exception is None or isinstance(result.exception, SystemExit)  # no traceback


def test_a_password_with_spaces_and_a_windows_line_end_is_taken_as_typed(db):
    assert run("users", "create", "carol", "--password-stdin", input=" spaced  password \r\n").exit_code == 0
    assert accounts(db).authenticate("carol", " spaced  password ", "127.0.0.1") is not None


def test_an_account_without_a_password_only_uses_a_token(db):
    made = run("users", "create", "ci-bot", "--no-password")
    assert made.exit_code == 0 and "without a password" in made.output
    assert accounts(db).authenticate("ci-bot", "", "127.0.0.1") is None
    token = run("token", "create", "ci-bot").stdout.strip()
    assert accounts(db).user_for_token(token) == accounts(db).user_id("ci-bot")


def test_team_admin_and_members(db):
    lead = run("users", "create", "lead", "--password-stdin", "--new-team", "Acme Research", input=PASSWORD + "\n")
    assert lead.exit_code == 0 and "created team 'Acme Research' with lead as its admin" in lead.output
    with unit_of_work(open_database(db)) as s:
        team = s.scalar(select(Team))
        assert team.slug == "acme-research"
        slug, team_id = team.slug, team.id
    assert run("users", "create", "ivan", "--no-password", "--team", slug).exit_code == 0
    assert run("users", "create", "ada", "--no-password", "--team", str(team_id), "--role", "admin").exit_code == 0
    with unit_of_work(open_database(db)) as s:
        roles = {m.user_id: m.role for m in s.scalars(select(Membership).where(Membership.team_id == team_id))}
    acc = accounts(db)
    assert roles == {acc.user_id("lead"): "admin", acc.user_id("ivan"): "interviewer", acc.user_id("ada"): "admin"}

    missing = run("users", "create", "zoe", "--no-password", "--team", "no-such-team")
    assert missing.exit_code == 1 and "unknown team 'no-such-team'" in missing.output
    assert acc.user_id("zoe") is None  # the user is not made when the team is unknown
    both = run("users", "create", "zoe", "--no-password", "--team", slug, "--new-team", "Other")
    assert both.exit_code == 1 and "exclude each other" in both.output
