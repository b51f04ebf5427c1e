"""The task queue on Redis (MOCKLOOP_QUEUE_URL=redis://..., a team server's queue in the README): a web app
enqueues a loop's grading, a worker over the same database and the same Redis (another process on a team server)
runs it with its consumer driven by hand, and the grades are recorded once even when the message is delivered
twice. Each test has a Redis database of its own (the redis_url fixture), emptied before and after; skipped
without MOCKLOOP_TEST_REDIS_URL, failed without it in CI (MOCKLOOP_REQUIRE_SYSTEM=1)."""
from __future__ import annotations

import pytest

from tests.conftest import database_url
from tests.web.conftest import Api, make_app

ANSWER = {"text": "I owned the rollout, measured a 12% drop in errors, and told the team why."}


def worker_jobs(tmp_path, bank, clock, monkeypatch, url):
    """The Jobs of a worker process started with MOCKLOOP_QUEUE_URL=url, over the app's database."""
    from simulator.engine import LoopService
    from simulator.jobs.config import queue_url
    from simulator.jobs.runtime import make_jobs
    from simulator.storage import open_database

    monkeypatch.setenv("MOCKLOOP_QUEUE_URL", url)
    configured = queue_url(database_url(tmp_path, "web.sqlite3"))
    assert configured == url
    service = LoopService(open_database(database_url(tmp_path, "web.sqlite3")), bank, clock)
    return make_jobs(configured, lambda: service, lambda: bank, lambda: clock.now().timestamp()), service


def test_a_grading_job_enqueued_by_the_app_runs_on_a_worker_through_redis_and_is_recorded_once(
        database, tmp_path, bank, clock, monkeypatch, redis_url):
    from huey import RedisHuey

    app = make_app(tmp_path, bank, clock, QUEUE_URL=redis_url)
    api = Api(app.test_client())
    loop, rnd = api.drill()
    response = api.call("POST", f"/api/rounds/{rnd['id']}/submit", ANSWER, status=202)
    job = response.get_json()["job"]
    assert job["status"] == "queued"
    assert api.call("GET", f"/api/loops/{loop['id']}/scorecard", status=202).get_json()["id"] == job["id"]

    jobs, service = worker_jobs(tmp_path, bank, clock, monkeypatch, redis_url)
    assert isinstance(jobs.huey, RedisHuey)
    assert jobs.huey.pending_count() == 1  # the app's one message, in Redis: asking again enqueued no other
    assert jobs.records.get(job["id"])["status"] == "queued"  # the record the app wrote, read by the worker
    task = jobs.huey.dequeue()
    jobs.huey.execute(task)
    assert jobs.huey.pending_count() == 0

    done = api.get(job["url"])
    assert done["status"] == "done" and done["attempts"] == 1
    assert api.get(done["result"])["loop_id"] == loop["id"]
    jobs.huey.execute(task)  # the same message delivered again (a worker that stalled, then finished)
    grades = api.get(f"/api/rounds/{rnd['id']}")["grades"]
    assert len(grades) == 1  # recorded once
    assert len(service.get_loop(1, loop["id"])["rounds"][0]["grades"]) == 1


def test_a_job_whose_worker_died_is_queued_again_in_redis_and_graded_once(
        database, tmp_path, bank, clock, monkeypatch, redis_url):
    """Worker A takes the message and dies mid-grade; past the lease the app's next poll queues it again in
    Redis and worker B grades; A's late finish (had it only stalled) records nothing more."""
    app = make_app(tmp_path, bank, clock, QUEUE_URL=redis_url, JOBS_OPTIONS={"lease_s": 60})
    api = Api(app.test_client())
    loop, rnd = api.drill()
    job = api.call("POST", f"/api/rounds/{rnd['id']}/submit", ANSWER, status=202).get_json()["job"]
    jobs, _ = worker_jobs(tmp_path, bank, clock, monkeypatch, redis_url)
    lost = jobs.huey.dequeue()  # worker A took it...
    jobs.records.update(job["id"], status="running", attempts=1)  # ...started, and died
    assert jobs.huey.pending_count() == 0
    clock.advance(61)
    again = api.get(job["url"])  # a poll past the lease finds the dead job and queues it again
    assert again["status"] == "queued" and jobs.huey.pending_count() == 1
    jobs.huey.execute(jobs.huey.dequeue())  # worker B
    assert api.get(job["url"])["status"] == "done" and api.get(job["url"])["attempts"] == 2
    jobs.huey.execute(lost)
    assert len(api.get(f"/api/rounds/{rnd['id']}")["grades"]) == 1


@pytest.fixture(autouse=True)
def _no_stray_queue_setting(monkeypatch):
    monkeypatch.delenv("MOCKLOOP_QUEUE_URL", raising=False)
