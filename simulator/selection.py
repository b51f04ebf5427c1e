"""Seeded, reproducible question selection that does not repeat a question for a candidate
until that round's eligible bank is exhausted."""
from __future__ import annotations

import random
from collections import Counter
from typing import Any, Iterable

from simulator.bank import Bank

DIFFICULTIES = ("easy", "medium", "hard")


def eligible(
    bank: Bank,
    round_type: str,
    *,
    track: str | None = None,
    difficulty: Iterable[str] | None = None,
    topics: Iterable[str] | None = None,
    tags: Iterable[str] | None = None,
) -> list[dict[str, Any]]:
    """Questions of a round matching every given filter, sorted by id."""
    difficulty = set(difficulty or ())
    topics = set(topics or ())
    tags = set(tags or ())
    out = []
    for q in bank.questions.values():
        if q["round"] != round_type:
            continue
        if track and track not in q["tracks"]:
            continue
        if difficulty and q["difficulty"] not in difficulty:
            continue
        if topics and not topics & set(q.get("topics", [])):
            continue
        if tags and not tags & set(q.get("tags", [])):
            continue
        out.append(q)
    return sorted(out, key=lambda q: q["id"])


def choose(
    pool: list[dict[str, Any]],
    count: int,
    *,
    seed: int | str,
    seen: Iterable[str] = (),
) -> list[dict[str, Any]]:
    """`count` distinct questions from `pool`, the least-seen first, reproducible for a seed.

    `seen` is the candidate's history, one id per time the question was asked
    (a set counts each once). Questions never asked come first; once every
    question has been asked, the next cycle again takes each once before any
    is asked a third time, and so on.
    """
    if not pool:
        return []
    times = Counter(seen)
    rng = random.Random(f"mockloop:{seed}")
    order: list[dict[str, Any]] = []
    for n in sorted({times[q["id"]] for q in pool}):
        tier = [q for q in pool if times[q["id"]] == n]
        rng.shuffle(tier)
        order += tier
    picked = order[:count]
    while len(picked) < count:  # the pool is smaller than the count: repeats are unavoidable
        picked.append(rng.choice(pool))
    return picked


def plan_loop(
    bank: Bank,
    track_id: str,
    *,
    seed: int,
    seen: Iterable[str] = (),
    only_round: str | None = None,
) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    """The rounds of a loop (or a one-round drill) as (track round spec, question) pairs, in order."""
    track = bank.track(track_id)
    specs = track["rounds"]
    if only_round is not None:
        specs = [s for s in specs if s["round"] == only_round]
        if not specs:
            known = ", ".join(s["round"] for s in track["rounds"])
            raise LookupError(f"track {track_id!r} has no {only_round!r} round (it has: {known})")
        specs = [dict(specs[0], count=1)]
    plan = []
    seen = Counter(seen)
    for spec in specs:
        pool = eligible(bank, spec["round"], track=track_id, difficulty=spec.get("difficulty"), topics=spec.get("topics"))
        if not pool:  # filters too narrow for this bank: fall back to the round's track questions
            pool = eligible(bank, spec["round"], track=track_id)
        if not pool:
            raise LookupError(f"no {spec['round']} questions for track {track_id!r} in the bank")
        for q in choose(pool, spec["count"], seed=f"{seed}:{spec['round']}", seen=seen):
            seen[q["id"]] += 1
            plan.append((spec, q))
    return plan
