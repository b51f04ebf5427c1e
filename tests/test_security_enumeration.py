"""Usernames do not leak through sign-in timing, and registration leaks only the unavoidable "taken", slowly."""
from __future__ import annotations

import time

import pytest

import simulator.accounts as accounts_module
from simulator.accounts import AccountError, Accounts, LoginLimit, RateLimited

PW = "correct horse battery"


def _methods_checked(monkeypatch) -> list[str]:
    seen: list[str] = []
    real = accounts_module.check_password_hash

    def spy(stored, password):
        seen.append(stored.split("$", 1)[0])
        return real(stored, password)

    monkeypatch.setattr(accounts_module, "check_password_hash", spy)
    return seen


@pytest.mark.parametrize("method", ["scrypt", "pbkdf2:sha256:600000"])
def test_an_unknown_username_costs_the_same_hashing_as_a_wrong_password(sessions, clock, monkeypatch, method):
    accounts = Accounts(sessions, clock, password_method=method)
    accounts.register("alice", PW)
    seen = _methods_checked(monkeypatch)
    assert accounts.authenticate("alice", "wrong password!", "ip") is None
    assert accounts.authenticate("nobody-here", "wrong password!", "ip") is None
    assert len(seen) == 2 and seen[0] == seen[1]  # the same method and cost both times
    assert seen[0].split(":")[0] == method.split(":")[0]


@pytest.mark.bench  # wall-clock: runs with `make bench`; the hashing-cost test above is the deterministic check
def test_sign_in_time_does_not_tell_whether_the_user_exists(sessions, clock):
    accounts = Accounts(sessions, clock, limit=LoginLimit(failures=100))  # scrypt, as deployed
    accounts.register("alice", PW)
    accounts.authenticate("nobody", "warm up", "ip")

    def fastest(name):
        times = []
        for _ in range(3):
            t0 = time.perf_counter()
            accounts.authenticate(name, "wrong password!", "ip")
            times.append(time.perf_counter() - t0)
        return min(times)

    known, unknown = fastest("alice"), fastest("nobody")
    assert unknown >= 0.4 * known, (known, unknown)  # before: ~1 ms against scrypt's tens of ms


def test_taken_names_are_refused_slowly_in_bulk(sessions, clock):
    accounts = Accounts(sessions, clock, register_limit=LoginLimit(failures=3, window_s=900),
                        password_method="pbkdf2:sha256:1000")
    accounts.register("alice", PW, "10.0.0.1")
    for _ in range(3):
        with pytest.raises(AccountError, match="taken"):
            accounts.register("alice", PW, "10.0.0.1")
    with pytest.raises(RateLimited):
        accounts.register("bob", PW, "10.0.0.1")  # this address tested too many names
    assert accounts.register("bob", PW, "10.0.0.2")  # another address is not limited
    clock.advance(901)
    assert accounts.register("carol", PW, "10.0.0.1")


def test_registration_hashes_the_password_even_for_a_taken_name(sessions, clock, monkeypatch):
    accounts = Accounts(sessions, clock, password_method="pbkdf2:sha256:1000")
    accounts.register("alice", PW)
    calls = []
    real = accounts_module.generate_password_hash
    monkeypatch.setattr(accounts_module, "generate_password_hash", lambda *a, **k: calls.append(1) or real(*a, **k))
    with pytest.raises(AccountError):
        accounts.register("alice", PW)
    assert calls  # the same work as a successful registration, before the lookup


def test_a_pending_invitation_is_not_allocated_work_nor_shown(sessions):
    from simulator import teams
    from simulator.teams import workspace
    from tests.test_teams_support import team_question, team_rubric, user

    with sessions() as s:
        admin, bob, carol = user(s, "ann"), user(s, "bob"), user(s, "carol")
        t = teams.create_team(s, "Acme", admin).id
        teams.add_member(s, t, admin, carol)
        workspace.invite_member(s, t, admin, "bob")
        assert workspace.invite_member(s, t, admin, "no-such-user") is None  # the same (nothing) either way
        teams.save_rubric(s, t, admin, team_rubric())
        teams.save_question(s, t, admin, team_question())
        set_id = teams.create_set(s, t, admin, "round").id
        teams.add_shared_answer(s, t, admin, set_id, question_id="acme-q1", text="An answer.", author_user_id=admin,
                                consent=True)
        result = teams.allocate(s, t, admin, set_id, n=1)
        assert bob not in {g for _, g in result.created} and bob not in result.load
        assert [m["username"] for m in teams.list_members(s, t, admin)] == ["ann", "carol"]
        with pytest.raises(teams.Forbidden):
            teams.require_member(s, t, bob)
        with pytest.raises(teams.NotFound):  # nor can the admin act on the invitee by id
            teams.set_role(s, t, admin, bob, "admin")
        workspace.accept_invitation(s, t, bob)
        assert teams.require_member(s, t, bob).role == "interviewer"
