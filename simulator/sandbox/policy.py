"""Whether a server may run code from strangers here.

The web server calls `ensure_untrusted_allowed()` before accepting a
submission. With bubblewrap working it returns the probe. In fallback mode
(subprocess + rlimits + uid + seccomp: host files readable by that uid stay
readable) it raises `UnsandboxedRefused`, unless the operator has set
MOCKLOOP_ALLOW_UNSANDBOXED=1.
"""
from __future__ import annotations

import os

from simulator.sandbox.config import ENV_ALLOW


class UnsandboxedRefused(RuntimeError):
    """Untrusted code was refused because only the weaker fallback sandbox is available."""


def untrusted_allowed(probe_result=None) -> tuple[bool, str]:
    """(allowed, why) for untrusted code under the current probe and settings."""
    from simulator.sandbox.startup import probe

    p = probe_result or probe()
    if p.mode == "bwrap":
        return True, "bubblewrap sandbox"
    if os.environ.get(ENV_ALLOW) == "1":
        return True, f"fallback sandbox allowed by {ENV_ALLOW}=1 ({p.reason})"
    return False, (
        f"refusing untrusted code: only the fallback sandbox is available ({p.reason}). "
        f"It does not hide host files. Install bubblewrap, or set {ENV_ALLOW}=1 to accept the weaker sandbox."
    )


def ensure_untrusted_allowed(probe_result=None):
    """Return the probe when untrusted code may run here; raise UnsandboxedRefused when it may not."""
    from simulator.sandbox.startup import probe

    p = probe_result or probe()
    allowed, why = untrusted_allowed(p)
    if not allowed:
        raise UnsandboxedRefused(why)
    return p
