"""Grading on the task queue, seen from the web: the last submit answers 202 with a job to poll and never waits for
the graders; the loop page shows the progress and refreshes itself; code runs are bounded per user."""
from __future__ import annotations

import threading

import pytest

from tests.web.conftest import Api, make_app


@pytest.fixture
def queued_app(database, tmp_path, bank, clock):
    """An app whose queue is a SQLite file and which has no consumer: jobs wait until the test runs them."""
    return make_app(tmp_path, bank, clock, QUEUE_URL=f"sqlite:///{tmp_path / 'queue.sqlite3'}")


def run_queued(app):
    from web.extensions import jobs

    with app.app_context():
        queue = jobs()
        while (task := queue.huey.dequeue()) is not None:
            queue.huey.execute(task)


ANSWER = {"text": "gradient accumulation with a clear structure"}


def test_the_last_submit_answers_202_with_a_job_and_the_scorecard_comes_when_it_is_done(queued_app):
    client = queued_app.test_client()
    api = Api(client)
    loop, rnd = api.drill()
    response = api.call("POST", f"/api/rounds/{rnd['id']}/submit", ANSWER, status=202)
    body = response.get_json()
    job = body["job"]
    assert body["status"] == "submitted" and body["grades"] == []
    assert job["status"] == "queued" and response.headers["Location"] == job["url"] == f"/api/jobs/{job['id']}"
    assert api.get(job["url"])["message"] == "waiting for a grader"
    accepted = api.call("GET", f"/api/loops/{loop['id']}/scorecard", status=202)
    assert accepted.get_json()["id"] == job["id"]  # the same job, not a second one

    page = client.get(f"/loops/{loop['id']}").get_data(as_text=True)
    assert 'http-equiv="refresh"' in page and "Waiting for a grader" in page and "scorecard-link" not in page
    assert client.get(f"/loops/{loop['id']}/scorecard").headers["Location"].endswith(f"/loops/{loop['id']}")

    run_queued(queued_app)
    done = api.get(job["url"])
    assert done["status"] == "done" and done["result"] == f"/api/loops/{loop['id']}/scorecard"
    assert api.get(done["result"])["loop_id"] == loop["id"]
    page = client.get(f"/loops/{loop['id']}").get_data(as_text=True)
    assert 'http-equiv="refresh"' not in page and "scorecard-link" in page
    assert len(api.get(f"/api/rounds/{rnd['id']}")["grades"]) == 1


def test_the_request_returns_while_the_grader_is_still_working(queued_app, monkeypatch):
    """The embedded consumer grades in its own thread: the submit answers while the grader waits on an Event this
    test holds, the job reports 'grading round 1 of 1', and the grades land after the Event is set."""
    import simulator.engine.grading as grading
    from web.extensions import start_embedded_worker

    started, release = threading.Event(), threading.Event()
    real = grading.grade_round

    def held(*a, **kw):
        started.set()
        assert release.wait(20)
        return real(*a, **kw)

    monkeypatch.setattr(grading, "grade_round", held)
    worker = start_embedded_worker(queued_app, workers=1)
    try:
        api = Api(queued_app.test_client())
        loop, rnd = api.drill()
        job = api.call("POST", f"/api/rounds/{rnd['id']}/submit", ANSWER, status=202).get_json()["job"]
        assert not release.is_set()  # answered although the grader cannot have finished
        assert started.wait(20)
        running = api.get(job["url"])
        assert running["status"] == "running" and running["message"] == "grading round 1 of 1"
        assert "Grading round 1 of 1" in queued_app.test_client().get(f"/loops/{loop['id']}").get_data(as_text=True)
        release.set()
        finished = threading.Event()
        for _ in range(400):  # wait for the consumer thread to record (bounded; correctness needs no delay)
            if api.get(job["url"])["status"] == "done":
                finished.set()
                break
            finished.wait(0.05)
        assert finished.is_set()
        assert len(api.get(f"/api/rounds/{rnd['id']}")["grades"]) == 1
    finally:
        release.set()
        worker.stop(graceful=True)


def test_a_failed_job_is_shown_and_retried_only_when_asked(database, tmp_path, bank, clock, monkeypatch):
    import simulator.engine.grading as grading

    def broken(*a, **kw):
        raise RuntimeError("the LLM server is down")

    queued_app = make_app(tmp_path, bank, clock, QUEUE_URL=f"sqlite:///{tmp_path / 'queue.sqlite3'}",
                          JOBS_OPTIONS={"retry_delay": 0})  # Huey's retries come at once, not 10 s later
    real = grading.grade_round
    monkeypatch.setattr(grading, "grade_round", broken)
    client = queued_app.test_client()
    api = Api(client)
    loop, rnd = api.drill()
    job = api.call("POST", f"/api/rounds/{rnd['id']}/submit", ANSWER, status=202).get_json()["job"]
    run_queued(queued_app)  # the first run and Huey's two retries
    failed = api.get(job["url"])
    assert failed["status"] == "failed" and failed["attempts"] == 3 and "LLM server is down" in failed["message"]
    page = client.get(f"/loops/{loop['id']}").get_data(as_text=True)
    assert "Automatic grading failed" in page and 'http-equiv="refresh"' not in page
    assert "LLM server is down" in api.call("GET", f"/api/loops/{loop['id']}/scorecard", status=409).get_json()["message"]
    monkeypatch.setattr(grading, "grade_round", real)
    from tests.web.conftest import csrf_token

    client.post(f"/loops/{loop['id']}/grade-again", data={"csrf_token": csrf_token(client)})
    run_queued(queued_app)
    assert len(api.get(f"/api/rounds/{rnd['id']}")["grades"]) == 1


def test_jobs_are_their_owners_only(multi_app):
    from tests.web.test_authorisation import signed_in

    from web.extensions import jobs

    alice = Api(signed_in(multi_app, "alice"))
    with multi_app.app_context():
        record = jobs().records.new("grade", 10**6, loop_id=1)
    alice.get(f"/api/jobs/{record['id']}", status=404)
    alice.get("/api/jobs/not-a-job", status=404)


def test_a_second_code_run_of_the_same_user_is_refused_while_the_first_is_in_flight(app):
    from web.extensions import jobs, local_user_id

    api = Api(app.test_client())
    _, rnd = api.drill(round_type="ml_coding")
    with app.app_context():
        held = jobs().slots.hold(local_user_id())
    with held:  # the user's first run, still going
        busy = api.post(f"/api/rounds/{rnd['id']}/run", {"code": "while True: pass"})
    assert busy == {"available": False, "busy": True,
                    "output": "A run is already in progress; wait for its output before running again."}
    done = api.post(f"/api/rounds/{rnd['id']}/run", {"code": "def f(x):\n    return x\n"}, status=202)
    assert done["status"] == "done" and "busy" not in done
    with app.app_context():
        assert jobs().slots.in_use() == 0 and jobs().slots.take_user(local_user_id())  # both slots given back


def test_a_regrade_asked_for_is_a_job_too_and_adds_one_set_of_grades(queued_app):
    from tests.web.conftest import csrf_token

    client = queued_app.test_client()
    api = Api(client)
    loop, rnd = api.drill()
    api.call("POST", f"/api/rounds/{rnd['id']}/submit", ANSWER, status=202)
    run_queued(queued_app)
    response = api.call("POST", f"/api/loops/{loop['id']}/grade", {"grader": "keyword"}, status=202)
    job = response.get_json()
    assert job["status"] == "queued" and response.headers["Location"] == job["url"]
    page = client.get(f"/loops/{loop['id']}").get_data(as_text=True)  # graded, and a regrade on its way
    assert "Waiting for a grader" in page and 'http-equiv="refresh"' in page
    assert api.call("POST", f"/api/loops/{loop['id']}/grade", {}, status=202).get_json()["id"] == job["id"]
    run_queued(queued_app)
    assert api.get(job["url"])["status"] == "done"
    assert len(api.get(f"/api/rounds/{rnd['id']}")["grades"]) == 2
    redirect = client.post(f"/loops/{loop['id']}/grade", data={"csrf_token": csrf_token(client)})
    assert redirect.headers["Location"].endswith(f"/loops/{loop['id']}")  # the page that shows the progress
    run_queued(queued_app)
    assert len(api.get(f"/api/rounds/{rnd['id']}")["grades"]) == 3


def test_a_code_run_answers_202_at_once_and_its_output_comes_by_polling_the_job(queued_app, monkeypatch):
    """The web process never runs the candidate's code: the request enqueues it and answers; a worker runs it."""
    import simulator.jobs.runs as runs

    ran = []
    monkeypatch.setattr(runs, "refusal", lambda service, user_id, round_id: None)  # the sandbox is not under test
    monkeypatch.setattr(runs, "run_examples", lambda service, bank, user_id, round_id, code:
                        ran.append(code) or {"available": True, "output": "2 of 2 visible examples pass"})
    api = Api(queued_app.test_client())
    _, rnd = api.drill(round_type="ml_coding")
    response = api.call("POST", f"/api/rounds/{rnd['id']}/run", {"code": "def f(x):\n    return x\n"}, status=202)
    job = response.get_json()
    assert job["kind"] == "run" and job["status"] == "queued" and response.headers["Location"] == job["url"]
    assert ran == [] and "output" not in api.get(job["url"])
    busy = api.post(f"/api/rounds/{rnd['id']}/run", {"code": "while True: pass"})
    assert busy["busy"] is True and "already in progress" in busy["output"]
    run_queued(queued_app)
    done = api.get(job["url"])
    assert done["status"] == "done" and done["output"] == "2 of 2 visible examples pass" and done["available"] is True
    assert ran == ["def f(x):\n    return x\n"]


def test_loading_the_demo_team_is_a_job_that_the_page_follows_and_a_second_click_joins(queued_app):
    from tests.web.conftest import csrf_token

    client = queued_app.test_client()
    token = csrf_token(client, "/teams/")
    first = client.post("/teams/demo", data={"csrf_token": token})
    assert first.status_code == 302 and "/teams/demo/" in first.headers["Location"]
    again = client.post("/teams/demo", data={"csrf_token": token})
    assert again.headers["Location"] == first.headers["Location"]  # one team, not two
    page = client.get(first.headers["Location"])
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "Waiting for a worker to load the demo team" in html and 'http-equiv="refresh"' in html
    run_queued(queued_app)
    done = client.get(first.headers["Location"])
    assert done.status_code == 302 and "/dashboard" in done.headers["Location"]
    dashboard = client.get(done.headers["Location"]).get_data(as_text=True)
    assert "Demo team loaded" in dashboard
    api = Api(client)
    assert len([t for t in api.get("/api/teams")["teams"] if t["name"].startswith("Demo")]) == 1
    job = api.call("POST", "/api/teams/demo", status=202).get_json()  # the API: 202 and a job to poll
    assert job["kind"] == "demo" and job["status"] == "queued"
    run_queued(queued_app)
    polled = api.get(job["url"])
    assert polled["status"] == "done" and polled["result"].startswith("/api/teams/")
    assert api.get(polled["result"])["role"] == "admin"


def test_a_demo_that_fails_to_load_says_so_and_stores_nothing(queued_app, monkeypatch):
    import simulator.teams.demo_load as demo_load
    from tests.web.conftest import csrf_token

    def broken(session, user_id):
        from simulator.teams.demo import seed_demo_team

        seed_demo_team(session)  # written, then the transaction fails: none of it may stay
        raise RuntimeError("the disk went away")

    monkeypatch.setattr(demo_load, "seed_demo", broken)
    client = queued_app.test_client()
    first = client.post("/teams/demo", data={"csrf_token": csrf_token(client, "/teams/")})
    run_queued(queued_app)
    page = client.get(first.headers["Location"])
    html = page.get_data(as_text=True)
    assert page.status_code == 500 and "Loading the demo team failed: the disk went away" in html and "Try again" in html
    assert Api(client).get("/api/teams")["teams"] == []
