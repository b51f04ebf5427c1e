"""Batches with bounded concurrency: a thread pool of `limit` workers, results in input order.

The adapter's semaphore bounds requests in flight across every caller of one
config as well, so a batch and the interviewer never exceed it together.
"""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any, Callable, Iterable, Iterator, TypeVar

T = TypeVar("T")
R = TypeVar("R")


def map_bounded(fn: Callable[[T], R], items: Iterable[T], limit: int, *, progress: Callable[[int], None] | None = None) -> list[R]:
    """`[fn(x) for x in items]` with at most `limit` calls running at once; the first exception propagates."""
    items = list(items)
    if limit < 1:
        raise ValueError(f"limit must be at least 1, got {limit}")
    if limit == 1 or len(items) <= 1:
        out = []
        for i, item in enumerate(items):
            out.append(fn(item))
            if progress:
                progress(i + 1)
        return out
    done = 0
    results: list[Any] = [None] * len(items)
    with ThreadPoolExecutor(max_workers=min(limit, len(items)), thread_name_prefix="mockloop-llm") as pool:
        futures = {pool.submit(fn, item): i for i, item in enumerate(items)}
        for future, i in futures.items():
            results[i] = future.result()
            done += 1
            if progress:
                progress(done)
    return results


def imap_bounded(fn: Callable[[T], R], items: Iterable[T], limit: int) -> Iterator[R]:
    """Results of `fn` over `items` in input order as they become ready, `limit` calls at a time (lazy when 1)."""
    if limit <= 1:
        yield from map(fn, items)
        return
    with ThreadPoolExecutor(max_workers=limit, thread_name_prefix="mockloop-llm") as pool:
        yield from pool.map(fn, items)


def concurrency_for(grader: Any) -> int:
    """How many answers to grade at once: the LLM's configured bound, 1 for offline graders."""
    if getattr(grader, "kind", None) != "llm":
        return 1
    try:
        return max(1, int(getattr(getattr(grader, "config", None), "concurrency", 1)))
    except ValueError:  # a bad MOCKLOOP_LLM_* value: each grade reports it
        return 1


def grade_batch(grader: Any, jobs: Iterable[dict[str, Any]], *, concurrency: int | None = None,
                progress: Callable[[int], None] | None = None) -> list[dict[str, Any]]:
    """Grade jobs `{"question", "rubric", "answer", "track"?}` in order, `concurrency` at a time.

    Without `concurrency`, the grader's configured bound is used (1 for graders without one).
    """
    if concurrency is None:
        concurrency = concurrency_for(grader)

    def one(job: dict[str, Any]) -> dict[str, Any]:
        return grader.grade(job["question"], job["rubric"], job.get("answer") or "", track=job.get("track"))

    return map_bounded(one, jobs, concurrency, progress=progress)
