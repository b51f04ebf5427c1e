"""The same through /api/: links, the peer's side by token, self-assessment, comparison, practice."""
from tests.peers.conftest import share, web_drill


def test_links_through_the_api(api, client):
    loop_id, _ = web_drill(api)
    link = share(api, loop_id, expires_in_days=3)
    assert link["url"] == f"http://localhost/p/{link['token']}" and link["expires_at"].startswith("2026-01-04")
    round_link = share(api, loop_id, round=1)
    assert round_link["scope"] == "round" and round_link["round_position"] == 1
    listed = api.get(f"/api/loops/{loop_id}/share-links")["links"]
    assert [x["id"] for x in listed] == [round_link["id"], link["id"]] and all("token" not in x for x in listed)
    for body in ({"round": 2}, {"round": "1"}, {"expires_in_days": 0}, {"expires_in_days": 31}, {"extra": 1}):
        assert api.post(f"/api/loops/{loop_id}/share-links", body, status=400)["error"] == "bad_request"
    assert api.call("DELETE", f"/api/share-links/{link['id']}", status=200).get_json()["status"] == "revoked"
    assert client.get(f"/api/peer/{link['token']}").status_code == 404
    assert client.get(f"/api/peer/{round_link['token']}").status_code == 200
    assert api.call("DELETE", "/api/share-links/999", status=404)


def test_the_session_api_needs_the_csrf_header_for_link_changes(api, client):
    loop_id, _ = web_drill(api)
    response = client.post(f"/api/loops/{loop_id}/share-links", json={})
    assert response.status_code == 400 and response.get_json()["error"] == "csrf_failed"


def test_a_peer_grades_by_token_and_gets_the_others_back(app, api):
    loop_id, _ = web_drill(api)
    token = share(api, loop_id)["token"]
    peer = app.test_client()  # no session, no CSRF token: the share token is the credential
    scope = peer.get(f"/api/peer/{token}").get_json()
    rnd = scope["rounds"][0]
    assert rnd["answer"].startswith("I used gradient accumulation") and rnd["tests"]
    assert [c["id"] for c in rnd["form"]["criteria"]] == ["depth", "clarity"] and len(rnd["form"]["criteria"][0]["levels"]) == 5
    body = {"levels": {"depth": 4, "clarity": None}, "notes": {"depth": "clear"}, "feedback": "good",
            "display_name": "Ada", "rubric_hash": rnd["form"]["rubric"]["hash"]}
    response = peer.post(f"/api/peer/{token}/rounds/1/grades", json=body)
    out = response.get_json()
    assert response.status_code == 201 and out["grade"]["grader"]["kind"] == "peer"
    assert out["grade"]["rubric"] == rnd["form"]["rubric"]
    assert [g["label"] for g in out["round"]["graders"]] == ["Ada", "Keyword grader"]
    bad = peer.post(f"/api/peer/{token}/rounds/1/grades", json={"levels": {"depth": 9}})
    assert bad.status_code == 400 and bad.get_json()["fields"] == {"level-depth": "a level from 1 to 5, or not rated"}
    stale = peer.post(f"/api/peer/{token}/rounds/1/grades", json={"levels": {"depth": 3}, "rubric_hash": "sha256:" + "0" * 64})
    assert stale.status_code == 409 and "changed" in stale.get_json()["message"]
    assert peer.post(f"/api/peer/{token}/rounds/1/grades", data="[]", content_type="application/json").status_code == 400


def test_practice_through_the_api(app, api):
    loop_id, _ = web_drill(api)
    token = share(api, loop_id)["token"]
    peer = app.test_client()
    examples = peer.get(f"/api/peer/{token}/practice").get_json()["examples"]
    assert [e["number"] for e in examples] == [1, 2] and all("levels" not in e and "quality" not in e for e in examples)
    result = peer.post(f"/api/peer/{token}/practice/2", json={"levels": {"depth": 1, "clarity": 5}}).get_json()
    assert [r["agrees"] for r in result["rows"]] == [True, False] and result["example"]["levels"] == {"depth": 1, "clarity": 2}
    assert peer.post(f"/api/peer/{token}/practice/3", json={"levels": {"depth": 1}}).status_code == 404


def test_self_assessment_closes_when_the_scorecard_is_read_through_the_api(api):
    first_loop, first_round = web_drill(api)
    state = api.get(f"/api/rounds/{first_round}/self-assessment")
    assert state["open"] and state["grade"] is None and state["reason"] is None
    grade = api.post(f"/api/rounds/{first_round}/self-assessment", {"levels": {"depth": 5, "clarity": 4}}, status=201)["grade"]
    assert grade["grader"] == {"kind": "self", "name": "Self", "version": "1"}
    assert api.post(f"/api/rounds/{first_round}/self-assessment", {"levels": {"depth": 1}}, status=409)
    loop_id, round_id = web_drill(api, round_type="math_fundamentals")
    api.get(f"/api/loops/{loop_id}/scorecard")
    assert "scorecard (API)" in api.get(f"/api/rounds/{round_id}/self-assessment")["reason"]
    assert api.post(f"/api/rounds/{round_id}/self-assessment", {"levels": {"depth": 1}}, status=409)
    cmp = api.get(f"/api/loops/{first_loop}/comparison")
    assert cmp["rounds"][0]["self_gap"]["reference"] == "keyword" and cmp["revealed_at"]
    assert api.get(f"/api/rounds/{first_round}/self-assessment")["grade"] == grade


def test_the_peer_routes_are_in_the_openapi_document_without_sign_in(client):
    doc = client.get("/api/openapi.json").get_json()
    peer_ops = [op for path, ops in doc["paths"].items() if path.startswith("/api/peer/") for op in ops.values()]
    assert len(peer_ops) == 5 and all(op["security"] == [] for op in peer_ops)
    assert "401" in doc["paths"]["/api/loops/{loop_id}/share-links"]["post"]["responses"]


def test_a_stale_rubric_hash_on_practice_is_a_409_not_a_server_error(app, api):
    loop_id, _ = web_drill(api)
    token = share(api, loop_id)["token"]
    peer = app.test_client()
    stale = {"levels": {"depth": 3}, "rubric_hash": "sha256:" + "0" * 64}
    assert peer.post(f"/api/peer/{token}/practice/1", json=stale).status_code == 409
