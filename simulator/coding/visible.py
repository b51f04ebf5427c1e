""""Run the visible examples": what the terminal's `:r` and the web's button show before submitting."""
from __future__ import annotations

from typing import Any

from simulator.coding.grader_common import strip_fences, test_detail


def run_visible(question: dict[str, Any], code: str) -> dict[str, Any]:
    """Structured results for the question's problem: per example status, message, diff or traceback."""
    return visible_results(question["coding"]["problem"], code)


def visible_results(problem_name: str, source: str, **kwargs) -> dict[str, Any]:
    """Run the visible examples only (the "Run examples" button): per-example status and diffs."""
    from simulator import coding
    from simulator.coding.judge import run_visible

    report = run_visible(coding.get(problem_name), strip_fences(source), **kwargs)
    return {"problem": problem_name, "mode": report.mode, "weaker_sandbox": report.mode != "bwrap",
            "passed": report.passed, "total": len(report.tests),
            "examples": [dict(test_detail(t), stdout=t.stdout) for t in report.tests]}


def summary(result: dict[str, Any]) -> str:
    """The visible examples' results as a few lines of text."""
    lines = [f"[visible examples: {result['passed']}/{result['total']} passed"
             + (", weaker fallback sandbox" if result["weaker_sandbox"] else "") + "]"]
    for ex in result["examples"]:
        lines.append(f"  {ex['id']}: {ex['status']}" + (f" - {ex['message']}" if ex.get("message") else ""))
        for key in ("diff", "traceback"):
            if ex.get(key):
                lines.append("    " + str(ex[key]).strip().replace("\n", "\n    "))
    return "\n".join(lines)


def run_visible_summary(question: dict[str, Any], code: str) -> str:
    return summary(run_visible(question, code))
