"""`run`: start one sandboxed process in the mode the start-up probe found (bwrap, else the labelled fallback).

    result = run({"main.py": source}, "main.py", stdin=b"...", limits=Limits(wall_s=5))

Above both runner.py (`launch`, which starts the process) and startup.py (`probe`, which
launches a tiny script to find the mode), so neither imports the other.
"""
from __future__ import annotations

from simulator.sandbox.config import Limits
from simulator.sandbox.runner import RunResult, launch
from simulator.sandbox import startup


def run(files: dict[str, bytes | str], entry: str, *, args: list[str] | tuple[str, ...] = (), stdin: bytes = b"",
        limits: Limits | None = None, mode: str | None = None, python: str | None = None) -> RunResult:
    """Run `python -I <entry> args...` over `files` in the sandbox. `mode` defaults to what `probe()` found."""
    found = startup.probe()  # looked up at each call, as before (tests replace startup.probe)
    if mode is None:
        mode, reason = found.mode, found.reason
    elif mode == "bwrap" and found.mode != "bwrap":
        raise RuntimeError(f"bwrap mode asked for, but it is unavailable: {found.reason}")
    else:
        reason = found.reason if mode == found.mode else f"{mode} mode was asked for"
    return launch(files, entry, args=args, stdin=stdin, limits=limits, mode=mode, python=python, reason=reason)
