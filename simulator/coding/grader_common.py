"""What the code grader (simulator.graders.code) shares with the coding package.

Its version (in every code grade and in the mutation record), code taken out of a markdown fence,
and one test's result as a dict (in grades and in the visible examples' results).
"""
from __future__ import annotations

import re
from typing import Any

VERSION = "1.1.0"


def strip_fences(answer: str) -> str:
    """Accept code pasted inside a markdown fence."""
    m = re.search(r"```(?:python|py)?\s*\n(.*?)```", answer, flags=re.S)
    return m.group(1) if m else answer


def test_detail(t) -> dict[str, Any]:
    d = {"id": t.id, "kind": t.kind, "status": t.status, "message": t.message}
    for key in ("diff", "traceback", "warnings", "mutated", "time_s"):
        value = getattr(t, key)
        if value:
            d[key] = round(value, 6) if key == "time_s" else value
    return d
