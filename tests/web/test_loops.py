"""Pages: start a loop or a drill, the loop overview, the round page, submit, first answer, pauses, restarts."""
import json
import re

from tests.web.conftest import csrf_token, make_app


def start_drill(client, **form):
    data = {"csrf_token": csrf_token(client), "track": "research-engineer", "round": "behavioral", "pace": "1"}
    data.update(form)
    response = client.post("/loops/new", data=data)
    assert response.status_code == 302, response.get_data(as_text=True)
    loop_url = response.headers["Location"]
    response = client.post(loop_url + "/next", data={"csrf_token": csrf_token(client)})
    round_url = response.headers["Location"]
    return loop_url, round_url


def page_data(html):
    return json.loads(re.search(r'<script type="application/json" id="round-data">(.*?)</script>', html, re.S).group(1))


def test_new_loop_form_is_labelled_and_preselects_the_track(client):
    html = client.get("/loops/new?track=applied-ml-engineer").get_data(as_text=True)
    for field in ("track", "round", "pace", "practice"):
        assert f'for="{field}"' in html and f'id="{field}"' in html
    assert re.search(r'<option selected value="applied-ml-engineer">|<option value="applied-ml-engineer" selected>', html)


def test_a_track_without_the_round_is_a_form_error(client):
    response = client.post("/loops/new", data={"csrf_token": csrf_token(client), "track": "research-scientist",
                                                "round": "distributed_systems", "pace": "1"})
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and "has no &#39;distributed_systems&#39; round" in html


def test_bad_pace_is_a_form_error(client):
    response = client.post("/loops/new", data={"csrf_token": csrf_token(client), "track": "research-engineer",
                                                "round": "", "pace": "99"})
    assert response.status_code == 400


def test_loop_page_then_round_page_with_server_time(client, clock):
    loop_url, round_url = start_drill(client)
    loop_html = client.get(loop_url).get_data(as_text=True)
    assert "Continue the round in progress" in loop_html
    clock.advance(90)
    html = client.get(round_url).get_data(as_text=True)
    data = page_data(html)
    assert data["time_left_s"] == 510 and data["status"] == "in_progress" and data["draft_seq"] == 0
    assert data["urls"]["draft"].endswith("/draft") and data["autosave_ms"] == 3000
    assert '<span id="countdown" role="timer" aria-live="off" aria-atomic="true">8:30</span>' in html
    assert 'id="warning" class="warning" aria-live="assertive"' in html
    assert '<label for="answer">Your answer</label>' in html


def test_start_next_when_a_round_is_running_goes_to_it(client):
    loop_url, round_url = start_drill(client)
    response = client.post(loop_url + "/next", data={"csrf_token": csrf_token(client)})
    assert response.headers["Location"] == round_url


def test_submit_by_form_completes_and_grades_the_drill(client):
    loop_url, round_url = start_drill(client)
    rid = round_url.rsplit("/", 1)[1]
    response = client.post(f"/rounds/{rid}/submit", data={"csrf_token": csrf_token(client),
                                                           "answer": "I used gradient accumulation.", "probe-0": "x"})
    assert response.headers["Location"] == loop_url
    html = client.get(loop_url).get_data(as_text=True)
    assert "graded" in html and 'id="scorecard-link"' in html
    again = client.post(f"/rounds/{rid}/submit", data={"csrf_token": csrf_token(client), "answer": "again"})
    assert again.status_code == 302 and "already" in client.get(again.headers["Location"]).get_data(as_text=True)


def test_first_answer_form_reveals_the_probes(client):
    _, round_url = start_drill(client)
    rid = round_url.rsplit("/", 1)[1]
    response = client.post(f"/rounds/{rid}/first-answer", data={"csrf_token": csrf_token(client), "answer": "first go"})
    assert response.headers["Location"].endswith("#probes")
    html = client.get(round_url).get_data(as_text=True)
    assert "What happens when the batch does not fit?" in html and '<textarea id="probe-0" name="probe-0"' in html
    assert ">first go</textarea>" in html


def test_time_marked_probe_appears_at_its_mark(client, clock):
    _, round_url = start_drill(client)
    assert "How would you explain it to a new hire?" not in client.get(round_url).get_data(as_text=True)
    clock.advance(5 * 60)
    assert "How would you explain it to a new hire?" in client.get(round_url).get_data(as_text=True)


def test_after_the_deadline_the_page_shows_the_autosubmitted_answer(client, api, clock):
    _, round_url = start_drill(client)
    rid = int(round_url.rsplit("/", 1)[1])
    api.put(f"/api/rounds/{rid}/draft", {"text": "saved in time", "seq": 1})
    clock.advance(601)
    html = client.get(round_url).get_data(as_text=True)
    assert "Time is up" in html and "saved in time" in html and 'id="answer-form"' not in html


def test_practice_mode_pauses_and_resumes_by_form(client, clock):
    _, round_url = start_drill(client, practice="y")
    rid = round_url.rsplit("/", 1)[1]
    assert "Pause (practice mode)" in client.get(round_url).get_data(as_text=True)
    client.post(f"/rounds/{rid}/pause", data={"csrf_token": csrf_token(client)})
    clock.advance(300)
    html = client.get(round_url).get_data(as_text=True)
    assert page_data(html)["paused"] is True and page_data(html)["time_left_s"] == 600 and ">Resume<" in html
    client.post(f"/rounds/{rid}/unpause", data={"csrf_token": csrf_token(client)})
    assert page_data(client.get(round_url).get_data(as_text=True))["time_left_s"] == 600


def test_pausing_a_timed_loop_is_refused(client):
    _, round_url = start_drill(client)
    rid = round_url.rsplit("/", 1)[1]
    assert client.post(f"/rounds/{rid}/pause", data={"csrf_token": csrf_token(client)}).status_code == 409


def test_ml_coding_round_has_the_editor_and_run_button(client):
    _, round_url = start_drill(client, round="ml_coding")
    html = client.get(round_url).get_data(as_text=True)
    assert 'class="code"' in html and 'id="answer-highlight"' in html and 'aria-hidden="true"' in html
    assert 'id="run-examples"' in html and 'id="editor-help"' in html
    assert '<label for="answer">Your code (Python)</label>' in html


def test_a_server_restart_keeps_the_draft_and_the_real_time_left(tmp_path, bank, clock, client, api):
    _, round_url = start_drill(client)
    rid = int(round_url.rsplit("/", 1)[1])
    clock.advance(60)
    api.put(f"/api/rounds/{rid}/draft", {"text": "kept across the restart", "seq": 3})
    clock.advance(120)  # the server was down for two minutes
    restarted = make_app(tmp_path, bank, clock).test_client()
    html = restarted.get(round_url).get_data(as_text=True)
    data = page_data(html)
    assert ">kept across the restart</textarea>" in html
    assert data["time_left_s"] == 420 and data["draft_seq"] == 3


def test_a_math_round_says_how_its_final_value_is_read_and_a_behavioural_one_does_not(client):
    _, math_round = start_drill(client, round="math_fundamentals")
    html = client.get(math_round).get_data(as_text=True)
    assert "How your answer is read:" in html and "in the order asked" in html
    _, beh_round = start_drill(client, round="behavioral")
    assert "How your answer is read:" not in client.get(beh_round).get_data(as_text=True)
