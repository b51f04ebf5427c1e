"""Autosave under load (run with `make bench`): simulated candidates saving every 2 s against `mockloop serve`
on SQLite, over loopback. Reports p50/p95/p99 latency beside a same-run unloaded baseline, and checks that no
draft was lost or reordered: for every round, the stored draft and seq equal the last ones its client sent.

Bounded: MOCKLOOP_BENCH_CANDIDATES (300) clients for MOCKLOOP_BENCH_SECONDS (40 s) of steady saving."""
from __future__ import annotations

import http.client
import json
import os
import random
import socket
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

pytestmark = pytest.mark.bench

CANDIDATES = int(os.environ.get("MOCKLOOP_BENCH_CANDIDATES", "300"))
SECONDS = float(os.environ.get("MOCKLOOP_BENCH_SECONDS", "40"))
THREADS = os.environ.get("MOCKLOOP_BENCH_THREADS")  # waitress worker threads; unset: `mockloop serve`'s default
INTERVAL = 2.0
TARGET_P99_MS = 100.0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def request(port, method, path, token, body=None, timeout=30.0):
    """One request on a fresh connection (waitress serves at most 100 open connections by default)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        payload = None if body is None else json.dumps(body)
        headers = {"Authorization": f"Bearer {token}", "Connection": "close"}
        if payload is not None:
            headers["Content-Type"] = "application/json"
        conn.request(method, path, body=payload, headers=headers)
        response = conn.getresponse()
        data = json.loads(response.read() or b"null")
        timing = response.getheader("Server-Timing", "")
        if isinstance(data, dict) and timing.startswith("app;dur="):
            data["_app_ms"] = float(timing[8:])
        return response.status, data
    finally:
        conn.close()


def percentile(values, q):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q / 100 * (len(ordered) - 1))))]


@pytest.fixture
def server(tmp_path):
    """`mockloop serve` as a subprocess in multi-user mode, with a user and an API token per candidate."""
    from simulator.accounts import Accounts
    from simulator.bank import default_bank
    from simulator.engine import LoopService
    from simulator.storage import open_database

    data = tmp_path / "data"
    data.mkdir()
    sessions = open_database(f"sqlite:///{data / 'mockloop.sqlite3'}")
    service, accounts = LoopService(sessions, default_bank()), Accounts(sessions)
    tokens = [accounts.create_token(service.ensure_user(f"candidate{i:03d}")) for i in range(CANDIDATES)]
    port = free_port()
    env = dict(os.environ, MOCKLOOP_DATA_DIR=str(data), MOCKLOOP_MULTI_USER="1",
               MOCKLOOP_SECRET_KEY="bench-secret-key-0123456789abcdef0123456789")
    env.pop("DATABASE_URL", None)
    log = tmp_path / "serve.log"  # a file, not a pipe: an unread pipe would stall the server when it fills
    command = [sys.executable, "-m", "simulator.cli", "serve", "--host", "127.0.0.1", "--port", str(port)]
    proc = subprocess.Popen(command + (["--threads", THREADS] if THREADS else []), env=env, stdout=subprocess.DEVNULL, stderr=log.open("wb"))
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if request(port, "GET", "/api/tracks", tokens[0], timeout=2)[0] == 200:
                    break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("mockloop serve did not start: " + log.read_text()[-2000:])
            time.sleep(0.2)
        yield port, tokens
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def start_round(port, token):
    status, loop = request(port, "POST", "/api/loops", token, {"track": "research-engineer", "round": "research_framing"})
    assert status == 201, loop
    status, rnd = request(port, "POST", f"/api/loops/{loop['id']}/next", token)
    assert status == 200, rnd
    return rnd["id"]


def draft_text(candidate, seq):
    """A draft that grows like typing does: about 40 characters a save, up to ~4 KB."""
    words = f"candidate {candidate} save {seq}: " + "the gradient is accumulated over micro-batches; " * min(seq, 80)
    return words[: 200 + 40 * seq]


class Candidate(threading.Thread):
    def __init__(self, index, port, token, round_id, stop_at):
        super().__init__(daemon=True)
        self.index, self.port, self.token, self.round_id, self.stop_at = index, port, token, round_id, stop_at
        self.latencies, self.app_ms, self.errors, self.reordered = [], [], [], 0
        self.last = (None, 0)

    def run(self):
        rng = random.Random(self.index)
        next_at = time.monotonic() + rng.uniform(0, INTERVAL)  # candidates do not all type in step
        seq = 0
        while next_at < self.stop_at:
            time.sleep(max(0.0, next_at - time.monotonic()))
            seq += 1
            text = draft_text(self.index, seq)
            started = time.perf_counter()
            try:
                status, view = request(self.port, "PUT", f"/api/rounds/{self.round_id}/draft", self.token,
                                       {"text": text, "seq": seq})
            except OSError as exc:
                self.errors.append(repr(exc))
            else:
                self.latencies.append(time.perf_counter() - started)
                self.app_ms.append(view.get("_app_ms", 0.0) if isinstance(view, dict) else 0.0)
                if status != 200:
                    self.errors.append(f"{status}: {view}")
                else:
                    self.last = (text, seq)  # the server answered: this is what it must hold
                    if not view["saved"] or view["draft_seq"] != seq:
                        self.reordered += 1
            next_at += INTERVAL


def test_autosave_300_candidates_every_2_s(server, benchmark):
    port, tokens = server
    with ThreadPoolExecutor(16) as pool:
        rounds = list(pool.map(lambda t: start_round(port, t), tokens))

    # Baseline in the same run: one candidate alone, on a round of its own, 100 saves back to back.
    solo_round, alone = start_round(port, tokens[0]), []
    for seq in range(1, 101):
        started = time.perf_counter()
        request(port, "PUT", f"/api/rounds/{solo_round}/draft", tokens[0], {"text": draft_text(0, seq), "seq": seq})
        alone.append(time.perf_counter() - started)

    def run():
        stop_at = time.monotonic() + SECONDS
        clients = [Candidate(i, port, tokens[i], rounds[i], stop_at) for i in range(CANDIDATES)]
        for c in clients:
            c.start()
        for c in clients:
            c.join(SECONDS + 60)
        return clients

    load_before = os.getloadavg()[0]
    started = time.perf_counter()
    clients = benchmark.pedantic(run, rounds=1, iterations=1)
    wall = time.perf_counter() - started

    lost = 0
    with ThreadPoolExecutor(16) as pool:
        stored = list(pool.map(lambda c: request(port, "GET", f"/api/rounds/{c.round_id}", c.token)[1], clients))
    for c, view in zip(clients, stored):
        text, seq = c.last
        if text is not None and (view["draft"] != text or view["draft_seq"] != seq):
            lost += 1
    latencies = [x for c in clients for x in c.latencies]
    errors = [e for c in clients for e in c.errors]
    reordered = sum(c.reordered for c in clients)
    ms = {q: percentile(latencies, q) * 1000 for q in (50, 95, 99)}
    app_ms = [x for c in clients for x in c.app_ms]
    app = {q: percentile(app_ms, q) for q in (50, 99)}
    base = percentile(alone, 50) * 1000
    figures = dict(candidates=CANDIDATES, seconds=SECONDS, saves=len(latencies), saves_per_s=len(latencies) / wall,
                   p50_ms=ms[50], p95_ms=ms[95], p99_ms=ms[99], max_ms=max(latencies) * 1000,
                   alone_p50_ms=base, p99_over_alone_p50=ms[99] / base, errors=len(errors), lost=lost,
                   reordered=reordered, cpus=os.cpu_count(), app_p50_ms=app[50], app_p99_ms=app[99],
                   load_before=load_before)
    benchmark.extra_info.update(figures)
    print(f"\nautosave: {CANDIDATES} candidates every {INTERVAL:g} s for {SECONDS:g} s on {os.cpu_count()} CPUs: "
          f"{len(latencies)} saves ({figures['saves_per_s']:.0f}/s); latency p50 {ms[50]:.1f} ms, p95 {ms[95]:.1f} ms, "
          f"p99 {ms[99]:.1f} ms (target {TARGET_P99_MS:.0f}), max {figures['max_ms']:.0f} ms; inside the app: "
          f"p50 {app[50]:.1f} ms, p99 {app[99]:.1f} ms; one candidate alone: "
          f"p50 {base:.1f} ms (p99 under load is {figures['p99_over_alone_p50']:.1f}x); errors {len(errors)}, "
          f"lost {lost}, reordered {reordered}; load average before the run {load_before:.2f}; "
          f"server threads {THREADS or 'default'}")
    assert not errors, errors[:5]
    assert lost == 0 and reordered == 0
