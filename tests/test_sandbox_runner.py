"""The sandbox itself: probe, interpreter and numpy, environment, uid, seccomp, fallback, refusal policy."""
from __future__ import annotations

import os
import sys

import pytest

sys.path.insert(0, os.path.dirname(__file__))
from sandbox_support import last_json, require_bwrap, require_sandbox_python, run_script  # noqa: E402

pytestmark = pytest.mark.sandbox


def test_probe_reports_bwrap_and_the_expected_numpy():
    found = require_bwrap()
    assert found.mode == "bwrap" and found.seccomp
    assert found.python == "/usr/bin/python3"
    assert found.numpy_path == "/usr/lib/python3/dist-packages/numpy"  # Debian's python3-numpy
    assert found.numpy_version.startswith("1.")


def test_sandboxed_numpy_is_the_debian_one():
    require_bwrap()
    res = run_script("import json, numpy, sys; print(json.dumps([numpy.__file__, sys.executable, numpy.__version__]))")
    path, exe, version = last_json(res)
    assert path.startswith("/usr/lib/python3/dist-packages/numpy/")
    assert exe == "/usr/bin/python3"
    assert version == require_bwrap().numpy_version


def test_interpreter_is_a_setting(monkeypatch):
    from simulator.sandbox import sandbox_python

    monkeypatch.setenv("MOCKLOOP_SANDBOX_PYTHON", "/opt/python/bin/python3")
    assert sandbox_python() == "/opt/python/bin/python3"
    monkeypatch.delenv("MOCKLOOP_SANDBOX_PYTHON")
    assert sandbox_python() == "/usr/bin/python3"


@pytest.mark.skipif(os.geteuid() != 0, reason="the uid drop needs root")
def test_runs_as_a_dedicated_unprivileged_uid_with_rlimits():
    require_bwrap()
    res = run_script(
        "import json, os, resource as r\n"
        "print(json.dumps([os.getuid(), os.geteuid(), os.getgroups(), r.getrlimit(r.RLIMIT_NPROC), "
        "r.getrlimit(r.RLIMIT_AS), r.getrlimit(r.RLIMIT_FSIZE), r.getrlimit(r.RLIMIT_NOFILE), r.getrlimit(r.RLIMIT_CORE)]))")
    uid, euid, groups, nproc, as_, fsize, nofile, core = last_json(res)
    assert uid == euid == res.uid and uid > 1000
    assert groups == [] or all(g != 0 for g in groups)
    assert nproc == [64, 64] and as_[0] == 1024 * 1024 * 1024 and fsize[0] == 16 * 1024 * 1024
    assert nofile == [64, 64] and core == [0, 0]


def test_seccomp_filter_is_active_in_bwrap():
    require_bwrap()
    res = run_script(
        "import json, socket, errno\n"
        "try:\n    socket.socket(socket.AF_INET, socket.SOCK_STREAM); out = 'created'\n"
        "except OSError as e:\n    out = errno.errorcode[e.errno]\n"
        "print(json.dumps(out))")
    assert last_json(res) == "EAFNOSUPPORT"  # refused by the filter, not merely by the empty netns


def test_root_and_dev_are_read_only_and_tmp_is_private(tmp_path):
    require_bwrap()
    res = run_script(
        "import json, errno, os\nout = {}\n"
        "for p in ('/x', '/dev/shm/x', '/usr/x', '/sandbox/x'):\n"
        "    try:\n        open(p, 'w').write('1'); out[p] = 'written'\n"
        "    except OSError as e:\n        out[p] = errno.errorcode[e.errno]\n"
        "open('/tmp/ok', 'w').write('fine'); out['tmp'] = open('/tmp/ok').read()\n"
        "print(json.dumps(out))")
    out = last_json(res)
    assert out["tmp"] == "fine"
    assert all(v in ("EROFS", "EACCES", "ENOENT") for k, v in out.items() if k != "tmp"), out
    assert not os.path.exists("/tmp/ok") or open("/tmp/ok").read() != "fine"


def test_fallback_mode_runs_and_says_so():
    require_sandbox_python()
    res = run_script("import json, numpy; print(json.dumps(numpy.__version__))", mode="fallback")
    assert res.mode == "fallback" and res.status == "ok"
    assert "fallback" in res.reason


def test_policy_refuses_untrusted_code_in_fallback(monkeypatch):
    from simulator.sandbox import Probe, UnsandboxedRefused, ensure_untrusted_allowed

    weak = Probe("fallback", "bubblewrap not installed (apt-get install bubblewrap)", "/usr/bin/python3")
    monkeypatch.delenv("MOCKLOOP_ALLOW_UNSANDBOXED", raising=False)
    with pytest.raises(UnsandboxedRefused, match="MOCKLOOP_ALLOW_UNSANDBOXED=1"):
        ensure_untrusted_allowed(weak)
    monkeypatch.setenv("MOCKLOOP_ALLOW_UNSANDBOXED", "1")
    assert ensure_untrusted_allowed(weak) is weak
    strong = Probe("bwrap", "bubblewrap works", "/usr/bin/python3")
    monkeypatch.delenv("MOCKLOOP_ALLOW_UNSANDBOXED")
    assert ensure_untrusted_allowed(strong) is strong


def test_probe_without_bwrap_falls_back_with_a_reason(monkeypatch):
    from simulator.sandbox import startup

    require_sandbox_python()
    monkeypatch.setattr(startup.shutil, "which", lambda *a, **k: None)
    found = startup._probe()
    assert found.mode == "fallback"
    assert "bubblewrap not installed" in found.reason


def test_bounded_reader_stops_an_output_flood():
    require_bwrap()
    res = run_script("import os\nblock = b'x' * 65536\nwhile True:\n    os.write(1, block)", stdout_max=1024 * 1024)
    assert res.status == "output_limit"
    assert len(res.stdout) == 1024 * 1024
    assert res.wall_s < 5
