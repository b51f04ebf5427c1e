"""Compute the machine graders' certification records (`simulator.graders.certification` reads them).

The keyword grader is run on the bank's gold answers (`simulator.grading_bench.gold`); the code grader's
record comes from its problems' mutants (`simulator.coding.mutants`). Kept above the graders, so that
reading a record (what a hiring verdict does) does not depend on what computes it.
"""
from __future__ import annotations

from typing import Any

from simulator.graders.certification import KAPPA_THRESHOLD, MIN_GOLD_ANSWERS, MIN_RATED_SHARE


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
