"""A generative model of grades with a known truth, for tests, benchmarks and demos.

Candidates have an ability, questions a difficulty and a discrimination,
graders a severity (an additive offset: + lenient, - harsh), a noise level
and optionally a drift per day. Each candidate answers a random subset of the
questions and each (answer, criterion) goes to a random subset of graders, so
the design is incomplete and overlapping, like real grading.

    level = discrimination_q * ability_c - difficulty_q + severity_g
            + drift_g * days + noise_g * e        (then optionally rounded and clipped)
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

import numpy as np

from .grades import Grade


@dataclass
class Truth:
    ability: dict[str, float]
    difficulty: dict[str, float]
    discrimination: dict[str, float]
    severity: dict[str, float]
    noise: dict[str, float]
    drift: dict[str, float]


def _names(prefix: str, n: int, namer: Callable[[], str] | None) -> list[str]:
    if namer is None:
        return [f"{prefix}{i:03d}" for i in range(n)]
    out: list[str] = []
    seen: set[str] = set()
    while len(out) < n:
        name = namer()
        if name not in seen:
            seen.add(name)
            out.append(name)
    return out


def simulate(*, n_candidates: int = 200, n_questions: int = 8, questions_per_candidate: int = 4,
             n_graders: int = 12, graders_per_unit: float = 3, criteria: tuple[str, ...] = (),
             severity: Any = None, noise: Any = None, difficulty: Any = None, discrimination: Any = None,
             drift: Any = None, scale: tuple[int, int] | None = None, days: float = 60.0, seed: int = 0,
             candidate_namer: Callable[[], str] | None = None,
             grader_namer: Callable[[], str] | None = None) -> tuple[list[Grade], Truth]:
    """Records and the truth behind them. `scale=(1, 5)` rounds and clips levels to integers."""
    rng = np.random.default_rng(seed)
    R, Q = n_graders, n_questions
    sev = np.asarray(severity if severity is not None else rng.normal(0, 0.5, R), dtype=float)
    noi = np.asarray(noise if noise is not None else rng.uniform(0.3, 0.8, R), dtype=float)
    dif = np.asarray(difficulty if difficulty is not None else rng.normal(0, 1, Q), dtype=float)
    dis = np.asarray(discrimination if discrimination is not None else np.ones(Q), dtype=float)
    dri = np.asarray(drift if drift is not None else np.zeros(R), dtype=float)
    ability = rng.normal(0, 1, n_candidates)
    cand_names = _names("cand", n_candidates, candidate_namer)
    grader_names = _names("grader", R, grader_namer)
    q_names = [f"q{k:02d}" for k in range(Q)]
    crit = list(criteria) or [None]

    # answers: each candidate answers a random subset of questions
    cand = np.repeat(np.arange(n_candidates), questions_per_candidate)
    ques = np.concatenate([rng.choice(Q, questions_per_candidate, replace=False) for _ in range(n_candidates)])
    A = cand.size
    seconds = rng.gamma(4.0, 150.0, A)
    # units: (answer, criterion); each goes to k graders, k averaging graders_per_unit
    U = A * len(crit)
    base = int(np.floor(graders_per_unit))
    k = np.full(U, base)
    extra = int(round(U * (graders_per_unit - base)))
    k[rng.choice(U, extra, replace=False)] += 1
    order = np.argsort(rng.random((U, R)), axis=1)  # a random permutation of graders per unit
    unit = np.repeat(np.arange(U), k)
    pos = np.arange(unit.size) - np.repeat(np.cumsum(k) - k, k)
    grader = order[unit, pos]
    answer = unit // len(crit)
    t_days = rng.uniform(0, days, unit.size)
    c, q = cand[answer], ques[answer]
    level = (dis[q] * ability[c] - dif[q] + sev[grader] + dri[grader] * t_days
             + noi[grader] * rng.normal(0, 1, unit.size))
    if scale is not None:
        level = np.clip(np.rint(level + (scale[0] + scale[1]) / 2.0), scale[0], scale[1])
    start = datetime(2024, 1, 1, tzinfo=timezone.utc)
    records = [Grade(answer_id=f"a{answer[i]:05d}", grader=grader_names[grader[i]], level=float(level[i]),
                     criterion=crit[unit[i] % len(crit)], question_id=q_names[q[i]],
                     candidate_id=cand_names[c[i]], graded_at=start + timedelta(days=float(t_days[i])),
                     answer_seconds=float(seconds[answer[i]]))
               for i in range(unit.size)]
    truth = Truth(ability=dict(zip(cand_names, ability.tolist())), difficulty=dict(zip(q_names, dif.tolist())),
                  discrimination=dict(zip(q_names, dis.tolist())), severity=dict(zip(grader_names, sev.tolist())),
                  noise=dict(zip(grader_names, noi.tolist())), drift=dict(zip(grader_names, dri.tolist())))
    return records, truth
