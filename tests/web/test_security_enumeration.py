"""Usernames cannot be tested through "Add member" (an invitation, the same answer either way) or in bulk through
registration; an invited user sees nothing of the team until they accept."""
from __future__ import annotations

import re

from tests.web.conftest import PASSWORD, Api, csrf_token
from tests.web.test_teams_support import signed_in, token_for


def test_inviting_answers_the_same_whether_or_not_the_account_exists(multi_app):
    alice = Api(multi_app.test_client(), token_for(signed_in(multi_app, "alice")))
    signed_in(multi_app, "bob")
    tid = alice.post("/api/teams", {"name": "Acme"}, status=201)["id"]
    replies = {name: alice.call("POST", f"/api/teams/{tid}/members", {"username": name})
               for name in ("bob", "nobody-at-all")}
    assert {r.status_code for r in replies.values()} == {202}
    assert replies["bob"].get_data(as_text=True).replace("bob", "X") == \
        replies["nobody-at-all"].get_data(as_text=True).replace("nobody-at-all", "X")
    # a pending invitation is not listed either (that would tell which names exist)
    assert [m["username"] for m in alice.get(f"/api/teams/{tid}/members")["members"]] == ["alice"]
    page = signed_in_page(multi_app, "alice", f"/teams/{tid}/members")
    assert "bob" not in page


def signed_in_page(app, username, path):
    client = app.test_client()
    client.post("/login", data={"csrf_token": csrf_token(client, "/login"), "username": username, "password": PASSWORD})
    return client.get(path).get_data(as_text=True)


def test_the_page_form_answers_the_same_too(multi_app):
    alice = signed_in(multi_app, "alice")
    signed_in(multi_app, "bob")
    response = alice.post("/teams/", data={"csrf_token": csrf_token(alice), "name": "Acme"})
    tid = int(re.search(r"/teams/(\d+)", response.headers["Location"]).group(1))
    texts = []
    for name in ("bob", "nobody-at-all"):
        page = alice.post(f"/teams/{tid}/members", data={"csrf_token": csrf_token(alice), "username": name},
                          follow_redirects=True).get_data(as_text=True)
        texts.append(re.search(r'<div class="flashes" role="status">(.*?)</div>', page, re.S).group(1))
    assert texts[0].replace("bob", "X") == texts[1].replace("nobody-at-all", "X") and "invited" in texts[0]

def test_a_pending_member_sees_nothing_until_they_accept(multi_app):
    alice = Api(multi_app.test_client(), token_for(signed_in(multi_app, "alice")))
    bob_client = signed_in(multi_app, "bob")
    bob = Api(multi_app.test_client(), token_for(bob_client))
    tid = alice.post("/api/teams", {"name": "Acme"}, status=201)["id"]
    alice.post(f"/api/teams/{tid}/members", {"username": "bob", "role": "admin"}, status=202)
    for path in (f"/api/teams/{tid}", f"/api/teams/{tid}/members", f"/api/teams/{tid}/questions"):
        bob.get(path, status=403)
    assert bob_client.get(f"/teams/{tid}").status_code == 403
    assert bob.get("/api/teams")["teams"] == []
    assert [(t["id"], t["role"]) for t in bob.get("/api/teams/invitations")["invitations"]] == [(tid, "admin")]
    assert "Acme" in bob_client.get("/teams/").get_data(as_text=True)  # the invitation, with accept and decline
    assert bob.post(f"/api/teams/{tid}/invitation")["role"] == "admin"
    assert bob.get(f"/api/teams/{tid}")["role"] == "admin"
    assert {m["username"] for m in alice.get(f"/api/teams/{tid}/members")["members"]} == {"alice", "bob"}
    bob.post(f"/api/teams/{tid}/invitation", status=404)  # nothing left to accept


def test_a_declined_invitation_is_gone_and_others_cannot_answer_it(multi_app):
    alice = Api(multi_app.test_client(), token_for(signed_in(multi_app, "alice")))
    bob = Api(multi_app.test_client(), token_for(signed_in(multi_app, "bob")))
    carol = Api(multi_app.test_client(), token_for(signed_in(multi_app, "carol")))
    tid = alice.post("/api/teams", {"name": "Acme"}, status=201)["id"]
    alice.post(f"/api/teams/{tid}/members", {"username": "bob"}, status=202)
    carol.post(f"/api/teams/{tid}/invitation", status=404)  # not invited
    bob.call("DELETE", f"/api/teams/{tid}/invitation", status=204)
    assert bob.get("/api/teams/invitations")["invitations"] == []
    bob.post(f"/api/teams/{tid}/invitation", status=404)
    bob.get(f"/api/teams/{tid}", status=403)


def test_registration_refuses_taken_names_in_bulk(multi_app):
    signed_in(multi_app, "alice")
    client = multi_app.test_client()

    def register(name):
        return client.post("/register", data={"csrf_token": csrf_token(client, "/register"), "username": name,
                                              "password": PASSWORD, "confirm": PASSWORD})

    for _ in range(10):
        assert register("alice").status_code == 400
    response = register("alice")
    assert response.status_code == 429 and "Too many refused registrations" in response.get_data(as_text=True)
    assert register("zed-newcomer").status_code == 429  # the address, not the name, is limited
