"""The code grader: run the candidate's function on hidden tests in the sandbox and rate the rubric.

    grade = CodeGrader().grade(question, rubric, source, track="research-engineer")

`question["coding"]` names the registered problem and whether its optimise
part runs (skipped when the track gives efficiency no weight). Levels:
correctness from the share of ordinary tests passed; numerical_care from the
tests built to overflow, underflow or cancel, and from floating-point
warnings; efficiency from the measured speed-up against the target (null when
no optimise part ran); code_quality from what the tests see: crashes,
warnings on ordinary inputs, inputs modified in place, and a large slowdown
against the reference on the large test (Python loops over a large axis).
`visible_results()` (in simulator.coding.visible) runs the visible examples only, with diffs.
"""
from __future__ import annotations

from typing import Any

from simulator.coding.grader_common import VERSION, strip_fences, test_detail as _test_detail
from simulator.coding.requirements import REQUIREMENT_CAP, below_hire, failed_requirements
from simulator.coding.visible import visible_results  # noqa: F401  (the code grader's "Run examples", as before)
from simulator.scoring import empty_grade, round_score

FLOAT_WARNINGS = ("overflow", "underflow", "invalid value", "divide by zero")


def _share(tests) -> float | None:
    return sum(t.status == "pass" for t in tests) / len(tests) if tests else None


def correctness_level(report) -> tuple[int, str]:
    tests = [t for t in report.tests if t.kind != "numerical"]
    share = _share(tests) or 0.0
    level = 5 if share == 1 else 4 if share >= 0.8 else 3 if share >= 0.6 else 2 if share > 0 else 1
    return level, f"{sum(t.status == 'pass' for t in tests)}/{len(tests)} correctness tests passed"


def numerical_level(report, problem) -> tuple[int | None, str]:
    numeric = [t for t in report.tests if t.kind == "numerical"]
    if not problem.numerical or not numeric:
        return None, "this problem has no numerical-hazard tests"
    share = _share(numeric) or 0.0
    warned = [w for t in report.tests if t.status == "pass" for w in t.warnings if any(k in w for k in FLOAT_WARNINGS)]
    ordinary_ok = any(t.status == "pass" for t in report.tests if t.kind != "numerical")
    if share == 1:
        level = 4 if warned else 5
    elif share >= 0.5:
        level = 3
    else:
        level = 2 if ordinary_ok else 1
    note = f"{sum(t.status == 'pass' for t in numeric)}/{len(numeric)} numerical tests passed"
    return level, note + (f"; warnings: {sorted(set(warned))[:3]}" if warned else "")


def efficiency_level(speed) -> tuple[int | None, str]:
    if speed is None:
        return None, "no optimise part was run"
    if speed.status == "too_noisy":  # rerun once and still noisy: no level rather than a guess
        return None, speed.message or "the speed measurement was too noisy to rate; rerun on a quieter machine"
    if speed.status != "ok" or speed.ratio is None:
        return 1, speed.message or f"speed run: {speed.status}"
    r, target = speed.ratio, speed.target
    level = 5 if r >= 2 * target else 4 if r >= target else 3 if r >= target / 2 else 2 if r >= 1.2 else 1
    return level, speed.message


def quality_level(report, problem) -> tuple[int, str]:
    if not any(t.status == "pass" for t in report.tests):
        return 1, "no test passed, so nothing about the code could be seen working"
    issues = []
    if any(t.status in ("error", "timeout", "memory_limit") for t in report.tests):
        issues.append("crashed or ran out of time or memory on some inputs")
    if any(t.warnings for t in report.tests if t.kind != "numerical"):
        issues.append("floating-point warnings on ordinary inputs")
    if any(t.mutated for t in report.tests):
        issues.append("modified its inputs in place")
    if report.loop_ratio is not None and report.loop_ratio > problem.loop_factor:
        issues.append(f"{report.loop_ratio:.0f}x slower than the reference on the large test (Python loops?)")
    return max(1, 5 - len(issues)), "; ".join(issues) or "no problems seen"


class CodeGrader:
    """Grader "code": runs the answer (Python source) in the sandbox."""

    name = "code"
    kind = "code"
    version = VERSION

    def __init__(self, *, mode: str | None = None, seed: int | None = None, speed_options: dict | None = None):
        self.mode, self.seed, self.speed_options = mode, seed, speed_options

    def grade(self, question: dict, rubric: dict, answer: str, *, track: str | None = None) -> dict:
        from rubrics import criterion_weights
        from simulator import coding
        from simulator.coding.judge import judge

        grade = empty_grade(self, question, rubric)
        spec = question.get("coding") or {}
        problem = coding.get(spec["problem"]) if spec.get("problem") else None
        if problem is None:
            grade["flags"].append("needs_review")
            grade["feedback"] = "This question names no coding problem, so the code grader cannot run it."
            return grade
        weights = criterion_weights(rubric, track)
        optimise = bool(spec.get("optimise")) and problem.optimise and weights.get("efficiency", 0) > 0
        report = judge(problem, strip_fences(answer), optimise=optimise, seed=self.seed, mode=self.mode,
                       speed_options=self.speed_options)
        rated = {
            "correctness": correctness_level(report),
            "numerical_care": numerical_level(report, problem),
            "efficiency": efficiency_level(report.speed),
            "code_quality": quality_level(report, problem),
        }
        failed = failed_requirements(problem.STATEMENT, report.tests)
        for f in failed:  # a requirement the statement names caps its criterion
            level, note = rated.get(f["criterion"], (None, ""))
            capped = REQUIREMENT_CAP if level is None else min(level, REQUIREMENT_CAP)
            rated[f["criterion"]] = (capped, f"requirement not met: {f['text']} ({', '.join(f['tests'])})" + (f"; {note}" if note else ""))
        for c in grade["criteria"]:
            if c["criterion"] in rated:
                c["level"], c["note"] = rated[c["criterion"]]
        grade["score"] = round_score({c["criterion"]: c["level"] for c in grade["criteria"]}, rubric, track)
        cap = below_hire(rubric)
        if failed and grade["score"] is not None and cap is not None:
            grade["score"] = min(grade["score"], cap)
        flags = grade["flags"]
        if report.mode != "bwrap":
            flags.append("fallback")
        if report.speed and report.speed.too_noisy:
            flags += ["too_noisy", "needs_review"]
        sandbox_failed = all(t.message.startswith("the sandbox") for t in report.tests if t.status == "error") and \
            any(t.status == "error" for t in report.tests) and not any(t.status == "pass" for t in report.tests)
        if sandbox_failed:
            flags.append("needs_review")
        grade["flags"] = list(dict.fromkeys(flags))
        grade["feedback"] = feedback(report, rated, failed)
        grade["details"] = {
            "problem": problem.NAME, "optimise": optimise, "passed": report.passed, "total": len(report.tests),
            "tests": [_test_detail(t) for t in report.tests],
            "speed": report.speed.to_dict() if report.speed else None,
            "speed_ratio": report.speed.ratio if report.speed else None,
            "loop_ratio": report.loop_ratio,
            "sandbox": {"mode": report.mode, "reason": report.sandbox_reason,
                        "weaker": report.mode != "bwrap", **report.harness},
            "wall_s": round(report.wall_s, 3),
            "requirements_failed": failed,
        }
        return grade


def feedback(report, rated, failed=()) -> str:
    lines = [f"{report.passed}/{len(report.tests)} tests passed."]
    for f in failed:
        lines.append(f"Requirement not met: {f['text']}, which the statement asks for ({', '.join(f['tests'])}). "
                     f"{f['criterion'].replace('_', ' ').capitalize()} is capped at {REQUIREMENT_CAP} and the round stays below the hire band.")
    failed = [t for t in report.tests if t.status != "pass"]
    for t in failed[:5]:
        where = f"visible example {t.id + 1}" if t.visible else f"hidden {t.kind} test"
        lines.append(f"- {where}: {t.status.replace('_', ' ')}" + (f" ({t.message})" if t.message else ""))
    for cid, (level, note) in rated.items():
        if level is not None and level < 5:
            lines.append(f"{cid.replace('_', ' ').capitalize()}: {note}.")
    if report.speed and (report.speed.status == "too_noisy" or (report.speed.status == "ok" and report.speed.too_noisy)):
        lines.append("The speed measurement was too noisy: rerun it on a quieter machine.")
    if report.mode != "bwrap":
        lines.append(f"Ran in the weaker fallback sandbox (no bubblewrap): {report.sandbox_reason}.")
    return "\n".join(lines)
