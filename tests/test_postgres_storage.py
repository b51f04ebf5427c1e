"""PostgreSQL as the teams' server runs it: migrations build exactly the models' schema, a whole loop is
stored as SQLite stores it, and URLs without a driver use psycopg. Needs MOCKLOOP_TEST_POSTGRES_URL (skipped
without it, a failure with MOCKLOOP_REQUIRE_SYSTEM=1); every other database test runs here too through the
`database` fixture (tests/conftest.py)."""
from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import inspect, text

from simulator.clock import FakeClock
from simulator.engine import LoopService
from simulator.storage import open_database
from simulator.storage.db import current_revision, make_engine, upgrade
from simulator.storage.models import Base

pytestmark = pytest.mark.postgres


def _schema_diff(engine) -> list:
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        return compare_metadata(MigrationContext.configure(conn), Base.metadata)


def _head() -> str:
    from alembic.script import ScriptDirectory

    from simulator.storage.db import alembic_config

    return ScriptDirectory.from_config(alembic_config(None)).get_current_head()


def test_migrations_on_postgresql_build_exactly_the_models_schema(postgres_url):
    """Alembic's autogenerate finds nothing to change (tables, columns and their types, nullability,
    indexes, unique constraints, foreign keys), and down to nothing and up again gives the same schema."""
    open_database(postgres_url)
    engine = make_engine(postgres_url)
    assert engine.dialect.name == "postgresql"
    assert current_revision(engine) == _head()
    assert _schema_diff(engine) == []
    tables = set(inspect(engine).get_table_names())
    assert tables == set(Base.metadata.tables) | {"alembic_version"}

    from alembic import command

    from simulator.storage.db import alembic_config

    command.downgrade(alembic_config(engine), "base")  # every downgrade runs on PostgreSQL too
    assert set(inspect(engine).get_table_names()) == {"alembic_version"}
    upgrade(engine)
    assert current_revision(engine) == _head() and _schema_diff(engine) == []
    open_database(postgres_url)  # an up-to-date database is opened as it is
    assert current_revision(engine) == _head()
    engine.dispose()


def test_a_timestamp_keeps_its_time_zone_and_json_its_shape_on_postgresql(postgres_url):
    """The columns are timestamptz and json on PostgreSQL (SQLite drops the zone, which as_utc puts back)."""
    open_database(postgres_url)
    engine = make_engine(postgres_url)
    with engine.connect() as conn:
        types = dict(conn.execute(text(
            "SELECT column_name, data_type FROM information_schema.columns "
            "WHERE table_schema = current_schema() AND table_name = 'rounds'"
        )).all())
    engine.dispose()
    assert types["deadline"] == "timestamp with time zone"
    assert types["probes"] == "json" and types["draft"] == "text"


def _whole_loop(url: str, bank) -> tuple[dict, dict, dict]:
    """Start a loop, autosave every round (one save out of order), submit, grade; then read it back
    through a new engine as a restarted server would. (the graded view, the restarted view, a round)"""
    clock = FakeClock()
    service = LoopService(open_database(url), bank, clock)
    user = service.ensure_user("pat")
    loop = service.create_loop(user, "research-engineer", seed=11)
    for index, _ in enumerate(loop["rounds"]):
        rnd = service.start_next_round(user, loop["id"])
        clock.advance(30)
        answer = "" if rnd["round"] == "ml_coding" else (
            f"Round {index}: gradient accumulation, clear structure, trade-offs and a measured result.")
        assert service.save_draft(user, rnd["id"], answer[: len(answer) // 2], seq=1)["saved"]
        clock.advance(30)
        assert service.save_draft(user, rnd["id"], answer, seq=3)["saved"]
        assert not service.save_draft(user, rnd["id"], "an older save arriving late", seq=2)["saved"]
        stale = service.save_draft(user, rnd["id"], "from a tab that saw revision 1", base=1)
        assert (stale["saved"], stale["reason"], stale["draft"]) == (False, "conflict", answer)
        service.first_answer(user, rnd["id"])  # the interviewer asks a follow-up
        clock.advance(60)
        service.submit(user, rnd["id"])
        clock.advance(5)
    graded = service.grade(user, loop["id"], "keyword")
    restarted = LoopService(open_database(url), bank, clock)
    return graded, restarted.get_loop(user, loop["id"]), restarted.get_round(user, graded["rounds"][1]["id"])


def test_a_whole_loop_on_postgresql_is_stored_and_graded_as_on_sqlite(postgres_url, tmp_path, bank):
    """start -> autosave -> submit -> grade, on PostgreSQL and on SQLite: the same views, to the second."""
    on_pg = _whole_loop(postgres_url, bank)
    on_sqlite = _whole_loop(f"sqlite:///{tmp_path / 'same.sqlite3'}", bank)
    graded, restarted, rnd = on_pg
    assert graded["status"] == "graded" and graded["score"] is not None
    assert all(r["status"] == "graded" and r["grades"] for r in graded["rounds"])
    text_rounds = [r for r in graded["rounds"] if r["round"] != "ml_coding"]
    assert text_rounds and all(r["grades"][-1]["grader"]["name"] == "keyword" for r in text_rounds)
    assert all(r["grades"][-1]["score"] is not None for r in text_rounds)
    assert restarted == graded  # what a restarted server reads is what was written
    assert rnd["draft_seq"] == 3 and rnd["probes"] and datetime.fromisoformat(rnd["deadline"]).tzinfo is not None
    assert on_pg == on_sqlite


def test_a_postgresql_url_without_a_driver_uses_psycopg(monkeypatch, postgres_url):
    """`postgresql://` and Heroku's `postgres://` (DATABASE_URL) connect through psycopg, the driver that
    mockloop[postgres] installs."""
    from simulator.config import database_url

    assert make_engine("postgresql://u@db.example/mockloop").dialect.driver == "psycopg"
    plain = postgres_url.replace("postgresql+psycopg://", "postgres://", 1)
    monkeypatch.setenv("DATABASE_URL", plain)
    assert database_url().startswith("postgresql://")
    sessions = open_database(database_url())
    engine = sessions.kw["bind"]
    assert engine.dialect.driver == "psycopg" and current_revision(engine) == _head()
    engine.dispose()
