"""Sandbox settings: the interpreter, the limits and the uid the code runs as.

Settings come from the environment, read when asked for (never at import):
- MOCKLOOP_SANDBOX_PYTHON: the interpreter run inside the sandbox (default
  Debian's /usr/bin/python3 with python3-numpy; it must be world-readable).
- MOCKLOOP_SANDBOX_UID: a fixed uid to drop to when started as root. Without it
  each run gets its own uid from an unused range, so RLIMIT_NPROC (counted per
  uid) is not shared between concurrent runs.
- MOCKLOOP_ALLOW_UNSANDBOXED=1: lets a server accept untrusted code in fallback mode.
"""
from __future__ import annotations

import itertools
import os
from dataclasses import dataclass, replace

DEFAULT_PYTHON = "/usr/bin/python3"
ENV_PYTHON = "MOCKLOOP_SANDBOX_PYTHON"
ENV_UID = "MOCKLOOP_SANDBOX_UID"
ENV_ALLOW = "MOCKLOOP_ALLOW_UNSANDBOXED"
MiB = 1024 * 1024

# systemd documents 1879048192..2147483647 as unused by it and by container ranges.
UID_BASE = 1_900_000_000
UID_SLOTS = 1 << 20
_counter = itertools.count()


def sandbox_python() -> str:
    return os.environ.get(ENV_PYTHON) or DEFAULT_PYTHON


def sandbox_uid() -> int | None:
    """The uid to run as, or None when we are not root (then we cannot change it)."""
    if os.geteuid() != 0:
        return None
    fixed = os.environ.get(ENV_UID)
    if fixed:
        uid = int(fixed)
        if uid <= 0:
            raise ValueError(f"{ENV_UID} must be an unprivileged uid, not {uid}")
        return uid
    slot = (os.getpid() * 7919 + next(_counter)) % UID_SLOTS
    return UID_BASE + slot


@dataclass(frozen=True)
class Limits:
    """Resource limits for one sandboxed run. Sizes in bytes, times in seconds."""

    wall_s: float = 20.0
    cpu_s: int = 10
    address_space: int = 1024 * MiB
    file_size: int = 16 * MiB
    nproc: int = 64
    nofile: int = 64
    tmpfs_size: int = 64 * MiB
    stdout_max: int = 64 * MiB
    stderr_max: int = 256 * 1024

    def with_(self, **changes) -> "Limits":
        return replace(self, **changes)
