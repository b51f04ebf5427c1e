"""Accounts on a shared server: register, sign in and out, the rate limit, tokens; none of it on a local install."""
from tests.web.conftest import PASSWORD, AuthActions, csrf_token


def test_single_user_has_no_sign_up(client):
    assert client.get("/register").status_code == 404
    assert client.get("/login").status_code == 404
    assert client.get("/loops/new").status_code == 200  # the local user, no sign-in


def test_register_signs_in_and_logout_signs_out(multi_client, auth):
    assert multi_client.get("/loops/new").status_code == 302
    response = auth.register()
    assert response.status_code == 302 and response.headers["Location"] == "/loops/new"
    assert multi_client.get("/loops/new").status_code == 200
    assert "Sign out alice" in multi_client.get("/").get_data(as_text=True)
    auth.logout()
    assert multi_client.get("/loops/new").status_code == 302


def test_register_errors_are_shown_on_the_fields(multi_client, auth):
    auth.register("alice")
    multi_client.post("/logout", data={"csrf_token": csrf_token(multi_client)})
    response = auth.register("alice")
    assert response.status_code == 400 and "That username is taken." in response.get_data(as_text=True)
    response = auth.register("bob", "short")
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and 'aria-invalid="true"' in html


def test_login_checks_the_password_and_keeps_next_on_site(multi_client, auth):
    auth.register()
    auth.logout()
    assert auth.login(password="wrong password").status_code == 401
    token = csrf_token(multi_client, "/login")
    response = multi_client.post("/login?next=/history", data={"csrf_token": token, "username": "alice", "password": PASSWORD})
    assert response.headers["Location"] == "/history"
    auth.logout()
    token = csrf_token(multi_client, "/login")
    for evil in ("https://evil.example/", "//evil.example/x", "/\\evil.example"):
        response = multi_client.post(f"/login?next={evil}", data={"csrf_token": token, "username": "alice", "password": PASSWORD})
        assert response.headers["Location"] == "/loops/new"
        auth.logout()
        token = csrf_token(multi_client, "/login")


def test_login_rate_limit_then_recovery_on_the_clock(multi_client, auth, clock):
    auth.register()
    auth.logout()
    for _ in range(5):
        assert auth.login(password="wrong password").status_code == 401
    response = auth.login()
    assert response.status_code == 429 and "Too many failed sign-ins" in response.get_data(as_text=True)
    clock.advance(15 * 60 + 1)
    assert auth.login().status_code == 302


def test_account_page_creates_a_token_once_and_stores_only_its_hash(multi_app, multi_client, auth):
    auth.register()
    html = multi_client.post("/account/token", data={"csrf_token": csrf_token(multi_client)}).get_data(as_text=True)
    import re

    token = re.search(r'id="new-token" type="text" readonly value="([^"]+)"', html).group(1)
    assert token.startswith("mlt_")
    assert token not in multi_client.get("/account").get_data(as_text=True)
    api = multi_app.test_client()  # no cookie: the token alone
    assert api.get("/api/loops", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    multi_client.post("/account/token/revoke", data={"csrf_token": csrf_token(multi_client)})
    assert api.get("/api/loops", headers={"Authorization": f"Bearer {token}"}).status_code == 401


def test_local_user_can_make_a_token_too(app, client):
    html = client.post("/account/token", data={"csrf_token": csrf_token(client)}).get_data(as_text=True)
    assert 'id="new-token"' in html


def test_a_cookie_copied_before_sign_out_is_dead_after_it(multi_app, multi_client, auth):
    auth.register()
    cookie = multi_client.get_cookie("mockloop_session").value
    thief = multi_app.test_client()
    thief.set_cookie("mockloop_session", cookie)
    assert thief.get("/loops/new").status_code == 200  # the copied cookie works while the session lives
    auth.logout()
    assert thief.get("/loops/new").status_code == 302  # signing out ended it everywhere
    auth.login()
    assert multi_client.get("/loops/new").status_code == 200 and thief.get("/loops/new").status_code == 302


NEW_PASSWORD = "a new and longer passphrase"


def change_password(client, current=PASSWORD, new=NEW_PASSWORD, confirm=None):
    return client.post("/account/password", data={"csrf_token": csrf_token(client, "/account"),
                                                  "current_password": current, "new_password": new,
                                                  "confirm": new if confirm is None else confirm})


def copied_cookie(app, client):
    thief = app.test_client()
    thief.set_cookie("mockloop_session", client.get_cookie("mockloop_session").value)
    assert thief.get("/loops/new").status_code == 200
    return thief


def test_changing_the_password_ends_every_other_session_and_keeps_this_one(multi_app, multi_client, auth):
    auth.register()
    thief = copied_cookie(multi_app, multi_client)
    response = change_password(multi_client)
    assert response.status_code == 302 and response.headers["Location"] == "/account"
    assert "every other session is signed out" in multi_client.get("/account").get_data(as_text=True)
    assert multi_client.get("/loops/new").status_code == 200  # this session was re-issued
    assert thief.get("/loops/new").status_code == 302  # the copied cookie is dead
    other = AuthActions(multi_app.test_client())
    assert other.login(password=PASSWORD).status_code == 401
    assert other.login(password=NEW_PASSWORD).status_code == 302


def test_a_wrong_current_password_is_a_clear_error_and_changes_nothing(multi_app, multi_client, auth):
    auth.register()
    thief = copied_cookie(multi_app, multi_client)
    response = change_password(multi_client, current="not my password")
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and "The current password is wrong; the password is unchanged." in html
    assert 'id="current_password-error"' in html
    assert change_password(multi_client, new="short").status_code == 400  # the new one too short: unchanged
    assert change_password(multi_client, confirm="something else entirely").status_code == 400
    assert thief.get("/loops/new").status_code == 200 and multi_client.get("/loops/new").status_code == 200
    other = AuthActions(multi_app.test_client())
    assert other.login(password=NEW_PASSWORD).status_code == 401
    assert other.login(password=PASSWORD).status_code == 302


def test_wrong_current_passwords_count_as_failed_sign_ins(multi_client, auth):
    auth.register()
    for _ in range(5):
        assert change_password(multi_client, current="not my password").status_code == 400
    response = change_password(multi_client)
    assert response.status_code == 429 and "Too many wrong passwords" in response.get_data(as_text=True)


def test_a_local_install_has_no_password_to_change(client):
    assert "current-password" not in client.get("/account").get_data(as_text=True)
    assert change_password(client).status_code == 404
