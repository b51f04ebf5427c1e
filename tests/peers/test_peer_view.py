"""A share link gives a peer-only view wherever it is opened (issue 17, item 9): no owner navigation on the peer's
pages, and in single-user mode (everyone who reaches the server is the local user) a browser that came in through a
link is refused the owner's pages and API by the server, not just shown fewer links."""
import re

from tests.peers.conftest import Api, form_data, signed_in, web_drill
from tests.peers.test_pages import grade_form, new_link

OWNER_LINKS = ('href="/history"', 'href="/loops/new"', 'href="/teams/"', 'href="/account"')


def test_a_peer_who_follows_the_link_sees_and_reaches_only_the_review(app, client, api):
    loop_id, round_id = web_drill(api)
    token = new_link(client, loop_id)
    peer = app.test_client()  # another browser: the link is the first thing it opens
    html = peer.get(f"/p/{token}").get_data(as_text=True)
    assert not any(link in html for link in OWNER_LINKS)
    assert f'<a href="/p/{token}">mockloop peer review</a>' in html
    page = peer.get(f"/p/{token}/1").get_data(as_text=True)
    assert 'id="grade-form"' in page and not any(link in page for link in OWNER_LINKS)

    for path in ("/history", f"/loops/{loop_id}/scorecard", f"/loops/{loop_id}", f"/rounds/{round_id}", "/",
                 "/loops/new", "/teams/", "/account", f"/loops/{loop_id}/share", f"/loops/{loop_id}/comparison"):
        response = peer.get(path)
        assert response.status_code == 302 and response.headers["Location"] == f"/p/{token}", path
    landing = peer.get("/history", follow_redirects=True).get_data(as_text=True)
    assert "it shows only that review" in landing and "Grade this round" in landing
    for path in ("/api/loops", f"/api/loops/{loop_id}", f"/api/loops/{loop_id}/scorecard", f"/api/rounds/{round_id}"):
        response = peer.get(path)
        assert response.status_code == 403 and "only that review" in response.get_json()["message"], path
    assert peer.get(f"/api/peer/{token}").status_code == 200  # what the review needs still works
    assert peer.get(f"/api/peer/{token}/rounds/1/live").status_code == 200
    assert grade_form(peer, token, **form_data({"depth": 3}, display_name="Dana")).status_code == 302
    assert "Every grade so far" in peer.get(f"/p/{token}/1").get_data(as_text=True)


def test_the_owner_opening_their_own_link_keeps_their_app(client, api):
    loop_id, _ = web_drill(api)
    token = new_link(client, loop_id)
    html = client.get(f"/p/{token}").get_data(as_text=True)  # to check what the peer will see
    assert 'href="/history"' not in html  # the review's own header here too
    assert client.get("/history").status_code == 200
    assert client.get(f"/loops/{loop_id}/scorecard").status_code == 200


def test_a_signed_in_peer_on_a_shared_server_sees_the_review_header(multi_app):
    owner, peer = signed_in(multi_app, "casey"), signed_in(multi_app, "dana")
    loop_id, _ = web_drill(Api(owner))
    token = new_link(owner, loop_id)
    html = peer.get(f"/p/{token}").get_data(as_text=True)
    assert not any(link in html for link in OWNER_LINKS) and "casey" not in html
    assert peer.get("/history").status_code == 200  # accounts separate people here: dana's own history
    assert not re.search(r"/loops/%d\b" % loop_id, peer.get("/history").get_data(as_text=True))


def test_a_link_that_names_this_computer_says_so_and_the_public_url_fixes_it(tmp_path, bank, clock, client, api):
    from tests.peers.conftest import csrf_token
    from tests.web.conftest import make_app

    loop_id, _ = web_drill(api)
    html = client.post(f"/loops/{loop_id}/share", data={"csrf_token": csrf_token(client), "scope": "loop"}
                       ).get_data(as_text=True)
    assert re.search(r'value="http://localhost/p/mlp_', html) and 'id="this-machine-only"' in html
    lan = make_app(tmp_path, bank, clock, PUBLIC_URL="http://192.168.1.20:5000/",
                   ALLOWED_HOSTS="localhost,127.0.0.1,192.168.1.20")
    owner = lan.test_client()
    html = owner.post(f"/loops/{loop_id}/share", data={"csrf_token": csrf_token(owner), "scope": "loop"}
                      ).get_data(as_text=True)
    link = re.search(r'id="new-link" type="text" readonly value="([^"]+)"', html).group(1)
    assert link.startswith("http://192.168.1.20:5000/p/mlp_") and 'id="this-machine-only"' not in html
    peer = lan.test_client()  # a friend on the LAN, by address
    token = link.rsplit("/", 1)[1]
    assert peer.get(f"/p/{token}", base_url="http://192.168.1.20:5000").status_code == 200
    assert peer.get("/history", base_url="http://192.168.1.20:5000").status_code == 302
