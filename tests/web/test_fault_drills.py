"""Fault drills (issue 15, item 6): PostgreSQL and Redis restarted under the app. While a server is down the app
answers a clear 503 (never a 500 or a hang), it recovers by itself once the server is back, and no acknowledged
save is lost.

They stop and start the throwaway servers of .ci/postgres and .ci/redis through the control commands those export
(MOCKLOOP_TEST_POSTGRES_CTL with MOCKLOOP_PG_DIR, MOCKLOOP_TEST_REDIS_CTL with MOCKLOOP_REDIS_DIR): skipped
without them, failed without them in CI (MOCKLOOP_REQUIRE_SYSTEM=1). The server is always started again, even when
the test fails."""
from __future__ import annotations

import os
import subprocess
import threading
import time
from contextlib import contextmanager

import pytest

from tests.web.conftest import PASSWORD, Api, AuthActions, csrf_token, make_app

WAIT_S = 60  # at most, for what a drill waits on (it normally takes well under a second)


class Server:
    """The control of a throwaway test server: down (stopped, data kept) and up (started again, same port)."""

    def __init__(self, name: str, ctl_env: str, dir_env: str):
        self.name, ctl, folder = name, os.environ.get(ctl_env, ""), os.environ.get(dir_env, "")
        if not ctl or not os.path.isfile(ctl) or not folder:
            why = (f"{ctl_env} and {dir_env} are not set (the fault drills stop and start the throwaway "
                   f"{name} server: `eval $(.ci/{name.lower()} start)` sets them)")
            if os.environ.get("MOCKLOOP_REQUIRE_SYSTEM") == "1":
                pytest.fail(f"the {name} fault drill is required (MOCKLOOP_REQUIRE_SYSTEM=1) but {why}")
            pytest.skip(f"the {name} fault drill is skipped: {why}")
        self.ctl = ctl

    def _run(self, action: str) -> None:
        done = subprocess.run(["bash", self.ctl, action], capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, f"{self.ctl} {action} failed: {done.stderr[-2000:]}"

    @contextmanager
    def down(self):
        self._run("down")
        try:
            yield
        finally:
            self._run("up")  # whatever happened, the rest of the suite has its server back


def wait_until(condition, what: str, timeout: float = WAIT_S) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"waited {timeout} s for {what}"
        time.sleep(0.02)


class Writer(threading.Thread):
    """Autosaves one round's draft as fast as it is answered, like a busy round page; remembers every answer and
    the last save the server acknowledged."""

    def __init__(self, app, round_id: int, name: str):
        super().__init__(daemon=True)
        self.api = Api(app.test_client())
        self.round_id, self.name = round_id, name
        self.go = threading.Event()
        self.go.set()
        self.stop = threading.Event()
        self.seq = 0
        self.acked: tuple[int, str] | None = None
        self.acks = 0
        self.statuses: list[int] = []
        self.unavailable: list[dict] = []
        self.errors: list[str] = []
        self.slowest = 0.0

    def text(self, seq: int) -> str:
        return f"{self.name}: draft {seq}"

    def run(self) -> None:
        while not self.stop.is_set():
            if not self.go.wait(0.05):
                continue
            self.seq += 1
            started = time.monotonic()
            try:
                response = self.api.call("PUT", f"/api/rounds/{self.round_id}/draft",
                                         {"text": self.text(self.seq), "seq": self.seq})
            except Exception as exc:  # noqa: BLE001  a 500 (the test app propagates it): the drill fails
                self.errors.append(f"{type(exc).__name__}: {exc}"[:300])
                continue
            finally:
                self.slowest = max(self.slowest, time.monotonic() - started)
            self.statuses.append(response.status_code)
            if response.status_code == 200 and response.get_json()["saved"]:
                self.acked, self.acks = (self.seq, self.text(self.seq)), self.acks + 1
            elif response.status_code == 503:
                self.unavailable.append({"body": response.get_json(), "retry": response.headers.get("Retry-After")})


def stored(api: Api, round_id: int) -> tuple[int, str]:
    view = api.get(f"/api/rounds/{round_id}")
    return view["draft_seq"], view["draft"]


def test_postgresql_restarted_under_autosaves_answers_503_and_loses_no_acknowledged_save(
        postgres_url, tmp_path, bank, clock):
    server = Server("PostgreSQL", "MOCKLOOP_TEST_POSTGRES_CTL", "MOCKLOOP_PG_DIR")
    app = make_app(tmp_path, bank, clock, DATABASE_URL=postgres_url)
    api = Api(app.test_client())
    rounds = [api.drill(seed=i)[1]["id"] for i in range(4)]
    writers = [Writer(app, round_id, f"writer {i}") for i, round_id in enumerate(rounds)]
    for writer in writers:
        writer.start()
    try:
        wait_until(lambda: all(w.acks >= 3 for w in writers), "saves before the restart")
        with server.down():
            wait_until(lambda: all(w.unavailable or w.errors for w in writers), "every writer to be refused")
            for writer in writers:
                writer.go.clear()  # the page keeps its draft and retries later
            page = app.test_client().get(f"/rounds/{rounds[0]}")
            html = page.get_data(as_text=True)
            assert page.status_code == 503 and "database cannot be reached" in html and "Nothing saved" in html
            assert app.test_client().get("/readyz").status_code == 503
            time.sleep(0.1)  # let any request in flight finish before counting what was acknowledged
            acked = {w.round_id: w.acked for w in writers}
        for writer in writers:
            assert not writer.errors, writer.errors  # no 500 while it was down
            assert set(writer.statuses) <= {200, 503}, writer.statuses
            body = writer.unavailable[0]["body"]
            assert body["error"] == "unavailable" and body["status"] == 503
            assert "database cannot be reached" in body["message"] and "Nothing saved before is lost" in body["message"]
            assert writer.unavailable[0]["retry"] == "5"
            assert writer.slowest < 15, f"a request took {writer.slowest:.1f} s: the app hung on the dead server"

        check = Api(app.test_client())
        wait_until(lambda: check.client.get("/readyz").status_code == 200, "the app to be ready again")
        for writer in writers:  # every acknowledged save is there (or a later one that was stored unanswered)
            seq, text = stored(check, writer.round_id)
            assert seq >= acked[writer.round_id][0] and text == writer.text(seq), (writer.name, seq, text)
            writer.acks = 0
            writer.go.set()
        wait_until(lambda: all(w.acks >= 3 for w in writers), "saves after the restart")
    finally:
        for writer in writers:
            writer.stop.set()
            writer.go.set()
        for writer in writers:
            writer.join(WAIT_S)
    for writer in writers:
        assert not writer.errors, writer.errors
        assert stored(Api(app.test_client()), writer.round_id) == writer.acked  # the last acknowledged save


def test_redis_restarted_under_the_app_answers_503_for_grading_keeps_sign_in_and_saves_and_recovers(
        tmp_path, bank, clock, monkeypatch, redis_url):
    """Redis holds the sign-in limits' counts and the queue. While it is down: sign-in and autosaves work (the
    limits fall back to each process's memory, as the README says), the last submit is stored and answered 503
    saying grading has not started, and so is everything that asks the queue; once it is back the loop's grading
    is queued by the next look at the loop and runs. (The throwaway Redis keeps nothing on disk, as a Redis without
    persistence would lose its queue: what the app must not lose is in the database.)"""
    from tests.web.test_redis_queue import worker_jobs

    server = Server("Redis", "MOCKLOOP_TEST_REDIS_CTL", "MOCKLOOP_REDIS_DIR")
    app = make_app(tmp_path, bank, clock, MULTI_USER=True, RATELIMIT_STORAGE_URI=redis_url, QUEUE_URL=redis_url)
    client = app.test_client()
    AuthActions(client).register()
    api = Api(client)
    loop, rnd = api.drill()
    path = f"/api/rounds/{rnd['id']}"
    assert api.put(f"{path}/draft", {"text": "before", "seq": 1})["saved"]

    def sign_in(password):
        other = app.test_client()
        token = csrf_token(other, "/login")
        return other.post("/login", data={"csrf_token": token, "username": "alice", "password": password})

    with server.down():
        assert sign_in("wrong password").status_code == 401  # counted in memory meanwhile, not a 500
        assert sign_in(PASSWORD).status_code == 302
        assert api.put(f"{path}/draft", {"text": "while Redis was down", "seq": 2})["saved"]
        started = time.monotonic()
        submitted = api.call("POST", f"{path}/submit", {"text": "my final answer"})
        assert time.monotonic() - started < 15
        body = submitted.get_json()
        assert submitted.status_code == 503 and body["error"] == "unavailable", body
        assert "grading queue cannot be reached" in body["message"] and "answer is saved" in body["message"]
        assert submitted.headers["Retry-After"] == "5"
        assert api.get(path)["status"] == "submitted"  # the answer was stored before the queue was asked
        assert api.call("GET", f"/api/loops/{loop['id']}/scorecard").status_code == 503
        page = client.get(f"/loops/{loop['id']}")
        assert page.status_code == 503 and "grading queue cannot be reached" in page.get_data(as_text=True)

    view = api.get(path)
    assert view["status"] == "submitted" and view["answer"] == "my final answer"
    assert sign_in(PASSWORD).status_code == 302
    job = api.call("GET", f"/api/loops/{loop['id']}/scorecard", status=202).get_json()  # queued again
    jobs, _ = worker_jobs(tmp_path, bank, clock, monkeypatch, redis_url)
    jobs.huey.execute(jobs.huey.dequeue())
    assert api.get(job["url"])["status"] == "done"
    assert len(api.get(path)["grades"]) == 1
    second, second_round = api.drill(seed=8)
    assert api.put(f"/api/rounds/{second_round['id']}/draft", {"text": "after", "seq": 1})["saved"]
