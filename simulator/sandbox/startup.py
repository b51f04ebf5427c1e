"""Start-up probe: can this machine run bubblewrap with our flags, and which numpy does the sandbox see?

`probe()` runs a tiny script once per process (cached; `refresh=True` runs it
again) and returns a `Probe` with mode "bwrap" or "fallback" and the reason.
"""
from __future__ import annotations

import json
import os
import shutil
import threading
from dataclasses import asdict, dataclass

from simulator.sandbox.config import Limits, sandbox_python
from simulator.sandbox import runner

SCRIPT = """
import json, os, sys
info = {"python": sys.version.split()[0], "executable": sys.executable, "uid": os.getuid(), "pid": os.getpid()}
try:
    import numpy
    info["numpy"] = numpy.__version__
    info["numpy_path"] = os.path.dirname(numpy.__file__)
except Exception as exc:
    info["numpy_error"] = repr(exc)
print(json.dumps(info))
"""


@dataclass(frozen=True)
class Probe:
    mode: str  # "bwrap" or "fallback"
    reason: str
    python: str
    bwrap: str | None = None
    numpy_version: str | None = None
    numpy_path: str | None = None
    seccomp: bool = False
    ok: bool = True  # False when not even the fallback can import numpy

    def to_dict(self) -> dict:
        return asdict(self)


_lock = threading.Lock()
_cached: Probe | None = None


def _try(mode: str, python: str):
    res = runner.launch({"probe.py": SCRIPT}, "probe.py", limits=Limits(wall_s=15), mode=mode, python=python)
    if res.status != "ok":
        tail = (res.stderr.decode("utf-8", "replace").strip().splitlines() or [res.status])[-1]
        return None, f"{res.status}: {tail}"
    try:
        return json.loads(res.stdout.decode().strip().splitlines()[-1]), ""
    except (ValueError, IndexError):
        return None, "probe printed no result"


def _probe() -> Probe:
    from simulator.sandbox import seccomp

    python = sandbox_python()
    have_seccomp, why_not = seccomp.available()
    if not os.access(python, os.X_OK):
        return Probe("fallback", f"sandbox interpreter {python} is missing", python, seccomp=have_seccomp, ok=False)
    bwrap = shutil.which("bwrap", path=os.environ.get("PATH", "/usr/bin:/bin"))
    reason = "bubblewrap not installed (apt-get install bubblewrap)"
    if bwrap:
        info, err = _try("bwrap", python)
        if info is not None and "numpy" in info:
            note = "" if have_seccomp else f"; WITHOUT seccomp ({why_not})"
            return Probe("bwrap", "bubblewrap works" + note, python, bwrap, info["numpy"], info["numpy_path"], have_seccomp)
        reason = f"bubblewrap is installed but failed: {err or info.get('numpy_error')}"
    info, err = _try("fallback", python)
    ok = info is not None and "numpy" in info
    if not ok:
        reason += f"; the fallback cannot run numpy either: {err or (info or {}).get('numpy_error')}"
    return Probe("fallback", reason, python, bwrap, (info or {}).get("numpy"), (info or {}).get("numpy_path"),
                 have_seccomp, ok)


def probe(refresh: bool = False) -> Probe:
    """The sandbox mode this machine gives, probed once per process."""
    global _cached
    with _lock:
        if _cached is None or refresh:
            _cached = _probe()
        return _cached
