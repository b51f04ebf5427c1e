"""Forged cross-site requests, counted: every write route of the app (pages and API), sent with the victim's
session cookie the way another site can make a browser send it, is refused, by the CSRF check or by the Origin
check, and nothing changes.

Four ways a forged request arrives, each without the victim's CSRF token (another site cannot read it):
another site's Origin; `Origin: null` (a sandboxed frame, a data: URL); no Origin at all (an older browser, or one
that strips it); and the attacker's own valid token from their own session. Every request carries valid input and
names the victim's own objects, so a refusal can only come from the CSRF or Origin check, and the test checks that
the refusal says so. Not counted: the peer API (`/api/peer/<token>/...`) and the public questionnaire, which no
cookie authorises (the share token in the path is the only credential, as a bearer token is).
"""
from __future__ import annotations

from types import SimpleNamespace

import pytest
from flask import url_for

from tests.web.conftest import Api, csrf_token, make_app
from tests.web.test_teams_isolation import FORM, body
from tests.web.test_teams_support import build_team, signed_in, snapshot, user_id

NO_COOKIE_AUTHORITY = {"api.peer_practice_check", "api.peer_submit", "api.questionnaire_answer"}
WRITES = ("POST", "PUT", "PATCH", "DELETE")
ATTACKER = "http://attacker.example"


def write_routes(app):
    return [(rule, method) for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule)
            for method in sorted(rule.methods & set(WRITES)) if rule.endpoint not in NO_COOKIE_AUTHORITY]


def forge(app, victim, attackers_token, rule, method, args, json_body):
    """The four forged versions of one request: [(how, response)]."""
    with app.test_request_context():
        url = url_for(rule.endpoint, **{k: args[k] for k in rule.arguments})
    ways = [("foreign Origin", {"Origin": ATTACKER}, None), ("Origin: null", {"Origin": "null"}, None),
            ("no Origin", {}, None), ("attacker's own token", {}, attackers_token)]
    out = []
    for how, headers, token in ways:
        if url.startswith("/api/"):
            if token:
                headers = dict(headers, **{"X-CSRFToken": token})
            response = victim.open(url, method=method, json=json_body, headers=headers)
        else:
            form = dict(FORM, answer="forged", answer_id=json_body["answer_id"], set_id=json_body["set_id"])
            if token:
                form["csrf_token"] = token
            response = victim.open(url, method=method, data=form, headers=headers)
        out.append((f"{how}: {method} {url}", response))
    return out


def refused_by_csrf_or_origin(response) -> bool:
    text = response.get_data(as_text=True)
    if response.status_code == 403:
        return "came from another site" in text
    return response.status_code == 400 and ("csrf_failed" in text or "security token is missing or stale" in text)


def tally(app, victim, attackers_token, args, json_body):
    attempts, allowed = 0, []
    for rule, method in write_routes(app):
        for what, response in forge(app, victim, attackers_token, rule, method, args, json_body):
            attempts += 1
            if not refused_by_csrf_or_origin(response):
                allowed.append((what, response.status_code, response.get_data(as_text=True)[:200]))
    return attempts, allowed


def victims_world(app, victim, *, multi_user):
    api = Api(victim)
    loop, rnd = api.drill()
    api.put(f"/api/rounds/{rnd['id']}/draft", {"text": "the victim's draft", "seq": 1})
    done_loop, done = api.drill(round_type="math_fundamentals")
    api.post(f"/api/rounds/{done['id']}/submit", {"text": "gradient accumulation"})
    link = api.post(f"/api/loops/{done_loop['id']}/share-links", {}, status=201)
    args = {"loop_id": loop["id"], "round_id": rnd["id"], "link_id": link["id"], "token": link["token"],
            "position": 1, "number": 1, "team_id": 1, "answer_id": 1, "user_id": 1, "set_id": 1,
            "question_id": "q", "rubric_id": "r"}
    team = None
    if multi_user:
        team = build_team(app, "a", "alice", ("ivan",), author="ivan")
        args.update(team_id=team.id, answer_id=team.shared, user_id=user_id(app, "ivan"), set_id=team.set_id,
                    question_id=team.question_id, rubric_id=team.rubric_id)
    return api, rnd["id"], args, team


def state(app, api, round_id, team):
    rnd = api.get(f"/api/rounds/{round_id}")
    return (rnd["draft"], rnd["draft_seq"], rnd["status"], len(api.get("/api/loops")["loops"]),
            snapshot(app, team.id, team.admin_id) if team else None)


@pytest.mark.parametrize("multi_user", [False, True], ids=["local-install", "team-server"])
def test_forged_cross_site_requests_are_refused(database, tmp_path, bank, clock, multi_user):
    app = make_app(tmp_path, bank, clock, MULTI_USER=multi_user)
    if multi_user:
        victim, attacker = signed_in(app, "alice"), signed_in(app, "mallory")
        signed_in(app, "ivan")
    else:  # one user and no sign-in: the attacker's token is from another browser's session
        victim, attacker = app.test_client(), app.test_client()
    api, round_id, args, team = victims_world(app, victim, multi_user=multi_user)
    before = state(app, api, round_id, team)
    attackers_token = csrf_token(attacker)
    assert attackers_token != csrf_token(victim)

    json_body = body(team or SimpleNamespace(question_id="q", gold=[1], set_id=1), round_id)
    attempts, allowed = tally(app, victim, attackers_token, args, json_body)
    refused = attempts - len(allowed)
    mode = "team server" if multi_user else "local install"
    print(f"\nforged cross-site requests ({mode}): {attempts} attempts, {refused} refused, {len(allowed)} allowed")
    assert allowed == [], allowed[:5]
    assert attempts >= 4 * 60  # every write route of the app, four ways each
    assert state(app, api, round_id, team) == before
    # the control: the same request from the victim's own page (its token, its origin) goes through
    own = victim.put(f"/api/rounds/{round_id}/draft", json={"text": "typed here", "seq": 2},
                     headers={"X-CSRFToken": csrf_token(victim), "Origin": "http://localhost"})
    assert own.status_code == 200 and api.get(f"/api/rounds/{round_id}")["draft"] == "typed here"
