"""In real Chromium: a candidate finishes a drill and shares it, a peer grades it in a fresh browser context,
the candidate compares and revokes, and the link stops working; a live interviewer's countdown follows the
server's deadline. The app runs in a thread on a fake clock."""
from __future__ import annotations

import re

import pytest

from tests.peers.conftest import Api, share
from tests.web.conftest import make_app
from tests.web.test_browser import LiveServer, browser, expect_text, text_grader  # noqa: F401  (fixtures)

pytestmark = pytest.mark.browser


@pytest.fixture
def contexts(browser):  # noqa: F811
    """New browser contexts (separate cookies: separate people); fail on any script error or CSP violation."""
    opened, problems = [], []

    def new_page():
        context = browser.new_context()
        context.on("weberror", lambda e: problems.append(f"script error: {e.error}"))
        context.on("console", lambda m: problems.append(m.text) if "Content Security Policy" in m.text else None)
        opened.append(context)
        page = context.new_page()
        page.set_default_timeout(10_000)
        return page

    yield new_page
    for context in opened:
        context.close()
    assert not problems, problems


def serve(tmp_path, bank, clock, **config):
    return LiveServer(lambda: make_app(tmp_path, bank, clock, AUTOSAVE_MS=300, **config))


def test_share_grade_compare_revoke(tmp_path, bank, clock, text_grader, contexts):  # noqa: F811
    server = serve(tmp_path, bank, clock, MULTI_USER=True)
    try:
        base, candidate = server.url, contexts()
        candidate.goto(base + "/register")
        candidate.fill("#username", "casey")
        candidate.fill("#password", "correct horse battery")
        candidate.fill("#confirm", "correct horse battery")
        candidate.click("#submit")
        candidate.select_option("#track", "research-engineer")
        candidate.select_option("#round", "behavioral")
        candidate.click("#submit")
        candidate.click("#start-round")
        candidate.fill("#answer", "I used gradient accumulation to fit the batch, with a <b>clear</b> structure.")
        candidate.once("dialog", lambda d: d.accept())  # submitting early asks for confirmation
        candidate.click("#submit-round")
        candidate.click("#scorecard-link")
        candidate.click("#share-link")
        candidate.select_option("#scope", "loop")
        candidate.click("#create-link")
        link = candidate.input_value("#new-link")
        assert re.fullmatch(r"http://127\.0\.0\.1:\d+/p/mlp_[A-Za-z0-9_-]{43}", link)

        peer = contexts()  # a fresh context: no cookie of the candidate's
        peer.goto(link)
        assert "casey" not in peer.content()
        peer.click("text=Grade this round")
        assert "<b>clear</b>" in peer.text_content("#answer")  # the answer is shown as text
        assert peer.locator("#results").count() == 0
        peer.fill("#display_name", "Dana")
        peer.check("#level-depth-2")
        peer.check("#level-clarity-5")
        peer.fill("#note-depth", "Named the technique but did not explain it.")
        peer.fill("#feedback", "Explain why it works.")
        peer.click("#submit-grade")
        expect_text(peer, "#results-title", "Every grade so far")
        assert "Keyword grader" in peer.text_content("#results")

        candidate.click("#comparison-link")
        table = candidate.text_content("#comparison-1")
        assert "Dana" in table and "Keyword grader" in table
        assert "Dana 2 of 2" in candidate.text_content("main")
        candidate.click("text=Share links")
        candidate.click("#links button.revoke")
        expect_text(candidate, "#links td.status", "revoked")

        peer.reload()
        expect_text(peer, "h1", "Not found")
        peer.goto(link)
        expect_text(peer, "h1", "Not found")
    finally:
        server.stop()


def test_the_live_interviewer_countdown_follows_the_server(tmp_path, bank, clock, contexts):
    server = serve(tmp_path, bank, clock)
    try:
        api = Api(server.app.test_client())
        loop = api.post("/api/loops", {"track": "research-engineer", "round": "behavioral", "seed": 7}, status=201)
        link = share(api, loop["id"], round=1)
        interviewer = contexts()
        interviewer.goto(f"{server.url}/p/{link['token']}/1/live")
        expect_text(interviewer, "#countdown", "not started")
        api.post(f"/api/loops/{loop['id']}/next")
        expect_text(interviewer, "#countdown", r"^(10:00|9:5\d)$")
        clock.advance(150)
        expect_text(interviewer, "#countdown", r"^7:(30|2\d)$")
        interviewer.check("#kp-a")
        interviewer.check("#level-depth-3")
        interviewer.click("#submit-grade")
        expect_text(interviewer, "#results-title", "Every grade so far")
    finally:
        server.stop()
