"""Batches: results in input order, and never more requests in flight than the bound."""
from __future__ import annotations

import threading
import time

import pytest

from simulator.graders.base import GraderRegistry
from simulator.graders.llm import LLMGrader
from simulator.llm.batch import grade_batch, map_bounded
from simulator.validation import validate
from tests.fake_openai_server import FakeKeyword, FakeOpenAI, make_config, sample_question, sample_rubric


@pytest.fixture
def server():
    fake = FakeOpenAI(latency=0.05).start()
    yield fake
    fake.stop()


def jobs(n):
    return [{"question": sample_question(), "rubric": sample_rubric(),
             "answer": f"Answer number {i} separates the causes. Then it retrains."} for i in range(n)]


def grader_for(server, tmp_path, **overrides):
    registry = GraderRegistry()
    registry.register(FakeKeyword())
    return LLMGrader(make_config(server, tmp_path, **overrides), registry=registry)


def test_map_bounded_keeps_order_and_the_bound():
    running = peak = 0
    lock = threading.Lock()

    def work(x):
        nonlocal running, peak
        with lock:
            running += 1
            peak = max(peak, running)
        time.sleep(0.01)
        with lock:
            running -= 1
        return x * x

    assert map_bounded(work, range(20), 3) == [x * x for x in range(20)]
    assert peak == 3
    with pytest.raises(ValueError):
        map_bounded(work, [1], 0)


def test_a_batch_never_has_more_requests_in_flight_than_the_bound(server, tmp_path):
    done = []
    grades = grade_batch(grader_for(server, tmp_path, concurrency=3), jobs(12), progress=done.append)
    assert len(server.requests) == 12 and server.max_in_flight == 3 and done[-1] == 12
    for i, g in enumerate(grades):
        assert validate("grade", g, "x") == []
        assert g["criteria"][0]["evidence"][0]["quote"].startswith(f"Answer number {i} ")


def test_the_adapter_bound_holds_even_with_more_worker_threads(server, tmp_path):
    grade_batch(grader_for(server, tmp_path, concurrency=2), jobs(10), concurrency=6)
    assert len(server.requests) == 10 and server.max_in_flight <= 2


def test_a_rerun_of_the_batch_is_served_from_the_cache(server, tmp_path):
    grader = grader_for(server, tmp_path, concurrency=4)
    grade_batch(grader, jobs(8))
    server.reset()
    again = grade_batch(grader, jobs(8))
    assert server.requests == [] and {g["details"]["cache"] for g in again} == {"hit"}


def test_imap_bounded_yields_in_order_and_concurrency_follows_the_grader(server, tmp_path):
    from simulator.llm.batch import concurrency_for, imap_bounded

    assert list(imap_bounded(lambda x: x + 1, range(10), 4)) == list(range(1, 11))
    assert list(imap_bounded(lambda x: x + 1, range(3), 1)) == [1, 2, 3]
    assert concurrency_for(grader_for(server, tmp_path, concurrency=5)) == 5
    assert concurrency_for(FakeKeyword()) == 1
