"""Teams are isolated route by route, through the pages and the API (session and bearer token).

A member of team A gets 403 or 404 on every URL of team B, and on team A's URLs
that name team B's objects; a candidate in no team gets nothing; an
interviewer gets 403 on every admin action. Every request carries valid
input, so a refusal can only come from the membership or role check, and team
B is compared before and after.
"""
import json

import pytest
from flask import url_for

from simulator import teams
from tests.web.test_teams_support import build_team, library, signed_in, snapshot, token_for
from tests.web.conftest import csrf_token

KEYS = {"team_id", "set_id", "answer_id", "user_id", "question_id", "rubric_id", "digest"}
FORM = {"name": "hijack", "username": "alice", "role": "admin", "status": "reviewed", "kappa_threshold": "0.1",
        "min_gold": "2", "n": "1", "grader": "keyword", "question_id": "b-q1", "level-depth": "5",
        "level-clarity": "5", "feedback": "alice was here", "consent": "yes"}
# Routes any member may call on their own team: what they write is their own (a grade, a draft, an import).
MEMBER_WRITES = {"teams.new_question", "teams.edit_question", "teams.new_rubric", "teams.edit_rubric",
                 "teams.import_files", "teams.grade", "teams.certify_me", "api.save_question", "api.save_rubric",
                 "api.import_documents", "api.submit_grade", "api.share_answer"}


def body(team, round_id):
    question = {"id": f"{team.question_id}", "round": "behavioral"}
    return {"name": "hijack", "username": "alice", "role": "admin", "status": "reviewed", "kappa_threshold": 0.1,
            "min_gold": 2, "n": 1, "grader": "keyword", "answer_id": team.gold[0], "question_id": team.question_id,
            "question_ids": None, "omit_plans": [["a"]], "levels": {"depth": 5, "clarity": 5}, "feedback": "x",
            "round_id": round_id, "set_id": team.set_id, "consent": True, "id": question["id"],
            "files": {"q.json": json.dumps(question)}}


@pytest.fixture
def world(multi_app):
    clients = {name: signed_in(multi_app, name) for name in ("alice", "ivan", "bob", "bea", "carol")}
    a = build_team(multi_app, "a", "alice", ("ivan",), author="ivan")
    b = build_team(multi_app, "b", "bob", ("bea",), author="bea")
    # alice's own submitted round, so that sharing is refused by the team check and not by the round check
    from tests.web.conftest import Api

    alice = Api(clients["alice"])
    _, rnd = alice.drill()
    alice.post(f"/api/rounds/{rnd['id']}/submit", {"text": "my answer"})
    return clients, a, b, rnd["id"]


def team_rules(app):
    rules = [r for r in app.url_map.iter_rules() if "team_id" in r.arguments]
    for rule in rules:
        assert rule.arguments <= KEYS, f"{rule.rule}: teach this test about {rule.arguments - KEYS}"
    return rules


def values(team, user):
    return {"team_id": team.id, "set_id": team.set_id, "answer_id": team.shared, "user_id": user,
            "question_id": team.question_id, "rubric_id": team.rubric_id, "digest": team.digest}


def call(app, client, csrf, token, rule, method, args, json_body):
    """The responses of one route: as a session (page or API) and, for the API, with a bearer token alone."""
    with app.test_request_context():
        url = url_for(rule.endpoint, **{k: args[k] for k in rule.arguments})
    if url.startswith("/api/"):
        tokened = app.test_client()
        return url, [client.open(url, method=method, json=json_body, headers={"X-CSRFToken": csrf}),
                     tokened.open(url, method=method, json=json_body, headers={"Authorization": f"Bearer {token}"})]
    form = dict(FORM, csrf_token=csrf, answer_id=json_body["answer_id"], set_id=json_body["set_id"])
    return url, [client.open(url, method=method, data=form)]


class Tally:
    """Every request a test sends, and which of them got through (anything but 403 or 404)."""

    def __init__(self):
        self.attempts, self.allowed = 0, []

    def report(self, what):
        """One line for the README's security table, then the property itself: nothing got through."""
        refused = self.attempts - len(self.allowed)
        print(f"\n{what}: {self.attempts} attempts, {refused} refused, {len(self.allowed)} allowed")
        assert self.allowed == []


def walk(app, client, rules, args, json_body, *, skip=lambda rule: False, methods=("GET", "POST", "PUT", "DELETE"),
         tally=None):
    csrf, token = csrf_token(client), token_for(client)
    tally = tally if tally is not None else Tally()
    seen = []
    for rule in rules:
        if skip(rule):
            continue
        for method in sorted(rule.methods & set(methods)):
            url, responses = call(app, client, csrf, token, rule, method, args, json_body)
            for response in responses:
                tally.attempts += 1
                if response.status_code not in (403, 404):
                    tally.allowed.append((method, url, response.status_code, response.get_data(as_text=True)[:300]))
            seen.append((method, rule.rule))
    assert tally.allowed == [], tally.allowed[:5]
    return seen


def test_a_member_of_team_a_is_refused_everything_of_team_b(multi_app, world):
    clients, a, b, round_id = world
    before = snapshot(multi_app, b.id, b.admin_id)
    rules = team_rules(multi_app)
    tally = Tally()
    seen = walk(multi_app, clients["alice"], rules, values(b, b.admin_id), body(b, round_id), tally=tally)
    assert set(seen) == {(m, r.rule) for r in rules for m in r.methods - {"HEAD", "OPTIONS"}}
    assert len(seen) >= 70  # every team page and API route, reads and writes
    # team A's own URLs naming team B's objects: 404 (the team is A's, the object is not in it)
    cross = dict(values(b, b.admin_id), team_id=a.id)
    seen = walk(multi_app, clients["alice"], rules, cross, body(b, round_id), skip=lambda r: r.arguments == {"team_id"},
                tally=tally)
    assert len(seen) >= 30
    assert snapshot(multi_app, b.id, b.admin_id) == before
    tally.report("cross-team (a member of team A, team B's URLs and objects)")


def test_a_candidate_in_no_team_gets_nothing(multi_app, world):
    clients, a, b, round_id = world
    before = [snapshot(multi_app, t.id, t.admin_id) for t in (a, b)]
    carol = clients["carol"]
    tally = Tally()
    for team in (a, b):
        walk(multi_app, carol, team_rules(multi_app), values(team, team.admin_id), body(team, round_id), tally=tally)
    assert [snapshot(multi_app, t.id, t.admin_id) for t in (a, b)] == before
    tally.report("cross-team (a candidate in no team)")
    headers = {"Authorization": f"Bearer {token_for(carol)}"}
    assert multi_app.test_client().get("/api/teams", headers=headers).get_json() == {"teams": []}
    page = carol.get("/teams/").get_data(as_text=True)
    assert "You are not in a team yet" in page and "a lab" not in page and "b lab" not in page


def test_interviewers_cannot_do_admin_actions(multi_app, world):
    clients, a, b, round_id = world
    writes = [r for r in team_rules(multi_app) if r.methods & {"POST", "PUT", "DELETE"} and r.endpoint not in MEMBER_WRITES]
    with library(multi_app) as session:  # a shared answer ivan did not write: not his to withdraw
        other = teams.add_shared_answer(session, a.id, a.admin_id, a.set_id, question_id=a.question_id,
                                        text="alice's answer", author_user_id=a.admin_id, consent=True).id
    before = snapshot(multi_app, a.id, a.admin_id)
    ivan = clients["ivan"]
    tally = Tally()
    seen = walk(multi_app, ivan, writes, dict(values(a, a.admin_id), answer_id=other), body(a, round_id),
                methods=("POST", "PUT", "DELETE"), tally=tally)
    assert {"teams.add_member", "teams.settings", "teams.allocate", "teams.question_status", "teams.withdraw",
            "api.run_machine", "api.certify_machine", "api.create_set", "api.withdraw_answer"} <= {
        r.endpoint for r in writes}
    assert len(set(seen)) >= 25
    assert snapshot(multi_app, a.id, a.admin_id) == before
    tally.report("admin actions by an interviewer")

def test_lists_and_pages_show_only_your_teams(multi_app, world):
    clients, a, b, _ = world
    alice = clients["alice"]
    headers = {"X-CSRFToken": csrf_token(alice)}
    assert [t["id"] for t in alice.get("/api/teams", headers=headers).get_json()["teams"]] == [a.id]
    page = alice.get("/teams/").get_data(as_text=True)
    assert "a lab" in page and "b lab" not in page
    assert "b: I shared." not in alice.get(f"/teams/{a.id}/sets/{a.set_id}").get_data(as_text=True)
    anonymous = multi_app.test_client()
    assert anonymous.get(f"/teams/{a.id}").status_code == 302
    assert anonymous.get(f"/api/teams/{a.id}").status_code == 401
