"""The trusted parent: make the hidden tests, run the candidate in the sandbox, compare, read the speed.

    report = judge(get("softmax"), source)                  # hidden tests (and visible examples)
    report = judge(get("softmax"), source, optimise=True)   # plus the speed measurement
    report = run_visible(get("softmax"), source)            # the visible examples only, with diffs

Inputs come from a secret seed; expected outputs are computed here with the
reference and never enter the sandbox. The child returns outputs only; its
.npz is checked (stored members, bounded sizes) and loaded with
allow_pickle=False; anything it says about passing is ignored.
"""
from __future__ import annotations

import copy
import io
import secrets
import time
import zipfile
from dataclasses import asdict, dataclass, field
from importlib import resources
from typing import Any

import numpy as np

from simulator.coding.compare import compare
from simulator.coding.problem import Problem
from simulator.coding.speed import SpeedResult, analyse, noisy_result, spec

HARNESS_FILES = ("harness.py", "wire.py", "worker.py")
MAX_RESULT_BYTES = 64 * 1024 * 1024
STATUSES = ("pass", "wrong_answer", "error", "timeout", "memory_limit")
TORCH_IMPORT_S = 15.0  # a torch problem's worker imports torch before the first test


@dataclass
class TestResult:
    __test__ = False  # not a pytest test class

    id: int
    kind: str  # visible, standard, edge, numerical, large
    status: str  # one of STATUSES
    message: str = ""
    diff: str | None = None
    traceback: str | None = None
    warnings: list[str] = field(default_factory=list)
    mutated: list[str] = field(default_factory=list)
    stdout: str = ""
    time_s: float | None = None

    @property
    def visible(self) -> bool:
        return self.kind == "visible"


@dataclass
class Report:
    problem: str
    mode: str
    sandbox_reason: str
    tests: list[TestResult]
    speed: SpeedResult | None = None
    loop_ratio: float | None = None  # candidate / reference time on the large test
    harness: dict[str, Any] = field(default_factory=dict)
    wall_s: float = 0.0

    @property
    def passed(self) -> int:
        return sum(t.status == "pass" for t in self.tests)

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["speed"] = self.speed.to_dict() if self.speed else None
        d["passed"], d["total"] = self.passed, len(self.tests)
        return d


def harness_files() -> dict[str, bytes]:
    pkg = resources.files("simulator.coding.sandboxed")
    return {name: pkg.joinpath(name).read_bytes() for name in HARNESS_FILES}


def make_cases(problem: Problem, seed: int, visible_only: bool = False) -> list[tuple[str, dict[str, Any]]]:
    cases = [("visible", ex) for ex in problem.example_inputs()]
    if not visible_only:
        rng = np.random.default_rng(seed)
        for kind, size in problem.HIDDEN:
            sub = np.random.default_rng(int(rng.integers(0, 2**63 - 1)))
            cases.append((kind, problem.inputs(sub, **size)))
    return cases


def flat_outputs(result: Any) -> list[np.ndarray]:
    items = result if isinstance(result, (tuple, list)) else [result]
    out: list[np.ndarray] = []
    for item in items:
        out.extend(flat_outputs(item) if isinstance(item, (tuple, list)) else [np.asarray(item)])
    return out


def _expected(problem: Problem, inputs: dict[str, Any], timed: bool) -> tuple[list[np.ndarray], float | None]:
    best = None
    for _ in range(3 if timed else 1):
        fresh = copy.deepcopy(inputs)
        t0 = time.perf_counter()
        result = problem.reference(**fresh)
        elapsed = time.perf_counter() - t0
        best = elapsed if best is None else min(best, elapsed)
    return flat_outputs(result), best


def build_job(problem: Problem, source: str, cases, *, mode: str, speed: dict | None, timeout_s: float) -> bytes:
    from simulator.coding.sandboxed import wire

    arrays: dict[str, np.ndarray] = {}
    tests = []
    for i, (_, inputs) in enumerate(cases):
        a, params = wire.split_inputs(inputs)
        arrays.update({f"t{i}.{k}": v for k, v in a.items()})
        tests.append({"params": params, "timeout_s": timeout_s})
    torch = problem.framework == "torch"
    job = {"entry": problem.ENTRY, "source": source, "tests": tests, "mode": mode, "speed": speed,
           "framework": problem.framework, "load_timeout_s": TORCH_IMPORT_S if torch else 0,
           "total_timeout_s": timeout_s * 2 + 0.25 * len(tests) + (TORCH_IMPORT_S if torch else 0)}
    return wire.pack(job, arrays)


def read_result(data: bytes) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
    """Parse the child's .npz defensively: stored members only, bounded sizes, no pickles."""
    from simulator.coding.sandboxed import wire

    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        infos = zf.infolist()
        if len(infos) > 10_000:
            raise ValueError("too many members")
        if any(i.compress_type != zipfile.ZIP_STORED for i in infos):
            raise ValueError("compressed members are not accepted")
        if sum(i.file_size for i in infos) > MAX_RESULT_BYTES:
            raise ValueError("result too large")
    return wire.unpack(data)


def _sandbox_failure(res) -> tuple[str, str]:
    tail = res.stderr.decode("utf-8", "replace").strip()[-600:]
    if res.status == "timeout":
        return "timeout", "the sandboxed run hit its wall-clock limit"
    if res.status == "output_limit":
        return "error", "the sandboxed run exceeded its output limit"
    return "error", f"the sandbox returned no readable result ({res.status}, code {res.returncode}): {tail}"


def judge(problem: Problem, source: str, *, optimise: bool = False, visible_only: bool = False,
          seed: int | None = None, limits=None, mode: str | None = None, speed_options: dict | None = None,
          test_timeout_s: float | None = None) -> Report:
    """Run `source` against the problem's tests (and speed part) in the sandbox; compare here.

    `test_timeout_s` overrides the problem's per-test time limit (tests use short ones).
    """
    from simulator.sandbox import Limits, probe, run

    started = time.monotonic()
    found = probe()
    mode = mode or found.mode
    seed = secrets.randbits(63) if seed is None else seed
    cases = make_cases(problem, seed, visible_only)
    expected = [_expected(problem, inputs, kind == "large") for kind, inputs in cases]
    speed_job = spec(problem, **(speed_options or {})) if optimise and problem.optimise else None
    timeout_s = test_timeout_s or problem.timeout_s
    job = build_job(problem, source, cases, mode=mode, speed=speed_job, timeout_s=timeout_s)
    budget = timeout_s * 2 + 0.25 * len(cases) + 5 + (TORCH_IMPORT_S if problem.framework == "torch" else 0)
    if speed_job:
        budget += speed_job["budget_s"] * 3 + 20
    limits = limits or Limits(wall_s=budget, cpu_s=int(budget) + 5)
    res = run(harness_files(), "harness.py", stdin=job, limits=limits, mode=mode)
    report = Report(problem.NAME, res.mode, found.reason if res.mode == found.mode else res.reason, [])
    try:
        header, outputs = read_result(res.stdout) if res.stdout else (None, {})
    except Exception as exc:  # noqa: BLE001 - anything unreadable is the child's failure
        header, outputs = None, {}
        res.stderr += f"\nunreadable result: {exc}".encode()
    if header is None or len(header.get("tests", [])) != len(cases):
        status, msg = _sandbox_failure(res)
        report.tests = [TestResult(i, kind, status, msg) for i, (kind, _) in enumerate(cases)]
        if speed_job:
            report.speed = SpeedResult(status, problem.speed["target"], message=msg)
        report.wall_s = time.monotonic() - started
        return report
    report.harness = {"numpy": header.get("numpy"), "python": header.get("python")}
    large_times: list[tuple[float, float]] = []
    for i, ((kind, inputs), (exp, ref_time), got) in enumerate(zip(cases, expected, header["tests"])):
        t = TestResult(i, kind, "error", warnings=list(got.get("warnings", []))[:8],
                       mutated=list(got.get("mutated", [])), stdout=str(got.get("stdout", ""))[:4096],
                       time_s=got.get("time_s"))
        status = got.get("status")
        if status == "ok":
            outs = [outputs[f"t{i}.{j}"] for j in range(int(got.get("n_outputs", 0))) if f"t{i}.{j}" in outputs]
            verdict = compare(exp, outs, problem.DTYPES, problem.RTOL, problem.ATOL, inputs, with_diff=kind == "visible")
            t.status = "pass" if verdict.ok else "wrong_answer"
            t.message, t.diff = verdict.reason, verdict.diff
            if kind == "large" and t.time_s is not None and ref_time:
                large_times.append((float(t.time_s), ref_time))
        elif status in ("timeout", "memory_limit"):
            t.status, t.message = status, str(got.get("traceback", ""))[:300]
        else:
            t.status, t.message = "error", "the solution raised an error"
            t.traceback = str(got.get("traceback", ""))[:4000]
        report.tests.append(t)
    if large_times:
        cand, ref = min(large_times)
        report.loop_ratio = round(cand / max(ref, 1e-3), 3)
    if speed_job:
        report.speed = analyse(header.get("speed"), problem.speed["target"], problem.RTOL)
        if report.speed.too_noisy:  # rerun the speed part once; still noisy: no ratio, so no efficiency level
            first = report.speed
            again = _speed_only(problem, source, speed_job, mode, limits)
            report.speed = again if not again.too_noisy else noisy_result(first, again)
            report.speed.reruns = 1
    report.wall_s = time.monotonic() - started
    return report


def _speed_only(problem: Problem, source: str, speed_job: dict, mode: str, limits) -> SpeedResult:
    """The speed part alone (no tests), in a fresh sandbox."""
    from simulator.sandbox import run

    job = build_job(problem, source, [], mode=mode, speed=speed_job, timeout_s=problem.timeout_s)
    res = run(harness_files(), "harness.py", stdin=job, limits=limits, mode=mode)
    try:
        header, _ = read_result(res.stdout) if res.stdout else (None, {})
    except Exception:  # noqa: BLE001 - anything unreadable is the child's failure
        header = None
    if header is None:
        status, msg = _sandbox_failure(res)
        return SpeedResult(status, problem.speed["target"], message=msg)
    return analyse(header.get("speed"), problem.speed["target"], problem.RTOL)


def run_visible(problem: Problem, source: str, **kwargs) -> Report:
    """Only the visible examples, with diffs: what "Run examples" in the terminal or the web shows."""
    return judge(problem, source, visible_only=True, **kwargs)
