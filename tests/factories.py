"""Small, self-contained test data: rubrics and questions for every round, and the bundled tracks."""
from __future__ import annotations

import copy
from typing import Any

from simulator.bank import ROUNDS, Bank, bundled_paths, cross_check, read_files

TRACKS = ["research-scientist", "research-engineer", "applied-ml-engineer"]


def rubric(round_type: str) -> dict[str, Any]:
    levels = {str(i): f"level {i}: observable behaviour number {i}" for i in range(1, 6)}
    return {
        "id": f"{round_type}-r", "version": "1.0.0", "round": round_type, "title": f"{round_type} rubric",
        "criteria": [
            {"id": "depth", "name": "Depth", "description": "How deep", "weight": 2, "levels": levels, "prep": "Practise depth."},
            {"id": "clarity", "name": "Clarity", "description": "How clear", "weight": 1, "levels": levels},
        ],
        "track_weights": {"research-engineer": {"depth": 1, "clarity": 1}},
        "thresholds": [0.2, 0.4, 0.6, 0.8],
        "bands": [
            {"id": "no_hire", "label": "No hire", "min_score": 0},
            {"id": "hire", "label": "Hire", "min_score": 0.6},
        ],
    }


def question(round_type: str, n: int, **extra: Any) -> dict[str, Any]:
    q = {
        "id": f"{round_type.replace('_', '-')}-q{n}", "round": round_type, "rubric": f"{round_type}-r",
        "tracks": list(TRACKS), "difficulty": ["easy", "medium", "hard"][n % 3], "time_limit_min": 10,
        "topics": [f"topic-{n % 2}"], "tags": [],
        "prompt": f"Explain topic number {n} of {round_type} in detail, please.",
        "tests": "Whether the candidate can explain it.",
        "key_points": [
            {"id": "a", "text": "gradient accumulation", "aliases": ["accumulate gradients"], "weight": 1, "criterion": "depth"},
            {"id": "a2", "text": "micro-batches are summed before the optimizer step", "weight": 1, "criterion": "depth"},
            {"id": "a3", "text": "the effective batch grows without more memory", "weight": 1, "criterion": "depth"},
            {"id": "b", "text": "clear structure", "weight": 1, "criterion": "clarity"},
            {"id": "b2", "text": "states the conclusion first", "weight": 1, "criterion": "clarity"},
            {"id": "b3", "text": "defines every term it uses", "weight": 1, "criterion": "clarity"},
        ],
        "probes": [
            {"text": "What happens when the batch does not fit?", "targets": ["a"]},
            {"text": "How would you explain it to a new hire?", "reveal_after_min": 5},
        ],
        "reference_answer": "Gradient accumulation sums gradients over micro-batches before the optimizer step, clearly.",
    }
    if round_type == "paper_discussion":
        q["paper"] = "paper-a"
    if round_type == "ml_coding":
        q["coding"] = {"problem": "softmax"}
    q.update(extra)
    return q


PAPER = {"id": "paper-a", "title": "A paper", "authors": ["A. Author"], "year": 2020, "venue": "NeurIPS",
         "arxiv": "2001.00001", "summary": "An original summary of a paper that is long enough to pass."}


def make_bank(per_round: int = 4) -> Bank:
    """The bundled tracks plus a tiny rubric and `per_round` questions for every round."""
    tracks_only = [p for p in bundled_paths() if p.name == "tracks"]
    bank, problems = read_files(tracks_only)
    assert not problems, problems
    for r in ROUNDS:
        rb = rubric(r)
        bank.rubrics[rb["id"]] = rb
        for n in range(per_round):
            q = question(r, n)
            if r == "math_fundamentals":
                q["final_answer"] = {"value": 0.5, "rel_tol": 1e-3, "criterion": "depth"}
            bank.questions[q["id"]] = q
    bank.papers[PAPER["id"]] = copy.deepcopy(PAPER)
    problems = cross_check(bank)
    assert not problems, problems
    return bank
