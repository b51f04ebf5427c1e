"""Every control on every page is labelled and reachable; landmarks, headings, live regions and chart names exist."""
from html.parser import HTMLParser

import pytest

from tests.web.conftest import AuthActions


class Page(HTMLParser):
    """The bits of a page that accessibility checks need."""

    def __init__(self, html):
        super().__init__()
        self.controls, self.labels, self.ids, self.buttons, self.h1, self.tabindex = [], set(), set(), [], 0, []
        self.svgs, self.lang, self._button = [], None, None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if "id" in a:
            self.ids.add(a["id"])
        if tag == "html":
            self.lang = a.get("lang")
        if tag == "label" and a.get("for"):
            self.labels.add(a["for"])
        if tag == "h1":
            self.h1 += 1
        if a.get("tabindex") not in (None, "0", "-1"):
            self.tabindex.append((tag, a))
        if tag in ("select", "textarea") or (tag == "input" and a.get("type") not in ("hidden", "submit", "button")):
            self.controls.append((tag, a))
        if tag == "input" and a.get("type") == "submit":
            self.buttons.append(a.get("value", ""))
        if tag == "button":
            self._button = ""
        if tag == "svg":
            self.svgs.append(a)

    def handle_data(self, data):
        if self._button is not None:
            self._button += data

    def handle_endtag(self, tag):
        if tag == "button" and self._button is not None:
            self.buttons.append(self._button.strip())
            self._button = None


def check(html, path):
    page = Page(html)
    assert page.lang == "en", path
    assert page.h1 == 1, f"{path}: {page.h1} h1 headings"
    assert "main" in page.ids and "Skip to content" in html, path
    for tag, a in page.controls:
        named = a.get("id") in page.labels or a.get("aria-label") or a.get("aria-labelledby")
        assert named, f"{path}: unlabelled <{tag}> {a}"
    assert all(page.buttons), f"{path}: a button without text"
    assert not page.tabindex, f"{path}: positive tabindex breaks keyboard order {page.tabindex}"
    for svg in page.svgs:
        assert svg.get("role") == "img" and all(i in page.ids for i in svg["aria-labelledby"].split()), path
    return page


def visit(client, api, clock):
    loop, rnd = api.drill()
    api.post(f"/api/rounds/{rnd['id']}/first-answer", {"text": "gradient accumulation"})
    _, code = api.drill(round_type="ml_coding")
    done_loop, done = api.drill(round_type="math_fundamentals")
    api.post(f"/api/rounds/{done['id']}/submit", {"text": "gradient accumulation with a clear structure"})
    return ["/", "/advice?mode=product", "/advice", "/loops/new", f"/loops/{loop['id']}", f"/rounds/{rnd['id']}",
            f"/rounds/{code['id']}", f"/rounds/{done['id']}", f"/loops/{done_loop['id']}/scorecard", "/history",
            "/account", "/no-such-page"]


def test_every_page_is_labelled_and_keyboard_reachable(client, api, clock):
    for path in visit(client, api, clock):
        check(client.get(path).get_data(as_text=True), path)


@pytest.mark.parametrize("path", ["/login", "/register"])
def test_account_pages_are_labelled(multi_client, path):
    check(multi_client.get(path).get_data(as_text=True), path)


def test_form_errors_are_tied_to_their_fields(multi_client):
    html = AuthActions(multi_client).register("x", "short").get_data(as_text=True)
    page = check(html, "/register (errors)")
    assert "username-error" in page.ids and 'aria-describedby="username-help username-error"' in html
    assert 'role="alert"' in html


def test_round_page_live_regions(client, api):
    _, rnd = api.drill()
    html = client.get(f"/rounds/{rnd['id']}").get_data(as_text=True)
    assert 'role="timer" aria-live="off"' in html  # the ticking clock is not read out every second...
    assert '<p id="warning" class="warning" aria-live="assertive" aria-atomic="true"></p>' in html  # ...the marks are
    assert 'id="save-status" role="status" aria-live="polite"' in html
