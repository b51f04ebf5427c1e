"""`mockloop worker`: consumes the queue that the web processes fill (the SQLite file beside the database)."""
from __future__ import annotations

from click.testing import CliRunner

from simulator.cli import main


def test_worker_drain_grades_a_queued_loop_and_recovers_a_dead_workers_job(tmp_path, monkeypatch):
    from simulator.jobs.runtime import jobs_from_environment

    monkeypatch.delenv("MOCKLOOP_QUEUE_URL", raising=False)
    jobs = jobs_from_environment()  # as the web process builds it: the default database and queue
    service = jobs._service()
    user = service.ensure_user()
    loops = []
    for _ in range(2):
        loop = service.create_loop(user, "research-engineer", round_type="behavioral", seed=7)
        rnd = service.start_next_round(user, loop["id"])
        service.submit(user, rnd["id"], "I owned the rollout and measured a 12% drop in errors.")
        loops.append(loop["id"])
    queued = jobs.enqueue_grading(user, loops[0])
    dead = jobs.enqueue_grading(user, loops[1])
    jobs.huey.dequeue(), jobs.huey.dequeue()  # both taken; the second one's worker then died mid-grade
    jobs.huey.enqueue(jobs.grade_task.s(queued["id"], user, loops[0]))  # (the first is given back)
    jobs.records.update(dead["id"], status="running", attempts=1)
    jobs.records.put({**jobs.records.get(dead["id"]), "updated": 0.0})  # its heartbeat is long gone

    result = CliRunner().invoke(main, ["worker", "--drain"])
    assert result.exit_code == 0, result.output
    assert "ran 2 job(s) (1 recovered from a dead worker)" in result.output
    assert "queue.sqlite3" in result.output
    for loop_id in loops:
        assert [len(r["grades"]) for r in service.get_loop(user, loop_id)["rounds"]] == [1]


def test_worker_refuses_immediate_mode(monkeypatch):
    monkeypatch.setenv("MOCKLOOP_QUEUE_URL", "immediate")
    result = CliRunner().invoke(main, ["worker", "--drain"])
    assert result.exit_code == 1 and "nothing to consume" in result.output


HANGING_WORKER = """
import pathlib, sys, threading
import simulator.engine.grading as grading
from simulator.jobs.runtime import consumer, jobs_from_environment

def hang(*args, **kwargs):  # the grader starts, says so, and never returns: the process is killed here
    pathlib.Path(sys.argv[1]).write_text("grading")
    threading.Event().wait()

grading.grade_round = hang
consumer(jobs_from_environment(), 1).run()
"""


def test_a_worker_killed_mid_grade_loses_nothing_its_job_is_graded_once_elsewhere(tmp_path, monkeypatch):
    """A real worker process (Huey's consumer) takes the job, starts grading and is killed with SIGKILL; past the
    lease, recovery queues the job again and another worker grades it: one set of grades."""
    import signal
    import subprocess
    import sys
    import threading
    import time

    from simulator.jobs.config import queue_url
    from simulator.config import database_url
    from simulator.jobs.runtime import jobs_from_environment, make_jobs

    monkeypatch.delenv("MOCKLOOP_QUEUE_URL", raising=False)
    jobs = jobs_from_environment()
    service = jobs._service()
    user = service.ensure_user()
    loop = service.create_loop(user, "research-engineer", round_type="behavioral", seed=7)
    rnd = service.start_next_round(user, loop["id"])
    service.submit(user, rnd["id"], "I owned the rollout and measured a 12% drop in errors.")
    job = jobs.enqueue_grading(user, loop["id"])

    started = tmp_path / "started"
    worker = subprocess.Popen([sys.executable, "-c", HANGING_WORKER, str(started)], stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    try:
        wait = threading.Event()
        for _ in range(1200):  # until the worker is inside the grader (bounded: a broken worker fails the test)
            if started.exists() or worker.poll() is not None:
                break
            wait.wait(0.05)
        assert started.exists(), "the worker never started grading"
        assert jobs.records.get(job["id"])["status"] == "running"
    finally:
        worker.send_signal(signal.SIGKILL)
        worker.wait(30)
    assert "grade_loop" not in [type(t).__name__ for t in jobs.huey.pending()]  # the message went with the worker

    later = make_jobs(queue_url(database_url()), lambda: service, lambda: service.bank,
                      now=lambda: time.time() + jobs.lease_s + 1)  # the lease has run out
    assert later.recover() == 1
    while (task := later.huey.dequeue()) is not None:  # another worker (and the scheduler's recovery run)
        later.huey.execute(task)
    record = later.records.get(job["id"])
    assert record["status"] == "done" and record["attempts"] == 2
    assert [len(r["grades"]) for r in service.get_loop(user, loop["id"])["rounds"]] == [1]
