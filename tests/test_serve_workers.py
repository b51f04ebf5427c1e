"""`mockloop serve --workers 2`: gunicorn with two worker processes on a temporary database (SQLite, then PostgreSQL
when the suite has a server), each answering /healthz with its own process id; stopped with SIGTERM. No fixed
sleeps: it polls, with generous deadlines."""
from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.conftest import database_url, require_system

try:
    import gunicorn  # noqa: F401
except ImportError:  # pragma: no cover - not on Windows
    gunicorn = None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(port: int, path: str) -> tuple[int, dict]:
    """One request on its own connection (so the operating system may hand it to any worker)."""
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers={"Connection": "close"})
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.status, json.loads(response.read())


def stop(proc: subprocess.Popen) -> int:
    proc.send_signal(signal.SIGTERM)  # gunicorn's graceful stop: the workers finish and exit
    try:
        return proc.wait(timeout=60)
    except subprocess.TimeoutExpired:  # pragma: no cover - only if the graceful stop hangs
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
        raise


def test_two_worker_processes_answer(database, tmp_path):
    require_system("gunicorn", gunicorn is not None, "`mockloop serve --workers N` needs it (Linux and Unix only)")
    port = free_port()
    env = dict(os.environ, MOCKLOOP_DATA_DIR=str(tmp_path / "data"),
               DATABASE_URL=database_url(tmp_path, "serve.sqlite3"))  # a temporary SQLite file, or PostgreSQL
    env.pop("MOCKLOOP_RATELIMIT_STORAGE_URI", None)
    log = tmp_path / "serve.log"  # a file, not a pipe: an unread pipe would stall the server when it fills
    command = [sys.executable, "-m", "web.cli", "serve", "--host", "127.0.0.1", "--port", str(port),
               "--workers", "2", "--threads", "2"]
    proc = subprocess.Popen(command, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT,
                            start_new_session=True)  # its own process group, so a hung run can be cleaned up
    try:
        deadline = time.monotonic() + 120
        while True:  # up: /healthz answers
            try:
                if get(port, "/healthz")[0] == 200:
                    break
            except OSError:
                pass
            assert proc.poll() is None, "mockloop serve exited: " + log.read_text()[-3000:]
            assert time.monotonic() < deadline, "mockloop serve did not answer: " + log.read_text()[-3000:]
            time.sleep(0.1)

        pids: set[int] = set()
        deadline = time.monotonic() + 120
        with ThreadPoolExecutor(8) as pool:  # concurrent requests on fresh connections reach both workers
            while len(pids) < 2 and time.monotonic() < deadline:
                answers = list(pool.map(lambda _: get(port, "/healthz"), range(16)))
                assert {status for status, _ in answers} == {200}
                pids |= {body["pid"] for _, body in answers}
        assert len(pids) == 2, f"only {pids} answered"
        assert proc.pid not in pids  # the workers answer, not the master

        status, ready = get(port, "/readyz")  # migrated before the workers started; the bank is loaded
        assert status == 200 and ready["status"] == "ready" and ready["questions"] > 0
    finally:
        if proc.poll() is None:
            code = stop(proc)
        else:
            code = proc.returncode
    assert code == 0, log.read_text()[-3000:]
    for pid in pids:  # the workers are gone with the master
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)
    text = log.read_text()
    assert "with 2 gunicorn workers" in text and "each of the 2 processes alone" in text
    assert "Control socket" not in text  # none left in ~/.gunicorn for a second server to trip over


def test_workers_refuse_a_bad_setting_before_starting(tmp_path, monkeypatch):
    from click.testing import CliRunner

    from web.cli import main

    monkeypatch.setenv("MOCKLOOP_MULTI_USER", "1")
    monkeypatch.setenv("MOCKLOOP_SECRET_KEY", "too short")
    result = CliRunner().invoke(main, ["serve", "--workers", "2", "--port", str(free_port())])
    assert result.exit_code == 1 and "secret key of at least 32 characters" in result.output
    monkeypatch.setenv("MOCKLOOP_SECRET_KEY", "s" * 40)
    monkeypatch.setenv("MOCKLOOP_SIGNIN_LIMIT_PER_ADDRESS", "many")
    result = CliRunner().invoke(main, ["serve", "--workers", "2", "--port", str(free_port())])
    assert result.exit_code == 1 and "MOCKLOOP_SIGNIN_LIMIT_PER_ADDRESS='many' is not a rate limit" in result.output
    assert CliRunner().invoke(main, ["serve", "--workers", "0"]).exit_code == 2
