"""Acknowledged autosaves survive kill -9, counted: a real `mockloop serve` (single-user, a temporary database:
SQLite, or PostgreSQL when the suite has one) is killed with SIGKILL several times while four clients autosave
four rounds as the round page does (a rising `seq`, the `base` revision they last saw, the whole draft each time).
A save is acknowledged when the server answered 200 with `saved: true` for that `seq`; after each restart every
acknowledged save must be in the stored draft (each save adds its own line, so an acknowledged save is lost exactly
when its line is missing). The kill comes after a number of acknowledged saves, not after a time, and nothing here
measures speed: the deadlines only stop a hung server from hanging the suite.
"""
from __future__ import annotations

import http.client
import http.cookiejar
import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.request

from tests.conftest import database_url
from tests.test_serve_workers import free_port

CYCLES = 6
ROUNDS = 4
SAVES_BEFORE_KILL = 60  # acknowledged saves (all clients together) in each cycle before the kill


class Client:
    """One browser: a cookie jar and the page's CSRF token."""

    def __init__(self, port: int):
        self.base = f"http://127.0.0.1:{port}"
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
        html = self.opener.open(self.base + "/", timeout=30).read().decode()
        self.csrf = re.search(r'<meta name="csrf-token" content="([^"]+)"', html).group(1)

    def call(self, method: str, path: str, body: dict | None = None) -> dict:
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.base + path, data=data, method=method, headers={
            "Content-Type": "application/json", "X-CSRFToken": self.csrf, "Connection": "close"})
        with self.opener.open(request, timeout=30) as response:
            return json.loads(response.read())


class Server:
    def __init__(self, tmp_path, url: str):
        self.tmp_path, self.url, self.proc, self.port, self.starts = tmp_path, url, None, None, 0

    def start(self) -> int:
        self.port, self.starts = free_port(), self.starts + 1
        env = dict(os.environ, MOCKLOOP_DATA_DIR=str(self.tmp_path / "data"), DATABASE_URL=self.url)
        self.log = self.tmp_path / f"serve-{self.starts}.log"  # a file, not a pipe that could fill and stall it
        self.proc = subprocess.Popen([sys.executable, "-m", "web.cli", "serve", "--host", "127.0.0.1", "--port",
                                      str(self.port)], env=env, stdout=self.log.open("wb"), stderr=subprocess.STDOUT,
                                     start_new_session=True)
        deadline = time.monotonic() + 120
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/healthz", timeout=5) as response:
                    if response.status == 200:
                        return self.port
            except OSError:
                pass
            assert self.proc.poll() is None, "mockloop serve exited: " + self.log.read_text()[-3000:]
            assert time.monotonic() < deadline, "mockloop serve did not answer: " + self.log.read_text()[-3000:]
            time.sleep(0.1)

    def kill9(self) -> None:
        os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait(timeout=60)


def autosave(client: Client, round_id: int, state: dict, acked: list, stop: threading.Event, total: list,
             lock: threading.Lock) -> None:
    """Save until the server dies (or stop is set): each save is the whole draft with one more line."""
    while not stop.is_set():
        seq = state["seq"] + 1
        text = state["text"] + f"save {round_id}:{seq}\n"
        try:
            view = client.call("PUT", f"/api/rounds/{round_id}/draft", {"text": text, "seq": seq, "base": state["seq"]})
        except (OSError, http.client.HTTPException, ValueError):  # the server died mid-save: not acknowledged
            return
        if view["saved"] is not True or view["draft_seq"] != seq:  # refused while the server lives: a failure
            state["refused"] = view
            return
        state.update(seq=seq, text=text)
        with lock:
            acked.append((round_id, seq))
            total[0] += 1


def test_acknowledged_autosaves_survive_kill_9(database, tmp_path):
    server = Server(tmp_path, database_url(tmp_path, "kill9.sqlite3"))
    port = server.start()
    client = Client(port)
    round_ids = []
    for _ in range(ROUNDS):
        loop = client.call("POST", "/api/loops", {"track": "research-engineer", "round": "behavioral", "mode": "practice"})
        round_ids.append(client.call("POST", f"/api/loops/{loop['id']}/next")["id"])
    states = {rid: {"seq": 0, "text": ""} for rid in round_ids}
    acked: list[tuple[int, int]] = []
    lost: list[tuple[int, int]] = []
    try:
        for cycle in range(CYCLES):
            stop, lock, total = threading.Event(), threading.Lock(), [0]
            threads = [threading.Thread(target=autosave, args=(client, rid, states[rid], acked, stop, total, lock))
                       for rid in round_ids]
            for t in threads:
                t.start()
            deadline = time.monotonic() + 120
            while total[0] < SAVES_BEFORE_KILL and any(t.is_alive() for t in threads):
                assert time.monotonic() < deadline, "the clients stopped saving: " + server.log.read_text()[-3000:]
                time.sleep(0.005)
            server.kill9()  # while the four clients are in the middle of saving
            for t in threads:
                t.join(timeout=60)
            assert not any(t.is_alive() for t in threads)
            assert [s["refused"] for s in states.values() if "refused" in s] == []
            assert total[0] >= SAVES_BEFORE_KILL, "a client failed before the kill: " + server.log.read_text()[-3000:]

            client = Client(server.start())  # restarted: a fresh page load, as the candidate's browser would do
            for rid in round_ids:
                stored = client.call("GET", f"/api/rounds/{rid}")
                lines = set(stored["draft"].splitlines())
                lost += [(r, s) for r, s in acked if r == rid and f"save {r}:{s}" not in lines]
                # the page picks up from what the server has (a save in flight at the kill may or may not be there)
                states[rid].update(seq=stored["draft_seq"], text=stored["draft"])
    finally:
        if server.proc.poll() is None:
            server.kill9()
    lost = sorted(set(lost))
    print(f"\nkill -9 during autosave: {len(acked)} acknowledged saves over {CYCLES} kill -9 cycles "
          f"({ROUNDS} rounds), {len(acked) - len(lost)} kept, {len(lost)} lost")
    assert len(acked) >= CYCLES * SAVES_BEFORE_KILL
    assert lost == []
