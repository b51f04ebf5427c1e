"""Sandbox overhead against a plain subprocess in the same run, and end-to-end grading time.

Run with `make bench` (pytest-benchmark). Targets: under 150 ms median extra per run; under 1 s to grade a
problem end to end without an optimise part. The figures are printed; the asserts are loose (2x) because
other work shares the machine.
"""
from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time

import pytest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
from sandbox_support import require_bwrap  # noqa: E402

pytestmark = [pytest.mark.bench, pytest.mark.sandbox]
SCRIPT = "import numpy\n"


def _median_ms(fn, n=10):
    times = []
    for _ in range(n):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times)


def test_bench_sandbox_overhead_vs_plain_subprocess(benchmark):
    require_bwrap()
    from simulator.sandbox import Limits, run

    def plain():
        subprocess.run(["/usr/bin/python3", "-I", "-c", SCRIPT], check=True, env={"OPENBLAS_NUM_THREADS": "1"})

    def sandboxed():
        res = run({"main.py": SCRIPT}, "main.py", limits=Limits(wall_s=10))
        assert res.status == "ok"

    sandboxed()  # the probe and the seccomp filter are built once per process
    plain_ms, sandbox_ms = [], []
    for _ in range(10):  # interleaved, so both see the same load
        plain_ms.append(_median_ms(plain, 1))
        sandbox_ms.append(_median_ms(sandboxed, 1))
    extra = statistics.median(s - p for s, p in zip(sandbox_ms, plain_ms))
    benchmark.extra_info.update(plain_ms=statistics.median(plain_ms), sandbox_ms=statistics.median(sandbox_ms),
                                extra_ms=extra)
    print(json.dumps({"plain_ms": round(statistics.median(plain_ms), 1),
                      "sandbox_ms": round(statistics.median(sandbox_ms), 1), "extra_ms": round(extra, 1)}))
    benchmark.pedantic(sandboxed, rounds=5, iterations=1)
    assert extra < 300  # target 150 ms


def test_bench_sandbox_overhead_on_import_torch(benchmark):
    """The sandbox's added cost on `import torch` (PyTorch problems) against a plain subprocess, interleaved."""
    require_bwrap()
    from sandbox_support import require_sandbox_torch
    from simulator.sandbox import Limits, run

    require_sandbox_torch()
    script = "import numpy, torch\n"
    env = {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1"}

    def plain():
        subprocess.run(["/usr/bin/python3", "-I", "-c", script], check=True, env=env)

    def sandboxed():
        res = run({"main.py": script}, "main.py", limits=Limits(wall_s=30, cpu_s=20))
        assert res.status == "ok", res.stderr[-300:]

    sandboxed()
    plain_ms, sandbox_ms = [], []
    for _ in range(5):
        plain_ms.append(_median_ms(plain, 1))
        sandbox_ms.append(_median_ms(sandboxed, 1))
    ratio = min(sandbox_ms) / min(plain_ms)
    benchmark.extra_info.update(plain_min_ms=min(plain_ms), sandbox_min_ms=min(sandbox_ms), ratio=ratio)
    print(json.dumps({"import_torch_plain_min_ms": round(min(plain_ms), 1), "sandbox_min_ms": round(min(sandbox_ms), 1),
                      "ratio": round(ratio, 2), "load_average": [round(x, 2) for x in os.getloadavg()]}))
    benchmark.pedantic(sandboxed, rounds=3, iterations=1)
    assert ratio < 3  # loose: the machine is shared


def test_bench_grade_end_to_end(benchmark):
    require_bwrap()
    from simulator import coding
    from simulator.coding.judge import judge

    p = coding.get("softmax")
    src = p.source_of("reference")
    judge(p, src)
    result = benchmark.pedantic(lambda: judge(p, src), rounds=5, iterations=1)
    assert result.passed == len(result.tests)
    if benchmark.enabled:
        assert benchmark.stats.stats.median < 2.0  # target 1 s


def test_bench_grade_with_optimise_part(benchmark):
    require_bwrap()
    from simulator import coding
    from simulator.coding.judge import judge

    p = coding.get("softmax")
    result = benchmark.pedantic(lambda: judge(p, p.source_of("reference"), optimise=True), rounds=2, iterations=1)
    benchmark.extra_info["speed_ratio"] = result.speed.ratio
    assert result.speed.status == "ok"


def test_bench_efficiency_levels_follow_the_measured_speedup():
    """Moved from test_code_grader.py: these depend on the machine's speed (a loaded 2-core machine failed
    `assert 5 < 5` on the Python-loop check), so they run with `make bench`, not `make test`."""
    require_bwrap()
    import json as _json

    from simulator import coding
    from simulator.graders import code as codegrader

    rubric_path = os.path.join(os.path.dirname(__file__), "..", "..", "rubrics", "data", "ml_coding.json")
    with open(rubric_path) as fh:
        rubric = _json.load(fh)
    p = coding.get("softmax")
    q = {"id": "code-softmax", "coding": {"problem": "softmax", "optimise": True}}
    grader = codegrader.CodeGrader(seed=4, speed_options={"repeats": 5, "min_repeat_s": 0.01, "budget_s": 2.0})
    good = grader.grade(q, rubric, p.source_of("reference"), track="research-engineer")
    slow = grader.grade(q, rubric, p.source_of("naive"), track="research-engineer")
    level = {g: {c["criterion"]: c["level"] for c in x["criteria"]} for g, x in (("good", good), ("slow", slow))}
    print(f"\nsoftmax speed-up: reference {good['details']['speed_ratio']}, naive {slow['details']['speed_ratio']}")
    assert good["details"]["speed_ratio"] >= p.speed["target"]
    assert slow["details"]["speed_ratio"] < 2.0
    assert level["good"]["efficiency"] >= 4 and level["slow"]["efficiency"] == 1
    assert level["slow"]["code_quality"] < 5  # the Python loop shows on the large test
    assert good["score"] > slow["score"]


SPEED_OPTIONS = {"repeats": 7, "min_repeat_s": 0.02, "budget_s": 3.0}


def _ratio(p, fn_name):
    from simulator.coding.judge import judge

    for _ in range(2):  # a too-noisy or failed measurement gets one more try
        speed = judge(p, p.source_of(fn_name), optimise=True, visible_only=True, speed_options=SPEED_OPTIONS).speed
        if speed.status == "ok" and not speed.too_noisy:
            return speed.ratio
    return speed.ratio if speed.ratio is not None else float("nan")


def test_bench_speed_targets_separate_row_loops_from_vectorised_code():
    """Each optimise problem's target: the naive loop (1x) and a per-row Python loop (`row_loop`, vectorised
    within a row) fall short of it and the vectorised reference passes it. Printed per problem; `beam_search`
    has no row_loop (the sort over beam_width * V candidates dominates, so a loop over beams is fine)."""
    require_bwrap()
    from simulator import coding

    rows, bad = [], []
    for p in coding.all_problems():
        if not p.optimise:
            continue
        target = p.speed["target"]
        ref = _ratio(p, "reference")
        row = _ratio(p, "row_loop") if hasattr(p.module, "row_loop") else None
        rows.append({"problem": p.NAME, "target": target, "reference": round(ref, 1),
                     "row_loop": None if row is None else round(row, 1)})
        if not ref >= target or (row is not None and not row < target):
            bad.append(rows[-1])
    print("\n" + "\n".join(json.dumps(r) for r in rows))
    assert not bad, bad
