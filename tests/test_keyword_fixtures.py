"""Small rubrics and questions of the keyword grader's own (never the bundled bank), shared by its tests."""
from __future__ import annotations

import copy

from simulator.validation import validate

LEVELS = {str(i): f"Observable behaviour for level {i} of this criterion." for i in range(1, 6)}
BANDS = [
    {"id": "strong_no_hire", "label": "Strong no hire", "min_score": 0},
    {"id": "no_hire", "label": "No hire", "min_score": 0.3},
    {"id": "hire", "label": "Hire", "min_score": 0.7},
]


def _criterion(cid: str, weight: float = 1.0) -> dict:
    return {"id": cid, "name": cid.replace("_", " ").title(), "description": f"How well the answer shows {cid}.", "weight": weight, "levels": dict(LEVELS)}


def ds_rubric() -> dict:
    return {
        "id": "ds-test", "version": "1.0.0", "round": "distributed_systems", "title": "Distributed systems (test)",
        "criteria": [_criterion("correctness", 2.0), _criterion("tradeoffs"), _criterion("communication")],
        "track_weights": {"research-engineer": {"correctness": 1.0, "tradeoffs": 2.0}},
        "thresholds": [0.2, 0.4, 0.6, 0.8], "bands": copy.deepcopy(BANDS),
    }


def ds_question() -> dict:
    return {
        "id": "ds-zero-test", "round": "distributed_systems", "rubric": "ds-test", "tracks": ["research-engineer"],
        "difficulty": "medium", "time_limit_min": 10,
        "prompt": "Your 13B model does not fit in GPU memory during training. What would you do about the optimizer?",
        "tests": "Knows where training memory goes and how ZeRO removes redundancy.",
        "key_points": [
            {"id": "shard-opt", "text": "shard the optimizer state across data-parallel ranks", "aliases": ["ZeRO stage 1", "partition the optimizer states"], "weight": 2, "criterion": "correctness",
             "contradicts": ["replicate the full optimizer state on every rank"], "because": "replicas hold identical copies, so sharding removes the redundancy"},
            {"id": "adam-moments", "text": "Adam keeps two moments per parameter", "aliases": ["first and second moment estimates"], "criterion": "correctness"},
            {"id": "replica-copy", "text": "every data-parallel rank holds a redundant copy of the optimizer state", "criterion": "correctness"},
            {"id": "comm-cost", "text": "extra communication to gather the shards", "criterion": "tradeoffs"},
            {"id": "gather-latency", "text": "gathering the shards adds latency to each step", "criterion": "tradeoffs"},
            {"id": "saving-scales", "text": "the memory saved grows with the number of ranks", "criterion": "tradeoffs"},
        ],
        "probes": [],
        "reference_answer": "Shard the optimizer state across data-parallel ranks (ZeRO stage 1): Adam keeps two moments per parameter, so this removes most redundant memory, at the price of extra communication to gather the shards.",
    }


def behavioural_rubric() -> dict:
    return {
        "id": "beh-test", "version": "1.0.0", "round": "behavioral", "title": "Behavioural (test)",
        "criteria": [_criterion("ownership"), _criterion("impact_and_results"), _criterion("star_structure"), _criterion("reflection")],
        "track_weights": {}, "thresholds": [0.2, 0.4, 0.6, 0.8], "bands": copy.deepcopy(BANDS),
    }


def behavioural_question() -> dict:
    return {
        "id": "beh-flaky-eval", "round": "behavioral", "rubric": "beh-test", "tracks": ["research-engineer"],
        "difficulty": "easy", "time_limit_min": 8,
        "prompt": "Tell me about a time you fixed something nobody owned.",
        "tests": "Ownership, a concrete result, and reflection.",
        "key_points": [{"id": "lesson", "text": "what I would do differently next time", "aliases": ["lesson I learned"], "criterion": "reflection"},
                       {"id": "own-gap", "text": "I now check who owns a shared tool before relying on it", "criterion": "reflection"},
                       {"id": "teach", "text": "I wrote the fix up so others could maintain it", "criterion": "reflection"}],
        "probes": [],
        "reference_answer": "A story with a situation, the task, what I did, a measurable result and what I learned from it.",
    }


def math_rubric() -> dict:
    return {
        "id": "math-test", "version": "1.0.0", "round": "math_fundamentals", "title": "Math (test)",
        "criteria": [_criterion("derivation"), _criterion("final_answer")],
        "track_weights": {}, "thresholds": [0.2, 0.4, 0.6, 0.8], "bands": copy.deepcopy(BANDS),
    }


def math_question(final_answer: dict | None = None) -> dict:
    return {
        "id": "math-dice-mean", "round": "math_fundamentals", "rubric": "math-test", "tracks": ["research-scientist"],
        "difficulty": "easy", "time_limit_min": 5,
        "prompt": "What is the expected value of one roll of a fair six-sided die?",
        "tests": "Linearity of expectation on a uniform variable.",
        "key_points": [{"id": "uniform-sum", "text": "sum of the faces divided by six", "aliases": ["each face has probability one sixth"], "criterion": "derivation"},
                       {"id": "linearity", "text": "expectation is the probability-weighted sum of the outcomes", "criterion": "derivation"},
                       {"id": "sum-21", "text": "the faces one to six add up to 21", "criterion": "derivation"}],
        "probes": [],
        "reference_answer": "Each face has probability 1/6, so the mean is the sum 1+...+6 = 21 divided by six, which is 7/2 = 3.5.",
        "final_answer": final_answer or {"value": 3.5, "rel_tol": 1e-3, "criterion": "final_answer"},
    }


def test_fixtures_are_valid_bank_data():
    assert validate("rubric", ds_rubric(), "ds") == []
    assert validate("rubric", behavioural_rubric(), "beh") == []
    assert validate("rubric", math_rubric(), "math") == []
    assert validate("question", ds_question(), "q1") == []
    assert validate("question", behavioural_question(), "q2") == []
    assert validate("question", math_question(), "q3") == []
