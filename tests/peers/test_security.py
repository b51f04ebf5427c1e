"""What a share link grants, and nothing more: one loop (or round), no account data, nothing of anyone else;
dead and foreign tokens get one indistinguishable 404; ids in URLs and bodies cannot widen the scope;
concurrent peers both land."""
import threading

from tests.peers.conftest import Api, csrf_token, form_data, share, signed_in, web_drill

PEER_PAGES = ["/p/{t}", "/p/{t}/1", "/p/{t}/1/live", "/p/{t}/practice/1"]
PEER_API = ["/api/peer/{t}", "/api/peer/{t}/rounds/1/live", "/api/peer/{t}/practice"]


def two_candidates(multi_app):
    alice, bob = Api(signed_in(multi_app, "alice")), Api(signed_in(multi_app, "bob"))
    a_loop, a_round = web_drill(alice, answer="alice answered about gradient accumulation")
    b_loop, b_round = web_drill(bob, round_type="math_fundamentals", answer="bob's private answer")
    return alice, bob, (a_loop, a_round), (b_loop, b_round)


def test_a_link_grants_its_loop_only_and_no_account_data(multi_app):
    alice, bob, (a_loop, a_round), (b_loop, b_round) = two_candidates(multi_app)
    token = share(alice, a_loop)["token"]
    peer = multi_app.test_client()
    scope = peer.get(f"/api/peer/{token}").get_json()
    assert [r["question_id"] for r in scope["rounds"]] == [alice.get(f"/api/rounds/{a_round}")["question_id"]]
    for path in PEER_PAGES:
        html = peer.get(path.format(t=token)).get_data(as_text=True)
        assert "bob's private answer" not in html and "alice" not in html.replace("alice answered", ""), path
    for position in (0, 2, 3, b_round, b_loop):  # another position, or bob's ids where a position goes
        assert peer.get(f"/p/{token}/{position}").status_code == 404
        assert peer.get(f"/api/peer/{token}/rounds/{position}/live").status_code == 404
        assert peer.post(f"/api/peer/{token}/rounds/{position}/grades", json={"levels": {"depth": 3}}).status_code == 404
    # the token is not a session: the peer's browser reaches nothing that needs an account
    assert peer.get("/api/loops").status_code == 401 and peer.get(f"/api/loops/{a_loop}").status_code == 401
    for path in ("/account", "/history", f"/loops/{a_loop}", f"/loops/{a_loop}/share", f"/loops/{a_loop}/comparison",
                 f"/rounds/{a_round}/self", f"/loops/{a_loop}/scorecard"):
        response = peer.get(path)
        assert response.status_code == 302 and response.headers["Location"].startswith("/login"), path
    assert peer.get(f"/api/peer/{token}", headers={"Authorization": f"Bearer {token}"}).status_code == 401


def test_ids_in_api_bodies_cannot_move_a_grade_to_another_loop_or_round(multi_app):
    alice, bob, (a_loop, a_round), (b_loop, b_round) = two_candidates(multi_app)
    token = share(alice, a_loop)["token"]
    peer = multi_app.test_client()
    for extra in ({"round_id": b_round}, {"loop_id": b_loop}, {"round": 1}, {"position": 1}):
        response = peer.post(f"/api/peer/{token}/rounds/1/grades", json={"levels": {"depth": 3}, **extra})
        assert response.status_code == 400 and "unknown field" in response.get_json()["message"]
    assert bob.get(f"/api/loops/{b_loop}/comparison")["rounds"][0]["graders"][0]["kind"] != "peer"
    assert [g["kind"] for g in alice.get(f"/api/loops/{a_loop}/comparison")["rounds"][0]["graders"]] == ["keyword"]


def test_expired_revoked_foreign_and_malformed_tokens_get_the_same_404(multi_app, clock):
    alice, bob, (a_loop, _), (b_loop, _) = two_candidates(multi_app)
    expired = share(alice, a_loop, expires_in_days=1)["token"]
    revoked = share(alice, a_loop)
    alice.call("DELETE", f"/api/share-links/{revoked['id']}", status=200)
    live = share(alice, a_loop, expires_in_days=2)["token"]
    clock.advance(86400 + 1)
    foreign = "mlp_" + "Z" * 43
    peer = multi_app.test_client()
    bodies = set()
    for token in (expired, revoked["token"], foreign, "mlp_short", "x" * 47):
        for path in PEER_PAGES + PEER_API:
            response = peer.get(path.format(t=token))
            assert response.status_code == 404, (token, path)
            bodies.add(response.get_data(as_text=True) if path.startswith("/api") else "page")
        post = peer.post(f"/api/peer/{token}/rounds/1/grades", json={"levels": {"depth": 3}})
        assert post.status_code == 404
        bodies.add(post.get_data(as_text=True))
        page_post = peer.post(f"/p/{token}/1", data={"csrf_token": csrf_token(peer), **form_data({"depth": 3})})
        assert page_post.status_code == 404
    assert len(bodies) == 2  # one JSON body for every API refusal, and the page: no hint which kind of token
    assert peer.get(f"/api/peer/{live}").status_code == 200


def test_another_user_cannot_list_create_or_revoke_links_on_your_loop(multi_app):
    alice, bob, (a_loop, a_round), _ = two_candidates(multi_app)
    link = share(alice, a_loop)
    bob_csrf = csrf_token(bob.client)
    assert bob.client.post(f"/share-links/{link['id']}/revoke", data={"csrf_token": bob_csrf}).status_code == 404
    assert bob.call("DELETE", f"/api/share-links/{link['id']}").status_code == 404
    assert bob.call("GET", f"/api/loops/{a_loop}/share-links").status_code == 404
    assert bob.call("POST", f"/api/loops/{a_loop}/share-links", json={}).status_code == 404
    assert bob.call("GET", f"/api/loops/{a_loop}/comparison").status_code == 404
    assert bob.call("POST", f"/api/rounds/{a_round}/self-assessment", json={"levels": {"depth": 5}}).status_code == 404
    assert alice.get(f"/api/loops/{a_loop}/share-links")["links"][0]["status"] == "active"


def test_peers_are_anonymous_unless_signed_in_and_never_grade_their_own_loop(multi_app):
    alice, _, (a_loop, _), _ = two_candidates(multi_app)
    token = share(alice, a_loop)["token"]
    carol = signed_in(multi_app, "carol")
    assert 'value="carol"' in carol.get(f"/p/{token}/1").get_data(as_text=True)  # her name, editable
    anonymous = multi_app.test_client()
    assert 'name="display_name" maxlength="60" value=""' in anonymous.get(f"/p/{token}/1").get_data(as_text=True)
    own = alice.client.post(f"/p/{token}/1", data={"csrf_token": csrf_token(alice.client), **form_data({"depth": 3})})
    assert own.status_code == 409 and "your own loop" in own.get_data(as_text=True)
    assert carol.post(f"/p/{token}/1", data={"csrf_token": csrf_token(carol), **form_data({"depth": 3}),
                                             "display_name": "carol"}).status_code == 302
    anonymous.post(f"/p/{token}/1", data={"csrf_token": csrf_token(anonymous), **form_data({"depth": 2})})
    labels = [g["label"] for g in alice.get(f"/api/loops/{a_loop}/comparison")["rounds"][0]["graders"]]
    assert labels == ["carol", "Anonymous peer", "Keyword grader"]


def test_a_peer_sees_no_other_grade_before_submitting(multi_app):
    alice, _, (a_loop, a_round), _ = two_candidates(multi_app)
    alice.post(f"/api/rounds/{a_round}/self-assessment", {"levels": {"depth": 5}, "feedback": "SELFNOTE"}, status=201)
    token = share(alice, a_loop)["token"]
    first = multi_app.test_client()
    first.post(f"/api/peer/{token}/rounds/1/grades", json={"levels": {"depth": 1}, "display_name": "First", "feedback": "SECRET"})
    second = multi_app.test_client()
    scope = second.get(f"/api/peer/{token}").get_json()
    html = second.get(f"/p/{token}/1").get_data(as_text=True)
    for hidden in ("SECRET", "First", "SELFNOTE", "Keyword grader"):
        assert hidden not in str(scope) and hidden not in html
    out = second.post(f"/api/peer/{token}/rounds/1/grades", json={"levels": {"depth": 4}, "display_name": "Second"}).get_json()
    assert [g["label"] for g in out["round"]["graders"]] == ["Self", "First", "Second", "Keyword grader"]


def test_two_peers_submitting_at_once_both_land(multi_app):
    """Two browsers post the form at the same instant, through the app's real (migrated, file) database."""
    alice, _, (a_loop, _), _ = two_candidates(multi_app)
    token = share(alice, a_loop)["token"]
    clients = [multi_app.test_client() for _ in range(2)]
    forms = [{"csrf_token": csrf_token(c, f"/p/{token}/1"), **form_data({"depth": 2 + n}), "display_name": f"peer {n}"}
             for n, c in enumerate(clients)]
    barrier, statuses = threading.Barrier(2), []

    def post(n):
        barrier.wait()
        statuses.append(clients[n].post(f"/p/{token}/1", data=forms[n]).status_code)

    threads = [threading.Thread(target=post, args=(n,)) for n in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert statuses == [302, 302]
    labels = sorted(g["label"] for g in alice.get(f"/api/loops/{a_loop}/comparison")["rounds"][0]["graders"])
    assert labels == ["Keyword grader", "peer 0", "peer 1"]
    assert alice.get(f"/api/loops/{a_loop}/share-links")["links"][0]["grades"] == 2
