"""simulator.accounts: hashed passwords, hashed tokens, the login rate limit on an injected clock."""
import pytest
from sqlalchemy import select

from simulator.accounts import AccountError, Accounts, LoginLimit, RateLimited, check_password, hash_password
from simulator.storage.models import User

PW = "correct horse battery"


@pytest.fixture
def accounts(sessions, clock):
    return Accounts(sessions, clock, password_method="pbkdf2:sha256:1000")


def test_passwords_are_stored_hashed_and_checked(accounts, sessions):
    uid = accounts.register("Alice", PW)
    with sessions() as s:
        user = s.get(User, uid)
    assert user.username == "alice" and user.password_hash != PW and PW not in user.password_hash
    assert accounts.authenticate("alice", PW, "1.2.3.4") == uid
    assert accounts.authenticate("ALICE", PW, "1.2.3.4") == uid
    assert accounts.authenticate("alice", "wrong password!", "1.2.3.4") is None
    assert accounts.authenticate("nobody", PW, "1.2.3.4") is None


def test_default_hash_is_scrypt():
    stored = hash_password(PW)
    assert stored.startswith("scrypt:") and check_password(stored, PW) and not check_password(stored, "nope")
    assert not check_password(None, PW)


@pytest.mark.parametrize("username,password,field", [
    ("ab", PW, "username"), ("has space", PW, "username"), ("local", PW, "username"),
    ("bob", "short", "password"), ("bob", "x" * 2000, "password"),
])
def test_bad_registrations_name_the_field(accounts, username, password, field):
    with pytest.raises(AccountError) as info:
        accounts.register(username, password)
    assert info.value.field == field


def test_usernames_are_unique_case_insensitively(accounts):
    accounts.register("bob", PW)
    with pytest.raises(AccountError, match="taken"):
        accounts.register("BOB", PW)


def test_five_failures_lock_the_username_and_address_for_the_window(sessions, clock):
    accounts = Accounts(sessions, clock, limit=LoginLimit(failures=5, window_s=900), password_method="pbkdf2:sha256:1000")
    uid = accounts.register("carol", PW)
    for _ in range(5):
        assert accounts.authenticate("carol", "bad guess 123", "10.0.0.1") is None
    with pytest.raises(RateLimited) as info:
        accounts.authenticate("carol", PW, "10.0.0.1")  # even the right password is refused while locked
    assert 0 < info.value.retry_after_s <= 900
    assert accounts.authenticate("carol", PW, "10.0.0.2") == uid  # another address is not locked
    clock.advance(901)
    assert accounts.authenticate("carol", PW, "10.0.0.1") == uid


def test_success_clears_the_failures(accounts):
    uid = accounts.register("dave", PW)
    for _ in range(4):
        accounts.authenticate("dave", "bad guess 123", "ip")
    assert accounts.authenticate("dave", PW, "ip") == uid
    for _ in range(4):
        accounts.authenticate("dave", "bad guess 123", "ip")
    assert accounts.authenticate("dave", PW, "ip") == uid


def test_tokens_are_stored_hashed_and_replaced(accounts, sessions):
    uid = accounts.register("erin", PW)
    assert not accounts.has_token(uid)
    token = accounts.create_token(uid)
    with sessions() as s:
        stored = s.scalar(select(User.api_token_hash).where(User.id == uid))
    assert token not in stored and stored.startswith("sha256:")
    assert accounts.user_for_token(token) == uid and accounts.has_token(uid)
    newer = accounts.create_token(uid)
    assert accounts.user_for_token(token) is None and accounts.user_for_token(newer) == uid
    accounts.revoke_token(uid)
    assert accounts.user_for_token(newer) is None
    assert accounts.user_for_token("") is None and accounts.user_for_token("garbage") is None


def test_the_login_failures_migration_goes_both_ways(tmp_path):
    from sqlalchemy import inspect

    from simulator.storage import open_database
    from simulator.storage.db import current_revision, make_engine, upgrade

    url = f"sqlite:///{tmp_path / 'mig.sqlite3'}"
    open_database(url)
    engine = make_engine(url)
    assert "login_failures" in inspect(engine).get_table_names()
    from alembic import command

    from simulator.storage.db import alembic_config

    command.downgrade(alembic_config(engine), "0001")
    assert current_revision(engine) == "0001"
    assert "login_failures" not in inspect(make_engine(url)).get_table_names()
    upgrade(engine)
    assert "login_failures" in inspect(make_engine(url)).get_table_names()


def test_token_cache_forgets_replaced_and_revoked_tokens_at_once(sessions, clock):
    accounts = Accounts(sessions, clock, password_method="pbkdf2:sha256:1000", token_cache_s=60)
    uid = accounts.register("frank", PW)
    token = accounts.create_token(uid)
    assert accounts.user_for_token(token) == uid
    assert accounts.user_for_token(token) == uid  # from the cache
    newer = accounts.create_token(uid)
    assert accounts.user_for_token(token) is None and accounts.user_for_token(newer) == uid
    accounts.revoke_token(uid)
    assert accounts.user_for_token(newer) is None


def test_token_cache_expires_for_changes_made_elsewhere(sessions, clock):
    here = Accounts(sessions, clock, password_method="pbkdf2:sha256:1000", token_cache_s=5)
    elsewhere = Accounts(sessions, clock, password_method="pbkdf2:sha256:1000")  # another server process
    uid = here.register("gina", PW)
    token = here.create_token(uid)
    assert here.user_for_token(token) == uid
    elsewhere.revoke_token(uid)
    assert here.user_for_token(token) == uid  # still cached here...
    later = here._monotonic() + 6
    here._monotonic = lambda: later
    assert here.user_for_token(token) is None  # ...for at most token_cache_s


def test_changing_the_password_needs_the_current_one_and_ends_every_session(accounts, sessions):
    uid = accounts.register("alice", PW)
    before = accounts.session_state(uid)[1]
    with pytest.raises(AccountError) as wrong:
        accounts.change_password(uid, "not the password", "a brand new password")
    assert wrong.value.field == "current_password"
    with pytest.raises(AccountError) as short:
        accounts.change_password(uid, PW, "short")
    assert short.value.field == "new_password"
    assert accounts.session_state(uid)[1] == before and accounts.authenticate("alice", PW, "ip") == uid  # unchanged
    generation = accounts.change_password(uid, PW, "a brand new password")
    assert generation == accounts.session_state(uid)[1] == before + 1
    assert accounts.authenticate("alice", PW, "ip") is None
    assert accounts.authenticate("alice", "a brand new password", "ip") == uid
