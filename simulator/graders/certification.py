"""Which machine graders are certified for which round, and on what evidence.

A machine grader is certified for a round when its criterion levels agree with people's on the bank's gold
answers: quadratic weighted kappa >= KAPPA_THRESHOLD over at least MIN_GOLD_ANSWERS answers, the kappa being
the one `simulator.grading_bench.gold` computes (pairs where both gave a level; interval from a bootstrap over
questions), and for the keyword grader the lower end of that 95% interval too: its constants were chosen with
these answers in view (leave-questions-out, but still), so a kappa that only touches the bar does not carry a
verdict. The records live in `certified.json`, computed by `simulator.grading_bench.certify`, written by
`mockloop graders certify --write` and checked against a fresh computation by the test suite, so they cannot
go stale: change the grader or the gold set and the test fails until the file is rewritten.

A hiring verdict (`simulator.verdict`) is given only for rounds whose grader holds a record that passed, for
the grader's exact name and version. Graders this machine cannot run on the gold set (an LLM on a server that
is not here) have no record, so they are not certified here; a hiring team certifies them on its own gold.
"""
from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

KAPPA_THRESHOLD = 0.6  # the teams' default certification threshold
MIN_GOLD_ANSWERS = 30
MIN_RATED_SHARE = 0.6  # a grader that declines most criteria cannot carry a verdict, however well it agrees on the rest
FILE = "certified.json"


def _path() -> Path:
    return Path(str(resources.files("simulator.graders").joinpath(FILE)))


@lru_cache(maxsize=1)
def records() -> dict[str, Any]:
    """{"graders": {"name@version": {"rounds": {round: record}}}} as shipped."""
    path = _path()
    if not path.exists():
        return {"graders": {}}
    return json.loads(path.read_text(encoding="utf-8"))


def certification(name: str, version: str, round_type: str) -> dict[str, Any] | None:
    return records().get("graders", {}).get(f"{name}@{version}", {}).get("rounds", {}).get(round_type)


def is_certified(name: str, version: str, round_type: str) -> tuple[bool, str]:
    """(certified, a sentence saying why or why not)."""
    rec = certification(name, version, round_type)
    if rec is None:
        return False, f"the {name} grader {version} has no certification record for this round"
    return bool(rec["certified"]), rec["reason"]


def write(data: dict[str, Any]) -> Path:
    path = _path()
    path.write_text(json.dumps(data, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    records.cache_clear()
    return path
