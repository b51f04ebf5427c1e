"""The team API with a bearer token: workspace, authoring with 422 problems, sets, grading, sharing, the report."""
import io
import json
import zipfile

from simulator.bank import check
from simulator.calibration.csvio import read_grades
from tests.web.conftest import Api
from tests.web.test_teams_support import drill_items, signed_in, team_question, team_rubric, token_for


def token_api(app, username):
    client = signed_in(app, username)
    return Api(app.test_client(), token_for(client)), client


def test_workspace_and_authoring_through_the_api(multi_app, tmp_path):
    alice, _ = token_api(multi_app, "alice")
    bob, _ = token_api(multi_app, "bob")
    team = alice.post("/api/teams", {"name": "Acme", "min_gold": 3}, status=201)
    assert (team["role"], team["min_gold"]) == ("admin", 3)
    ghost = alice.post(f"/api/teams/{team['id']}/members", {"username": "ghost"}, status=202)
    invited = alice.post(f"/api/teams/{team['id']}/members", {"username": "bob"}, status=202)
    assert {k: v for k, v in ghost.items() if k != "username"} == \
        {k: v.replace("bob", "ghost") for k, v in invited.items() if k != "username"}  # no telling who exists
    assert bob.get(f"/api/teams/{team['id']}", status=403) and bob.get("/api/teams")["teams"] == []  # not yet
    assert [t["role"] for t in bob.get("/api/teams/invitations")["invitations"]] == ["interviewer"]
    assert bob.post(f"/api/teams/{team['id']}/invitation")["role"] == "interviewer"
    assert bob.put(f"/api/teams/{team['id']}/settings", {"min_gold": 5}, status=403)["error"] == "forbidden"
    assert alice.put(f"/api/teams/{team['id']}/settings", {"min_gold": 1}, status=400)
    assert alice.put(f"/api/teams/{team['id']}/settings", {"kappa_threshold": 0.5})["kappa_threshold"] == 0.5

    bad = team_question("acme-q1", "acme-rubric", difficulty="impossible")
    reply = bob.post(f"/api/teams/{team['id']}/questions", bad, status=422)
    assert [(p["file"], p["pointer"]) for p in reply["problems"]] == [("question.json", "/difficulty")]
    reply = bob.post(f"/api/teams/{team['id']}/questions", dict(bad, difficulty="hard"), status=422)
    assert "/rubric" in {p["pointer"] for p in reply["problems"]}  # schema-valid, but no rubric 'acme-rubric' yet
    files = {"r.json": json.dumps(team_rubric("acme-rubric")), "q.json": json.dumps([dict(bad, difficulty="hard")]),
             "broken.json": "{"}
    reply = alice.post(f"/api/teams/{team['id']}/import", {"files": files}, status=422)
    assert [p["file"] for p in reply["problems"]] == ["broken.json"]
    del files["broken.json"]
    result = alice.post(f"/api/teams/{team['id']}/import", {"files": files})
    assert result["rubrics_added"] == ["acme-rubric@1.0.0"] and result["questions_created"] == ["acme-q1"]
    edited = dict(team_rubric("acme-rubric"), version="1.1.0", title="Edited")
    digest = bob.post(f"/api/teams/{team['id']}/rubrics", edited)["hash"]
    versions = alice.get(f"/api/teams/{team['id']}/rubrics/acme-rubric/versions")["versions"]
    assert [v["version"] for v in versions] == ["1.0.0", "1.1.0"] and versions[-1]["hash"] == digest
    assert alice.get(f"/api/teams/{team['id']}/rubric-hashes/{versions[0]['hash']}")["content"]["title"] != "Edited"
    assert alice.post(f"/api/teams/{team['id']}/rubrics/acme-rubric/status", {"status": "reviewed"})["status"] == "reviewed"
    assert bob.post(f"/api/teams/{team['id']}/questions/acme-q1/status", {"status": "reviewed"}, status=403)
    assert alice.post(f"/api/teams/{team['id']}/questions/acme-q1/status", {"status": "nope"}, status=409)

    response = alice.call("GET", f"/api/teams/{team['id']}/export", status=200)
    with zipfile.ZipFile(io.BytesIO(response.data)) as zf:
        zf.extractall(tmp_path / "out")
    assert check([tmp_path / "out"])[1] == []


def test_sets_grading_sharing_and_report_through_the_api(multi_app, tmp_path):
    alice, _ = token_api(multi_app, "alice")
    bob, _ = token_api(multi_app, "bob")
    carol, carol_client = token_api(multi_app, "carol")
    team = alice.post("/api/teams", {"name": "Acme", "min_gold": 2, "require_certification": False}, status=201)
    tid = team["id"]
    for name, api in (("bob", bob), ("carol", carol)):
        alice.post(f"/api/teams/{tid}/members", {"username": name}, status=202)
        api.post(f"/api/teams/{tid}/invitation")
    items = [team_rubric("acme-rubric"), team_question("acme-q1", "acme-rubric")] + drill_items()
    alice.post(f"/api/teams/{tid}/import", {"files": {"bank.json": json.dumps(items)}})
    calib = alice.post(f"/api/teams/{tid}/sets", {"name": "Round 1"}, status=201)
    gold = alice.post(f"/api/teams/{tid}/sets/{calib['id']}/gold", {"question_ids": ["acme-q1"]}, status=201)["answers"]
    assert len(gold) == 2 and all("intended" not in a for a in gold)
    made = alice.post(f"/api/teams/{tid}/sets/{calib['id']}/synthetic", {"answer_id": gold[0]["id"]}, status=201)
    assert made["answers"] and all(a["source"] == "synthetic" for a in made["answers"])
    assert alice.post(f"/api/teams/{tid}/sets/{calib['id']}/llm", {"question_id": "acme-q1", "omit_plans": [["a"]]},
                      status=201)["answers"] == []  # no LLM configured

    # carol shares a drill answer: consent must be true, the round must be hers
    loop, rnd = Api(carol_client).drill()
    Api(carol_client).post(f"/api/rounds/{rnd['id']}/submit", {"text": "I accumulated gradients."})
    share = {"round_id": rnd["id"], "set_id": calib["id"]}
    assert carol.post(f"/api/teams/{tid}/shared", share, status=400)["message"].startswith("Sharing needs")
    assert bob.post(f"/api/teams/{tid}/shared", dict(share, consent=True), status=404)  # not bob's round
    shared = carol.post(f"/api/teams/{tid}/shared", dict(share, consent=True), status=201)
    assert shared["source"] == "shared"

    alloc = alice.post(f"/api/teams/{tid}/sets/{calib['id']}/allocate", {"n": 2})
    carol_id = next(m["user_id"] for m in carol.get(f"/api/teams/{tid}/members")["members"] if m["username"] == "carol")
    assert alloc["connected"] and [shared["id"], carol_id] not in alloc["created"]  # never the author
    assert carol.post(f"/api/teams/{tid}/answers/{shared['id']}/grade", {"levels": {"depth": 3}}, status=403)
    for grader in (alice, bob):
        queue = grader.get(f"/api/teams/{tid}/queue")
        assert {a["id"] for a in queue["gold"]} == {a["id"] for a in gold}
        view = grader.get(f"/api/teams/{tid}/answers/{gold[0]['id']}")
        assert "intended" not in view and [c["id"] for c in view["criteria"]] == ["depth", "clarity"]
        assert view["criteria"][0]["levels"][0] == {"level": 1, "descriptor": "level 1: observable behaviour number 1"}
        for answer in gold + queue["assigned"]:
            grader.post(f"/api/teams/{tid}/answers/{answer['id']}/grade", {"levels": {"depth": 4, "clarity": 3}},
                        status=201)
    reply = bob.post(f"/api/teams/{tid}/answers/{gold[0]['id']}/grade", {"levels": {"depth": 9}}, status=422)
    assert reply["problems"][0]["pointer"] == "/levels/depth"
    assert alice.post(f"/api/teams/{tid}/machine", {"grader": "keyword", "set_id": calib["id"]})["graded"]
    cert = alice.post(f"/api/teams/{tid}/certifications/machine", {"grader": "keyword"})
    assert cert["grader"] == "machine:keyword" and cert["n_answers"] == 2
    certs = {c["grader"]: c for c in bob.get(f"/api/teams/{tid}/certifications")["certifications"]}
    assert {"alice", "bob", "machine:keyword"} <= set(certs) and certs["bob"]["n_answers"] == 2

    report = bob.get(f"/api/teams/{tid}/report?min_n=2")
    assert set(report["alpha"]) == {"nominal", "ordinal", "interval", "ratio"} and "ICC(A,1)" in report["icc"]
    assert report["input"]["graders"] == 3 and report["alpha_detail"]["ordinal"]["n"] > 0
    assert bob.get(f"/api/teams/{tid}/report?min_n=1", status=400)
    assert bob.get(f"/api/teams/{tid}/report?set_id=999", status=404)
    text = bob.call("GET", f"/api/teams/{tid}/report.csv", status=200).get_data(as_text=True)
    assert text.startswith("section,subject,statistic,value,ci_low,ci_high,n,note\n") and "alpha_ordinal" in text
    grades = bob.call("GET", f"/api/teams/{tid}/grades.csv", status=200).get_data(as_text=True)
    path = tmp_path / "grades.csv"
    path.write_text(grades, encoding="utf-8")
    assert len(read_grades(path).grades) == len(grades.strip().splitlines()) - 1  # `mockloop calibrate` reads it

    carol.call("DELETE", f"/api/teams/{tid}/answers/{shared['id']}", status=204)  # consent withdrawn
    assert shared["id"] not in {a["id"] for a in alice.get(f"/api/teams/{tid}/sets/{calib['id']}")["answers"]}
