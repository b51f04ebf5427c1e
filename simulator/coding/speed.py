"""Read the speed measurement: ratio of minimums, paired medians, the noise check, the output check.

The harness times the naive baseline and the candidate interleaved, on fresh
inputs each repeat, each repeat calibrated to at least ~20 ms. The score is
the ratio of the minimum per-call times (baseline / candidate: the speed-up);
when the median of the per-repeat ratios disagrees with it by more than
NOISE_FACTOR the result is marked too noisy and the judge reruns the speed part once. Still too noisy, it is
reported with status "too_noisy" and no ratio (the measured ones kept in `noisy_ratios`), so that it never
earns an efficiency level, let alone the top one.
"""
from __future__ import annotations

import math
import statistics
from dataclasses import asdict, dataclass, field
from typing import Any

NOISE_FACTOR = 1.5
REPEATS = 15
MIN_REPEAT_S = 0.02
BUDGET_S = 6.0


@dataclass
class SpeedResult:
    status: str  # ok, too_noisy, mismatch, error, timeout, memory_limit, not_run
    target: float | None = None
    ratio: float | None = None  # speed-up over the naive baseline, ratio of minimums
    median_ratio: float | None = None
    too_noisy: bool = False
    met_target: bool | None = None
    repeats: int = 0
    baseline_min_s: float | None = None
    candidate_min_s: float | None = None
    calls_per_repeat: dict[str, int] = field(default_factory=dict)
    message: str = ""
    reruns: int = 0  # speed parts rerun because the first was too noisy
    noisy_ratios: list[float] = field(default_factory=list)  # status too_noisy: the ratios that disagreed

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        for k in ("ratio", "median_ratio", "baseline_min_s", "candidate_min_s"):
            if d[k] is not None:
                d[k] = round(d[k], 6)
        return d


def spec(problem, *, repeats: int = REPEATS, min_repeat_s: float = MIN_REPEAT_S, budget_s: float = BUDGET_S) -> dict:
    """The speed part of a harness job."""
    return {"gen_source": problem.generator_source(), "gen_name": "inputs",
            "baseline_source": problem.source_of("naive"), "size": problem.speed["size"],
            "repeats": repeats, "min_repeat_s": min_repeat_s, "budget_s": budget_s}


def _sums_agree(a: list, b: list, rtol: float) -> bool:
    if len(a) != len(b):
        return False
    for (sa, s1, abs1), (sb, s2, abs2) in zip(a, b):
        if sa != sb:
            return False
        for x, y in ((s1, s2), (abs1, abs2)):
            if math.isnan(x) or math.isnan(y) or abs(x - y) > rtol * (abs(abs1) + 1.0):
                return False
    return True


def analyse(raw: dict[str, Any] | None, target: float, rtol: float = 1e-6) -> SpeedResult:
    if not raw:
        return SpeedResult("not_run", target, message="no speed measurement came back")
    if raw.get("status") != "ok":
        who = raw.get("who", "candidate")
        status = raw.get("status", "error")
        return SpeedResult(status if status in ("timeout", "memory_limit") else "error", target,
                           message=f"the {who} failed during the speed run: {raw.get('traceback', '')}".strip())
    b, c = raw["baseline_s"], raw["candidate_s"]
    n = min(len(b), len(c))
    if n == 0:
        return SpeedResult("error", target, message="no repeats were completed")
    b, c = b[:n], c[:n]
    tol = max(rtol, 1e-9) * 10
    for r in range(n):
        if not _sums_agree(raw["baseline_sums"][r], raw["candidate_sums"][r], tol):
            return SpeedResult("mismatch", target, repeats=n,
                               message="on the speed inputs, the outputs differ from the baseline's")
    ratio = min(b) / max(min(c), 1e-9)
    median = statistics.median(bi / max(ci, 1e-9) for bi, ci in zip(b, c))
    noisy = not (1 / NOISE_FACTOR <= ratio / median <= NOISE_FACTOR)
    res = SpeedResult("ok", target, ratio, median, noisy, ratio >= target, n, min(b), min(c),
                      {"baseline": raw.get("n_baseline", 1), "candidate": raw.get("n_candidate", 1)})
    res.message = f"{ratio:.2f}x faster than the naive baseline (target {target:g}x)"
    if noisy:
        res.message += f"; too noisy, rerun (paired median {median:.2f}x)"
    return res


def noisy_result(*runs: SpeedResult) -> SpeedResult:
    """Runs that were all too noisy: status "too_noisy", no ratio and no verdict on the target."""
    last = runs[-1]
    ratios = [round(r.ratio, 3) for r in runs if r.ratio is not None]
    medians = ", ".join(f"{r.ratio:.2f}x (paired median {r.median_ratio:.2f}x)" for r in runs if r.ratio is not None)
    return SpeedResult("too_noisy", last.target, None, None, True, None, last.repeats, message=(
        f"the speed measurement was too noisy {len(runs)} times ({medians}); no speed-up is reported, rerun on a "
        f"quieter machine"), noisy_ratios=ratios)
