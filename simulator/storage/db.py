"""Engines and sessions: SQLite (WAL) by default, any SQLAlchemy URL through DATABASE_URL."""
from __future__ import annotations

import os
from contextlib import contextmanager
from importlib import resources
from typing import Iterator

from sqlalchemy import create_engine, event, inspect
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DatabaseError, IntegrityError, OperationalError
from sqlalchemy.orm import Session, sessionmaker


class StorageError(Exception):
    """The database cannot be reached or read; the message says which and why."""


class DiskFull(StorageError):
    """A write failed because the disk (or the database's quota) is full: nothing of it was stored."""


def is_disk_full(exc: BaseException | None) -> bool:
    """Whether `exc`, or the driver error it wraps, says the disk is full: SQLite's "database or disk is full"
    (SQLITE_FULL), an OSError ENOSPC/EDQUOT, or PostgreSQL's disk_full (SQLSTATE 53100)."""
    import errno

    seen = 0
    while exc is not None and seen < 8:
        if isinstance(exc, DiskFull):
            return True
        if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)):
            return True
        if "database or disk is full" in str(exc) or getattr(exc, "sqlite_errorname", None) == "SQLITE_FULL":
            return True
        if getattr(exc, "pgcode", None) == "53100" or getattr(exc, "sqlstate", None) == "53100":
            return True
        exc = getattr(exc, "orig", None) or exc.__cause__ or exc.__context__
        seen += 1
    return False


def _redact(url: str) -> str:
    from sqlalchemy.engine import make_url

    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:
        return "<unparsable database URL>"


def make_engine(url: str) -> Engine:
    try:
        if url.startswith("sqlite"):
            engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False})
            event.listen(engine, "connect", _sqlite_pragmas)
            event.listen(engine, "begin", _sqlite_begin)
        else:
            engine = create_engine(_with_driver(url), pool_pre_ping=True)  # a dropped connection is replaced
    except ModuleNotFoundError as exc:
        raise StorageError(
            f"cannot use database {_redact(url)}: its driver is not installed ({exc.name}); "
            "for PostgreSQL: pip install 'mockloop[postgres]'"
        ) from None
    except Exception as exc:  # an unparsable URL
        raise StorageError(f"cannot use database {_redact(url)}: {exc}") from None
    return engine


def _with_driver(url: str):
    """A PostgreSQL URL that names no driver gets psycopg (3), the driver mockloop[postgres] installs;
    SQLAlchemy's own default would be psycopg2."""
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    if parsed.drivername == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg")
    if parsed.drivername.startswith("postgresql") and "connect_timeout" not in parsed.query:
        # A server that does not answer (down, firewalled) fails a request in this many seconds with a 503 instead of
        # holding a web thread for the kernel's TCP timeout (minutes). The URL's own connect_timeout wins.
        timeout = os.environ.get("MOCKLOOP_DB_CONNECT_TIMEOUT", "5")
        parsed = parsed.update_query_dict({"connect_timeout": timeout})
    return parsed


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    # pysqlite would BEGIN only before the first INSERT/UPDATE, so the reads of a
    # read-modify-write ran outside its transaction; _sqlite_begin issues BEGIN instead.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


WRITE = "mockloop_write"  # execution option: this transaction will write


def _sqlite_begin(conn) -> None:
    """A unit of work takes the write lock up front (BEGIN IMMEDIATE, waiting out the busy
    timeout), so two writers serialise instead of one failing with "database is locked" or
    overwriting what the other wrote after it read."""
    conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.get_execution_options().get(WRITE) else "BEGIN")


def alembic_config(engine: Engine):
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(resources.files("simulator.storage").joinpath("migrations")))
    cfg.attributes["engine"] = engine
    return cfg


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the schema up to date with Alembic."""
    from alembic import command
    from alembic.util import CommandError

    try:
        command.upgrade(alembic_config(engine), revision)
    except CommandError as exc:  # e.g. an unknown revision
        raise ValueError(f"cannot migrate to {revision!r}: {exc}") from None
    except (OperationalError, DatabaseError) as exc:
        raise StorageError(f"cannot migrate database {_redact(str(engine.url))}: {exc.orig}") from None


def current_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    try:
        with engine.connect() as conn:
            return MigrationContext.configure(conn).get_current_revision()
    except (OperationalError, DatabaseError) as exc:
        raise StorageError(f"cannot open database {_redact(str(engine.url))}: {exc.orig}") from None


def open_database(url: str, *, migrate: bool = True) -> sessionmaker[Session]:
    """An up-to-date database and a session factory, or StorageError naming the problem."""
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            tables = inspect(conn).get_table_names()
    except (OperationalError, DatabaseError) as exc:
        raise StorageError(f"cannot open database {_redact(url)}: {exc.orig}") from None
    if migrate:
        if "loops" in tables and "alembic_version" not in tables:
            raise StorageError(f"database {_redact(url)} has mockloop tables but no migration record")
        upgrade(engine)
    return sessionmaker(engine, expire_on_commit=False)


@contextmanager
def unit_of_work(factory: sessionmaker[Session], *, write: bool = True) -> Iterator[Session]:
    """A session that commits on success and rolls back on any error; on SQLite it holds
    the write lock from the start (every engine action may write what the clock did).
    `write=False` is for reads only: a plain BEGIN, which on SQLite (WAL) waits for no writer
    and holds no one up, e.g. while a password hash is checked against what was read."""
    session = factory()
    try:
        session.connection(execution_options={WRITE: write})
        yield session
        session.commit()
    except (OperationalError, DatabaseError) as exc:
        _rollback(session)
        if isinstance(exc, IntegrityError):  # a constraint, not a broken database: the caller's to handle
            raise
        url = _redact(str(session.get_bind().url))
        raise (DiskFull if is_disk_full(exc) else StorageError)(f"database {url} failed: {exc.orig}") from None
    except Exception:
        _rollback(session)
        raise
    finally:
        session.close()


def _rollback(session: Session) -> None:
    try:
        session.rollback()
    except (OperationalError, DatabaseError):  # the connection itself is gone; close() discards it
        pass
