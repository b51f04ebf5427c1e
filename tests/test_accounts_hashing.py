"""Password hashing never runs inside a database transaction: while a hash is made or checked, another connection
can take SQLite's write lock at once (an autosave is not held up for ~100 ms per sign-in) and no connection is
checked out of the pool. Deterministic: the check runs inside the hashing call itself, nothing is timed."""
from __future__ import annotations

import sqlite3

import pytest

import simulator.accounts
from simulator.accounts import AccountError, Accounts
from simulator.storage import open_database
from simulator.storage.db import unit_of_work

PASSWORD = "correct horse battery"
METHOD = "pbkdf2:sha256:1000"


def write_lock_free(path) -> bool:
    """Whether a writer could start now (BEGIN IMMEDIATE without waiting)."""
    conn = sqlite3.connect(path, timeout=0, isolation_level=None)
    try:
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("ROLLBACK")
        return True
    except sqlite3.OperationalError as exc:
        assert "locked" in str(exc)
        return False
    finally:
        conn.close()


@pytest.fixture
def setup(tmp_path, monkeypatch):
    """Accounts on a SQLite file, with every hash call recording whether the database was free meanwhile."""
    path = tmp_path / "accounts.sqlite3"
    sessions = open_database(f"sqlite:///{path}")
    engine = sessions.kw["bind"]
    seen: list[tuple[str, bool, int]] = []  # (which call, write lock free, connections checked out)

    def watch(name, real):
        def hashing(*args, **kwargs):
            seen.append((name, write_lock_free(path), engine.pool.checkedout()))
            return real(*args, **kwargs)
        return hashing

    monkeypatch.setattr(simulator.accounts, "check_password_hash",
                        watch("check", simulator.accounts.check_password_hash))
    monkeypatch.setattr(simulator.accounts, "generate_password_hash",
                        watch("generate", simulator.accounts.generate_password_hash))
    monkeypatch.setattr(simulator.accounts, "_DUMMY_HASHES", {})
    return Accounts(sessions, password_method=METHOD), sessions, path, seen


def test_the_probe_sees_a_held_write_lock(setup):
    _, sessions, path, _ = setup
    with unit_of_work(sessions):
        assert not write_lock_free(path)
    assert write_lock_free(path)


def test_no_hash_runs_inside_a_transaction(setup):
    accounts, _, _, seen = setup
    uid = accounts.register("alice", PASSWORD, "192.0.2.1")
    with pytest.raises(AccountError):
        accounts.register("alice", PASSWORD, "192.0.2.1")  # taken: hashed all the same (same time either way)
    assert accounts.authenticate("alice", PASSWORD, "192.0.2.1") == uid
    assert accounts.authenticate("alice", "a wrong password", "192.0.2.1") is None
    assert accounts.authenticate("nobody", PASSWORD, "192.0.2.1") is None  # the dummy hash
    with pytest.raises(AccountError):
        accounts.change_password(uid, "a wrong password", "another good password")
    accounts.change_password(uid, PASSWORD, "another good password")
    accounts.create_user("bob", PASSWORD)
    kinds = [name for name, _, _ in seen]
    assert kinds.count("check") >= 5 and kinds.count("generate") >= 4
    assert [s for s in seen if not s[1] or s[2]] == []  # every hash: write lock free, no connection held


def test_a_password_changed_while_a_sign_in_was_hashing_does_not_let_the_old_one_in(setup):
    accounts, sessions, _, _ = setup
    uid = accounts.register("alice", PASSWORD, "192.0.2.1")
    real = simulator.accounts.check_password_hash

    def change_meanwhile(stored, password):
        result = real(stored, password)
        simulator.accounts.check_password_hash = real
        accounts.change_password(uid, PASSWORD, "a brand new password")  # between the read and the write
        return result

    simulator.accounts.check_password_hash = change_meanwhile
    assert accounts.authenticate("alice", PASSWORD, "192.0.2.1") is None
    assert accounts.authenticate("alice", "a brand new password", "192.0.2.1") == uid
