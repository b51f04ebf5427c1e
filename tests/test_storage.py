"""Storage: round trips, migrations that match the models, resume after a kill, bad databases. The tests that
take `database` run on SQLite and on PostgreSQL (tests/conftest.py)."""
import sqlite3

import pytest
from sqlalchemy import inspect

from simulator.clock import FakeClock
from simulator.engine import LoopService
from simulator.storage import StorageError, open_database
from simulator.storage.db import current_revision, make_engine
from tests.conftest import database_url


def test_migrations_build_the_schema_the_models_describe(database, tmp_path):
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    from simulator.storage.models import Base

    url = database_url(tmp_path, "m.sqlite3")
    open_database(url)
    engine = make_engine(url)
    assert current_revision(engine) is not None
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == []
    if database == "sqlite":
        with engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
    engine.dispose()


def test_round_trip_and_resume_after_a_kill(database, tmp_path, bank):
    url = database_url(tmp_path, "r.sqlite3")
    clock = FakeClock()
    first = LoopService(open_database(url), bank, clock)
    user = first.ensure_user()
    loop = first.create_loop(user, "research-engineer", round_type="behavioral", seed=3)
    rnd = first.start_next_round(user, loop["id"])
    clock.advance(120)
    first.save_draft(user, rnd["id"], "typed before the crash")
    del first  # the process dies; nothing but the database survives

    clock.advance(200)  # time kept running while the process was down
    second = LoopService(open_database(url), bank, clock)
    view = second.get_round(user, rnd["id"])
    assert view["draft"] == "typed before the crash"
    assert view["status"] == "in_progress"
    assert view["time_left_s"] == 600 - 320
    assert second.get_loop(user, loop["id"])["seed"] == 3


def test_unreachable_database_is_a_clear_error(tmp_path):
    with pytest.raises(StorageError, match="cannot open database"):
        open_database(f"sqlite:///{tmp_path / 'no' / 'such' / 'dir' / 'x.sqlite3'}")
    with pytest.raises(StorageError, match=r"postgresql://u:\*\*\*@127.0.0.1:1/db"):
        open_database("postgresql://u:secret@127.0.0.1:1/db")


def test_a_postgresql_server_that_does_not_answer_fails_in_seconds_not_minutes(monkeypatch):
    """Without a connect timeout a firewalled or dead server holds a web thread for the kernel's TCP timeout;
    the engine gets MOCKLOOP_DB_CONNECT_TIMEOUT (5 s) unless the URL sets its own."""
    pytest.importorskip("psycopg", reason="the PostgreSQL driver (mockloop[postgres]) is not installed")
    engine = make_engine("postgresql://u:p@db.example:5432/mockloop")
    assert engine.url.drivername == "postgresql+psycopg" and engine.url.query["connect_timeout"] == "5"
    assert engine.dialect.create_connect_args(engine.url)[1]["connect_timeout"] == "5"  # what psycopg is given
    assert make_engine("postgresql+psycopg://u@h/db?connect_timeout=2").url.query["connect_timeout"] == "2"
    monkeypatch.setenv("MOCKLOOP_DB_CONNECT_TIMEOUT", "1")
    assert make_engine("postgresql://u@h/db").url.query["connect_timeout"] == "1"
    assert "connect_timeout" not in make_engine("sqlite://").url.query


def test_corrupt_database_is_a_clear_error(tmp_path):
    path = tmp_path / "corrupt.sqlite3"
    path.write_bytes(b"this is not a database" * 100)
    with pytest.raises(StorageError, match="cannot open database"):
        open_database(f"sqlite:///{path}")
    assert path.read_bytes().startswith(b"this is not a database")  # nothing half-written


def test_tables_without_migration_record_are_refused(tmp_path):
    path = tmp_path / "foreign.sqlite3"
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE loops (id INTEGER)")
    con.commit()
    con.close()
    with pytest.raises(StorageError, match="no migration record"):
        open_database(f"sqlite:///{path}")
    assert inspect(make_engine(f"sqlite:///{path}")).get_table_names() == ["loops"]


def test_concurrent_autosaves_neither_lock_nor_lose_updates(database, tmp_path, bank):
    """Threads autosave at once through one engine (as the web app's threads do): no "database is
    locked" (nor a deadlock on PostgreSQL), and the draft with the highest sequence number wins (no lost
    update). Two processes: tests/test_postgres_concurrency.py."""
    import threading

    service = LoopService(open_database(database_url(tmp_path, "c.sqlite3")), bank, FakeClock())
    users = [service.ensure_user(f"u{i}") for i in range(4)]
    rounds = []
    for u in users:
        loop = service.create_loop(u, "research-engineer", round_type="behavioral", seed=1)
        rounds.append((u, service.start_next_round(u, loop["id"])["id"]))
    errors: list[BaseException] = []

    def autosave(user_id: int, round_id: int, first: int) -> None:
        try:
            for seq in range(first, 240, 4):
                service.save_draft(user_id, round_id, f"draft {seq}", seq=seq)
                service.tick(user_id, service.get_round(user_id, round_id)["loop_id"])
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=autosave, args=(u, r, first)) for u, r in rounds for first in (1, 2, 3, 4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    for u, r in rounds:
        view = service.get_round(u, r)
        assert (view["draft_seq"], view["draft"]) == (239, "draft 239")


class LockProbeGrader:
    """Records whether the database could be written while it graded (an LLM grader takes seconds)."""

    name, kind, version = "lock-probe-test", "keyword", "1"

    def __init__(self):
        self.path = None
        self.locked: list[bool] = []

    def grade(self, question, rubric, answer, *, track=None):
        from simulator.scoring import empty_grade

        con = sqlite3.connect(self.path, timeout=0, isolation_level=None)
        try:
            con.execute("BEGIN IMMEDIATE")
            con.execute("ROLLBACK")
            self.locked.append(False)
        except sqlite3.OperationalError:
            self.locked.append(True)
        finally:
            con.close()
        grade = empty_grade(self, question, rubric)
        grade["criteria"][0]["level"] = 3
        return grade


def test_grading_does_not_hold_the_database(tmp_path, bank):
    from simulator.graders.base import registry

    probe = registry.get("lock-probe-test") if "lock-probe-test" in registry.names() else registry.register(LockProbeGrader())
    probe.path, probe.locked = tmp_path / "g.sqlite3", []
    clock = FakeClock()
    service = LoopService(open_database(f"sqlite:///{probe.path}"), bank, clock)
    user = service.ensure_user()
    loop = service.create_loop(user, "research-engineer", round_type="behavioral", seed=1)
    rnd = service.start_next_round(user, loop["id"])
    service.submit(user, rnd["id"], "an answer")
    graded = service.grade(user, loop["id"], "lock-probe-test")
    assert probe.locked == [False]
    assert graded["status"] == "graded" and graded["rounds"][0]["grades"][0]["grader"]["name"] == "lock-probe-test"


def test_a_database_corrupt_past_its_first_page_is_a_clear_error(tmp_path, bank):
    path = tmp_path / "torn.sqlite3"
    service = LoopService(open_database(f"sqlite:///{path}"), bank, FakeClock())
    user = service.ensure_user()
    loop = service.create_loop(user, "research-engineer", round_type="behavioral", seed=1)
    engine = make_engine(f"sqlite:///{path}")
    with engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        root = conn.exec_driver_sql("SELECT rootpage FROM sqlite_master WHERE name = 'loops'").scalar()
        page = conn.exec_driver_sql("PRAGMA page_size").scalar()
    engine.dispose()
    data = bytearray(path.read_bytes())
    data[(root - 1) * page:root * page] = b"\xff" * page
    path.write_bytes(bytes(data))
    again = LoopService(open_database(f"sqlite:///{path}"), bank, FakeClock())  # the schema page is intact
    with pytest.raises(StorageError, match="malformed"):
        again.get_loop(user, loop["id"])


def test_an_autosave_is_four_statements_after_begin(database, tmp_path, bank):
    """Each statement is a round trip to a PostgreSQL server, and the autosave is the request every candidate
    sends every few seconds: the round's loop id, the loop locked, the round with its grades, the update. (It was
    seven: the loop just locked was queried again, having been dropped from the session's weak identity map, and
    the grades were a query of their own.)"""
    from sqlalchemy import event

    service = LoopService(open_database(database_url(tmp_path, "statements.sqlite3")), bank, FakeClock())
    user = service.ensure_user("statements")
    loop = service.create_loop(user, "research-engineer", round_type="behavioral", seed=3)
    rnd = service.start_next_round(user, loop["id"])
    statements: list[str] = []
    bind = service.sessions.kw["bind"]
    event.listen(bind, "before_cursor_execute", lambda *a: statements.append(a[2].split()[0].upper()))
    view = service.save_draft(user, rnd["id"], "first idea", seq=1)
    assert view["saved"] and view["draft_seq"] == 1 and view["grades"] == []
    assert [s for s in statements if s not in ("BEGIN",)] == ["SELECT", "SELECT", "SELECT", "UPDATE"], statements
