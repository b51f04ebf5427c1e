"""The queue's storage, from configuration: MOCKLOOP_QUEUE_URL, else a SQLite file beside the database."""
from __future__ import annotations

import os
from pathlib import Path

QUEUE_NAME = "mockloop"


def queue_url(database_url: str | None = None) -> str:
    """`MOCKLOOP_QUEUE_URL`, else `sqlite:///<file>`: beside a SQLite database file, or in the data folder."""
    configured = os.environ.get("MOCKLOOP_QUEUE_URL")
    if configured:
        return configured
    return f"sqlite:///{default_queue_file(database_url)}"


def default_queue_file(database_url: str | None = None) -> Path:
    if database_url and database_url.startswith("sqlite:///") and not database_url.endswith(":memory:"):
        db = Path(database_url[len("sqlite:///"):].split("?", 1)[0])
        return db.with_name(db.stem + ".queue.sqlite3")
    from simulator.config import data_dir

    return data_dir() / "queue.sqlite3"


def build_huey(url: str):
    """A Huey over `url`: `sqlite:///PATH` (SqliteHuey), `redis://...` or `rediss://...` (RedisHuey), or
    `immediate` (tasks run inline when enqueued, in memory: tests)."""
    from huey import MemoryHuey, RedisHuey, SqliteHuey

    if url == "immediate":
        return MemoryHuey(QUEUE_NAME, immediate=True, results=False)
    if url.startswith("sqlite:///"):
        path = Path(url[len("sqlite:///"):])
        path.parent.mkdir(parents=True, exist_ok=True)
        return SqliteHuey(QUEUE_NAME, filename=str(path), results=False)
    if url.startswith(("redis://", "rediss://", "unix://")):
        return RedisHuey(QUEUE_NAME, url=url, results=False)
    raise ValueError(f"MOCKLOOP_QUEUE_URL must be sqlite:///PATH, redis://HOST:PORT/DB or 'immediate', not {url!r}")
