"""Team pages: workspace and roles, the authoring editor and import with JSON-pointer problems, review status,
rubric versions, the export zip, grading and certification, the consent flow, CSRF on every form, escaping."""
import io
import json
import re
import zipfile

from simulator import teams
from simulator.bank import check
from tests.web.conftest import Api, csrf_token
from tests.web.test_teams_support import build_team, drill_items, library, signed_in, team_question, team_rubric


def post(client, path, data=None, **kw):
    return client.post(path, data=dict(data or {}, csrf_token=csrf_token(client)), **kw)


def new_team(client, name="Acme lab"):
    response = post(client, "/teams/", {"name": name})
    assert response.status_code == 302, response.get_data(as_text=True)
    return int(re.search(r"/teams/(\d+)", response.headers["Location"]).group(1))


def test_single_user_mode_creates_a_team_and_shows_the_nav_link(client):
    assert 'href="/teams/"' in client.get("/").get_data(as_text=True)
    team_id = new_team(client)
    page = client.get(f"/teams/{team_id}").get_data(as_text=True)
    assert "Acme lab" in page and "You are an admin" in page
    assert "Load the demo team" in client.get("/teams/").get_data(as_text=True)


def test_members_roles_and_settings(multi_app):
    alice, bob = signed_in(multi_app, "alice"), signed_in(multi_app, "bob")
    assert 'href="/teams/"' not in multi_app.test_client().get("/").get_data(as_text=True)  # signed out: no link
    team_id = new_team(alice)
    page = post(alice, f"/teams/{team_id}/members", {"username": "nobody"}, follow_redirects=True)
    assert "If an account named &#39;nobody&#39; exists, it is invited" in page.get_data(as_text=True)
    page = post(alice, f"/teams/{team_id}/members", {"username": "bob", "role": "interviewer"}, follow_redirects=True)
    assert "If an account named &#39;bob&#39; exists, it is invited" in page.get_data(as_text=True)
    assert bob.get(f"/teams/{team_id}").status_code == 403  # invited, not yet a member
    assert f"/teams/{team_id}/invitation/accept" in bob.get("/teams/").get_data(as_text=True)
    assert post(bob, f"/teams/{team_id}/invitation/accept", {}).status_code == 302
    assert post(bob, f"/teams/{team_id}/settings", {"min_gold": "3"}).status_code == 403  # interviewers read only
    bob_id = next(m["user_id"] for m in Api(alice).get(f"/api/teams/{team_id}/members")["members"] if m["username"] == "bob")
    alice_id = next(m["user_id"] for m in Api(alice).get(f"/api/teams/{team_id}/members")["members"] if m["username"] == "alice")
    assert post(alice, f"/teams/{team_id}/members/{alice_id}/role", {"role": "interviewer"}).status_code == 403  # last admin
    assert post(alice, f"/teams/{team_id}/members/{bob_id}/role", {"role": "admin"}).status_code == 302
    assert post(alice, f"/teams/{team_id}/settings", {"kappa_threshold": "2"}).status_code == 400
    post(alice, f"/teams/{team_id}/settings", {"kappa_threshold": "0.7", "min_gold": "4"})  # box unticked: not required
    team = Api(bob).get(f"/api/teams/{team_id}")
    assert (team["kappa_threshold"], team["min_gold"], team["require_certification"], team["role"]) == (0.7, 4, False, "admin")


def test_editor_shows_every_problem_with_its_pointer_and_stores_nothing(client):
    team_id = new_team(client)
    page = client.get(f"/teams/{team_id}/questions/new?from=beh-metric-that-misled").get_data(as_text=True)
    assert "acme-lab-beh-metric-that-misled" in page  # the starting document, with a new id
    bad = team_question("acme-q1", "behavioral")
    del bad["prompt"]
    bad["key_points"][0]["weight"] = "heavy"
    response = post(client, f"/teams/{team_id}/questions/new", {"document": json.dumps(bad)})
    text = response.get_data(as_text=True)
    assert response.status_code == 400 and 'aria-invalid="true"' in text
    problems = re.search(r'<pre class="output" id="problems">(.*?)</pre>', text, re.S).group(1).strip().splitlines()
    assert problems == ["question.json: /: &#39;prompt&#39; is required",
                        "question.json: /key_points/0/weight: &#39;heavy&#39; is not of type &#39;number&#39;"]
    response = post(client, f"/teams/{team_id}/questions/new", {"document": "{\"id\": "})
    assert "question.json: /: not valid JSON" in response.get_data(as_text=True)
    taken = team_question("beh-metric-that-misled", "behavioral")
    assert "question.json: /id: question id" in post(client, f"/teams/{team_id}/questions/new",
                                                   {"document": json.dumps(taken)}).get_data(as_text=True)
    with library(client.application) as s:  # the local user (id 1) is the admin
        assert teams.list_questions(s, team_id, 1) == []
    response = post(client, f"/teams/{team_id}/rubrics/new", {"document": json.dumps(team_rubric("acme-rubric"))})
    assert response.headers["Location"].endswith(f"/teams/{team_id}/rubrics/acme-rubric/edit")
    good = team_question("acme-q1", "acme-rubric")
    response = post(client, f"/teams/{team_id}/questions/new", {"document": json.dumps(good)})
    assert response.headers["Location"].endswith(f"/teams/{team_id}/questions/acme-q1/edit")
    renamed = dict(good, id="acme-q2")
    text = post(client, f"/teams/{team_id}/questions/acme-q1/edit", {"document": json.dumps(renamed)}).get_data(as_text=True)
    assert "question.json: /id: the id stays" in text


def test_import_shows_problems_per_file_and_pointer_then_imports(client):
    team_id = new_team(client)
    bad_rubric = team_rubric("acme-rubric")
    bad_rubric["criteria"][0]["levels"].pop("3")
    bad_question = team_question("acme-q1", "acme-rubric", difficulty="impossible")
    files = [(io.BytesIO(json.dumps(bad_rubric).encode()), "rubric.json"),
             (io.BytesIO(json.dumps([bad_question]).encode()), "questions.json"),
             (io.BytesIO(b"{not json"), "broken.json")]
    response = post(client, f"/teams/{team_id}/import", {"files": files}, content_type="multipart/form-data")
    text = response.get_data(as_text=True)
    assert response.status_code == 400
    lines = re.search(r'id="problems">(.*?)</pre>', text, re.S).group(1).strip().splitlines()
    assert any(line.startswith("rubric.json: /criteria/0/levels:") for line in lines)
    assert any(line.startswith("questions.json: /0/difficulty:") for line in lines)
    assert any(line.startswith("broken.json: /:") for line in lines)
    assert "Questions and rubrics" in client.get(f"/teams/{team_id}/authoring").get_data(as_text=True)
    files = [(io.BytesIO(json.dumps([team_rubric("acme-rubric"), team_question("acme-q1", "acme-rubric")]).encode()),
              "bank.json")]
    text = post(client, f"/teams/{team_id}/import", {"files": files}, content_type="multipart/form-data").get_data(as_text=True)
    assert "Imported." in text and "acme-rubric@1.0.0" in text and "acme-q1" in text


def test_review_status_versions_by_hash_and_export_zip_that_validates(multi_app, tmp_path):
    alice, bob = signed_in(multi_app, "alice"), signed_in(multi_app, "bob")
    team = build_team(multi_app, "acme", "alice", ("bob",))
    post(alice, f"/teams/{team.id}/members/{team.ids['bob']}/role", {"role": "admin"})
    page = alice.get(f"/teams/{team.id}/rubrics/{team.rubric_id}/edit").get_data(as_text=True)
    hashes = re.findall(r"<code>(sha256:[0-9a-f]+)</code>", page)
    assert len(hashes) == 2 and team.digest in hashes
    assert "How deep (acme)" in alice.get(f"/teams/{team.id}/rubrics/{team.rubric_id}/versions/{team.digest}").get_data(as_text=True)
    # alice edited the question last: she cannot review it herself; bob (admin) can
    url = f"/teams/{team.id}/questions/{team.question_id}/status"
    assert post(alice, url, {"status": "reviewed"}).status_code == 409
    assert post(bob, url, {"status": "reviewed"}).status_code == 302
    assert post(bob, f"/teams/{team.id}/rubrics/{team.rubric_id}/status", {"status": "retired"}).status_code == 409
    authoring = alice.get(f"/teams/{team.id}/authoring").get_data(as_text=True)
    assert "reviewed" in authoring and "Back to draft" in authoring
    response = alice.get(f"/teams/{team.id}/export.zip")
    assert response.mimetype == "application/zip"
    with zipfile.ZipFile(io.BytesIO(response.data)) as zf:
        assert sorted(zf.namelist()) == ["questions/behavioral.json", f"rubrics/{team.rubric_id}.json"]
        zf.extractall(tmp_path / "bank")
    _, problems = check([tmp_path / "bank"])
    assert problems == []


def test_grading_form_from_the_rubric_without_intended_levels_then_certification(multi_app):
    alice, bob = signed_in(multi_app, "alice"), signed_in(multi_app, "bob")
    team = build_team(multi_app, "acme", "alice", ("bob",))
    queue = bob.get(f"/teams/{team.id}/queue").get_data(as_text=True)
    assert f"/answers/{team.gold[1]}/grade" in queue  # gold[0] was graded by bob in build_team
    page = bob.get(f"/teams/{team.id}/answers/{team.gold[1]}/grade").get_data(as_text=True)
    assert "level 3: observable behaviour number 3" in page and 'name="level-depth"' in page
    assert "intended" not in page.lower() and "weak" not in page.lower()  # neither levels nor quality label
    assert len(re.findall(r"\bchecked\b", page)) == 2  # only the two "not rated" defaults
    response = post(bob, f"/teams/{team.id}/answers/{team.gold[1]}/grade", {"level-depth": "9"})
    assert response.status_code == 400 and "/levels/depth" in response.get_data(as_text=True)
    assert post(bob, f"/teams/{team.id}/answers/{team.gold[1]}/grade",
                {"level-depth": "1", "level-clarity": "2"}).status_code == 302
    assert post(bob, f"/teams/{team.id}/answers/{team.gold[1]}/grade", {"level-depth": "1"}).status_code == 409
    cert = alice.get(f"/teams/{team.id}/certification").get_data(as_text=True)
    assert "bob" in cert and "<td>2</td>" in cert  # n = 2 gold answers
    text = post(alice, f"/teams/{team.id}/certification/machine", {"grader": "keyword"},
                follow_redirects=True).get_data(as_text=True)
    assert "machine:keyword" in text


def test_a_candidate_shares_an_answer_with_consent_and_withdraws_it(multi_app):
    alice, carol = signed_in(multi_app, "alice"), signed_in(multi_app, "carol")
    team = build_team(multi_app, "acme", "alice", ("carol",))
    with library(multi_app) as s:  # the drill's questions are in the team's bank
        teams.import_documents(s, team.id, team.admin_id, {"drill.json": json.dumps(drill_items())})
    candidate = Api(carol)
    loop, rnd = candidate.drill()
    candidate.post(f"/api/rounds/{rnd['id']}/submit", {"text": "I <b>accumulated</b> gradients."})
    page = carol.get(f"/teams/share/loops/{loop['id']}").get_data(as_text=True)
    assert "acme lab: acme set" in page and "&lt;b&gt;accumulated" in page
    target = {"round_id": rnd["id"], "target": f"{team.id}:{team.set_id}"}
    assert post(carol, f"/teams/share/loops/{loop['id']}", target).status_code == 400  # no consent, nothing shared
    assert post(carol, f"/teams/share/loops/{loop['id']}", dict(target, consent="yes")).status_code == 302
    assert post(carol, f"/teams/share/loops/{loop['id']}", dict(target, consent="yes")).status_code == 409
    set_page = alice.get(f"/teams/{team.id}/sets/{team.set_id}").get_data(as_text=True)
    assert "I &lt;b&gt;accumulated&lt;/b&gt; gradients." in set_page and "carol" not in set_page
    mine = carol.get("/teams/share").get_data(as_text=True)
    answer_id = int(re.search(rf"/teams/{team.id}/answers/(\d+)/withdraw", mine).group(1))
    assert post(carol, f"/teams/{team.id}/answers/{answer_id}/withdraw", {"back": "share"}).status_code == 302
    assert "accumulated" not in alice.get(f"/teams/{team.id}/sets/{team.set_id}").get_data(as_text=True)


def test_every_team_form_needs_its_csrf_token(client):
    team_id = new_team(client)
    values = {"team_id": team_id, "set_id": 1, "answer_id": 1, "user_id": 1, "question_id": "q", "rubric_id": "r",
              "digest": "d", "loop_id": 1}
    forms = [r for r in client.application.url_map.iter_rules()
             if r.endpoint.startswith("teams.") and r.methods & {"POST"}]
    assert len(forms) >= 24
    for rule in forms:
        url = rule.build({k: values[k] for k in rule.arguments})[1]
        response = client.post(url, data={"name": "x", "status": "reviewed"})
        assert response.status_code == 400 and "security token" in response.get_data(as_text=True), url
    for rule in [r for r in client.application.url_map.iter_rules() if r.rule.startswith("/api/teams")]:
        for method in rule.methods & {"POST", "PUT", "DELETE"}:  # the API: a session needs the X-CSRFToken header
            url = rule.build({k: values[k] for k in rule.arguments})[1]
            assert client.open(url, method=method, json={}).status_code == 400, url
    assert "No calibration sets yet" in client.get(f"/teams/{team_id}/sets").get_data(as_text=True)


def test_team_authored_text_is_escaped_everywhere(client):
    team_id = new_team(client, "<script>alert('team')</script>")
    rubric = team_rubric("acme-rubric")
    rubric["criteria"][0]["name"] = "<img src=x onerror=alert('criterion')>"
    question = team_question("acme-q1", "acme-rubric", prompt="Explain <script>alert('prompt')</script> in detail.")
    with library(client.application) as s:
        teams.save_rubric(s, team_id, 1, rubric)
        teams.save_question(s, team_id, 1, question)
        calib = teams.create_set(s, team_id, 1, "<b>set</b>")
        answer = teams.add_gold_answers(s, team_id, 1, calib.id, question_ids=["acme-q1"])[0]
    pages = [f"/teams/{team_id}", f"/teams/{team_id}/sets", f"/teams/{team_id}/sets/{calib.id}",
             f"/teams/{team_id}/answers/{answer.id}/grade", f"/teams/{team_id}/questions/acme-q1/edit",
             f"/teams/{team_id}/dashboard", "/teams/"]
    for path in pages:
        text = client.get(path).get_data(as_text=True)
        assert "<script>alert" not in text and "<img src=x" not in text and "<b>set</b>" not in text, path
    grade = client.get(f"/teams/{team_id}/answers/{answer.id}/grade").get_data(as_text=True)
    assert "&lt;img src=x onerror=alert(&#39;criterion&#39;)&gt;" in grade and "&lt;script&gt;alert" in grade
