"""The demo behind the "Load the demo team" button (run as a job): `seed_demo_team`, then candidates of known ability.

`simulator.teams.demo.seed_demo_team` makes graders of known severity and noise,
gold, synthetic and shared answers and two months of grades. Its six simulated
candidates answer three questions each, so no question reaches the 20
candidates that item-rest discrimination needs. `add_candidates` adds, through
the library's own functions, candidates with a known ability who each answer
most of a few questions: a strong candidate gives the strong gold answer or a
variant missing one key point, a weak one a variant missing most of them (the
synthetic answers the demo made, with their intended levels). The answers are
shared with consent, allocated to three certified graders each and graded with
each grader's severity and noise as measured on the gold answers, then graded
by the keyword grader, so difficulty and discrimination are real statistics of
simulated data, with at least 20 candidates per question.
"""
from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta, timezone
from math import erf, sqrt
from typing import Any

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from simulator.storage.models import User
from simulator.teams import add_member, add_shared_answer, allocate, list_answers, run_machine_grader, submit_grade
from simulator.teams.certification import gold_pairs, is_certified
from simulator.teams.errors import Forbidden
from simulator.teams.workspace import list_members


def _ladders(session: Session, team_id: int, actor: int, set_id: int) -> list[list[tuple[str, str, dict]]]:
    """Per strong gold answer: (question id, text, intended levels), best first (the gold answer, then variants)."""
    everything = {a.id: a for a in list_answers(session, team_id, actor)}
    by_source: dict[int, list] = defaultdict(list)
    for a in everything.values():
        if a.set_id == set_id and a.source == "synthetic" and a.intended:
            by_source[a.origin.get("from_answer")].append(a)
    ladders = []
    for source_id, variants in sorted(by_source.items()):
        gold = everything.get(source_id)
        if gold is None or len(variants) < 2:
            continue
        rungs = [(gold.question_id, gold.text, gold.intended)] + [(v.question_id, v.text, v.intended) for v in variants]
        ladders.append(sorted(rungs, key=lambda r: -sum(v for v in r[2].values() if v is not None)))
    return ladders


def _username(session: Session, base: str) -> str:
    name, n = base, 1
    while session.scalar(select(User.id).where(User.username == name)) is not None:
        n += 1
        name = f"{base}-{n}"
    return name


def _grader_model(session: Session, team_id: int, user_id: int) -> tuple[float, float]:
    """Severity (mean of given - intended) and noise (their SD) on the gold answers the grader graded."""
    intended, given, _ = gold_pairs(session, team_id, f"user:{user_id}")
    diff = np.asarray(given, float) - np.asarray(intended, float)
    return (float(diff.mean()), float(diff.std())) if diff.size >= 2 else (0.0, 0.5)


def add_candidates(session: Session, info: dict[str, Any], *, n_candidates: int = 30, n_questions: int = 5,
                   per_candidate: int = 4, seed: int = 0, now: datetime | None = None) -> dict[str, Any]:
    team_id, admin, set_id = info["team_id"], info["admin_user_id"], info["sets"]["calibration"]
    now = now or datetime.now(timezone.utc)
    rng = np.random.default_rng(seed + 1)
    ladders = _ladders(session, team_id, admin, set_id)[:n_questions]
    if not ladders:
        return {"candidates": 0, "answers": 0, "grades": 0}
    truth: dict[int, dict] = {}
    for k in range(n_candidates):
        user = User(username=_username(session, f"demo-candidate-{k + 1}"), password_hash=None, created_at=now)
        session.add(user)
        session.flush()
        ability = rng.normal()
        for i in rng.choice(len(ladders), size=min(per_candidate, len(ladders)), replace=False):
            ladder = ladders[int(i)]
            p_strong = 0.5 * (1 + erf((ability + 0.5 * rng.normal()) / sqrt(2)))
            qid, text, levels = ladder[int(round((1 - p_strong) * (len(ladder) - 1)))]
            row = add_shared_answer(session, team_id, admin, set_id, question_id=qid, text=text,
                                    author_user_id=user.id, consent=True, now=now - timedelta(days=30))
            truth[row.id] = levels
    graders = [m["user_id"] for m in list_members(session, team_id, admin)
               if m["role"] == "interviewer" and is_certified(session, team_id, m["user_id"])]
    model = {g: _grader_model(session, team_id, g) for g in graders}
    plan = allocate(session, team_id, admin, set_id, n=min(3, len(graders)), graders=graders, seed=seed)
    graded = 0
    for answer_id, grader in plan.created:
        if answer_id not in truth:
            continue
        severity, noise = model[grader]
        levels = {c: int(np.clip(np.rint(v + severity + noise * rng.normal()), 1, 5)) for c, v in truth[answer_id].items()
              if v is not None}
        try:
            submit_grade(session, team_id, grader, answer_id, levels,
                         now=now - timedelta(days=float(rng.uniform(1, 29))))
            graded += 1
        except Forbidden:
            continue
    run_machine_grader(session, team_id, admin, "keyword", set_id=set_id, now=now)
    return {"candidates": n_candidates, "answers": len(truth), "grades": graded}


def seed_demo(session: Session, user_id: int) -> dict[str, Any]:
    """The demo team with extra candidates; the caller joins it as an admin."""
    from simulator.teams.demo import seed_demo_team

    info = seed_demo_team(session)
    info["extra"] = add_candidates(session, info)
    add_member(session, info["team_id"], info["admin_user_id"], user_id, "admin")
    return info
