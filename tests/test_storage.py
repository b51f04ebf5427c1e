"""Storage: round trips, migrations that match the models, resume after a kill, bad databases."""
import sqlite3

import pytest
from sqlalchemy import inspect

from simulator.clock import FakeClock
from simulator.engine import LoopService
from simulator.storage import StorageError, open_database
from simulator.storage.db import current_revision, make_engine


def test_migrations_build_the_schema_the_models_describe(tmp_path):
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    from simulator.storage.models import Base

    url = f"sqlite:///{tmp_path / 'm.sqlite3'}"
    open_database(url)
    engine = make_engine(url)
    assert current_revision(engine) is not None
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == []
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"


def test_round_trip_and_resume_after_a_kill(tmp_path, bank):
    url = f"sqlite:///{tmp_path / 'r.sqlite3'}"
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
