"""One rule for team and set names, in the library: the API refuses what the forms refuse, with a 400 naming the field."""
from __future__ import annotations

import pytest

from simulator import teams
from tests.test_teams_support import user
from tests.web.conftest import Api, csrf_token
from tests.web.test_teams_support import signed_in, token_for

BAD_NAMES = ["x" * 900_000, "x" * 201, "", "   ", "Acme\x00lab", "Acme\nlab", "Acme\u2028lab"]


@pytest.fixture
def alice(multi_app):
    return Api(multi_app.test_client(), token_for(signed_in(multi_app, "alice")))


@pytest.mark.parametrize("name", BAD_NAMES, ids=lambda n: repr(n[:12]) + f"/{len(n)}")
def test_the_api_refuses_a_bad_team_name_naming_the_field(alice, name):
    reply = alice.post("/api/teams", {"name": name}, status=400)
    assert reply["message"].startswith("'name' must"), reply
    assert alice.get("/api/teams")["teams"] == []


def test_the_api_refuses_a_bad_set_name_instead_of_cutting_it(alice):
    tid = alice.post("/api/teams", {"name": "Acme"}, status=201)["id"]
    for name in ("x" * 201, "round\x001"):
        assert alice.post(f"/api/teams/{tid}/sets", {"name": name}, status=400)["message"].startswith("'name' must")
    assert alice.get(f"/api/teams/{tid}/sets")["sets"] == []
    assert alice.post(f"/api/teams/{tid}/sets", {"name": " Round 1 "}, status=201)["name"] == "Round 1"


@pytest.mark.parametrize("name", ["x" * 5000, "x" * 201, "Acme\x00lab", "  "])
def test_the_form_refuses_the_same_with_a_4xx(multi_app, name):
    client = signed_in(multi_app, "alice")
    response = client.post("/teams/", data={"csrf_token": csrf_token(client, "/teams/"), "name": name})
    assert response.status_code == 400 and "&#39;name&#39; must" in response.get_data(as_text=True)


def test_the_library_rule(sessions):
    with sessions() as s:
        admin = user(s, "ann")
        for name in BAD_NAMES:
            with pytest.raises(ValueError) as info:
                teams.create_team(s, name, admin)
            assert getattr(info.value, "field", None) == "name"
        team = teams.create_team(s, "  Acme lab  ", admin)
        assert team.name == "Acme lab" and teams.create_team(s, "é" * 200, admin).name == "é" * 200
        with pytest.raises(ValueError, match="'name' must"):
            teams.create_set(s, team.id, admin, "y" * 201)
