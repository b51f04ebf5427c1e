"""Building the Jobs for a process and running consumers: `mockloop worker`, or threads inside the web process."""
from __future__ import annotations

import os
from typing import Any, Callable

from simulator.jobs.config import build_huey, queue_url
from simulator.jobs.tasks import Jobs


def _int_env(name: str, default: int) -> int:
    value = os.environ.get(name, "")
    try:
        return int(value) if value.strip() else default
    except ValueError:
        raise ValueError(f"{name} must be an integer, not {value!r}") from None


def settings() -> dict[str, Any]:
    """The queue's knobs from the environment (MOCKLOOP_SANDBOX_RUNS, MOCKLOOP_SANDBOX_RUNS_PER_USER,
    MOCKLOOP_JOB_LEASE_S)."""
    return {"sandbox_total": _int_env("MOCKLOOP_SANDBOX_RUNS", 4),
            "sandbox_per_user": _int_env("MOCKLOOP_SANDBOX_RUNS_PER_USER", 1),
            "lease_s": float(_int_env("MOCKLOOP_JOB_LEASE_S", 600))}


def make_jobs(url: str, service: Callable[[], Any], bank: Callable[[], Any], now: Callable[[], float],
              **overrides: Any) -> Jobs:
    return Jobs(build_huey(url), service, bank, now=now, **{**settings(), **overrides})


def jobs_from_environment() -> Jobs:
    """The Jobs of a worker process: the configured database (DATABASE_URL or SQLite in the data folder), the
    bundled bank, the system clock; code from the web is untrusted, as in the web process."""
    from simulator.bank import default_bank
    from simulator.clock import SystemClock
    from simulator.config import database_url
    from simulator.engine import LoopService
    from simulator.storage import open_database

    url = database_url()
    clock = SystemClock()
    built: dict[str, Any] = {}

    def service():
        if "service" not in built:
            built["service"] = LoopService(open_database(url), default_bank(), clock, untrusted_code=True)
        return built["service"]

    return make_jobs(queue_url(url), service, default_bank, lambda: clock.now().timestamp())


def consumer(jobs: Jobs, workers: int, *, embedded: bool = False):
    """A Huey consumer of `workers` threads. Embedded (inside the web process, maybe not its main thread): no
    signal handlers, started at once; the web server's own shutdown ends the daemon threads."""
    from huey.consumer import Consumer

    if jobs.huey.immediate:
        raise ValueError("the queue is in immediate mode (tasks run where they are enqueued): no consumer to run")

    class Embedded(Consumer):
        def _set_signal_handlers(self):  # the web server owns the signals
            pass

    cls = Embedded if embedded else Consumer
    # An idle worker looks at the queue at least once a second (Huey's default backs off to 10 s): a finished
    # loop's grading starts within a second.
    return cls(jobs.huey, workers=workers, worker_type="thread", periodic=True, check_worker_health=True,
               max_delay=1.0)
