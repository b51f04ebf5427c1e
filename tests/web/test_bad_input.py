"""Bad input gets a 4xx that says what is wrong, never a server error: huge ids, deep nesting, half an emoji."""
from __future__ import annotations

import json

import pytest


HUGE = 99999999999999999999


@pytest.mark.parametrize("path", [f"/loops/{HUGE}", f"/loops/{HUGE}/scorecard", f"/rounds/{HUGE}", f"/api/loops/{HUGE}",
                                  f"/api/rounds/{HUGE}", f"/api/loops/{2**63}/scorecard"])
def test_ids_beyond_what_the_database_stores_are_not_found(client, path):
    assert client.get(path).status_code == 404


@pytest.mark.parametrize("method, path", [("DELETE", f"/api/teams/{HUGE}/invitation"),
                                          ("DELETE", f"/api/teams/1/members/{HUGE}"),
                                          ("POST", f"/api/teams/{HUGE}/members")])
def test_a_huge_id_on_a_path_with_several_methods_is_not_found_not_405(client, method, path):
    assert client.open(path, method=method).status_code == 404  # the route is right, the id is not


def test_deeply_nested_json_is_a_400(client, api):
    _, rnd = api.drill()
    deep = "[" * 100_000 + "]" * 100_000
    response = client.put(f"/api/rounds/{rnd['id']}/draft", data=deep, content_type="application/json",
                          headers=api.headers())
    assert response.status_code == 400 and response.get_json()["error"] == "bad_request"
    nested = {"text": "x", "seq": 1, "probe_answers": {"0": "a"}}
    for _ in range(80):
        nested = {"a": nested}
    response = client.put(f"/api/rounds/{rnd['id']}/draft", data=json.dumps(nested), content_type="application/json",
                          headers=api.headers())
    assert response.status_code == 400 and "nested too deeply" in response.get_json()["message"]


def test_half_an_emoji_is_a_400_naming_the_field_and_later_saves_still_work(client, api):
    _, rnd = api.drill()
    raw = '{"text": "my answer \\ud83d", "seq": 1}'  # a lone high surrogate, as JSON.stringify writes it
    response = client.put(f"/api/rounds/{rnd['id']}/draft", data=raw, content_type="application/json",
                          headers=api.headers())
    assert response.status_code == 400 and "'/text'" in response.get_json()["message"]
    assert api.put(f"/api/rounds/{rnd['id']}/draft", {"text": "my answer \ufffd", "seq": 2})["saved"] is True


def test_tokens_in_an_error_log_line_are_cut_to_a_prefix(app, caplog):
    token = "mlp_" + "A" * 43

    @app.get("/p/<token>/boom")
    def boom(token):  # a route that fails, as a peer route might
        raise RuntimeError("boom")

    app.config["PROPAGATE_EXCEPTIONS"] = False
    with caplog.at_level("ERROR"):
        assert app.test_client().get(f"/p/{token}/boom").status_code == 500
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "mlp_AAAAAA…" in logged and token not in logged
