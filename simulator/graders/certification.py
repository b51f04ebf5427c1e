"""Which machine graders are certified for which round, and on what evidence.

A machine grader is certified for a round when its criterion levels agree with people's on the bank's gold
answers: quadratic weighted kappa >= KAPPA_THRESHOLD over at least MIN_GOLD_ANSWERS answers, the kappa being
the one `simulator.grading_bench.gold` computes (pairs where both gave a level; interval from a bootstrap over
questions), and for the keyword grader the lower end of that 95% interval too: its constants were chosen with
these answers in view (leave-questions-out, but still), so a kappa that only touches the bar does not carry a
verdict. The records live in `certified.json`, written by `mockloop graders certify --write` and checked
against a fresh computation by the test suite, so they cannot go stale: change the grader or the gold set and
the test fails until the file is rewritten.

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


def keyword_records(bank) -> dict[str, Any]:
    """Certify the keyword grader, round by round, on the bank's gold answers."""
    from simulator.graders.keyword import KeywordGrader
    from simulator.graders.keyword.grader import VERSION
    from simulator.grading_bench.gold import agreement

    rounds = {}
    for r, ra in sorted(agreement(KeywordGrader(), bank).items()):
        s = ra.summary()
        enough = ra.answers >= MIN_GOLD_ANSWERS
        rated = (s["rated_share"] or 0.0) >= MIN_RATED_SHARE
        ci = s["ci95"]
        low_ok = not ci or ci[0] >= KAPPA_THRESHOLD
        passed = bool(s["kappa"] is not None and enough and rated and s["kappa"] >= KAPPA_THRESHOLD and low_ok)
        if s["kappa"] is None:
            reason = f"no kappa on the gold answers ({s.get('reason', 'no pairs')})"
        elif not enough:
            reason = f"only {ra.answers} gold answers (minimum {MIN_GOLD_ANSWERS})"
        elif not rated:
            reason = (f"it rated {s['rated_share']:.0%} of the people's levels on {ra.answers} gold answers "
                      f"(minimum {MIN_RATED_SHARE:.0%}; kappa {s['kappa']:.2f} where it rated)")
        else:
            interval = f" [{ci[0]:.2f}, {ci[1]:.2f}]" if ci else ""
            if passed:
                verdict = f">= {KAPPA_THRESHOLD:.2f}" + (" at the low end of its 95% interval" if ci else "")
            elif s["kappa"] >= KAPPA_THRESHOLD:
                verdict = f"reaches {KAPPA_THRESHOLD:.2f} but the low end of its 95% interval does not"
            else:
                verdict = f"< {KAPPA_THRESHOLD:.2f}"
            reason = (f"kappa {s['kappa']:.2f}{interval} {verdict} on {ra.answers} gold answers "
                      f"({s['rated_share']:.0%} of the people's levels rated)")
        rounds[r] = {"certified": passed, "reason": reason, "kappa": s["kappa"], "ci95": s["ci95"],
                     "gold_answers": ra.answers, "pairs": s["n_pairs"], "rated_share": s["rated_share"]}
    return {f"keyword@{VERSION}": {"method": "quadratic weighted kappa against the bank's gold levels", "rounds": rounds}}


def compute(bank) -> dict[str, Any]:
    """Every record this machine can compute."""
    graders = keyword_records(bank)
    graders.update(_code_records())
    return {"threshold": KAPPA_THRESHOLD, "min_gold_answers": MIN_GOLD_ANSWERS, "min_rated_share": MIN_RATED_SHARE,
            "graders": graders}


def _code_records() -> dict[str, Any]:
    """The code grader is certified for ML coding by its problems' mutants (wrong solutions its hidden tests
    must fail), when a mutation record ships beside the problems; without one it is not certified."""
    try:
        from simulator.coding.mutants import certification_record
    except ImportError:
        return {}
    return certification_record()


def write(data: dict[str, Any]) -> Path:
    path = _path()
    path.write_text(json.dumps(data, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    records.cache_clear()
    return path
