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
