"""Job records: what a poll of /api/jobs/<id> reports, kept in the queue's own key-value store (shared by every
process that shares the queue)."""
from __future__ import annotations

import uuid
from typing import Any, Callable

STATUSES = ("queued", "running", "done", "failed")
PREFIX = "mockloop.job."


class JobRecords:
    def __init__(self, huey, now: Callable[[], float]):
        self.huey = huey
        self.now = now

    def new(self, kind: str, user_id: int, **fields: Any) -> dict[str, Any]:
        t = self.now()
        record = {"id": uuid.uuid4().hex, "kind": kind, "user_id": user_id, "status": "queued", "attempts": 0,
                  "progress": None, "error": None, "created": t, "updated": t, **fields}
        self.put(record)
        return record

    def get(self, job_id: str) -> dict[str, Any] | None:
        if not isinstance(job_id, str) or not job_id.isalnum() or len(job_id) > 64:
            return None
        return self.huey.get(PREFIX + job_id, peek=True)

    def put(self, record: dict[str, Any]) -> None:
        self.huey.put(PREFIX + record["id"], record)

    def update(self, job_id: str, **fields: Any) -> dict[str, Any] | None:
        record = self.get(job_id)
        if record is None:
            return None
        record.update(fields, updated=self.now())
        self.put(record)
        return record

    def delete(self, job_id: str) -> None:
        self.huey.delete(PREFIX + job_id)

    def pointer(self, name: str) -> str | None:
        return self.huey.get(PREFIX + "ptr." + name, peek=True)

    def point(self, name: str, job_id: str) -> None:
        self.huey.put(PREFIX + "ptr." + name, job_id)

    def all(self) -> list[dict[str, Any]]:
        """Every job record (for recovery): the queue's key-value items under the records' prefix."""
        out = []
        for key, raw in self.huey.storage.result_items().items():
            key = key.decode() if isinstance(key, bytes) else key
            if key.startswith(PREFIX) and not key.startswith(PREFIX + "ptr."):
                out.append(self.huey.serializer.deserialize(raw))
        return out
