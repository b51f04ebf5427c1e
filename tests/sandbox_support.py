"""Helpers for the sandbox and ML-coding tests.

`require_bwrap()` skips a test when bubblewrap does not work here, unless
MOCKLOOP_REQUIRE_SYSTEM=1 (CI), where a missing bubblewrap is a failure.
"""
from __future__ import annotations

import json
import os

import pytest


def require_bwrap():
    from simulator.sandbox import probe

    found = probe()
    if found.mode != "bwrap":
        if os.environ.get("MOCKLOOP_REQUIRE_SYSTEM") == "1":
            pytest.fail(f"bubblewrap is required (MOCKLOOP_REQUIRE_SYSTEM=1) but unavailable: {found.reason}")
        pytest.skip(f"bubblewrap not installed: {found.reason}")
    return found


def require_sandbox_python():
    """The fallback tests need only the sandbox interpreter with numpy."""
    from simulator.sandbox import probe

    found = probe()
    if not found.ok:
        if os.environ.get("MOCKLOOP_REQUIRE_SYSTEM") == "1":
            pytest.fail(f"the sandbox interpreter cannot import numpy: {found.reason}")
        pytest.skip(f"sandbox interpreter unusable: {found.reason}")
    return found


def run_script(source: str, *, mode: str | None = None, **limit_changes):
    """Run a Python script in the sandbox with short limits; return the RunResult."""
    from simulator.sandbox import Limits, run

    limits = Limits(wall_s=8, cpu_s=5).with_(**limit_changes)
    return run({"main.py": source}, "main.py", limits=limits, mode=mode)


def last_json(result) -> dict:
    """The last line of the script's stdout, parsed as JSON."""
    lines = result.stdout.decode("utf-8", "replace").strip().splitlines()
    assert lines, f"no output; status={result.status} stderr={result.stderr[-500:]!r}"
    return json.loads(lines[-1])


def attack(body: str, entry: str = "softmax") -> str:
    """A candidate solution for `entry` whose function body is `body` (indented by the caller's text)."""
    return f"import numpy as np\n\n\ndef {entry}(x):\n" + "\n".join("    " + line for line in body.splitlines()) + "\n"


def require_sandbox_torch():
    """Torch problems need PyTorch for the sandbox interpreter (Debian's python3-torch; .ci/run installs it)."""
    from simulator.sandbox import Limits, run

    found = require_bwrap()
    res = run({"main.py": "import torch\nprint(torch.__version__)\n"}, "main.py", limits=Limits(wall_s=60, cpu_s=30))
    if res.status != "ok" or res.returncode != 0:
        reason = res.stderr.decode("utf-8", "replace").strip()[-200:]
        if os.environ.get("MOCKLOOP_REQUIRE_SYSTEM") == "1":
            pytest.fail(f"PyTorch is required in the sandbox (MOCKLOOP_REQUIRE_SYSTEM=1) but unavailable: {reason}")
        pytest.skip(f"PyTorch not installed for the sandbox interpreter: {reason}")
    return found
