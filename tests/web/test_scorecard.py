"""The scorecard page: evidence highlighted, criteria, missed key points, the band, the prep plan, regrading."""
from tests.web.conftest import csrf_token


def finished_drill(api, text="I used gradient accumulation, nothing else."):
    loop, rnd = api.drill()
    api.post(f"/api/rounds/{rnd['id']}/submit", {"text": text})
    return loop, rnd


def test_scorecard_shows_evidence_missed_points_band_and_prep(client, api):
    loop, _ = finished_drill(api)
    html = client.get(f"/loops/{loop['id']}/scorecard").get_data(as_text=True)
    assert "<mark>gradient accumulation</mark>" in html
    assert "Depth: " in html and "Clarity: " in html
    # what the grader found and did not find, in the bank's words; never a rubric level read as a fact
    assert "Not found: “clear structure”" in html and "(the keyword grader)" in html
    # a drill: per-criterion feedback and no hiring band, with the reason
    assert 'id="no-verdict"' in html and "one-round drill" in html and 'aria-current="true"' not in html
    assert "<strong>Clarity</strong> (Behavioral, mean level 1.0)" in html  # the weakest criterion first
    assert "Read the training-infrastructure papers" in html  # then the track's own advice


def test_scorecard_before_the_end_redirects_to_the_loop(client, api):
    loop, _ = api.drill()
    response = client.get(f"/loops/{loop['id']}/scorecard")
    assert response.status_code == 302 and response.headers["Location"] == f"/loops/{loop['id']}"


def test_the_deadline_autosubmit_is_graded_when_the_scorecard_opens(client, api, clock):
    loop, rnd = api.drill()
    api.put(f"/api/rounds/{rnd['id']}/draft", {"text": "gradient accumulation", "seq": 1})
    clock.advance(601)
    html = client.get(f"/loops/{loop['id']}/scorecard").get_data(as_text=True)
    assert "<mark>gradient accumulation</mark>" in html
    assert api.get(f"/api/loops/{loop['id']}")["status"] == "graded"
    client.get(f"/loops/{loop['id']}/scorecard")
    assert len(api.get(f"/api/rounds/{rnd['id']}")["grades"]) == 1  # opening it again does not regrade


def test_empty_answer_is_flagged_and_scores_zero(client, api, clock):
    loop, _ = api.drill()
    clock.advance(601)
    html = client.get(f"/loops/{loop['id']}/scorecard").get_data(as_text=True)
    assert "flags: no_answer" in html


def test_pending_grades_offer_a_regrade(client, api, monkeypatch):
    from simulator.engine import grading

    monkeypatch.setitem(grading.DEFAULT_GRADER, "behavioral", "not-installed")
    loop, _ = finished_drill(api)
    html = client.get(f"/loops/{loop['id']}/scorecard").get_data(as_text=True)
    assert "Grade again" in html
    monkeypatch.delitem(grading.DEFAULT_GRADER, "behavioral")
    response = client.post(f"/loops/{loop['id']}/grade", data={"csrf_token": csrf_token(client)})
    assert response.status_code == 302
    assert "Grade again" not in client.get(f"/loops/{loop['id']}/scorecard").get_data(as_text=True)
