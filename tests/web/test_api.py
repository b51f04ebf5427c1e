"""The JSON API: every route, with the session + CSRF header and with a bearer token."""
import pytest

from tests.web.conftest import Api


def test_public_data(api):
    tracks = api.get("/api/tracks")["tracks"]
    assert [t["id"] for t in tracks] == ["applied-ml-engineer", "research-engineer", "research-scientist"]
    stats = api.get("/api/bank/stats")
    assert stats["total"] == 24 and stats["by_round"]["behavioral"] == 4
    questions = api.get("/api/questionnaire")["questions"]
    assert questions[0]["id"] == "background"
    advice = api.post("/api/questionnaire", {"answers": {"background": "phd", "mode": "research"}})
    assert advice["track"] == "research-scientist" and advice["reasons"] and advice["prep"]
    assert api.post("/api/questionnaire", {"answers": {"mode": "x"}}, status=400)["error"] == "bad_request"


def test_questionnaire_needs_no_token_or_csrf(client):
    response = client.post("/api/questionnaire", json={"answers": {"mode": "product"}})
    assert response.status_code == 200 and response.get_json()["track"] == "applied-ml-engineer"


def test_create_list_get_loop(api):
    loop = api.post("/api/loops", {"track": "research-engineer", "seed": 3}, status=201)
    assert loop["status"] == "not_started" and loop["kind"] == "loop"
    assert [lp["id"] for lp in api.get("/api/loops")["loops"]] == [loop["id"]]
    assert api.get(f"/api/loops/{loop['id']}")["seed"] == 3


@pytest.mark.parametrize("body,match", [
    ({}, "'track' is required"), ({"track": "nope"}, "unknown track"), ({"track": "research-engineer", "pace": 0},
                                                                         "'pace'"),
    ({"track": "research-engineer", "mode": "fast"}, "'mode'"), ({"track": "research-engineer", "seed": "x"}, "'seed'"),
    ({"track": "research-scientist", "round": "distributed_systems"}, "has no"),
])
def test_create_loop_rejects_bad_input(api, body, match):
    assert match in api.post("/api/loops", body, status=400)["message"]


def test_non_object_body_is_400(api):
    response = api.client.post("/api/loops", data="[1]", content_type="application/json", headers=api.headers())
    assert response.status_code == 400 and "JSON object" in response.get_json()["message"]


def test_round_flow_autosave_seq_probes_submit_grade_scorecard(api, clock):
    loop, rnd = api.drill()
    rid = rnd["id"]
    assert rnd["time_left_s"] == 600
    clock.advance(30)
    saved = api.put(f"/api/rounds/{rid}/draft", {"text": "one", "seq": 1})
    assert saved["saved"] and saved["draft_seq"] == 1 and saved["time_left_s"] == 570
    stale = api.put(f"/api/rounds/{rid}/draft", {"text": "older", "seq": 1})
    assert stale["saved"] is False and stale["draft"] == "one"
    first = api.post(f"/api/rounds/{rid}/first-answer", {"text": "I used gradient accumulation"})
    assert [p["index"] for p in first["probes"]] == [0] and first["draft_seq"] == 2
    api.put(f"/api/rounds/{rid}/draft", {"text": "I used gradient accumulation", "seq": 3, "probe_answers": {"0": "micro-batches"}})
    assert api.get(f"/api/rounds/{rid}")["probes"][0]["answer"] == "micro-batches"
    done = api.post(f"/api/rounds/{rid}/submit", {})
    assert done["status"] == "graded" and done["answer"] == "I used gradient accumulation"
    assert done["grades"][0]["grader"]["name"] == "keyword"
    card = api.get(f"/api/loops/{loop['id']}/scorecard")
    assert card["rounds"][0]["criteria"][0]["evidence"] and card["score"] is not None
    assert card["band"] is None and "drill" in card["verdict_withheld"][0]  # a drill never gets a hiring band
    regraded = api.post(f"/api/loops/{loop['id']}/grade", {"grader": "keyword"})
    assert regraded["status"] == "graded"
    assert "'grader'" in api.post(f"/api/loops/{loop['id']}/grade", {"grader": "bogus"}, status=400)["message"]
    assert api.post(f"/api/rounds/{rid}/submit", {}, status=409)["error"] == "conflict"


def test_draft_input_is_checked(api):
    _, rnd = api.drill()
    url = f"/api/rounds/{rnd['id']}/draft"
    assert "'text' is required" in api.put(url, {"seq": 1}, status=400)["message"]
    assert "'seq'" in api.put(url, {"text": "x", "seq": -1}, status=400)["message"]
    assert "'seq'" in api.put(url, {"text": "x", "seq": True}, status=400)["message"]
    assert "probe_answers" in api.put(url, {"text": "x", "probe_answers": {"a": "b"}}, status=400)["message"]
    assert api.put(url, {"text": "x"})["draft_seq"] == 1  # seq is optional: the server counts


def test_tick_reports_each_warning_once(api, clock):
    loop, rnd = api.drill()
    assert api.post(f"/api/loops/{loop['id']}/tick")["warnings"] == []
    clock.advance(600 - 299)
    assert api.post(f"/api/loops/{loop['id']}/tick")["warnings"] == [300]
    assert api.post(f"/api/loops/{loop['id']}/tick")["warnings"] == []
    clock.advance(250)
    assert api.post(f"/api/loops/{loop['id']}/tick")["warnings"] == [60]


def test_start_next_with_nothing_left_is_409(api):
    loop, rnd = api.drill()
    api.post(f"/api/rounds/{rnd['id']}/submit", {"text": "done"})
    assert api.post(f"/api/loops/{loop['id']}/next", status=409)["error"] == "conflict"


def test_grading_an_unfinished_loop_is_409(api):
    loop, _ = api.drill()
    assert "finish it" in api.post(f"/api/loops/{loop['id']}/grade", {}, status=409)["message"]


def test_pause_and_unpause(api, clock):
    _, rnd = api.drill(mode="practice")
    paused = api.post(f"/api/rounds/{rnd['id']}/pause")
    assert paused["paused"] and paused["status"] == "paused"
    clock.advance(100)
    assert api.post(f"/api/rounds/{rnd['id']}/unpause")["time_left_s"] == 600
    assert api.post(f"/api/rounds/{rnd['id']}/unpause", status=409)["error"] == "conflict"
    _, timed = api.drill()
    assert "practice" in api.post(f"/api/rounds/{timed['id']}/pause", status=409)["message"]


def test_run_examples_reports_availability(api):
    _, rnd = api.drill(round_type="ml_coding")
    job = api.post(f"/api/rounds/{rnd['id']}/run", {"code": "def softmax(x):\n    return x\n"}, status=202)
    assert job["kind"] == "run" and job["status"] == "done" and job["round_id"] == rnd["id"]  # immediate mode in tests
    assert job["available"] is True and job["output"] and api.get(job["url"]) == job
    _, text_round = api.drill()
    assert api.post(f"/api/rounds/{text_round['id']}/run", {"code": "x"}) == {
        "available": False, "output": "Running code is only for ML-coding rounds."}


def test_progress_series(api):
    loop, rnd = api.drill()
    api.post(f"/api/rounds/{rnd['id']}/submit", {"text": "gradient accumulation with a clear structure"})
    series = api.get("/api/progress")["series"]
    assert {s["criterion"] for s in series} == {"depth", "clarity"}
    assert series[0]["points"][0]["loop_id"] == loop["id"]


def test_bearer_token_works_without_csrf_and_a_bad_one_is_401(app, client):
    from web.extensions import accounts, local_user_id

    with app.app_context():
        token = accounts().create_token(local_user_id())
    scripted = Api(app.test_client(), token)
    loop, rnd = scripted.drill()
    assert scripted.put(f"/api/rounds/{rnd['id']}/draft", {"text": "from a script", "seq": 1})["saved"]
    bad = client.get("/api/loops", headers={"Authorization": "Bearer mlt_not-a-token"})
    assert bad.status_code == 401 and bad.headers["WWW-Authenticate"].startswith("Bearer")


def test_multi_user_api_needs_a_user(multi_client):
    response = multi_client.get("/api/loops")
    assert response.status_code == 401 and response.get_json()["error"] == "unauthorized"
    assert multi_client.get("/api/tracks").status_code == 200


def test_a_write_without_credentials_is_401_not_a_csrf_failure(multi_client, auth):
    for method, path in (("POST", "/api/loops"), ("PUT", "/api/rounds/1/draft"), ("DELETE", "/api/teams/1/invitation")):
        response = multi_client.open(path, method=method, json={})
        assert response.status_code == 401 and response.get_json()["error"] == "unauthorized", (method, path)
    auth.register()  # signed in by the session cookie, the CSRF header is still required
    response = multi_client.post("/api/loops", json={"track": "research-engineer"})
    assert response.status_code == 400 and response.get_json()["error"] == "csrf_failed"
