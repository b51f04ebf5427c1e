"""An on-disk cache of validated replies: a re-grade of the same answer makes no request.

The key is the sha256 of what determines the reply: prompt version, model,
base URL, sampling parameters, rubric hash, the question as shown to the model
and the normalised answer. The random tag marker is not part of it. Stored in
SQLite (WAL) in the data folder; one connection guarded by a lock, so threads
share it safely, and SQLite's own locking covers several processes.
"""
from __future__ import annotations

import hashlib
import json
import re
import sqlite3
import threading
import time
import unicodedata
from pathlib import Path
from typing import Any

_SPACE = re.compile(r"\s+")


def normalise(text: str) -> str:
    """NFC, trimmed, runs of whitespace as one space: trivially different copies share an entry."""
    return _SPACE.sub(" ", unicodedata.normalize("NFC", text)).strip()


def question_view(question: dict[str, Any]) -> dict[str, Any]:
    """The parts of a question the prompt shows (so unrelated edits, like new probes, keep the cache)."""
    return {
        "id": question.get("id"),
        "prompt": question.get("prompt"),
        "tests": question.get("tests"),
        "reference_answer": question.get("reference_answer"),
        "key_points": [{k: kp.get(k) for k in ("id", "text", "criterion")} for kp in question.get("key_points") or []],
    }


def cache_key(**parts: Any) -> str:
    canonical = json.dumps(parts, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


class ReplyCache:
    """key -> JSON value, in `<folder>/llm-cache.sqlite3`."""

    FILENAME = "llm-cache.sqlite3"

    def __init__(self, folder: Path | str):
        self.path = Path(folder) / self.FILENAME
        self._conn: sqlite3.Connection | None = None
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def _connection(self) -> sqlite3.Connection:
        if self._conn is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(self.path, timeout=30, check_same_thread=False, isolation_level=None)
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")  # safe with WAL; a lost entry only costs a request
            conn.execute("CREATE TABLE IF NOT EXISTS replies (key TEXT PRIMARY KEY, value TEXT NOT NULL, created REAL NOT NULL)")
            self._conn = conn
        return self._conn

    def get(self, key: str) -> Any | None:
        with self._lock:
            row = self._connection().execute("SELECT value FROM replies WHERE key = ?", (key,)).fetchone()
            if row is None:
                self.misses += 1
                return None
            self.hits += 1
        return json.loads(row[0])

    def put(self, key: str, value: Any) -> None:
        text = json.dumps(value, ensure_ascii=False, sort_keys=True)
        with self._lock:
            self._connection().execute(
                "INSERT OR REPLACE INTO replies (key, value, created) VALUES (?, ?, ?)", (key, text, time.time())
            )

    def __len__(self) -> int:
        with self._lock:
            return self._connection().execute("SELECT COUNT(*) FROM replies").fetchone()[0]

    def close(self) -> None:
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None
