"""Foundation benchmarks (run with `make bench`): CLI start-up and bank validation, each beside a
baseline measured in the same run, because these machines are shared and noisy."""
import json
import subprocess
import sys
import time

import pytest

from simulator.bank import check
from tests.factories import question, rubric

pytestmark = pytest.mark.bench


def _median_seconds(cmd, repeats=7):
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        subprocess.run(cmd, check=True, capture_output=True)
        times.append(time.perf_counter() - start)
    return sorted(times)[len(times) // 2]


def test_help_is_fast(benchmark):
    """`mockloop --help` target: under 0.3 s; baseline: a bare `python -c pass`."""
    baseline = _median_seconds([sys.executable, "-c", "pass"])
    helps = benchmark.pedantic(
        lambda: _median_seconds([sys.executable, "-m", "simulator.cli", "--help"], repeats=3), rounds=3
    )
    benchmark.extra_info.update(help_s=helps, baseline_python_s=baseline, ratio=helps / baseline)
    print(f"\nmockloop --help: {helps * 1000:.0f} ms; bare python: {baseline * 1000:.0f} ms; ratio {helps / baseline:.2f}")


def test_validate_500_questions(benchmark, tmp_path):
    """Loading and validating a bank of 500 questions, target under 1 s; baseline: json.load alone."""
    (tmp_path / "rubric.json").write_text(json.dumps(rubric("behavioral")))
    for f in range(10):
        qs = [question("behavioral", f * 50 + n) for n in range(50)]
        (tmp_path / f"q{f}.json").write_text(json.dumps(qs))
    files = sorted(tmp_path.glob("*.json"))

    def load_only():
        return [json.loads(p.read_text()) for p in files]

    start = time.perf_counter()
    for _ in range(5):
        load_only()
    baseline = (time.perf_counter() - start) / 5
    bank, problems = benchmark.pedantic(lambda: check([tmp_path]), rounds=5)
    assert problems == [] and len([q for q in bank.questions if q.startswith("behavioral-q")]) == 500
    mean = benchmark.stats.stats.mean if benchmark.stats else None
    if mean:
        benchmark.extra_info.update(validate_s=mean, baseline_json_s=baseline, ratio=mean / baseline)
        print(f"\nvalidate 500 questions: {mean * 1000:.0f} ms; json.load alone: {baseline * 1000:.1f} ms")
