"""The pages: share, blind grading, live view, practice, self-assessment, comparison; CSRF and escaping."""
import re

from sqlalchemy import select

from simulator.peers.models import PeerGrade
from tests.peers.conftest import csrf_token, form_data, token_of, web_drill
from tests.web.test_accessibility import check

XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def new_link(client, loop_id, scope="loop", days="7"):
    response = client.post(f"/loops/{loop_id}/share", data={"csrf_token": csrf_token(client), "scope": scope, "days": days})
    html = response.get_data(as_text=True)
    assert response.status_code == 200, html
    return token_of(re.search(r'id="new-link" type="text" readonly value="([^"]+)"', html).group(1))


def grade_form(client, token, position=1, **fields):
    data = {"csrf_token": csrf_token(client, f"/p/{token}/{position}"), **fields}
    return client.post(f"/p/{token}/{position}", data=data)


def test_share_page_creates_a_link_shown_once_lists_it_and_revokes_it(app, client, api):
    loop_id, _ = web_drill(api)
    assert "No links yet" in client.get(f"/loops/{loop_id}/share").get_data(as_text=True)
    token = new_link(client, loop_id, days="3")
    page = client.get(f"/loops/{loop_id}/share").get_data(as_text=True)
    assert token not in page and 'class="status">active' in page
    peer = app.test_client()
    assert peer.get(f"/p/{token}").status_code == 200
    link_id = re.search(r'/share-links/(\d+)/revoke', page).group(1)
    response = client.post(f"/share-links/{link_id}/revoke", data={"csrf_token": csrf_token(client)})
    assert response.status_code == 302 and response.headers["Location"] == f"/loops/{loop_id}/share"
    assert 'class="status">revoked' in client.get(f"/loops/{loop_id}/share").get_data(as_text=True)
    assert peer.get(f"/p/{token}").status_code == 404 and peer.get(f"/p/{token}/1").status_code == 404


def test_share_form_errors_are_shown(client, api):
    loop, _ = api.drill()  # not finished: only a round can be shared
    response = client.post(f"/loops/{loop['id']}/share", data={"csrf_token": csrf_token(client), "scope": "loop"})
    assert response.status_code == 400 and "once every round is in" in response.get_data(as_text=True)
    response = client.post(f"/loops/{loop['id']}/share", data={"csrf_token": csrf_token(client), "scope": "1", "days": "99"})
    assert response.status_code == 400 and "from 1 to 30 days" in response.get_data(as_text=True)


def test_the_blind_grading_page_shows_question_escaped_answer_and_the_rubric_form_only(app, client, api):
    loop_id, _ = web_drill(api, answer="gradient accumulation " + XSS)
    token = new_link(client, loop_id)
    first = app.test_client()
    assert grade_form(first, token, **form_data({"depth": 2}, display_name="Earlier Peer")).status_code == 302
    peer = app.test_client()
    html = peer.get(f"/p/{token}/1").get_data(as_text=True)
    assert "Whether the candidate can explain it." in html and "Explain topic number" in html
    assert XSS not in html and "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in html
    for criterion in ("depth", "clarity"):
        for level in range(1, 6):
            assert f'id="level-{criterion}-{level}" value="{level}"' in html
        assert f'name="note-{criterion}"' in html
    assert "level 3: observable behaviour number 3" in html and 'name="feedback"' in html
    assert re.search(r'name="csrf_token" value="[^"]+"', html)
    assert "Earlier Peer" not in html and "Keyword grader" not in html and "Every grade so far" not in html
    response = grade_form(peer, token, **form_data({"depth": 4, "clarity": 3}, display_name=XSS, feedback="Nice " + XSS))
    assert response.status_code == 302
    html = peer.get(f"/p/{token}/1").get_data(as_text=True)
    assert "Every grade so far" in html and "Earlier Peer" in html and "Keyword grader" in html
    assert XSS not in html and "&lt;img src=x onerror=alert(1)&gt;" in html
    assert 'id="grade-form"' not in html


def test_a_form_with_nothing_rated_comes_back_with_the_error(app, client, api):
    loop_id, _ = web_drill(api)
    token = new_link(client, loop_id)
    peer = app.test_client()
    response = grade_form(peer, token, display_name="Kept name", feedback="kept feedback")
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and "rate at least one criterion" in html
    assert 'value="Kept name"' in html and "kept feedback" in html


def test_the_live_view_has_the_script_checklist_probes_countdown_and_records_ticks(app, client, api, clock):
    loop, _ = api.drill()  # started: 10 minutes on the clock
    clock.advance(90)
    token = new_link(client, loop["id"], scope="1")
    peer = app.test_client()
    html = peer.get(f"/p/{token}/1/live").get_data(as_text=True)
    assert 'id="countdown">8:30<' in html and "Explain topic number" in html and "What it tests" in html
    assert 'type="checkbox" id="kp-a" name="kp-a"' in html and "gradient accumulation" in html
    assert "What happens when the batch does not fit?" in html and "How would you explain it to a new hire?" in html
    assert f'"live_url": "/api/peer/{token}/rounds/1/live"' in html
    assert peer.get(f"/api/peer/{token}/rounds/1/live").get_json()["time_left_s"] == 510
    assert "not submitted this round yet" in peer.get(f"/p/{token}/1").get_data(as_text=True)
    response = peer.post(f"/p/{token}/1", data={"csrf_token": csrf_token(peer, f"/p/{token}/1/live"), "live": "1",
                                                "kp-a": "1", "level-depth": "3", "display_name": "Interviewer"})
    assert response.status_code == 302
    with app.app_context():
        from web.extensions import sessions

        with sessions()() as s:
            grade = s.scalars(select(PeerGrade)).one().payload
    assert grade["criteria"][0]["key_points_covered"] == ["a"] and grade["criteria"][1]["key_points_missing"] == ["b", "b2", "b3"]


def test_practice_shows_an_example_without_its_levels_then_where_you_differ(app, client, api):
    loop_id, _ = web_drill(api)
    token = new_link(client, loop_id)
    peer = app.test_client()
    assert "Practise first on 2 example answers" in peer.get(f"/p/{token}").get_data(as_text=True)
    html = peer.get(f"/p/{token}/practice/1").get_data(as_text=True)
    assert "Gradient accumulation sums micro-batch gradients" in html and "Intended" not in html
    response = peer.post(f"/p/{token}/practice/1", data={"csrf_token": csrf_token(peer, f"/p/{token}/practice/1"),
                                                         **form_data({"depth": 2, "clarity": 4})})
    html = response.get_data(as_text=True)
    assert "on 1 of 2 criteria" in html and "differs</strong>: level 5 reads" in html and "Next example" in html
    assert peer.get(f"/p/{token}/practice/3").status_code == 404


def test_self_assessment_then_the_comparison_states_the_gap(client, api):
    loop_id, round_id = web_drill(api)
    page = client.get(f"/rounds/{round_id}/self").get_data(as_text=True)
    assert 'id="self-form"' in page
    data = {"csrf_token": csrf_token(client), **form_data({"depth": 5, "clarity": 5})}
    assert client.post(f"/rounds/{round_id}/self", data=data).status_code == 302
    assert "You have graded yourself" in client.get(f"/rounds/{round_id}/self").get_data(as_text=True)
    html = client.get(f"/loops/{loop_id}/comparison").get_data(as_text=True)
    assert re.search(r"You rated yourself \d\.\d levels above the keyword grader on average", html)
    assert 'class="grader-self">Self<' in html


def test_opening_the_scorecard_closes_self_assessment(client, api):
    loop_id, round_id = web_drill(api)
    assert 'id="share-link"' in client.get(f"/loops/{loop_id}/scorecard").get_data(as_text=True)
    html = client.get(f"/rounds/{round_id}/self").get_data(as_text=True)
    assert "closed when you saw the automatic grades (scorecard" in html and 'id="self-form"' not in html
    data = {"csrf_token": csrf_token(client), **form_data({"depth": 5})}
    assert client.post(f"/rounds/{round_id}/self", data=data).status_code == 409


def test_every_form_needs_the_csrf_token(app, client, api):
    loop_id, round_id = web_drill(api)
    token = new_link(client, loop_id)
    link_id = re.search(r"/share-links/(\d+)/revoke", client.get(f"/loops/{loop_id}/share").get_data(as_text=True)).group(1)
    peer = app.test_client()
    peer.get(f"/p/{token}/1")  # the peer has a session, but the post carries no token (or a forged one)
    for c, path in ((client, f"/loops/{loop_id}/share"), (client, f"/share-links/{link_id}/revoke"),
                    (client, f"/rounds/{round_id}/self"), (peer, f"/p/{token}/1"), (peer, f"/p/{token}/practice/1")):
        for extra in ({}, {"csrf_token": "forged"}):
            response = c.post(path, data={**form_data({"depth": 3}), "scope": "loop", **extra})
            assert response.status_code == 400 and "security token" in response.get_data(as_text=True), path
    assert peer.get(f"/p/{token}").status_code == 200  # nothing was revoked


def test_every_peer_page_is_labelled(app, client, api):
    loop_id, round_id = web_drill(api)
    token = new_link(client, loop_id)
    peer = app.test_client()
    grade_form(peer, token, **form_data({"depth": 3}))
    paths = [(client, f"/loops/{loop_id}/share"), (client, f"/rounds/{round_id}/self"),
             (client, f"/loops/{loop_id}/comparison"), (app.test_client(), f"/p/{token}"),
             (app.test_client(), f"/p/{token}/1"), (app.test_client(), f"/p/{token}/1/live"),
             (peer, f"/p/{token}/1"), (app.test_client(), f"/p/{token}/practice/1")]
    for c, path in paths:
        check(c.get(path).get_data(as_text=True), path)


def test_the_finished_loop_page_offers_self_assessment_before_the_scorecard(client, api):
    loop_id, _ = web_drill(api)
    page = client.get(f"/loops/{loop_id}").get_data(as_text=True)
    links = re.findall(r'href="/rounds/(\d+)/self"', page)
    assert len(links) == 1 and 'id="self-assessment"' in page
    assert client.get(f"/rounds/{links[0]}/self").status_code == 200
    card = client.get(f"/loops/{loop_id}/scorecard").get_data(as_text=True)
    assert 'href="/teams/share/loops/%s"' % loop_id in card
