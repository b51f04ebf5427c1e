"""Peer-review fixtures: the test bank with gold examples, the library over the test database, the web
fixtures of tests/web, and helpers that finish a drill and share it."""
from __future__ import annotations

import re

import pytest

from simulator.peers.service import PeerService
from tests.web.conftest import Api, AuthActions, api, app, client, csrf_token, multi_app, multi_client  # noqa: F401

ANSWER = "I used gradient accumulation to fit the batch, with a clear structure."
EXAMPLES = [
    {"quality": "strong", "answer": "Gradient accumulation sums micro-batch gradients; clear steps.", "levels": {"depth": 5, "clarity": 4}},
    {"quality": "weak", "answer": "You just make the batch smaller.", "levels": {"depth": 1, "clarity": 2}},
]
# reserved for team certification: practice never shows it
HELD_BACK = {"quality": "borderline", "answer": "Accumulate gradients, I think, then step.",
             "levels": {"depth": 3, "clarity": 3}, "held_back": True}


@pytest.fixture
def bank(bank):
    """The test bank, with gold examples on one behavioral and one math question, each holding one back."""
    bank.questions["behavioral-q0"]["examples"] = [dict(e) for e in EXAMPLES] + [dict(HELD_BACK)]
    bank.questions["math-fundamentals-q1"]["examples"] = [dict(EXAMPLES[0], answer="A math example answer."),
                                                          dict(HELD_BACK, answer="A held-back math answer.")]
    return bank


@pytest.fixture
def peers(sessions, bank, clock):
    return PeerService(sessions, bank, clock)


def finished_drill(service, user, round_type="behavioral", answer=ANSWER, grader="keyword"):
    """A one-round drill, submitted and graded: (loop id, round id)."""
    loop = service.create_loop(user, "research-engineer", round_type=round_type, seed=7)
    rnd = service.start_next_round(user, loop["id"])
    service.submit(user, rnd["id"], answer)
    if grader:
        service.grade(user, loop["id"], grader)
    return loop["id"], rnd["id"]


def web_drill(api: Api, round_type="behavioral", answer=ANSWER):
    """A drill finished through the API (the web app grades it on submit): (loop id, round id)."""
    loop, rnd = api.drill(round_type=round_type)
    api.post(f"/api/rounds/{rnd['id']}/submit", {"text": answer})
    return loop["id"], rnd["id"]


def share(api: Api, loop_id: int, **body) -> dict:
    return api.post(f"/api/loops/{loop_id}/share-links", body, status=201)


def token_of(url: str) -> str:
    return re.search(r"/p/(mlp_[A-Za-z0-9_-]{43})", url).group(1)


def form_data(levels: dict, **extra) -> dict:
    data = {f"level-{k}": str(v) for k, v in levels.items()}
    data.update(extra)
    return data


def signed_in(app, username):
    client = app.test_client()
    AuthActions(client).register(username)
    return client
