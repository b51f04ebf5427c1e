"""Where mockloop keeps its data, read from the environment when asked (never at import)."""
from __future__ import annotations

import os
from pathlib import Path


def data_dir() -> Path:
    """`MOCKLOOP_DATA_DIR`, else the platform's user data directory."""
    configured = os.environ.get("MOCKLOOP_DATA_DIR")
    if configured:
        path = Path(configured).expanduser()
    else:
        from platformdirs import user_data_dir

        path = Path(user_data_dir("mockloop", appauthor=False))
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        from simulator.storage.db import StorageError

        reason = "it is a file" if path.is_file() else exc.strerror
        raise StorageError(f"cannot use data folder {path}: {reason} (set MOCKLOOP_DATA_DIR to a writable folder)") from None
    return path


def database_url() -> str:
    """`DATABASE_URL` (any SQLAlchemy URL), else SQLite in the data folder."""
    url = os.environ.get("DATABASE_URL")
    if url:
        # Heroku-style URLs name the dialect "postgres"; SQLAlchemy wants "postgresql".
        return "postgresql" + url[len("postgres"):] if url.startswith("postgres://") else url
    return f"sqlite:///{data_dir() / 'mockloop.sqlite3'}"
