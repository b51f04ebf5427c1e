"""The job queue (simulator/jobs): grading a finished loop as a job, recorded once, retried when it fails or its
worker dies; sandbox slots bounding code runs. The consumer is driven by hand (dequeue, execute) or Huey's
immediate mode: nothing waits on the wall clock."""
from __future__ import annotations

import datetime
import threading

import pytest

from simulator.jobs import Jobs, build_huey, needs_grading
from simulator.jobs.config import default_queue_file, queue_url


def finished_drill(service, user, text="I owned the rollout, measured a 12% drop in errors, and told the team why."):
    loop = service.create_loop(user, "research-engineer", round_type="behavioral", seed=7)
    rnd = service.start_next_round(user, loop["id"])
    service.submit(user, rnd["id"], text)
    return loop["id"]


def make_jobs(service, bank, clock, url, **kw):
    return Jobs(build_huey(url), lambda: service, lambda: bank, now=lambda: clock.now().timestamp(), **kw)


@pytest.fixture
def queue(tmp_path):
    return f"sqlite:///{tmp_path / 'queue.sqlite3'}"


def work_one(jobs):
    """One consumer step: take the next message and run it (None when the queue is empty)."""
    task = jobs.huey.dequeue()
    if task is not None:
        jobs.huey.execute(task)
    return task


def test_the_queue_is_sqlite_beside_the_database_by_default_and_redis_when_configured(tmp_path, monkeypatch):
    monkeypatch.delenv("MOCKLOOP_QUEUE_URL", raising=False)
    assert default_queue_file(f"sqlite:///{tmp_path}/app.sqlite3") == tmp_path / "app.queue.sqlite3"
    assert queue_url("postgresql+psycopg://x@h/db").endswith("/data/queue.sqlite3")  # the data folder
    from huey import MemoryHuey, RedisHuey, SqliteHuey

    assert isinstance(build_huey(queue_url(f"sqlite:///{tmp_path}/app.sqlite3")), SqliteHuey)
    assert build_huey("immediate").immediate and isinstance(build_huey("immediate"), MemoryHuey)
    monkeypatch.setenv("MOCKLOOP_QUEUE_URL", "redis://127.0.0.1:6399/0")
    assert isinstance(build_huey(queue_url()), RedisHuey)  # connects lazily
    with pytest.raises(ValueError, match="MOCKLOOP_QUEUE_URL"):
        build_huey("amqp://nope")


def test_immediate_mode_grades_at_once_and_records_the_job(service, user, bank, clock):
    jobs = make_jobs(service, bank, clock, "immediate")
    loop_id = finished_drill(service, user)
    job = jobs.enqueue_grading(user, loop_id)
    assert job["status"] == "done" and job["attempts"] == 1 and job["progress"] == {"round": 1, "of": 1}
    assert not needs_grading(service.get_loop(user, loop_id))
    assert jobs.enqueue_grading(user, loop_id)["id"] != job["id"]  # done: a new job, which records nothing
    assert len(service.get_loop(user, loop_id)["rounds"][0]["grades"]) == 1


def test_a_queued_job_is_not_enqueued_twice_and_runs_on_the_consumer(service, user, bank, clock, queue):
    jobs = make_jobs(service, bank, clock, queue)
    loop_id = finished_drill(service, user)
    job = jobs.enqueue_grading(user, loop_id)
    assert job["status"] == "queued" and needs_grading(service.get_loop(user, loop_id))
    assert jobs.enqueue_grading(user, loop_id)["id"] == job["id"]
    assert jobs.huey.pending_count() == 1
    work_one(jobs)
    assert jobs.records.get(job["id"])["status"] == "done"
    assert len(service.get_loop(user, loop_id)["rounds"][0]["grades"]) == 1
    assert jobs.records.get("../etc") is None and jobs.records.get("nope") is None


def test_a_job_whose_worker_died_is_retried_and_records_one_grade(service, user, bank, clock, queue):
    """Worker A takes the job and dies mid-grade (its message is gone from the queue, the record says running);
    past the lease the job is enqueued again and worker B grades. A's late finish records nothing more."""
    jobs = make_jobs(service, bank, clock, queue, lease_s=600)
    loop_id = finished_drill(service, user)
    job = jobs.enqueue_grading(user, loop_id)
    lost = jobs.huey.dequeue()  # worker A took it...
    jobs.records.update(job["id"], status="running", attempts=1)  # ...started, and died
    assert jobs.recover() == 0  # within the lease it may still be working
    clock.advance(601)
    assert jobs.recover() == 1
    again = jobs.records.get(job["id"])
    assert again["status"] == "queued" and "stopped" in again["error"]
    work_one(jobs)  # worker B
    done = jobs.records.get(job["id"])
    assert done["status"] == "done" and done["attempts"] == 2
    lost.execute()  # had A only stalled, its finish would grade again: still one set of grades recorded
    service.grade(user, loop_id, "auto", once=True)
    assert len(service.get_loop(user, loop_id)["rounds"][0]["grades"]) == 1
    assert work_one(jobs) is None
    clock.advance(7 * 86400 + 1)  # finished jobs are forgotten after a week
    jobs.recover()
    assert jobs.records.get(job["id"]) is None and jobs.grading_job(user, loop_id) is None


def test_a_queued_job_whose_message_was_lost_is_enqueued_again_after_the_lease(service, user, bank, clock, queue):
    """Redis went away between the job's record and its message: the record says queued, the queue is empty.
    Past the lease the job is enqueued again and graded once; a live queued job within the lease is left alone."""
    jobs = make_jobs(service, bank, clock, queue, lease_s=600)
    loop_id = finished_drill(service, user)
    job = jobs.enqueue_grading(user, loop_id)
    jobs.huey.dequeue()  # the message is gone; nobody runs it
    assert jobs.huey.pending_count() == 0 and jobs.recover() == 0
    clock.advance(601)
    assert jobs.recover() == 1 and jobs.huey.pending_count() == 1
    again = jobs.records.get(job["id"])
    assert again["status"] == "queued" and "waited too long" in again["error"]
    assert jobs.recover() == 0  # its wait starts again: not enqueued once a minute
    work_one(jobs)
    assert jobs.records.get(job["id"])["status"] == "done"
    assert len(service.get_loop(user, loop_id)["rounds"][0]["grades"]) == 1


def test_a_poll_of_a_stale_job_recovers_it_and_gives_up_after_max_attempts(service, user, bank, clock, queue):
    jobs = make_jobs(service, bank, clock, queue, lease_s=60, max_attempts=2)
    loop_id = finished_drill(service, user)
    job = jobs.enqueue_grading(user, loop_id)
    for attempt in (1, 2):
        jobs.huey.dequeue()
        jobs.records.update(job["id"], status="running", attempts=attempt)
        clock.advance(61)
        record = jobs.enqueue_grading(user, loop_id)  # a page asking again finds the dead job
        assert record["id"] == job["id"]
    assert record["status"] == "failed" and "2 times" in record["error"]


def test_a_grader_error_is_retried_by_huey_then_fails_with_the_reason(service, user, bank, clock, queue, monkeypatch):
    import simulator.engine.grading as grading

    calls, real = [], grading.grade_round

    def broken(*a, **kw):
        calls.append(1)
        raise RuntimeError("the LLM server is down")

    monkeypatch.setattr(grading, "grade_round", broken)
    jobs = make_jobs(service, bank, clock, queue, retries=1, retry_delay=0)
    loop_id = finished_drill(service, user)
    job = jobs.enqueue_grading(user, loop_id)
    work_one(jobs)
    assert jobs.records.get(job["id"])["status"] == "queued"  # Huey put it back for its retry
    work_one(jobs)
    record = jobs.records.get(job["id"])
    assert record["status"] == "failed" and record["error"] == "the LLM server is down" and len(calls) == 2
    assert needs_grading(service.get_loop(user, loop_id))
    assert jobs.enqueue_grading(user, loop_id)["id"] == job["id"]  # asking again shows the failure...
    monkeypatch.setattr(grading, "grade_round", real)
    retried = jobs.enqueue_grading(user, loop_id, retry=True)  # ...until a retry is asked for
    assert retried["id"] != job["id"] and retried["status"] == "queued"
    work_one(jobs)
    assert not needs_grading(service.get_loop(user, loop_id))


def test_progress_is_reported_per_round_while_grading(service, user, bank, clock, queue, monkeypatch):
    import simulator.engine.grading as grading

    started, release = threading.Event(), threading.Event()
    real = grading.grade_round

    def slow(*a, **kw):
        started.set()
        assert release.wait(10)
        return real(*a, **kw)

    monkeypatch.setattr(grading, "grade_round", slow)
    jobs = make_jobs(service, bank, clock, queue)
    loop_id = finished_drill(service, user)
    job = jobs.enqueue_grading(user, loop_id)
    worker = threading.Thread(target=work_one, args=(jobs,))
    worker.start()
    assert started.wait(10)
    running = jobs.records.get(job["id"])
    assert running["status"] == "running" and running["progress"] == {"round": 1, "of": 1}
    release.set()
    worker.join(10)
    assert jobs.records.get(job["id"])["status"] == "done"


# ---- sandbox slots --------------------------------------------------------------------------------------------
def test_a_user_with_a_run_in_flight_is_told_so_and_the_server_bound_holds(service, user, bank, clock, queue):
    jobs = make_jobs(service, bank, clock, queue, sandbox_total=2, sandbox_per_user=1)
    slots = jobs.slots
    with slots.hold(1):
        with pytest.raises(Exception, match="already in progress"):
            with slots.hold(1):
                pass
        with slots.hold(2):
            assert slots.in_use() == 2
            with pytest.raises(Exception, match="as many code runs as it allows \\(2\\)"):
                with slots.hold(3):
                    pass
            with pytest.raises(Exception, match="already in progress"):  # user 3's own slot was given back
                with slots.hold(1):
                    pass
        with slots.hold(3):
            pass
    assert slots.in_use() == 0
    with slots.hold(1):  # free again
        pass


@pytest.fixture
def fake_runs(monkeypatch):
    """The sandbox replaced by a recorder (the run's plumbing is under test here, not bubblewrap)."""
    import simulator.jobs.runs as runs

    ran = []
    monkeypatch.setattr(runs, "refusal", lambda service, user_id, round_id: None)
    monkeypatch.setattr(runs, "run_examples", lambda service, bank, user_id, round_id, code:
                        ran.append((user_id, round_id, code)) or {"available": True, "output": f"ran {code}"})
    return ran


def test_a_slot_left_by_a_dead_process_is_taken_back_after_a_while(service, user, bank, clock, queue, fake_runs):
    jobs = make_jobs(service, bank, clock, queue, sandbox_total=1, lease_s=300)
    held = jobs.slots.hold(1)
    held.__enter__()  # a process took the slot and died without releasing it
    result = jobs.enqueue_run(1, 1, "x")
    assert result["busy"] and "already in progress" in result["output"]
    clock.advance(301)
    with jobs.slots.hold(1):
        assert jobs.slots.in_use() == 1


def test_a_code_run_is_a_job_and_the_users_second_run_is_refused_until_it_is_done(service, user, bank, clock, queue,
                                                                                   fake_runs):
    """The web process only enqueues: the worker runs the code. While the user's run is queued or running, a
    second one (the 9th endless loop) is refused at once, not queued; when it is done both slots are free."""
    jobs = make_jobs(service, bank, clock, queue, sandbox_total=4)
    job = jobs.enqueue_run(user, 5, "print(1)")
    assert job["kind"] == "run" and job["status"] == "queued" and fake_runs == []
    assert jobs.enqueue_run(user, 5, "while True: pass") == {
        "available": False, "busy": True, "output": "A run is already in progress; wait for its output before running again."}
    work_one(jobs)
    done = jobs.records.get(job["id"])
    assert done["status"] == "done" and done["output"] == "ran print(1)" and fake_runs == [(user, 5, "print(1)")]
    assert jobs.slots.in_use() == 0 and jobs.huey.get("mockloop.runcode." + job["id"], peek=True) is None
    assert jobs.enqueue_run(user, 5, "print(2)")["status"] == "queued"  # the user's slot is free again


def test_a_run_waits_on_the_queue_while_the_servers_sandboxes_are_all_busy(service, user, bank, clock, queue, fake_runs):
    jobs = make_jobs(service, bank, clock, queue, sandbox_total=1)
    other = jobs.slots.take_shared()  # another user's run holds the server's only sandbox
    job = jobs.enqueue_run(user, 5, "print(1)")
    work_one(jobs)  # no sandbox: retried later, not run, not failed
    waiting = jobs.records.get(job["id"])
    assert waiting["status"] == "queued" and waiting["progress"] == {"waiting": "a free sandbox"} and fake_runs == []
    jobs.slots.release(other)
    assert jobs.huey.pending_count() == 0 and jobs.huey.scheduled_count() == 1  # the retry, due 1 s later
    later = datetime.datetime(9999, 1, 1)  # Huey times retries on the wall clock: read it as long past due
    for due in jobs.huey.read_schedule(later):  # the consumer's scheduler, once it is due
        jobs.huey.enqueue(due)
    jobs.huey.execute(jobs.huey.dequeue(), timestamp=later)
    assert jobs.records.get(job["id"])["status"] == "done" and len(fake_runs) == 1


def test_a_run_whose_worker_died_is_run_again(service, user, bank, clock, queue, fake_runs):
    jobs = make_jobs(service, bank, clock, queue, lease_s=60)
    job = jobs.enqueue_run(user, 5, "print(1)")
    jobs.huey.dequeue()  # a worker took it...
    jobs.records.update(job["id"], status="running", attempts=1)  # ...and died
    clock.advance(61)
    assert jobs.recover() == 1
    work_one(jobs)
    assert jobs.records.get(job["id"])["status"] == "done" and fake_runs == [(user, 5, "print(1)")]


def test_a_regrade_records_a_new_set_and_a_refusal_by_the_loops_state_fails_at_once(service, user, bank, clock, queue):
    jobs = make_jobs(service, bank, clock, queue)
    loop_id = finished_drill(service, user)
    jobs.enqueue_grading(user, loop_id)
    work_one(jobs)
    again = jobs.enqueue_grading(user, loop_id, grader="keyword", regrade=True)
    work_one(jobs)
    assert jobs.records.get(again["id"])["status"] == "done"
    assert len(service.get_loop(user, loop_id)["rounds"][0]["grades"]) == 2
    unfinished = service.create_loop(user, "research-engineer", round_type="behavioral", seed=8)["id"]
    refused = jobs.enqueue_grading(user, unfinished, regrade=True)
    work_one(jobs)
    record = jobs.records.get(refused["id"])
    assert record["status"] == "failed" and record["attempts"] == 1 and jobs.huey.pending_count() == 0
