"""The tasks, registered on one Huey: grading a finished loop (recorded once, retried when it fails or its
worker dies) and running an ML-coding answer on its visible examples under the sandbox slots; and the job
records people poll."""
from __future__ import annotations

from typing import Any, Callable

from simulator.jobs.records import JobRecords
from simulator.jobs.slots import Busy, SandboxSlots

ACTIVE = ("queued", "running")
CODE_PREFIX = "mockloop.runcode."  # the code a run job runs, kept beside its record until it has run


def needs_grading(loop: dict[str, Any]) -> bool:
    """A loop view whose every round is in and none graded yet."""
    return loop["status"] == "complete" and any(not r["grades"] for r in loop["rounds"])


class Jobs:
    """The tasks over `huey`. `service` gives the LoopService (built lazily: a worker builds it on first use),
    `bank` the question bank, `now` the time in seconds (the records' and the slots' clock).

    A grading job whose worker died stays "running" with a heartbeat (its `updated`, refreshed per round) older
    than `lease_s`, and one whose message was lost stays "queued" as long; `recover()` (run by every consumer each minute, and by a poll of that job) enqueues it
    again. Grades are recorded with `once=True`, so a job that runs twice records one set."""

    def __init__(self, huey, service: Callable[[], Any], bank: Callable[[], Any], *, now: Callable[[], float],
                 lease_s: float = 600.0, keep_s: float = 7 * 86400.0, retries: int = 2, retry_delay: float = 10.0,
                 max_attempts: int = 5,
                 sandbox_total: int = 4, sandbox_per_user: int = 1):
        from huey import crontab

        self.huey = huey
        self.records = JobRecords(huey, now)
        self.now = now
        self._service = service
        self._bank = bank
        self.lease_s = lease_s
        self.keep_s = keep_s
        self.max_attempts = max_attempts
        self.slots = SandboxSlots(huey, total=sandbox_total, per_user=sandbox_per_user, now=now,
                                  stale_s=max(lease_s, 300.0))
        self.grade_task = huey.task(retries=retries, retry_delay=retry_delay, context=True,
                                    name="grade_loop")(self._grade)
        self.run_task = huey.task(context=True, name="run_examples")(self._run)
        self.demo_task = huey.task(context=True, name="load_demo")(self._demo)
        self.recover_task = huey.periodic_task(crontab(minute="*"), name="recover_jobs")(self.recover)

    # ---- grading -------------------------------------------------------------------------------------------
    def grading_job(self, user_id: int, loop_id: int) -> dict[str, Any] | None:
        """The loop's latest grading job record, if any (the caller has checked the loop is the user's)."""
        job_id = self.records.pointer(f"loop.{user_id}.{loop_id}")
        return self.records.get(job_id) if job_id else None

    def enqueue_grading(self, user_id: int, loop_id: int, *, retry: bool = False, grader: str = "auto",
                        regrade: bool = False) -> dict[str, Any]:
        """The loop's grading job: the one queued or running, or the one that failed (unless `retry`), else a
        new one (run at once in immediate mode). A `regrade` (asked for on purpose, maybe with another grader)
        records a new set of grades even when the loop has some; otherwise grades are recorded once."""
        current = self.grading_job(user_id, loop_id)
        if current is not None:
            if current["status"] in ACTIVE:
                return self.recover_job(current)
            if current["status"] == "failed" and not (retry or regrade):
                return current  # a page that polls must not start it again and again: retrying is asked for
        record = self.records.new("grade", user_id, loop_id=loop_id, grader=grader, regrade=regrade)
        self.records.point(f"loop.{user_id}.{loop_id}", record["id"])
        self.grade_task(record["id"], user_id, loop_id)
        return self.records.get(record["id"]) or record

    def _grade(self, job_id: str, user_id: int, loop_id: int, task=None) -> None:
        from simulator.engine.states import InvalidTransition, ModeError, NotFound

        record = self.records.get(job_id)
        if record is None or record["status"] in ("done", "failed"):
            return  # a second delivery (the job was recovered while its first worker still ran): nothing to do
        self.records.update(job_id, status="running", attempts=record["attempts"] + 1, error=None)
        service = self._service()

        def progress(done: int, total: int) -> None:
            self.records.update(job_id, progress={"round": done, "of": total})

        try:
            grader = record.get("grader", "auto")
            if record.get("regrade"):
                service.grade(user_id, loop_id, grader, progress=progress)
            elif needs_grading(service.get_loop(user_id, loop_id)):
                service.grade(user_id, loop_id, grader, once=True, progress=progress)
        except NotFound:
            self.records.update(job_id, status="failed", error=f"no loop {loop_id}")
            return
        except (ValueError, InvalidTransition, ModeError) as exc:  # the loop's state says no: a retry would too
            self.records.update(job_id, status="failed", error=str(exc.args[0] if exc.args else exc))
            return
        except Exception as exc:
            left = task.retries if task is not None else 0  # Huey retries the task while some are left
            self.records.update(job_id, status="queued" if left else "failed",
                                error=str(exc) or type(exc).__name__)
            raise
        self.records.update(job_id, status="done")

    # ---- recovery ------------------------------------------------------------------------------------------
    def stale(self, record: dict[str, Any]) -> bool:
        """Running with a heartbeat older than the lease (its worker died), or queued for longer than the lease
        (its message may never have reached the queue: Redis went away between the record and the enqueue).
        Enqueuing a live job twice is harmless: the second delivery of a finished job does nothing, and grades
        are recorded once."""
        return record["status"] in ACTIVE and self.now() - record["updated"] > self.lease_s

    def recover_job(self, record: dict[str, Any]) -> dict[str, Any]:
        """The record, enqueued again first if its worker died (running with a heartbeat older than the lease);
        failed after `max_attempts`."""
        if not self.stale(record):
            return record
        if record["attempts"] >= self.max_attempts:
            return self.records.update(record["id"], status="failed",
                                       error=f"its worker stopped {record['attempts']} times") or record
        why = "its worker stopped; queued again" if record["status"] == "running" else "it waited too long; queued again"
        updated = self.records.update(record["id"], status="queued", error=why)
        if record["kind"] == "grade":
            self.grade_task(record["id"], record["user_id"], record["loop_id"])
        elif record["kind"] == "run":
            self.run_task(record["id"])
        elif record["kind"] == "demo":
            self.demo_task(record["id"], record["user_id"])
        return self.records.get(record["id"]) or updated or record

    def recover(self) -> int:
        """Enqueue again every job whose worker died (how many), and forget finished jobs after `keep_s`."""
        records = self.records.all()
        stale = [r for r in records if self.stale(r)]
        for record in stale:
            self.recover_job(record)
        for record in records:
            if record["status"] in ("done", "failed") and self.now() - record["updated"] > self.keep_s:
                self.records.delete(record["id"])  # a poll of it is a 404 from now on, as for any unknown job
        return len(stale)

    # ---- code runs -----------------------------------------------------------------------------------------
    def enqueue_run(self, user_id: int, round_id: int, code: str) -> dict[str, Any]:
        """A job running the code on the round's visible examples, holding one of the user's sandbox slots from
        now until it finishes; when the user has none free, {"available": False, "busy": True, "output": why} at
        once (a second endless loop is refused, not queued). The job waits for one of the server's slots on the
        queue, so the web process never runs code and never waits for it."""
        from simulator.jobs.runs import refusal

        refused = refusal(self._service(), user_id, round_id)
        if refused is not None:
            return refused
        try:
            mine = self.slots.take_user(user_id)
        except Busy as exc:
            return {"available": False, "busy": True, "output": str(exc)}
        record = self.records.new("run", user_id, round_id=round_id, slot=mine)
        self.huey.put(CODE_PREFIX + record["id"], code)
        self.run_task(record["id"])
        return self.records.get(record["id"]) or record

    def _run(self, job_id: str, task=None) -> None:
        from huey.exceptions import RetryTask

        from simulator.jobs.runs import run_examples

        record = self.records.get(job_id)
        if record is None or record["status"] in ("done", "failed"):
            return
        try:
            shared = self.slots.take_shared()
        except Busy:
            self.records.update(job_id, status="queued", progress={"waiting": "a free sandbox"})
            raise RetryTask(delay=1) from None  # every slot busy: wait on the queue, not in a web process
        try:
            self.records.update(job_id, status="running", attempts=record["attempts"] + 1, progress=None)
            code = self.huey.get(CODE_PREFIX + job_id, peek=True)
            if code is None:
                self.records.update(job_id, status="failed", error="the code to run was not kept")
                return
            result = run_examples(self._service(), self._bank(), record["user_id"], record["round_id"], code)
            self.records.update(job_id, status="done", available=result["available"], output=result["output"])
        except Exception as exc:  # a run's own failure is reported in its output; this is the server's
            self.records.update(job_id, status="failed", error=str(exc) or type(exc).__name__)
            raise
        finally:
            self.slots.release(shared)
            if self.records.get(job_id)["status"] in ("done", "failed"):
                self.slots.release(record.get("slot"))
                self.huey.delete(CODE_PREFIX + job_id)

    # ---- the demo team -------------------------------------------------------------------------------------
    def enqueue_demo(self, user_id: int) -> dict[str, Any]:
        """A job loading the demo team for the user (several seconds of seeding): the one already queued or
        running for them (a second click loads one team, not two), else a new one."""
        current_id = self.records.pointer(f"demo.{user_id}")
        current = self.records.get(current_id) if current_id else None
        if current is not None and current["status"] in ACTIVE:
            return self.recover_job(current)
        record = self.records.new("demo", user_id)
        self.records.point(f"demo.{user_id}", record["id"])
        self.demo_task(record["id"], user_id)
        return self.records.get(record["id"]) or record

    def _demo(self, job_id: str, user_id: int, task=None) -> None:
        from simulator.storage.db import unit_of_work
        from simulator.teams.demo_load import seed_demo

        record = self.records.get(job_id)
        if record is None or record["status"] in ("done", "failed"):
            return
        self.records.update(job_id, status="running", attempts=record["attempts"] + 1, error=None)
        try:
            with unit_of_work(self._service().sessions) as session:  # one transaction: all of the demo or none
                info = seed_demo(session, user_id)
        except Exception as exc:
            self.records.update(job_id, status="failed", error=str(exc) or type(exc).__name__)
            raise
        self.records.update(job_id, status="done", team_id=info["team_id"], info=info)
