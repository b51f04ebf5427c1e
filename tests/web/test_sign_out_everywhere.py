"""Signing out everywhere: oneself on the Account page (every other session ends, this one stays), and a team admin
for a member of that team (page and API): every session of that account ends, a copied cookie too; nobody else can."""
from __future__ import annotations

from simulator import teams
from simulator.teams import workspace
from tests.web.conftest import Api, csrf_token
from tests.web.test_teams_support import library, signed_in, token_for, user_id


def post(client, path):
    return client.post(path, data={"csrf_token": csrf_token(client)})


def copy_of(app, client):
    """Another browser holding a copy of `client`'s session cookie."""
    other = app.test_client()
    other.set_cookie("mockloop_session", client.get_cookie("mockloop_session").value)
    return other


def signed_in_now(client) -> bool:
    return client.get("/loops/new").status_code == 200


def test_the_account_page_signs_out_every_other_session_and_keeps_this_one(multi_app):
    alice = signed_in(multi_app, "alice")
    copied = copy_of(multi_app, alice)
    assert signed_in_now(copied)
    page = alice.get("/account").get_data(as_text=True)
    assert 'action="/account/sessions/end"' in page and "Sign out everywhere else" in page
    response = post(alice, "/account/sessions/end")
    assert response.status_code == 302 and response.headers["Location"] == "/account"
    assert "Every other session of this account is signed out." in alice.get("/account").get_data(as_text=True)
    assert signed_in_now(alice) and not signed_in_now(copied)


def test_a_local_install_has_no_sessions_to_end(client):
    assert "Sign out everywhere" not in client.get("/account").get_data(as_text=True)
    assert post(client, "/account/sessions/end").status_code == 404


def team_of_four(app):
    """alice (admin) and bob (interviewer) in a team; dave only invited; carol in no team."""
    clients = {name: signed_in(app, name) for name in ("alice", "bob", "carol", "dave")}
    ids = {name: user_id(app, name) for name in clients}
    with library(app) as s:
        team_id = teams.create_team(s, "Acme lab", ids["alice"]).id
        teams.add_member(s, team_id, ids["alice"], ids["bob"])
        workspace.invite_member(s, team_id, ids["alice"], "dave")
    return team_id, clients, ids


def test_a_team_admin_signs_a_member_out_everywhere_from_the_members_page(multi_app):
    team_id, people, ids = team_of_four(multi_app)
    bob_elsewhere = copy_of(multi_app, people["bob"])
    page = people["alice"].get(f"/teams/{team_id}/members").get_data(as_text=True)
    assert f'action="/teams/{team_id}/members/{ids["bob"]}/sessions/end"' in page
    assert "Sign out everywhere" not in people["bob"].get(f"/teams/{team_id}/members").get_data(as_text=True)

    response = post(people["alice"], f"/teams/{team_id}/members/{ids['bob']}/sessions/end")
    assert response.status_code == 302 and response.headers["Location"] == f"/teams/{team_id}/members"
    assert not signed_in_now(people["bob"]) and not signed_in_now(bob_elsewhere)
    assert signed_in_now(people["alice"])


def test_only_an_admin_of_the_members_team_can_and_only_for_a_member(multi_app):
    team_id, people, ids = team_of_four(multi_app)
    # an interviewer cannot sign the admin out; the admin cannot reach a non-member or someone only invited
    assert post(people["bob"], f"/teams/{team_id}/members/{ids['alice']}/sessions/end").status_code == 403
    assert post(people["alice"], f"/teams/{team_id}/members/{ids['carol']}/sessions/end").status_code == 404
    assert post(people["alice"], f"/teams/{team_id}/members/{ids['dave']}/sessions/end").status_code == 404
    assert post(people["carol"], f"/teams/{team_id}/members/{ids['bob']}/sessions/end").status_code == 403
    assert all(signed_in_now(client) for client in people.values())


def test_an_admin_acting_on_themself_keeps_the_session_that_asked(multi_app):
    team_id, people, ids = team_of_four(multi_app)
    alice_elsewhere = copy_of(multi_app, people["alice"])
    assert post(people["alice"], f"/teams/{team_id}/members/{ids['alice']}/sessions/end").status_code == 302
    assert signed_in_now(people["alice"]) and not signed_in_now(alice_elsewhere)


def test_the_api_signs_a_member_out_everywhere_and_leaves_tokens_alone(multi_app):
    team_id, people, ids = team_of_four(multi_app)
    alice, bob = Api(multi_app.test_client(), token_for(people["alice"])), Api(multi_app.test_client(),
                                                                               token_for(people["bob"]))
    assert bob.call("DELETE", f"/api/teams/{team_id}/members/{ids['alice']}/sessions").status_code == 403
    assert alice.call("DELETE", f"/api/teams/{team_id}/members/{ids['carol']}/sessions").status_code == 404
    assert signed_in_now(people["alice"]) and signed_in_now(people["bob"])
    alice.call("DELETE", f"/api/teams/{team_id}/members/{ids['bob']}/sessions", status=204)
    assert not signed_in_now(people["bob"]) and signed_in_now(people["carol"])
    assert bob.get("/api/loops")["loops"] == []  # the API token is not a session: it still works
