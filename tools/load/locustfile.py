"""Locust scenario for `tools/load_test.py` (issue 15, item 5): candidates with a round page open, as a browser does it.

Each Candidate takes one prepared account (its session cookie, minted by the driver: signing 1,000 people in
through scrypt would measure the password hash, not autosave), opens the home page (the CSRF token), starts a
one-round drill through the API, opens the round page, then every 2 s autosaves the growing answer with an
increasing `seq` and the `base` it last saw (what round.js sends: session cookie + X-CSRFToken), reloads the
round page every 20th tick (40 s) and the history page every 30th (60 s). CODERS_PERCENT of the candidates are
in an ML-coding round and press "Run the visible examples" every RUN_EVERY_S, in a greenlet of their own (the
browser's autosave carries on meanwhile). A few Baseline users hit `GET /healthz` once a second: a trivial
endpoint measured in the same run, on the same machine, under the same load.

Every response is recorded (client time, the server's `Server-Timing: app;dur=` time, wall-clock time, error)
and, per round, the last draft the server acknowledged and the last one sent: each process writes them to
LOAD_OUT/records-<pid>.json when the test stops, and the driver checks them against the database.

Environment: LOAD_ACCOUNTS (JSON written by the driver), LOAD_OUT (a folder), LOAD_REDIS (redis URL: hands out
account indexes across the client processes), LOAD_CODERS_PERCENT (10), LOAD_RUN_EVERY_S (60)."""
from __future__ import annotations

import hashlib
import json
import os
import re
import time

import gevent
import redis
from locust import FastHttpUser, constant_pacing, events, task

ACCOUNTS = json.loads(open(os.environ["LOAD_ACCOUNTS"]).read()) if os.environ.get("LOAD_ACCOUNTS") else []
OUT = os.environ.get("LOAD_OUT", ".")
CODERS_PERCENT = float(os.environ.get("LOAD_CODERS_PERCENT", "10"))
RUN_EVERY_S = float(os.environ.get("LOAD_RUN_EVERY_S", "60"))
INTERVAL = 2.0
CSRF = re.compile(r'<meta name="csrf-token" content="([^"]+)"')

records: list[list] = []  # [name, wall time, client ms, app ms or None, error or None]
drafts: dict[int, dict] = {}  # round id -> {"acked": [seq, sha], "sent": [seq, sha], "bad": [...]}
_counter = None


def _next_index() -> int:
    global _counter
    if _counter is None:
        pool = redis.BlockingConnectionPool.from_url(os.environ["LOAD_REDIS"], max_connections=4, timeout=120)
        _counter = redis.Redis(connection_pool=pool)  # hundreds of users start at once: they wait for a connection
    return int(_counter.incr("mockloop-load:account")) - 1


@events.request.add_listener
def _record(request_type, name, response_time, response_length, response=None, exception=None, **_):
    app_ms = None
    if response is not None:
        timing = (response.headers or {}).get("Server-Timing") or ""
        if timing.startswith("app;dur="):
            app_ms = float(timing[8:])
    records.append([name, time.time(), response_time, app_ms, None if exception is None else repr(exception)[:200]])


@events.test_stop.add_listener
def _dump(environment, **_):
    if environment.runner is not None and environment.runner.__class__.__name__ == "MasterRunner":
        return
    path = os.path.join(OUT, f"records-{os.getpid()}.json")
    with open(path + ".tmp", "w") as f:
        json.dump({"records": records, "drafts": drafts}, f)
    os.replace(path + ".tmp", path)  # the driver never reads half a file


def sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def draft_text(index: int, seq: int, code: bool) -> str:
    """An answer that grows like typing does: about 40 characters a save, up to ~4 KB."""
    if code:
        body = "".join(f"    x{i} = np.asarray(x) * {i}  # step {i}\n" for i in range(min(seq, 90)))
        return f"import numpy as np\n\ndef solve(x):  # candidate {index} save {seq}\n{body}    return x\n"[: 200 + 40 * seq]
    words = f"candidate {index} save {seq}: " + "the gradient is accumulated over micro-batches; " * min(seq, 80)
    return words[: 200 + 40 * seq]


class Candidate(FastHttpUser):
    wait_time = constant_pacing(INTERVAL)
    concurrency = 4  # the autosave and a code run can be in flight together, as in a browser

    def on_start(self):
        self.index = _next_index()
        if self.index >= len(ACCOUNTS):
            raise RuntimeError(f"account {self.index} not prepared: the driver made {len(ACCOUNTS)}")
        account = ACCOUNTS[self.index]
        self.cookie_name = account["cookie_name"]
        self.cookie = f"{self.cookie_name}={account['cookie']}"
        self.coder = CODERS_PERCENT > 0 and self.index % max(1, round(100 / CODERS_PERCENT)) == 0  # every 10th at 10%
        self.headers = {"Cookie": self.cookie}
        page = self._get("/", "page: home")
        self.csrf = CSRF.search(page.text).group(1)
        self.headers["X-CSRFToken"] = self.csrf
        kind = "ml_coding" if self.coder else "research_framing"
        with self.client.post("/api/loops", json={"track": "research-engineer", "round": kind}, headers=self.headers,
                              name="start: create drill", catch_response=True) as r:
            self._keep_cookie(r)
            loop = r.json()
        with self.client.post(f"/api/loops/{loop['id']}/next", headers=self.headers, name="start: start round",
                              catch_response=True) as r:
            rnd = r.json()
        self.round_id, self.base, self.seq, self.tick = rnd["id"], rnd["draft_seq"], rnd["draft_seq"], 0
        drafts[self.round_id] = {"acked": [0, None], "sent": [0, None], "bad": []}
        self._get(f"/rounds/{self.round_id}", "page: round")
        self.next_run = time.monotonic() + (self.index * 7919 % int(RUN_EVERY_S * 10)) / 10
        self.running = None

    def _keep_cookie(self, response):
        set_cookie = response.headers.get("Set-Cookie") or ""
        match = re.match(re.escape(self.cookie_name) + r"=([^;]+)", set_cookie)
        if match:  # the first page adds the CSRF secret to the session
            self.cookie = f"{self.cookie_name}={match.group(1)}"
            self.headers["Cookie"] = self.cookie

    def _get(self, path, name):
        with self.client.get(path, headers={"Cookie": self.cookie}, name=name, catch_response=True) as r:
            self._keep_cookie(r)
            if r.status_code != 200:
                r.failure(f"{r.status_code}")
            return r

    @task
    def tick_(self):
        self.tick += 1
        self.autosave()
        if self.tick % 20 == 0:
            self._get(f"/rounds/{self.round_id}", "page: round")
        elif self.tick % 30 == 15:
            self._get("/history", "page: history")
        if self.coder and time.monotonic() >= self.next_run and (self.running is None or self.running.dead):
            self.next_run = time.monotonic() + RUN_EVERY_S
            self.running = gevent.spawn(self.run_code)

    def autosave(self):
        self.seq += 1
        seq = self.seq
        text = draft_text(self.index, seq, self.coder)
        record = drafts[self.round_id]
        record["sent"] = [seq, sha(text)]
        with self.client.put(f"/api/rounds/{self.round_id}/draft", json={"text": text, "seq": seq, "base": self.base},
                             headers=self.headers, name="autosave", catch_response=True) as r:
            if r.status_code != 200:
                r.failure(f"{r.status_code}: {r.text[:200]}")
                return
            view = r.json()
            if view.get("saved") and view.get("draft_seq") == seq:
                record["acked"] = [seq, record["sent"][1]]
                self.base = seq
            else:  # not taken, or taken as another revision: the draft the candidate sees as saved is not
                record["bad"].append([seq, view.get("saved"), view.get("draft_seq"), view.get("reason")])
                r.failure(f"autosave not taken: seq {seq}, stored {view.get('draft_seq')}, {view.get('reason')}")

    def run_code(self):
        code = draft_text(self.index, self.seq, True)
        with self.client.post(f"/api/rounds/{self.round_id}/run", json={"code": code}, headers=self.headers,
                              name="run code", catch_response=True) as r:
            if r.status_code != 200:
                r.failure(f"{r.status_code}: {r.text[:200]}")
                return
            view = r.json()
            if view.get("busy"):
                records.append(["run code: busy", time.time(), 0, None, None])
            elif not view.get("available"):
                r.failure(f"not run: {view.get('output', '')[:200]}")


class Baseline(FastHttpUser):
    """The trivial endpoint, in the same run: what the machine gives any request at this load."""
    fixed_count = 4
    wait_time = constant_pacing(1.0)

    @task
    def healthz(self):
        self.client.get("/healthz", name="baseline: healthz")
