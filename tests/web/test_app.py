"""The app factory: secret key rules, cookie flags, security headers, settings from the environment."""
import pytest

from web import create_app
from web.config import ConfigError
from tests.web.conftest import SECRET, make_app


def test_multi_user_refuses_to_start_with_the_dev_key_or_a_short_one(tmp_path, bank, clock):
    for key in (None, "dev-only-change-me", "short"):
        with pytest.raises(ConfigError, match="MOCKLOOP_SECRET_KEY"):
            make_app(tmp_path, bank, clock, MULTI_USER=True, SECRET_KEY=key)


def test_multi_user_from_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("MOCKLOOP_MULTI_USER", "1")
    monkeypatch.delenv("MOCKLOOP_SECRET_KEY", raising=False)
    with pytest.raises(ConfigError):
        create_app()
    monkeypatch.setenv("MOCKLOOP_SECRET_KEY", SECRET)
    monkeypatch.setenv("MOCKLOOP_SECURE_COOKIES", "true")
    app = create_app()
    assert app.config["MULTI_USER"] is True and app.config["SECRET_KEY"] == SECRET
    assert app.config["SESSION_COOKIE_SECURE"] is True


def test_single_user_makes_and_keeps_a_random_key_in_the_data_folder(monkeypatch, tmp_path):
    monkeypatch.delenv("MOCKLOOP_SECRET_KEY", raising=False)
    first = create_app().config["SECRET_KEY"]
    second = create_app().config["SECRET_KEY"]
    assert first == second and first != "dev-only-change-me" and len(first) >= 32
    path = tmp_path / "data" / "secret_key"
    assert path.read_text() == first and path.stat().st_mode & 0o777 == 0o600


def test_session_cookie_is_httponly_and_lax(multi_app, auth):
    response = auth.register()
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie
    assert multi_app.config["SESSION_COOKIE_HTTPONLY"] and multi_app.config["SESSION_COOKIE_SAMESITE"] == "Lax"


def test_secure_cookies_when_configured(tmp_path, bank, clock):
    app = make_app(tmp_path, bank, clock, MULTI_USER=True, SECURE_COOKIES=1)
    from tests.web.conftest import AuthActions

    response = AuthActions(app.test_client()).register()
    assert "Secure" in response.headers["Set-Cookie"]


def test_security_headers(client):
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp and "unsafe-inline" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Cache-Control"] == "no-store"
    assert "no-store" not in client.get("/static/app.css").headers.get("Cache-Control", "")


def test_static_assets_are_local(client):
    html = client.get("/").get_data(as_text=True)
    assert "http://" not in html.replace("http://localhost", "") and "https://" not in html
    for name in ("app.css", "round.js", "editor.js"):
        assert client.get(f"/static/{name}").status_code == 200


def test_behind_a_trusted_proxy_the_login_limit_sees_the_client_address(tmp_path, bank, clock):
    from tests.web.conftest import AuthActions, csrf_token

    app = make_app(tmp_path, bank, clock, MULTI_USER=True, TRUSTED_PROXIES=1)
    client = app.test_client()
    auth = AuthActions(client)
    auth.register()
    auth.logout()
    for _ in range(5):
        token = csrf_token(client, "/login")
        client.post("/login", data={"csrf_token": token, "username": "alice", "password": "wrong password"},
                    headers={"X-Forwarded-For": "203.0.113.9"})
    token = csrf_token(client, "/login")
    other = client.post("/login", data={"csrf_token": token, "username": "alice", "password": "correct horse battery"},
                        headers={"X-Forwarded-For": "198.51.100.7"})
    assert other.status_code == 302  # another client behind the same proxy is not locked out
