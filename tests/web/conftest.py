"""Web fixtures: an app over a fresh database (SQLite, then PostgreSQL: the `database` fixture) with the test
bank and a fake clock; clients and helpers."""
from __future__ import annotations

import re

import pytest

from tests.conftest import database_url
from web import create_app

SECRET = "test-secret-key-that-is-long-enough-0123456789"
PASSWORD = "correct horse battery"


def csrf_token(client, path: str = "/") -> str:
    """The page's CSRF token (from the meta tag every page carries)."""
    html = client.get(path).get_data(as_text=True)
    return re.search(r'<meta name="csrf-token" content="([^"]+)"', html).group(1)


def make_app(tmp_path, bank, clock, **extra):
    """An app over the test's database: tmp_path's PostgreSQL schema when the test runs on PostgreSQL (so a
    second app for the same tmp_path is the same database, as a restart is), else SQLite in tmp_path."""
    config = {
        "TESTING": True, "SECRET_KEY": SECRET, "DATABASE_URL": database_url(tmp_path, "web.sqlite3"),
        "BANK": bank, "CLOCK": clock, "PASSWORD_METHOD": "pbkdf2:sha256:1000",
    }
    config.update(extra)
    return create_app(config)


@pytest.fixture
def app(database, tmp_path, bank, clock):
    return make_app(tmp_path, bank, clock)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def multi_app(database, tmp_path, bank, clock):
    return make_app(tmp_path, bank, clock, MULTI_USER=True)


class Api:
    """JSON calls through a test client, with the CSRF header (session) or a bearer token."""

    def __init__(self, client, token: str | None = None):
        self.client = client
        self.token = token
        self._csrf = None

    def headers(self):
        if self.token:
            return {"Authorization": f"Bearer {self.token}"}
        if self._csrf is None:
            self._csrf = csrf_token(self.client)
        return {"X-CSRFToken": self._csrf}

    def call(self, method, path, json=None, status=None):
        response = self.client.open(path, method=method, json=json, headers=self.headers())
        if status is not None:
            assert response.status_code == status, (response.status_code, response.get_data(as_text=True))
        return response

    def get(self, path, status=200):
        return self.call("GET", path, status=status).get_json()

    def post(self, path, json=None, status=200):
        return self.call("POST", path, json=json, status=status).get_json()

    def put(self, path, json=None, status=200):
        return self.call("PUT", path, json=json, status=status).get_json()

    def drill(self, round_type="behavioral", track="research-engineer", **kw):
        """A one-round drill, started: (loop view, round view)."""
        loop = self.post("/api/loops", {"track": track, "round": round_type, "seed": 7, **kw}, status=201)
        rnd = self.post(f"/api/loops/{loop['id']}/next")
        return loop, rnd


@pytest.fixture
def api(client):
    return Api(client)


class AuthActions:
    def __init__(self, client):
        self.client = client

    def register(self, username="alice", password=PASSWORD):
        token = csrf_token(self.client, "/register")
        return self.client.post("/register", data={"csrf_token": token, "username": username,
                                                   "password": password, "confirm": password})

    def login(self, username="alice", password=PASSWORD):
        token = csrf_token(self.client, "/login")
        return self.client.post("/login", data={"csrf_token": token, "username": username, "password": password})

    def logout(self):
        return self.client.post("/logout", data={"csrf_token": csrf_token(self.client)})


@pytest.fixture
def multi_client(multi_app):
    return multi_app.test_client()


@pytest.fixture
def auth(multi_client):
    return AuthActions(multi_client)
