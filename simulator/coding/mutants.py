"""Mutation testing of the ML-coding problems: every problem ships wrong solutions its hidden tests must catch.

A problem module's MUTANTS maps a name to a realistic wrong solution (a mask off by one, the wrong axis, eps
outside the square root, ties broken the other way, inputs modified in place, ...), self-contained like
`wrong`. A mutant is caught when, on some seed, it fails at least one hidden test or modifies an input in
place; the reference must pass every test on every seed.

    results = run_problem(get("softmax"), seeds=[1, 2, 3])   # one sandbox call for all mutants and seeds
    record = compute(seeds)                                   # every problem; `mockloop code mutants --write`
    certification_record()                                    # the shipped record, for graders.certification

All of a problem's functions run in one sandbox call: their sources are defined side by side under private
names and a dispatcher entry point picks one per test from a `_mutant` parameter. The "large" hidden tests are
left out (they are there to expose Python loops, not wrong answers, and keep the run within its output limit).
"""
from __future__ import annotations

import inspect
import json
import re
import textwrap
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, Callable

from simulator.coding.grader_common import VERSION
from simulator.coding.problem import Problem

RECORD_FILE = "mutants_record.json"
METHOD = "every problem's mutants fail its hidden tests and its reference passes"
MIN_MUTANTS = 3
RECORD_SEEDS = (101, 202, 303)
REFERENCE = "<reference>"


def mutants_of(problem: Problem) -> dict[str, Callable]:
    """The problem's MUTANTS (name -> function); `wrong` is included as "wrong" unless MUTANTS already has it."""
    found = dict(getattr(problem.module, "MUTANTS", {}) or {})
    if problem.module.wrong not in found.values():
        found.setdefault("wrong", problem.module.wrong)
    return found


def _source(fn: Callable, name: str) -> str:
    src = textwrap.dedent(inspect.getsource(fn))
    return re.sub(rf"^def {re.escape(fn.__name__)}\(", f"def {name}(", src, count=1, flags=re.M)


def combined_source(problem: Problem, fns: dict[str, Callable]) -> str:
    """One submission holding every function, with an entry point that dispatches on `_mutant`."""
    parts = ["import numpy as np\n" + ("import torch\n" if problem.framework == "torch" else "")]
    table = []
    for i, (name, fn) in enumerate(fns.items()):
        parts.append(_source(fn, f"_fn_{i}"))
        table.append(f"    {name!r}: _fn_{i},")
    parts.append("_FNS = {\n" + "\n".join(table) + "\n}\n")
    parts.append(f"def {problem.ENTRY}(_mutant, **kwargs):\n    return _FNS[_mutant](**kwargs)\n")
    return "\n\n".join(parts)


@dataclass
class MutantResult:
    name: str
    caught: bool  # failed some hidden test, or modified an input, on some seed (for the reference: passed all)
    failures: list[str] = field(default_factory=list)  # "seed/kind: status (message)" of what caught it

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "caught": self.caught, "failures": self.failures[:3]}


def run_problem(problem: Problem, seeds, *, mode: str | None = None) -> dict[str, MutantResult]:
    """Run the reference and every mutant of `problem` on the hidden tests of each seed, in one sandbox call.

    Returns name -> result; the reference is under REFERENCE, `caught` False there when it failed a test.
    """
    from simulator.coding.compare import compare
    from simulator.coding.judge import _expected, _sandbox_failure, build_job, harness_files, make_cases, read_result
    from simulator.sandbox import Limits, probe, run

    fns = {REFERENCE: problem.solution_fn(), **mutants_of(problem)}
    mode = mode or probe().mode
    base = []  # (seed, kind, inputs, expected)
    for seed in seeds:
        for kind, inputs in make_cases(problem, int(seed)):
            if kind in ("visible", "large"):
                continue
            base.append((seed, kind, inputs, _expected(problem, inputs, False)[0]))
    cases = [(kind, dict(inputs, _mutant=name)) for name in fns for (_, kind, inputs, _) in base]
    timeout_s = problem.timeout_s
    job = build_job(problem, combined_source(problem, fns), cases, mode=mode, speed=None, timeout_s=timeout_s)
    budget = timeout_s * 2 + 0.25 * len(cases) + 10 + (30 if problem.framework == "torch" else 0)
    res = run(harness_files(), "harness.py", stdin=job, limits=Limits(wall_s=budget, cpu_s=int(budget) + 5), mode=mode)
    try:
        header, outputs = read_result(res.stdout) if res.stdout else (None, {})
    except Exception:  # noqa: BLE001 - unreadable is a failure of the run
        header, outputs = None, {}
    results = {name: MutantResult(name, False) for name in fns}
    if header is None or len(header.get("tests", [])) != len(cases):
        status, msg = _sandbox_failure(res)
        for r in results.values():
            r.failures.append(f"the run failed: {status} ({msg[:200]})")
        return results
    for i, got in enumerate(header["tests"]):
        name = list(fns)[i // len(base)]
        seed, kind, inputs, exp = base[i % len(base)]
        where = f"seed {seed}, {kind} test {i % len(base)}"
        if got.get("status") == "ok":
            outs = [outputs[f"t{i}.{j}"] for j in range(int(got.get("n_outputs", 0))) if f"t{i}.{j}" in outputs]
            verdict = compare(exp, outs, problem.DTYPES, problem.RTOL, problem.ATOL, inputs)
            if not verdict.ok:
                results[name].failures.append(f"{where}: wrong_answer ({verdict.reason})")
        else:
            results[name].failures.append(f"{where}: {got.get('status')} ({str(got.get('traceback', ''))[-160:].strip()})")
        if got.get("mutated"):
            results[name].failures.append(f"{where}: modified its input(s) {', '.join(got['mutated'])} in place")
    for name, r in results.items():
        r.caught = bool(r.failures) if name != REFERENCE else not r.failures
    return results


def compute(seeds=RECORD_SEEDS, names: list[str] | None = None, *, progress: Callable[[str], None] | None = None) -> dict[str, Any]:
    """Run every problem's mutants; the record `mockloop code mutants --write` ships."""
    from simulator import coding

    problems = {}
    for name in names or coding.names():
        p = coding.get(name)
        res = run_problem(p, seeds)
        ref = res.pop(REFERENCE)
        problems[name] = {"reference_passes": ref.caught, "reference_failures": ref.failures[:6],
                          "mutants": {m: r.to_dict() for m, r in res.items()},
                          "caught": sum(r.caught for r in res.values()), "total": len(res)}
        if progress:
            progress(f"{name}: {problems[name]['caught']}/{problems[name]['total']} mutants caught, "
                     f"reference {'passes' if ref.caught else 'FAILS'}")
    mutants = sum(p["total"] for p in problems.values())
    caught = sum(p["caught"] for p in problems.values())
    refs_ok = all(p["reference_passes"] for p in problems.values())
    few = [n for n, p in problems.items() if p["total"] < MIN_MUTANTS]
    return {"grader_version": VERSION, "seeds": list(seeds), "problems": problems, "mutants": mutants,
            "caught": caught, "references_pass": refs_ok, "too_few_mutants": few,
            "runs": (mutants + len(problems)) * len(seeds)}


def _path() -> Path:
    return Path(str(resources.files("simulator.coding").joinpath(RECORD_FILE)))


def load_record() -> dict[str, Any] | None:
    path = _path()
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else None


def write_record(record: dict[str, Any]) -> Path:
    path = _path()
    path.write_text(json.dumps(record, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return path


def verdict(record: dict[str, Any] | None) -> tuple[bool, str]:
    """(certified, why) for a record and the current problems and grader version."""
    from simulator import coding

    if record is None:
        return False, "no mutation record ships with the problems (run `mockloop code mutants --write`)"
    if record.get("grader_version") != VERSION:
        return False, f"the mutation record is for code grader {record.get('grader_version')}, not {VERSION}"
    missing = sorted(set(coding.names()) - set(record.get("problems", {})))
    if missing:
        return False, f"the mutation record misses {len(missing)} problem(s): {', '.join(missing[:5])}"
    stale = [n for n in coding.names() if sorted(mutants_of(coding.get(n))) != sorted(record["problems"][n]["mutants"])]
    if stale:
        return False, f"the mutation record is stale for {', '.join(stale[:5])} (rerun `mockloop code mutants --write`)"
    bad_refs = [n for n, p in record["problems"].items() if not p["reference_passes"]]
    if bad_refs:
        return False, f"the reference fails its own hidden tests for {', '.join(bad_refs[:5])}"
    if record.get("too_few_mutants"):
        return False, f"fewer than {MIN_MUTANTS} mutants for {', '.join(record['too_few_mutants'][:5])}"
    escaped = [f"{n}.{m}" for n, p in record["problems"].items() for m, r in p["mutants"].items() if not r["caught"]]
    if escaped:
        return False, f"{len(escaped)} of {record['mutants']} mutants pass every hidden test: {', '.join(escaped[:5])}"
    return True, (f"all {record['mutants']} mutants of {len(record['problems'])} problems fail their hidden tests "
                  f"and every reference passes, on {len(record['seeds'])} seeds")


def certification_record() -> dict[str, Any]:
    """The code grader's certification for ML coding, read from the shipped mutation record."""
    record = load_record()
    ok, reason = verdict(record)
    return {f"code@{VERSION}": {"method": METHOD, "rounds": {"ml_coding": {
        "certified": ok, "reason": reason, "kappa": None, "ci95": None,
        "gold_answers": int(record.get("runs", 0)) if record else 0, "pairs": 0, "rated_share": None}}}}
