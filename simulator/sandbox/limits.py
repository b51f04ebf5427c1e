"""What runs in the child between fork and exec: rlimits, the uid drop, and (fallback) seccomp.

Everything here must be async-signal-safe enough for `preexec_fn`: no
imports, no locks, only system calls prepared by the parent.
"""
from __future__ import annotations

import os
import resource
from typing import Callable

from simulator.sandbox.config import Limits


def rlimits(limits: Limits) -> list[tuple[int, tuple[int, int]]]:
    return [
        (resource.RLIMIT_CPU, (limits.cpu_s, limits.cpu_s + 1)),
        (resource.RLIMIT_AS, (limits.address_space, limits.address_space)),
        (resource.RLIMIT_FSIZE, (limits.file_size, limits.file_size)),
        (resource.RLIMIT_NPROC, (limits.nproc, limits.nproc)),
        (resource.RLIMIT_NOFILE, (limits.nofile, limits.nofile)),
        (resource.RLIMIT_CORE, (0, 0)),
    ]


def preexec(limits: Limits, uid: int | None, seccomp_filter=None) -> Callable[[], None]:
    """A `preexec_fn`: set rlimits, drop to `uid` (when given), then load `seccomp_filter` (when given).

    Limits are set before the drop, while we may still lower hard limits; the
    filter is loaded last because it forbids nothing the drop needs, and it
    sets no_new_privs, which then holds across exec.
    """
    table = rlimits(limits)

    def run() -> None:
        for which, value in table:
            resource.setrlimit(which, value)
        if uid is not None:
            os.setgroups([])
            os.setresgid(uid, uid, uid)
            os.setresuid(uid, uid, uid)
            if os.getuid() != uid or os.geteuid() != uid:
                os._exit(126)
        if seccomp_filter is not None:
            seccomp_filter.load()

    return run


def kill_uid(uid: int) -> None:
    """SIGKILL every process running as `uid` (a per-run uid): a forked helper drops to it and kills -1.

    Used in fallback mode, where a candidate may leave its process group; with
    a per-run uid nothing else runs as that uid.
    """
    pid = os.fork()
    if pid == 0:  # pragma: no cover - child
        try:
            os.setgroups([])
            os.setresgid(uid, uid, uid)
            os.setresuid(uid, uid, uid)
            for _ in range(3):
                try:
                    os.kill(-1, 9)
                except OSError:
                    break
        finally:
            os._exit(0)
    os.waitpid(pid, 0)
