"""DNS rebinding and cross-origin writes: only the configured host names are answered, writes from another origin
are refused, and a single-user server will not listen beyond this machine by accident. Plus the extra headers."""
from __future__ import annotations

import pytest
from click.testing import CliRunner

from web.cli import main
from tests.web.conftest import csrf_token, make_app


@pytest.mark.parametrize("host", ["localhost", "127.0.0.1", "127.0.0.1:5000", "localhost:8080"])
def test_the_default_hosts_are_answered(client, host):
    assert client.get("/", headers={"Host": host}).status_code == 200


@pytest.mark.parametrize("host", ["attacker.example", "rebind.attacker.example:5000", "127.0.0.1.nip.io"])
def test_any_other_host_is_refused_before_anything_is_read(client, api, host):
    loop, rnd = api.drill()
    assert client.get("/", headers={"Host": host}).status_code == 400
    assert client.get(f"/api/rounds/{rnd['id']}", headers={"Host": host}).status_code == 400
    assert client.get(f"/loops/{loop['id']}", headers={"Host": host}).status_code == 400


def test_configured_hosts_are_answered(tmp_path, bank, clock):
    app = make_app(tmp_path, bank, clock, ALLOWED_HOSTS="mockloop.lan, 192.168.1.20")
    c = app.test_client()
    assert c.get("/", headers={"Host": "mockloop.lan"}).status_code == 200
    assert c.get("/", headers={"Host": "192.168.1.20:8000"}).status_code == 200
    assert c.get("/", headers={"Host": "localhost"}).status_code == 400


def test_a_write_from_another_origin_is_refused(client):
    token = csrf_token(client)
    data = {"csrf_token": token, "track": "research-engineer", "round": "behavioral", "pace": "1"}
    refused = client.post("/loops/new", data=data, headers={"Origin": "http://attacker.example"})
    assert refused.status_code == 403
    accepted = client.post("/loops/new", data=data, headers={"Origin": "http://localhost"})
    assert accepted.status_code == 302


def test_security_headers(tmp_path, bank, clock, client):
    headers = client.get("/").headers
    assert "camera=()" in headers["Permissions-Policy"] and headers["Cross-Origin-Opener-Policy"] == "same-origin"
    assert "Strict-Transport-Security" not in headers  # plain HTTP on this machine
    secure = make_app(tmp_path, bank, clock, SECURE_COOKIES=True).test_client()
    assert secure.get("/").headers["Strict-Transport-Security"].startswith("max-age=")


def test_serve_refuses_the_network_in_single_user_mode(monkeypatch):
    monkeypatch.delenv("MOCKLOOP_MULTI_USER", raising=False)
    monkeypatch.delenv("MOCKLOOP_ALLOWED_HOSTS", raising=False)
    result = CliRunner().invoke(main, ["serve", "--host", "0.0.0.0"])
    assert result.exit_code == 1 and "single-user mode" in result.output and "--allow-network" in result.output
    result = CliRunner().invoke(main, ["serve", "--host", "0.0.0.0", "--allow-network"])
    assert result.exit_code == 1 and "MOCKLOOP_ALLOWED_HOSTS" in result.output


def test_share_links_and_the_api_document_use_the_public_url(tmp_path, bank, clock):
    app = make_app(tmp_path, bank, clock, PUBLIC_URL="https://mockloop.example.org/")
    c = app.test_client()
    assert c.get("/api/openapi.json").get_json()["servers"] == [{"url": "https://mockloop.example.org"}]
