"""Every route that names a loop or a round refuses another user (404 or 403), as a session and as a token."""
import re

from flask import url_for

from tests.web.conftest import Api, AuthActions, csrf_token

# Valid input for every route, so that a refusal can only come from the ownership check.
BODY = {"text": "bob was here", "seq": 999, "code": "print(1)", "grader": "auto", "probe_answers": {"0": "bob"}}
FORM = {"answer": "bob was here", "probe-0": "bob"}
MINE = {"home", "auth", "loops", "scorecard", "history", "api"}


def signed_in(app, username):
    client = app.test_client()
    AuthActions(client).register(username)
    return client


def token_for(client):
    html = client.post("/account/token", data={"csrf_token": csrf_token(client)}).get_data(as_text=True)
    return re.search(r'id="new-token" type="text" readonly value="([^"]+)"', html).group(1)


def alices_loops(app):
    alice = Api(signed_in(app, "alice"))
    running_loop, running = alice.drill()
    alice.put(f"/api/rounds/{running['id']}/draft", {"text": "alice's draft", "seq": 1})
    done_loop, done = alice.drill(round_type="math_fundamentals")
    alice.post(f"/api/rounds/{done['id']}/submit", {"text": "gradient accumulation"})
    return alice, [{"loop_id": running_loop["id"], "round_id": running["id"]},
                   {"loop_id": done_loop["id"], "round_id": done["id"]}]


def test_every_route_refuses_another_users_loop_or_round(multi_app):
    alice, targets = alices_loops(multi_app)
    bob = signed_in(multi_app, "bob")
    bob_csrf = csrf_token(bob)
    bob_token = token_for(bob)
    tokened = multi_app.test_client()  # no cookie: the bearer token alone says who this is
    refused, allowed = [], []
    for rule in multi_app.url_map.iter_rules():
        ids = rule.arguments & {"loop_id", "round_id"}
        if not ids:
            continue
        if rule.arguments != ids:  # another kind of key as well (a share token...): its own tests cover it
            assert rule.endpoint.split(".")[0] not in MINE, f"{rule.rule}: teach this test about {rule.arguments - ids}"
            continue
        for target in targets:
            with multi_app.test_request_context():
                url = url_for(rule.endpoint, **{k: target[k] for k in ids})
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                if url.startswith("/api/"):
                    calls = [(bob, {"X-CSRFToken": bob_csrf}), (tokened, {"Authorization": f"Bearer {bob_token}"})]
                    responses = [c.open(url, method=method, json=BODY, headers=h) for c, h in calls]
                else:
                    responses = [bob.open(url, method=method, data=dict(FORM, csrf_token=bob_csrf))]
                for response in responses:
                    attempt = (method, url, response.status_code)
                    (refused if response.status_code in (403, 404) else allowed).append(attempt)
    # one line for the README's security table: every attempt counted, not only the first that got through
    print(f"\ncross-user: {len(refused) + len(allowed)} attempts, {len(refused)} refused, {len(allowed)} allowed")
    assert allowed == []
    assert len({(m, u) for m, u, _ in refused}) >= 20  # every page and API route with an id, both kinds of caller

    running = alice.get(f"/api/rounds/{targets[0]['round_id']}")
    assert running["draft"] == "alice's draft" and running["status"] == "in_progress" and running["draft_seq"] == 1
    assert len(alice.get(f"/api/rounds/{targets[1]['round_id']}")["grades"]) == 1  # bob's regrade never ran


def test_lists_show_only_your_own_loops(multi_app):
    alices_loops(multi_app)
    bob = Api(signed_in(multi_app, "bob"))
    assert bob.get("/api/loops")["loops"] == []
    assert bob.get("/api/progress")["series"] == []
    assert "No loops yet" in bob.client.get("/history").get_data(as_text=True)


def test_anonymous_visitors_are_sent_to_sign_in(multi_app):
    alices_loops(multi_app)
    anonymous = multi_app.test_client()
    for path in ("/loops/1", "/rounds/1", "/loops/1/scorecard", "/history", "/account", "/loops/new"):
        response = anonymous.get(path)
        assert response.status_code == 302 and response.headers["Location"].startswith("/login?next=")
    assert anonymous.get("/api/rounds/1").status_code == 401
