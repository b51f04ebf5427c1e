import os
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import sessionmaker
from sqlalchemy.pool import NullPool

from simulator.clock import FakeClock
from simulator.engine import LoopService
from simulator.storage.db import make_engine
import simulator.teams.models  # noqa: F401  (every table on Base, as the migrations have them)
import simulator.peers.models  # noqa: F401  (the peer-review tables too)
from simulator.storage.models import Base
from tests.factories import make_bank


def require_system(component: str, present: bool, why: str) -> None:
    """Skip a test that needs a system component, unless CI demands every component."""
    if present:
        return
    message = f"{component} is not installed: {why}"
    if os.environ.get("MOCKLOOP_REQUIRE_SYSTEM") == "1":
        pytest.fail(message + " (MOCKLOOP_REQUIRE_SYSTEM=1 turns this skip into a failure)")
    pytest.skip(message)


@pytest.fixture(autouse=True)
def _isolated_data_dir(tmp_path, monkeypatch):
    """No test touches the user's real data folder or database."""
    monkeypatch.setenv("MOCKLOOP_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)


@pytest.fixture
def bank():
    return make_bank()


@pytest.fixture
def clock():
    return FakeClock()


# ---- the databases: every test that takes `database` (directly, or through `sessions` or the web `app`)
# runs twice, on SQLite and on PostgreSQL --------------------------------------------------------------
POSTGRES_ENV = "MOCKLOOP_TEST_POSTGRES_URL"  # e.g. postgresql+psycopg://postgres@127.0.0.1:5432/mockloop_test
_postgres_checked: tuple[bool, str] | None = None  # (reachable, why not): asked once per test run
_postgres_for: dict[Path, str] = {}  # tmp_path -> the URL of its PostgreSQL schema, while its test runs


def require_postgres() -> str:
    """The server's URL from MOCKLOOP_TEST_POSTGRES_URL. Skips the test when it is unset or unreachable,
    unless MOCKLOOP_REQUIRE_SYSTEM=1 (CI, whose .ci/run starts a server), where that is a failure."""
    global _postgres_checked
    url = os.environ.get(POSTGRES_ENV, "")
    if _postgres_checked is None:
        _postgres_checked = _check_postgres(url)
    reachable, why = _postgres_checked
    if reachable:
        return url
    if os.environ.get("MOCKLOOP_REQUIRE_SYSTEM") == "1":
        pytest.fail(f"PostgreSQL is required (MOCKLOOP_REQUIRE_SYSTEM=1) but {why}")
    pytest.skip(f"{_POSTGRES_SKIP}{why}")


_POSTGRES_SKIP = "the PostgreSQL half of the database tests is skipped: "


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """Every PostgreSQL skip is reported at one place, so the summary folds them into one line."""
    report = yield
    if report.skipped and isinstance(report.longrepr, tuple) and _POSTGRES_SKIP in str(report.longrepr[2]):
        report.longrepr = (__file__, require_postgres.__code__.co_firstlineno, report.longrepr[2])
    return report


def _check_postgres(url: str) -> tuple[bool, str]:
    if not url:
        return False, (f"{POSTGRES_ENV} is not set (point it at a server, e.g. "
                       "postgresql+psycopg://postgres@127.0.0.1:5432/mockloop_test; .ci/postgres starts one)")
    try:
        import psycopg  # noqa: F401
    except ImportError:
        return False, "the psycopg driver is not installed (pip install -e '.[test]')"
    engine = create_engine(url, connect_args={"connect_timeout": 5})
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception as exc:  # noqa: BLE001 - any reason is reported
        from simulator.storage.db import _redact

        return False, f"{_redact(url)} is unreachable: {str(exc).strip().splitlines()[0]}"
    finally:
        engine.dispose()
    return True, ""


# ---- Redis: the rate limits' shared storage and the queue of a team server (README), in CI a throwaway server
# started by .ci/redis --------------------------------------------------------------------------------------------
REDIS_ENV = "MOCKLOOP_TEST_REDIS_URL"  # e.g. redis://127.0.0.1:6379/0 (.ci/redis starts one)


def require_redis() -> str:
    """The server's URL from MOCKLOOP_TEST_REDIS_URL. Skips the test when it is unset, the redis client is missing
    or the server does not answer, unless MOCKLOOP_REQUIRE_SYSTEM=1 (CI, whose .ci/run starts a server), where
    that is a failure."""
    url = os.environ.get(REDIS_ENV, "")
    why = _check_redis(url)
    if why is None:
        return url
    if os.environ.get("MOCKLOOP_REQUIRE_SYSTEM") == "1":
        pytest.fail(f"Redis is required (MOCKLOOP_REQUIRE_SYSTEM=1) but {why}")
    pytest.skip(f"the Redis tests are skipped: {why}")


def _check_redis(url: str) -> str | None:
    if not url:
        return (f"{REDIS_ENV} is not set (point it at a server, e.g. redis://127.0.0.1:6379/0; "
                "`eval $(.ci/redis start)` starts one)")
    try:
        import redis
    except ImportError:
        return "the redis client is not installed (pip install -e '.[test]')"
    client = redis.Redis.from_url(url, socket_connect_timeout=3, socket_timeout=3)
    try:
        client.ping()
    except Exception as exc:  # noqa: BLE001 - any reason is reported
        return f"{url} does not answer: {exc}"
    finally:
        client.close()
    return None


_redis_dbs = iter(range(1, 10**9))


@pytest.fixture
def redis_url():
    """A database of its own on the Redis test server (1-15 in turn: db 0 is left to the shared-limits test's
    prefixed keys), emptied before and after the test."""
    import redis
    from redis.connection import parse_url

    server = require_redis()
    params = parse_url(server)
    url = f"redis://{params.get('host', '127.0.0.1')}:{params.get('port', 6379)}/{next(_redis_dbs) % 15 + 1}"
    client = redis.Redis.from_url(url, socket_connect_timeout=3, socket_timeout=3)
    client.flushdb()
    try:
        yield url
    finally:
        try:
            client.flushdb()
        finally:
            client.close()


class PostgresSchema:
    """A fresh schema on the test server, made the search path of every connection through `url`;
    dropped (with whatever is still connected to it) when the test ends."""

    def __init__(self, server_url: str):
        import uuid

        self.name = f"t_{uuid.uuid4().hex[:16]}"
        self.admin = create_engine(server_url, poolclass=NullPool)
        self.url = make_url(server_url).update_query_dict(
            {"options": f"-csearch_path={self.name}", "application_name": self.name}
        ).render_as_string(hide_password=False)
        self._run(f"CREATE SCHEMA {self.name}")

    def _run(self, *statements: str) -> None:
        with self.admin.begin() as conn:
            for statement in statements:
                conn.execute(text(statement))

    def drop(self) -> None:
        self._run(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            f"WHERE application_name = '{self.name}' AND pid <> pg_backend_pid()",
            f"DROP SCHEMA IF EXISTS {self.name} CASCADE",
        )
        self.admin.dispose()


DATABASES = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]


@pytest.fixture(params=DATABASES)
def database(request, tmp_path):
    """sqlite or postgresql: the database this test runs on. On PostgreSQL every database the test
    opens for its tmp_path (database_url(tmp_path, ...)) is one fresh schema."""
    if request.param == "sqlite":
        yield "sqlite"
        return
    schema = PostgresSchema(require_postgres())
    _postgres_for[tmp_path] = schema.url
    try:
        yield "postgresql"
    finally:
        _postgres_for.pop(tmp_path, None)
        schema.drop()


def database_url(tmp_path: Path, sqlite_name: str) -> str:
    """The URL of the test's database: its PostgreSQL schema when it runs on PostgreSQL, else the SQLite
    file `sqlite_name` in tmp_path."""
    return _postgres_for.get(tmp_path) or f"sqlite:///{tmp_path / sqlite_name}"


@pytest.fixture
def sessions(database, tmp_path):
    engine = make_engine(database_url(tmp_path, "test.sqlite3"))
    Base.metadata.create_all(engine)
    yield sessionmaker(engine, expire_on_commit=False)
    engine.dispose()


@pytest.fixture
def service(sessions, bank, clock):
    return LoopService(sessions, bank, clock)


@pytest.fixture
def user(service):
    return service.ensure_user("alice")


@pytest.fixture
def postgres_url():
    """A fresh schema on the PostgreSQL test server, for the tests that are about PostgreSQL alone
    (tests/test_postgres_*.py); skipped or failed as require_postgres() says."""
    schema = PostgresSchema(require_postgres())
    yield schema.url
    schema.drop()
