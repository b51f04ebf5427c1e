"""Hostile code is contained: each attack asserts the specific outcome, not just that nothing crashed."""
from __future__ import annotations

import os
import socket
import sys
import threading
import time

import pytest

sys.path.insert(0, os.path.dirname(__file__))
from sandbox_support import last_json, require_bwrap, run_script  # noqa: E402

pytestmark = pytest.mark.sandbox


@pytest.fixture(autouse=True)
def _bwrap():
    require_bwrap()


def _gone_soon(uid, within_s=10.0):
    """No process of `uid` left, allowing a loaded machine time to reap them (a survivor stays for 30-60 s)."""
    deadline = time.monotonic() + within_s
    while _uid_has_processes(uid):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.1)
    return True


def _uid_has_processes(uid: int) -> bool:
    """Whether a live (not zombie) process of `uid` remains on the host."""
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{pid}/status") as fh:
                fields = dict(line.split(":", 1) for line in fh if ":" in line)
        except OSError:
            continue
        if int(fields["Uid"].split()[0]) == uid and not fields["State"].strip().startswith(("Z", "X")):
            return True
    return False


def test_fork_bomb_stops_at_nproc():
    res = run_script(
        "import json, os, time\nn = 0\nerr = None\n"
        "while True:\n"
        "    try:\n        pid = os.fork()\n"
        "    except OSError as e:\n        err = e.strerror; break\n"
        "    if pid == 0:\n        time.sleep(30); os._exit(0)\n"
        "    n += 1\n"
        "print(json.dumps([n, err]))", wall_s=10)
    n, err = last_json(res)
    assert 1 <= n < 64 and "Resource temporarily unavailable" in err
    assert _gone_soon(res.uid), "forked children outlived the sandbox"


def test_memory_bomb_hits_the_address_space_limit():
    res = run_script(
        "import json\nblocks = []\n"
        "try:\n    while True:\n        blocks.append(bytearray(64 * 1024 * 1024))\n"
        "except MemoryError:\n    print(json.dumps(len(blocks)))")
    assert res.status == "ok" and last_json(res) < 16  # under 1 GiB


def test_cpu_loop_is_killed_by_rlimit_cpu():
    res = run_script("while True:\n    pass", cpu_s=1, wall_s=10)
    assert res.status == "signal" and res.signal == 24  # SIGXCPU
    assert res.wall_s < 5


def test_sleep_is_killed_at_the_wall_clock_with_its_namespace():
    res = run_script("import os, time\nos.fork()\ntime.sleep(60)", wall_s=1)
    assert res.status == "timeout" and res.wall_s < 4
    assert _gone_soon(res.uid)


def test_one_huge_file_stops_at_fsize():
    res = run_script(
        "import json, signal\nsignal.signal(signal.SIGXFSZ, signal.SIG_IGN)\nwritten = 0\nerr = None\n"
        "try:\n    with open('/tmp/huge', 'wb') as fh:\n        while True:\n"
        "            fh.write(b'x' * 1048576); fh.flush(); written += 1\n"
        "except OSError as e:\n    err = e.strerror\n"
        "print(json.dumps([written, err]))")
    written, err = last_json(res)
    assert written <= 16 and err == "File too large"
    assert not os.path.exists("/tmp/huge")


def test_many_mid_size_files_fill_only_the_sized_tmpfs():
    res = run_script(
        "import json\nn = 0\nerr = None\n"
        "try:\n    while n < 100:\n        open(f'/tmp/f{n}', 'wb').write(b'x' * 8 * 1048576); n += 1\n"
        "except OSError as e:\n    err = e.strerror\n"
        "print(json.dumps([n, err]))")
    n, err = last_json(res)
    assert n <= 8 and err == "No space left on device"  # 64 MiB tmpfs


def test_output_flood_from_the_candidate_is_dropped():
    from simulator import coding
    from simulator.coding.judge import run_visible
    from sandbox_support import attack

    src = attack("import os\nfor _ in range(2000):\n    print('spam' * 1000)\n    os.write(1, b'x' * 65536)\n"
                 "z = x - x.max(axis=-1, keepdims=True)\nreturn np.exp(z) / np.exp(z).sum(axis=-1, keepdims=True)")
    report = run_visible(coding.get("softmax"), src, test_timeout_s=5)
    assert [t.status for t in report.tests] == ["pass", "pass"]
    assert all(len(t.stdout) <= 4096 for t in report.tests)


def test_host_files_are_invisible(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("host-secret-42")
    os.chmod(tmp_path, 0o755)
    os.chmod(secret, 0o644)
    problems = os.path.join(os.path.dirname(__file__), "..", "simulator", "coding", "problems", "softmax.py")
    targets = ["/etc/hostname", "/etc/passwd", str(secret), os.path.abspath(problems), "/root", "/work"]
    res = run_script(
        "import json, os\nout = {}\n"
        f"for p in {targets!r}:\n"
        "    try:\n        out[p] = open(p).read()[:50] if os.path.isfile(p) else sorted(os.listdir(p))\n"
        "    except OSError as e:\n        out[p] = type(e).__name__\n"
        "print(json.dumps(out))")
    out = last_json(res)
    assert out["/etc/hostname"] == "FileNotFoundError"
    assert out[str(secret)] == "FileNotFoundError"
    assert out[os.path.abspath(problems)] == "FileNotFoundError"
    assert out["/root"] == "FileNotFoundError"
    assert out["/work"] == []  # the private, empty tmpfs working folder
    assert "host-secret-42" not in res.stdout.decode()


def test_parent_environment_is_invisible(monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-do-not-leak-123")
    res = run_script(
        "import json, os\nseen = [repr(dict(os.environ))]\n"
        "for pid in [p for p in os.listdir('/proc') if p.isdigit()]:\n"
        "    try:\n        seen.append(open(f'/proc/{pid}/environ', 'rb').read().decode('latin-1'))\n"
        "    except OSError as e:\n        seen.append(type(e).__name__)\n"
        "print(json.dumps(seen))")
    seen = last_json(res)
    assert len(seen) >= 2  # our environ plus /proc/1/environ at least were tried
    assert not any("sk-test-do-not-leak-123" in s for s in seen)
    assert "OPENAI_API_KEY" not in seen[0]


def test_network_to_a_loopback_server_fails():
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    server.settimeout(3)
    port = server.getsockname()[1]
    hits = []

    def accept():
        try:
            conn, _ = server.accept()
            hits.append(conn)
        except OSError:
            pass

    t = threading.Thread(target=accept)
    t.start()
    res = run_script(
        "import json, socket\n"
        f"try:\n    socket.create_connection(('127.0.0.1', {port}), timeout=2); out = 'connected'\n"
        "except OSError as e:\n    out = type(e).__name__ + ': ' + str(e)\n"
        "print(json.dumps(out))")
    t.join()
    server.close()
    assert last_json(res).startswith(("OSError", "PermissionError", "ConnectionRefusedError"))
    assert hits == []


def test_ptrace_of_the_parent_is_refused():
    res = run_script(
        "import ctypes, json, os\nlibc = ctypes.CDLL(None, use_errno=True)\n"
        "r1 = libc.ptrace(16, os.getppid(), 0, 0)\ne1 = ctypes.get_errno()\n"  # PTRACE_ATTACH
        "r2 = libc.ptrace(0, 0, 0, 0)\ne2 = ctypes.get_errno()\n"  # PTRACE_TRACEME
        "print(json.dumps([r1, e1, r2, e2]))")
    r1, e1, r2, e2 = last_json(res)
    assert (r1, e1) == (-1, 1) and (r2, e2) == (-1, 1)  # EPERM from the filter


def test_unshare_is_refused():
    res = run_script(
        "import ctypes, json\nlibc = ctypes.CDLL(None, use_errno=True)\nout = []\n"
        "for flag in (0x10000000, 0x00020000, 0x40000000):\n"  # NEWUSER, NEWNS, NEWNET
        "    out.append([libc.unshare(flag), ctypes.get_errno()])\n"
        "print(json.dumps(out))")
    assert last_json(res) == [[-1, 1], [-1, 1], [-1, 1]]
