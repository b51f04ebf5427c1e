"""Jobs on a Huey queue: grading a finished loop, with records people can poll, and bounded sandbox runs.

`build_huey` makes the one queue from configuration (SQLite beside the database by default, Redis for a team
server, immediate mode for tests); `Jobs` registers the tasks on it and keeps the job records; `SandboxSlots`
bounds how many code runs are in flight, for the server and per user."""
from __future__ import annotations

from simulator.jobs.config import build_huey, queue_url
from simulator.jobs.records import JobRecords
from simulator.jobs.slots import Busy, SandboxSlots
from simulator.jobs.tasks import Jobs, needs_grading

__all__ = ["Busy", "JobRecords", "Jobs", "SandboxSlots", "build_huey", "needs_grading", "queue_url"]
