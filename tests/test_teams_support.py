"""Shared builders for the tests/test_teams_*.py files (no tests here)."""
from __future__ import annotations

import copy
from datetime import datetime, timedelta, timezone
from types import SimpleNamespace
from typing import Any

from sqlalchemy.orm import sessionmaker

from simulator import teams
from simulator.storage.db import make_engine
from simulator.storage.models import Base, User
from simulator.bank import default_bank
from tests.factories import question, rubric

T0 = datetime(2026, 3, 1, 9, 0, tzinfo=timezone.utc)


def module_sessions(path) -> sessionmaker:
    """A session factory on a fresh SQLite file, for module-scoped fixtures (conftest's is per test)."""
    engine = make_engine(f"sqlite:///{path}")
    Base.metadata.create_all(engine)
    return sessionmaker(engine, expire_on_commit=False)


def user(session, name: str) -> int:
    u = User(username=name, password_hash=None, created_at=T0)
    session.add(u)
    session.flush()
    return u.id


def team_rubric(rid: str = "acme-behavioral", version: str = "1.0.0", note: str = "") -> dict[str, Any]:
    r = rubric("behavioral")
    r["id"], r["version"] = rid, version
    r["criteria"][0]["description"] += note
    return r


STRONG = ("Gradient accumulation sums the gradients of several micro-batches before one optimizer step. "
          "It lets a small GPU train with a large effective batch. "
          "I explain it with a clear structure: the problem, the mechanism, then the cost.")


def team_question(qid: str = "acme-q1", rid: str = "acme-behavioral", **extra: Any) -> dict[str, Any]:
    q = question("behavioral", 0, id=qid, rubric=rid, examples=[
        {"quality": "strong", "answer": STRONG, "levels": {"depth": 5, "clarity": 4}, "held_back": True},
        {"quality": "weak", "answer": "You make the batch smaller until it fits.",
         "levels": {"depth": 1, "clarity": 2}, "held_back": True},
        {"quality": "borderline", "answer": "Accumulate gradients over steps, roughly.",  # practice only
         "levels": {"depth": 3, "clarity": 3}},
    ])
    q.update(extra)
    return q


def gold_questions(rounds: tuple[str, ...] = ("behavioral",)) -> list[str]:
    bank = default_bank()
    return sorted(qid for qid, q in bank.questions.items() if q["round"] in rounds and q.get("examples"))


def make_team(session, prefix: str, *, min_gold: int = 10) -> SimpleNamespace:
    """A team with two admins, two interviewers, a rubric in two versions, a question, a gold set and grades."""
    admin = user(session, f"{prefix}-admin")
    reviewer = user(session, f"{prefix}-reviewer")
    alice = user(session, f"{prefix}-alice")
    bob = user(session, f"{prefix}-bob")
    candidate = user(session, f"{prefix}-candidate")
    team = teams.create_team(session, f"{prefix} lab", admin, min_gold=min_gold, now=T0)
    teams.add_member(session, team.id, admin, reviewer, "admin")
    teams.add_member(session, team.id, admin, alice)
    teams.add_member(session, team.id, admin, bob)
    v1 = teams.save_rubric(session, team.id, admin, team_rubric(note=f" (team {prefix})"), now=T0)
    v2 = teams.save_rubric(session, team.id, admin, team_rubric(version="1.1.0", note=f" (team {prefix}, edited)"), now=T0)
    q = teams.save_question(session, team.id, admin, team_question(), now=T0)
    own = teams.save_question(session, team.id, admin, team_question(f"{prefix}-only-q"), now=T0)
    gold = teams.create_set(session, team.id, admin, "gold", now=T0)
    answers = teams.add_gold_answers(session, team.id, admin, gold.id, question_ids=["acme-q1"], now=T0)
    shared = teams.add_shared_answer(session, team.id, admin, gold.id, question_id="acme-q1",
                                     text=f"{prefix}: gradient accumulation, roughly.", author_user_id=candidate,
                                     consent=True, now=T0)
    teams.allocate(session, team.id, admin, gold.id, n=2, graders=[alice, bob], now=T0)
    teams.submit_grade(session, team.id, alice, answers[0].id, {"depth": 5, "clarity": 4}, now=T0)
    teams.run_machine_grader(session, team.id, admin, "keyword", now=T0 + timedelta(hours=1))
    return SimpleNamespace(team=team, admin=admin, reviewer=reviewer, alice=alice, bob=bob, candidate=candidate,
                           rubric_v1=v1, rubric_v2=v2, question=q, own_question=own, gold_set=gold,
                           gold=answers, shared=shared)


def simulated_levels(intended: dict[str, int], severity: float, noise: float, rng) -> dict[str, int]:
    import numpy as np

    return {c: int(np.clip(np.rint(v + severity + noise * rng.normal()), 1, 5)) for c, v in intended.items()}


def deep(x: Any) -> Any:
    return copy.deepcopy(x)
