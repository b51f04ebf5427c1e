"""Builders for the tests/web/test_teams_*.py files (no tests here): accounts, tokens, and teams with content."""
from __future__ import annotations

import copy
import re
from contextlib import contextmanager
from types import SimpleNamespace
from typing import Any

from sqlalchemy import select

from simulator import teams
from simulator.storage.db import unit_of_work
from simulator.storage.models import User
from tests.factories import question, rubric
from tests.web.conftest import AuthActions, csrf_token
from web.extensions import sessions

STRONG = ("Gradient accumulation sums the gradients of several micro-batches before one optimizer step. "
          "It lets a small GPU train with a large effective batch. "
          "I explain it with a clear structure: the problem, the mechanism, then the cost.")


def signed_in(app, username: str):
    client = app.test_client()
    AuthActions(client).register(username)
    return client


def token_for(client) -> str:
    html = client.post("/account/token", data={"csrf_token": csrf_token(client)}).get_data(as_text=True)
    return re.search(r'id="new-token" type="text" readonly value="([^"]+)"', html).group(1)


@contextmanager
def library(app):
    """A unit of work on the app's database, for setting up and checking through simulator.teams."""
    with app.app_context():
        with unit_of_work(sessions()) as session:
            yield session


def user_id(app, username: str) -> int:
    with library(app) as s:
        return s.scalar(select(User.id).where(User.username == username))


def team_rubric(rid: str) -> dict[str, Any]:
    r = rubric("behavioral")
    r["id"] = rid
    return r


def team_question(qid: str, rid: str, **extra: Any) -> dict[str, Any]:
    q = question("behavioral", 0, id=qid, rubric=rid, examples=[
        {"quality": "strong", "answer": STRONG, "levels": {"depth": 5, "clarity": 4}, "held_back": True},
        {"quality": "weak", "answer": "You make the batch smaller until it fits.",
         "levels": {"depth": 1, "clarity": 2}, "held_back": True},
        {"quality": "borderline", "answer": "Accumulate gradients over steps, roughly.",  # practice only
         "levels": {"depth": 3, "clarity": 3}},
    ])
    q.update(extra)
    return q


def drill_items() -> list[dict[str, Any]]:
    """The web test bank's behavioral rubric and questions, so that a drill's answer can be shared with a team."""
    return [rubric("behavioral")] + [question("behavioral", n) for n in range(4)]



def build_team(app, prefix: str, admin: str, interviewers: tuple[str, ...] = (), author: str | None = None):
    """A team with a rubric (two versions), a draft question, a set of gold answers, a shared answer, an allocation
    and a gold grade. `author` (a member) wrote the shared answer; ids are prefixed so teams never share one."""
    admin_id = user_id(app, admin)
    ids = {name: user_id(app, name) for name in interviewers}
    with library(app) as s:
        team = teams.create_team(s, f"{prefix} lab", admin_id, min_gold=2)
        for uid in ids.values():
            teams.add_member(s, team.id, admin_id, uid)
        rid, qid = f"{prefix}-rubric", f"{prefix}-q1"
        teams.save_rubric(s, team.id, admin_id, team_rubric(rid))
        edited = team_rubric(rid)
        edited["version"], edited["criteria"][0]["description"] = "1.1.0", f"How deep ({prefix})"
        current = teams.save_rubric(s, team.id, admin_id, edited)
        teams.save_question(s, team.id, admin_id, team_question(qid, rid))
        calib = teams.create_set(s, team.id, admin_id, f"{prefix} set")
        gold = teams.add_gold_answers(s, team.id, admin_id, calib.id, question_ids=[qid])
        author_id = ids.get(author) if author else None
        shared = teams.add_shared_answer(s, team.id, admin_id, calib.id, question_id=qid, text=f"{prefix}: I shared.",
                                         author_user_id=author_id or admin_id, consent=True)
        graders = [uid for uid in [admin_id, *ids.values()] if uid != (author_id or admin_id)]
        if graders:
            teams.allocate(s, team.id, admin_id, calib.id, n=1, graders=graders)
        grader = next(uid for uid in [*ids.values(), admin_id] if uid != author_id)
        teams.submit_grade(s, team.id, grader, gold[0].id, {"depth": 5, "clarity": 4})
        return SimpleNamespace(id=team.id, admin_id=admin_id, ids=ids, rubric_id=rid, question_id=qid,
                               digest=current.hash, set_id=calib.id, gold=[a.id for a in gold], shared=shared.id)


def snapshot(app, team_id: int, admin_id: int) -> dict[str, Any]:
    """Everything a refused request might have changed in a team."""
    with library(app) as s:
        team = teams.get_team(s, team_id, admin_id)
        return copy.deepcopy({
            "settings": (team.name, team.kappa_threshold, team.min_gold, team.require_certification),
            "members": teams.list_members(s, team_id, admin_id),
            "questions": [(q.question_id, q.status, q.content) for q in teams.list_questions(
                s, team_id, admin_id, include_retired=True)],
            "rubrics": [(r.rubric_id, r.hash, r.status) for r in teams.list_rubrics(s, team_id, admin_id,
                                                                                 include_retired=True)],
            "sets": [r.name for r in teams.list_sets(s, team_id, admin_id)],
            "answers": [(a.id, a.source, a.text) for a in teams.list_answers(s, team_id, admin_id)],
            "grades": [(g.answer_id, g.grader_key, g.levels) for g in teams.list_grades(s, team_id, admin_id)],
        })
