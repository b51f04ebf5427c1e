"""CSRF on every form, escaped answers, request size limits with a clear message."""
import pytest

from tests.web.conftest import csrf_token
from tests.web.test_loops import start_drill

XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>'


@pytest.mark.parametrize("path", ["/loops/new", "/account/token", "/account/token/revoke", "/logout"])
def test_posting_a_form_without_the_token_is_rejected(client, path):
    response = client.post(path, data={"track": "research-engineer", "round": "", "pace": "1"})
    assert response.status_code == 400
    assert "security token is missing" in response.get_data(as_text=True)


def test_round_forms_without_the_token_are_rejected(client):
    loop_url, round_url = start_drill(client)
    rid = round_url.rsplit("/", 1)[1]
    for path in (f"/rounds/{rid}/submit", f"/rounds/{rid}/first-answer", f"{loop_url}/next", f"{loop_url}/grade"):
        assert client.post(path, data={"answer": "x"}).status_code == 400, path
    assert client.post(f"/rounds/{rid}/submit", data={"answer": "x", "csrf_token": "forged"}).status_code == 400


def test_multi_user_forms_without_the_token_are_rejected(multi_client):
    for path in ("/register", "/login"):
        response = multi_client.post(path, data={"username": "mallory", "password": "x" * 12, "confirm": "x" * 12})
        assert response.status_code == 400, path


def test_session_api_calls_need_the_csrf_header(client, api):
    assert client.post("/api/loops", json={"track": "research-engineer"}).get_json()["error"] == "csrf_failed"
    _, rnd = api.drill()
    response = client.put(f"/api/rounds/{rnd['id']}/draft", json={"text": "x", "seq": 1})
    assert response.status_code == 400 and response.get_json()["error"] == "csrf_failed"
    assert client.get(f"/api/rounds/{rnd['id']}").status_code == 200  # reads need no token


def test_answers_stay_text_everywhere(client, api):
    loop, rnd = api.drill()
    rid = rnd["id"]
    api.put(f"/api/rounds/{rid}/draft", {"text": XSS, "seq": 1})
    round_html = client.get(f"/rounds/{rid}").get_data(as_text=True)
    assert XSS not in round_html and "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in round_html
    api.post(f"/api/rounds/{rid}/submit", {"text": "gradient accumulation " + XSS, "probe_answers": {}})
    for path in (f"/rounds/{rid}", f"/loops/{loop['id']}/scorecard", f"/loops/{loop['id']}", "/history"):
        html = client.get(path).get_data(as_text=True)
        assert "<script>alert" not in html and "<img src=x" not in html, path
    card = client.get(f"/loops/{loop['id']}/scorecard").get_data(as_text=True)
    assert "<mark>gradient accumulation</mark> &lt;script&gt;" in card


def test_page_data_cannot_break_out_of_its_script_tag(client, api):
    _, rnd = api.drill()
    api.put(f"/api/rounds/{rnd['id']}/draft", {"text": "</script><script>alert(1)</script>", "seq": 1})
    api.post(f"/api/rounds/{rnd['id']}/first-answer", {})
    api.put(f"/api/rounds/{rnd['id']}/draft", {"text": "x", "seq": 5, "probe_answers": {"0": "</script><b>"}})
    html = client.get(f"/rounds/{rnd['id']}").get_data(as_text=True)
    assert html.count("</script>") == html.count("<script")  # no early end tag from the data


def test_too_large_api_request_is_413_json_with_a_clear_message(app, api):
    _, rnd = api.drill()
    big = "x" * (app.config["MAX_CONTENT_LENGTH"] + 10)
    response = api.call("PUT", f"/api/rounds/{rnd['id']}/draft", {"text": big, "seq": 1})
    body = response.get_json()
    assert response.status_code == 413 and body["error"] == "too_large" and "1024 KiB" in body["message"]
    assert api.get(f"/api/rounds/{rnd['id']}")["draft"] == ""


def test_too_long_answer_under_the_byte_limit_is_413_too(app, api):
    _, rnd = api.drill()
    long_text = "y" * (app.config["MAX_ANSWER_CHARS"] + 1)
    assert api.put(f"/api/rounds/{rnd['id']}/draft", {"text": long_text, "seq": 1}, status=413)["error"] == "too_large"


def test_too_large_form_is_a_friendly_413_page(app, client):
    _, round_url = start_drill(client)
    rid = round_url.rsplit("/", 1)[1]
    big = "z" * (app.config["MAX_CONTENT_LENGTH"] + 10)
    response = client.post(f"/rounds/{rid}/submit", data={"csrf_token": csrf_token(client), "answer": big})
    html = response.get_data(as_text=True)
    assert response.status_code == 413 and "Too large" in html and "last autosaved draft is kept" in html
