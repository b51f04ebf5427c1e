"""Sign-in and registration under abuse (Flask-Limiter): per client address, per account and for the whole server;
the limits are configuration. Time moves on an injected clock (the memory storage's), never by sleeping."""
from __future__ import annotations

import time

import pytest

import simulator.bank
from tests.conftest import require_redis
from tests.factories import make_bank
from tests.web.conftest import PASSWORD, AuthActions, csrf_token, make_app
from web import create_app
from web.config import ConfigError
from web.extensions import accounts


class LimiterClock:
    """Stands in for the `time` module of Flask-Limiter's memory storage, which measures every window."""

    def __init__(self):
        self.now = time.time()

    def time(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def limiter_clock(monkeypatch):
    import limits.storage.memory

    clock = LimiterClock()
    monkeypatch.setattr(limits.storage.memory, "time", clock)
    return clock


def users(app, names):
    with app.app_context():
        for name in names:
            accounts().create_user(name, PASSWORD)


def attempt(app, username, password="Winter2025!x", address="203.0.113.7"):
    """One sign-in from `address` with a fresh client (a spraying script keeps no cookies it does not need)."""
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    token = csrf_token(client, "/login")
    return client.post("/login", data={"csrf_token": token, "username": username, "password": password})


def register(app, username, address="203.0.113.7"):
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    token = csrf_token(client, "/register")
    return client.post("/register", data={"csrf_token": token, "username": username,
                                          "password": PASSWORD, "confirm": PASSWORD})


def test_a_password_sprayed_over_many_accounts_from_one_address_gets_429(multi_app, limiter_clock):
    """One password tried once on each of 30 accounts: the database's throttle (per username and address) never
    fires, the per-address limit (20 per minute by default) does."""
    names = [f"user{i:02d}" for i in range(30)]
    users(multi_app, names)
    answers = [attempt(multi_app, name) for name in names[:21]]
    assert [r.status_code for r in answers[:20]] == [401] * 20
    refused = answers[20]
    assert refused.status_code == 429
    assert "Too many attempts from this address" in refused.get_data(as_text=True)
    assert int(refused.headers["Retry-After"]) >= 0
    assert attempt(multi_app, "user00", PASSWORD).status_code == 429  # the right password does not get through
    assert attempt(multi_app, "user21", PASSWORD, address="198.51.100.9").status_code == 302  # others can sign in

    limiter_clock.advance(61)  # the minute is over (and 100 per hour is not reached)
    assert attempt(multi_app, "user22").status_code == 401
    assert attempt(multi_app, "user23", PASSWORD).status_code == 302


def test_guessing_one_account_from_many_addresses_gets_429(multi_app, limiter_clock):
    users(multi_app, ["alice"])
    for i in range(10):
        assert attempt(multi_app, "alice", address=f"192.0.2.{i}").status_code == 401
    refused = attempt(multi_app, "Alice ", PASSWORD, address="192.0.2.200")  # the name as sign-in normalises it
    assert refused.status_code == 429 and "Too many wrong passwords for this account" in refused.get_data(as_text=True)
    assert attempt(multi_app, "bob", address="192.0.2.201").status_code == 401  # other accounts are not locked
    limiter_clock.advance(15 * 60 + 1)
    assert attempt(multi_app, "alice", PASSWORD, address="192.0.2.200").status_code == 302


def test_only_wrong_passwords_count_against_an_account(multi_app, limiter_clock):
    users(multi_app, ["alice"])
    for i in range(15):
        assert attempt(multi_app, "alice", PASSWORD, address=f"192.0.2.{i}").status_code == 302


def test_registration_is_limited_per_address(multi_app, limiter_clock):
    for i in range(20):  # 20 per hour by default
        assert register(multi_app, f"newcomer{i:02d}").status_code == 302
    refused = register(multi_app, "newcomer20")
    assert refused.status_code == 429 and "Too many attempts from this address" in refused.get_data(as_text=True)
    assert register(multi_app, "newcomer21", address="198.51.100.9").status_code == 302
    limiter_clock.advance(3601)
    assert register(multi_app, "newcomer22").status_code == 302


def test_the_global_limit_holds_whatever_the_addresses(tmp_path, bank, clock, limiter_clock):
    app = make_app(tmp_path, bank, clock, MULTI_USER=True, AUTH_LIMIT_GLOBAL="6 per minute")
    users(app, ["alice"])
    for i in range(3):
        assert attempt(app, f"ghost{i}", address=f"192.0.2.{i}").status_code == 401
    for i in range(3):
        assert register(app, f"newcomer{i}", address=f"198.51.100.{i}").status_code == 302
    refused = attempt(app, "alice", PASSWORD, address="203.0.113.50")
    assert refused.status_code == 429 and "too many sign-ins and registrations" in refused.get_data(as_text=True)
    assert register(app, "late", address="203.0.113.51").status_code == 429
    limiter_clock.advance(61)
    assert attempt(app, "alice", PASSWORD, address="203.0.113.50").status_code == 302


def test_pages_and_other_posts_are_not_counted(tmp_path, bank, clock, limiter_clock):
    app = make_app(tmp_path, bank, clock, MULTI_USER=True, AUTH_LIMIT_GLOBAL="2 per minute",
                   SIGNIN_LIMIT_PER_ADDRESS="2 per minute")
    client = app.test_client()
    auth = AuthActions(client)
    assert auth.register().status_code == 302
    for _ in range(5):
        assert client.get("/login").status_code == 200
        assert auth.logout().status_code == 302
        assert client.get("/healthz").status_code == 200
    assert auth.login().status_code == 302


def test_limits_come_from_the_configuration(tmp_path, bank, clock, limiter_clock):
    strict = make_app(tmp_path, bank, clock, MULTI_USER=True, SIGNIN_LIMIT_PER_ADDRESS="2 per minute")
    assert [attempt(strict, f"ghost{i}").status_code for i in range(3)] == [401, 401, 429]
    off = make_app(tmp_path, bank, clock, MULTI_USER=True, SIGNIN_LIMIT_PER_ADDRESS="", AUTH_LIMIT_GLOBAL="")
    assert {attempt(off, f"ghost{i:02d}").status_code for i in range(25)} == {401}
    with pytest.raises(ConfigError, match="MOCKLOOP_SIGNIN_LIMIT_PER_ADDRESS='lots' is not a rate limit"):
        make_app(tmp_path, bank, clock, MULTI_USER=True, SIGNIN_LIMIT_PER_ADDRESS="lots")


def test_limits_and_storage_from_the_environment(tmp_path, monkeypatch, limiter_clock):
    monkeypatch.setattr(simulator.bank, "_DEFAULT", make_bank())
    for name, value in {"MULTI_USER": "1", "SECRET_KEY": "s" * 40, "PASSWORD_METHOD": "pbkdf2:sha256:1000",
                        "REGISTER_LIMIT_PER_ADDRESS": "2 per hour", "RATELIMIT_STORAGE_URI": "memory://"}.items():
        monkeypatch.setenv(f"MOCKLOOP_{name}", value)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'env.sqlite3'}")
    app = create_app()
    assert app.config["REGISTER_LIMIT_PER_ADDRESS"] == "2 per hour"
    assert type(app.extensions["mockloop"]["limiter"].storage).__name__ == "MemoryStorage"
    assert [register(app, f"newcomer{i}").status_code for i in range(3)] == [302, 302, 429]


def test_an_unusable_storage_is_refused_at_start(tmp_path, bank, clock):
    with pytest.raises(ConfigError, match="MOCKLOOP_RATELIMIT_STORAGE_URI='nope://x' cannot be used"):
        make_app(tmp_path, bank, clock, MULTI_USER=True, RATELIMIT_STORAGE_URI="nope://x")


def test_an_unreachable_redis_falls_back_to_limits_in_memory(tmp_path, bank, clock, limiter_clock):
    pytest.importorskip("redis", reason="the redis client (pip install 'mockloop[redis]'; the test extra has it)")
    app = make_app(tmp_path, bank, clock, MULTI_USER=True, RATELIMIT_STORAGE_URI="redis://127.0.0.1:1",
                   SIGNIN_LIMIT_PER_ADDRESS="2 per minute")  # nothing listens on port 1: refused at once
    assert [attempt(app, f"ghost{i}").status_code for i in range(3)] == [401, 401, 429]


def test_processes_share_the_counts_in_redis(tmp_path, bank, clock):
    """Two apps (as two server processes) on one Redis count together. Needs MOCKLOOP_TEST_REDIS_URL (e.g.
    redis://127.0.0.1:6379/15; .ci/redis starts one): skipped without it, failed without it in CI."""
    import uuid

    url = require_redis()
    settings = dict(MULTI_USER=True, RATELIMIT_STORAGE_URI=url, RATELIMIT_KEY_PREFIX=f"test-{uuid.uuid4().hex}",
                    SIGNIN_LIMIT_PER_ADDRESS="3 per minute")
    first = make_app(tmp_path, bank, clock, **settings)
    second = make_app(tmp_path, bank, clock, **settings)
    codes = [attempt(app, f"ghost{i}").status_code for i, app in enumerate([first, second, first, second])]
    assert codes == [401, 401, 401, 429]
