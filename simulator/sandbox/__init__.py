"""Run untrusted code: bubblewrap with seccomp, rlimits and a dedicated uid, or a plainly labelled fallback.

    from simulator.sandbox import run, probe, ensure_untrusted_allowed

`probe()` says which mode this machine gives ("bwrap" or "fallback", with the
reason). `run()` starts one sandboxed process with bounded output and a
wall-clock kill. `ensure_untrusted_allowed()` is what a server calls before
accepting code from strangers: it raises `UnsandboxedRefused` in fallback mode
unless the operator set MOCKLOOP_ALLOW_UNSANDBOXED=1.

Names are imported lazily so that importing the package costs nothing.
"""
from __future__ import annotations

import importlib

_EXPORTS = {
    "Limits": "simulator.sandbox.config",
    "sandbox_python": "simulator.sandbox.config",
    "run": "simulator.sandbox.run_code",
    "RunResult": "simulator.sandbox.runner",
    "probe": "simulator.sandbox.startup",
    "Probe": "simulator.sandbox.startup",
    "ensure_untrusted_allowed": "simulator.sandbox.policy",
    "UnsandboxedRefused": "simulator.sandbox.policy",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    if name in _EXPORTS:
        return getattr(importlib.import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'simulator.sandbox' has no attribute {name!r}")
