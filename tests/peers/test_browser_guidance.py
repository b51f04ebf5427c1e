"""In real Chromium (issue 17, item 10): the one-time share link's copy button (clipboard API, or the link selected
where the page may not use the clipboard), and a refused peer grade whose reasons take the focus."""
from __future__ import annotations

import pytest

from tests.peers.conftest import Api, share, web_drill
from tests.web.conftest import make_app
from tests.web.test_browser import LiveServer, browser, expect_text, text_grader  # noqa: F401  (fixtures)

pytestmark = pytest.mark.browser


@pytest.fixture
def server(tmp_path, bank, clock, text_grader):  # noqa: F811
    live = LiveServer(lambda: make_app(tmp_path, bank, clock))
    yield live
    live.stop()


@pytest.fixture
def new_page(browser):  # noqa: F811
    """Pages in fresh contexts; the test fails on any script error or Content-Security-Policy violation."""
    opened, problems = [], []

    def make(**options):
        init = options.pop("init_script", None)
        context = browser.new_context(**options)
        if init:
            context.add_init_script(init)
        context.on("weberror", lambda e: problems.append(f"script error: {e.error}"))
        context.on("console", lambda m: problems.append(m.text) if "Content Security Policy" in m.text else None)
        opened.append(context)
        page = context.new_page()
        page.set_default_timeout(10_000)
        return page

    yield make
    for context in opened:
        context.close()
    assert not problems, problems


def focused(page, selector: str) -> None:
    from playwright.sync_api import expect

    expect(page.locator(selector)).to_be_focused()


def create_link(page, base: str, loop_id: int) -> str:
    page.goto(f"{base}/loops/{loop_id}/share")
    page.select_option("#scope", "loop")
    page.click("#create-link")
    return page.input_value("#new-link")


def test_the_copy_button_puts_the_link_on_the_clipboard(server, new_page):
    loop_id, _ = web_drill(Api(server.app.test_client()))
    page = new_page(permissions=["clipboard-read", "clipboard-write"])
    link = create_link(page, server.url, loop_id)
    page.click("#copy-link")
    expect_text(page, "#copy-status", "^Copied\\.$")
    assert page.evaluate("navigator.clipboard.readText()") == link


def test_without_the_clipboard_api_the_link_is_selected_to_copy(server, new_page):
    loop_id, _ = web_drill(Api(server.app.test_client()))
    # as on a LAN address over plain HTTP, where the page is not a secure context and has no navigator.clipboard
    page = new_page(init_script="Object.defineProperty(navigator, 'clipboard', {value: undefined});"
                                "document.execCommand = function () { return false; };")
    link = create_link(page, server.url, loop_id)
    page.click("#copy-link")
    expect_text(page, "#copy-status", "selected: press Ctrl\\+C")
    focused(page, "#new-link")
    assert page.evaluate("[document.activeElement.selectionStart, document.activeElement.selectionEnd]") == [0, len(link)]


def test_a_refused_grade_moves_the_focus_to_its_reasons(server, new_page):
    api = Api(server.app.test_client())
    loop_id, _ = web_drill(api)
    token = share(api, loop_id)["token"]
    peer = new_page(viewport={"width": 1280, "height": 900})
    peer.goto(f"{server.url}/p/{token}/1")
    peer.fill("#display_name", "Dana")
    peer.click("#submit-grade")  # nothing rated
    expect_text(peer, "#form-errors", "rate at least one criterion")
    focused(peer, "#form-errors")
    assert peer.evaluate("document.activeElement.getAttribute('role')") == "alert"
    box = peer.locator("#form-errors").bounding_box()
    assert 0 <= box["y"] < 900  # in view, not 1,100 px below
    assert peer.input_value("#display_name") == "Dana"
    peer.click("#form-errors a")  # the line leads to the field
    peer.check("#level-depth-3")
    peer.click("#submit-grade")
    expect_text(peer, "#results-title", "Every grade so far")
