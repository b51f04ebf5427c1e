"""LLM grading throughput (run with `make bench`): 200 answers against a fake server with 200 ms latency.

With 8 requests in flight the ideal wall time is 200 * 0.2 / 8 = 5 s; the batch must finish within 1.25x
of that, and a rerun must be served entirely from the cache (no request reaches the server).
"""
from __future__ import annotations

import time

import pytest

from simulator.graders.base import GraderRegistry
from simulator.graders.llm import LLMGrader
from simulator.llm.batch import grade_batch
from tests.fake_openai_server import FakeKeyword, FakeOpenAI, make_config, sample_question, sample_rubric

pytestmark = pytest.mark.bench

N, LATENCY, CONCURRENCY = 200, 0.2, 8
IDEAL = N * LATENCY / CONCURRENCY


def keyword_graders():
    yield "fake-keyword", FakeKeyword()
    try:
        from simulator.graders.base import registry

        yield "real-keyword", registry.get("keyword")
    except (LookupError, ImportError):
        pass


@pytest.mark.parametrize("label, keyword", list(keyword_graders()), ids=lambda x: x if isinstance(x, str) else "")
def test_batch_of_200_with_concurrency_8(benchmark, tmp_path, label, keyword):
    server = FakeOpenAI(latency=LATENCY).start()
    try:
        registry = GraderRegistry()
        registry.register(keyword)
        grader = LLMGrader(make_config(server, tmp_path, concurrency=CONCURRENCY, timeout=10), registry=registry)
        grader.grade(sample_question(), sample_rubric(), "Warm-up: builds the client and imports openai.")
        server.reset()
        jobs = [{"question": sample_question(), "rubric": sample_rubric(),
                 "answer": f"Answer {i}: separate data, model and measurement causes. Then retrain on the old data."}
                for i in range(N)]

        start = time.perf_counter()
        grades = benchmark.pedantic(lambda: grade_batch(grader, jobs), rounds=1, iterations=1)
        cold = time.perf_counter() - start
        cold_requests, peak = len(server.requests), server.max_in_flight

        server.reset()
        start = time.perf_counter()
        again = grade_batch(grader, jobs)
        warm = time.perf_counter() - start
        warm_requests = len(server.requests)
    finally:
        server.stop()

    ratio = cold / IDEAL
    benchmark.extra_info.update(cold_s=cold, ideal_s=IDEAL, ratio=ratio, rerun_s=warm, rerun_requests=warm_requests,
                                max_in_flight=peak)
    print(f"\n[{label}] {N} answers, {LATENCY * 1000:.0f} ms latency, concurrency {CONCURRENCY}: {cold:.2f} s "
          f"(ideal {IDEAL:.2f} s, ratio {ratio:.3f}); max in flight {peak}; rerun {warm:.2f} s with {warm_requests} requests")
    assert cold_requests == N and peak <= CONCURRENCY
    assert all("fallback" not in g["flags"] for g in grades)
    assert ratio < 1.25
    assert warm_requests == 0 and all(g["details"]["cache"] == "hit" for g in again)
