"""Journeys on the round page, in real Chromium: warnings that stay true as time passes, the timer's urgency,
a confirmation before submitting early, two tabs on one round, and follow-ups promised only when they come.
Server-side parts (the draft API's conflict answer, the page after a reload) are checked with the test client."""
from __future__ import annotations

import pytest

from tests.web.test_browser import (  # noqa: F401  (fixtures)
    browser, expect_text, expect_value, live, page, saved, started_round, text_grader,
)


def _classes(page, selector):
    return (page.get_attribute(selector, "class") or "").split()


def _expect_class(page, selector, name, timeout=10_000):
    """Wait until the element has class `name`. Polled from the test side: page.wait_for_function with a string
    evaluates it in the page, which the CSP (no unsafe-eval) refuses whenever the first check is not already true."""
    import re

    from playwright.sync_api import expect

    expect(page.locator(selector)).to_have_class(re.compile(rf"(^|\s){re.escape(name)}(\s|$)"), timeout=timeout)


def _open_round(live, page, round_type="behavioral"):
    _, rnd = started_round(live, round_type)
    page.goto(f"{live[0].url}/rounds/{rnd['id']}")
    return rnd


# ---- 1. warnings are replaced as time passes; the timer changes as the end nears --------------------------

@pytest.mark.browser
def test_warnings_do_not_go_stale_and_the_timer_grows_urgent(live, page, clock):
    _open_round(live, page)  # 10:00, marks at 5 minutes and 1 minute left
    assert _classes(page, "#countdown") == []
    clock.advance(301)
    expect_text(page, "#warning", r"^5 minutes left\.$")
    clock.advance(40)  # 4:19 left: "5 minutes left" is no longer true
    expect_text(page, "#warning", r"^$")
    clock.advance(200)  # 0:59 left
    expect_text(page, "#warning", r"^1 minute left\.$")
    _expect_class(page, "#countdown", "timer-low")
    clock.advance(40)  # 0:19 left: "1 minute left" beside 0:19 would be stale
    expect_text(page, "#warning", r"^$")
    _expect_class(page, "#countdown", "timer-critical")
    assert "timer-low" not in _classes(page, "#countdown")
    clock.advance(30)  # past the deadline
    expect_text(page, "#finished-title", "Time is up")
    assert page.text_content("#warning") == ""
    assert "timer-critical" not in _classes(page, "#countdown")


# ---- 2. submitting with lots of time left asks first ----------------------------------------------------

@pytest.mark.browser
def test_submitting_early_asks_for_confirmation_with_the_time_left(live, page, clock):
    _open_round(live, page)
    page.fill("#answer", "a short answer")
    messages = []

    def dismiss(dialog):
        messages.append(dialog.message)
        dialog.dismiss()

    page.once("dialog", dismiss)
    page.click("#submit-round")
    for _ in range(100):  # the dialog comes from the page's script: wait for it, up to 10 s on a loaded machine
        if messages:
            break
        page.wait_for_timeout(100)
    assert messages and "left" in messages[0] and "10:00" in messages[0], messages  # "… 9:59 of 10:00 left"
    assert "/rounds/" in page.url and not page.is_disabled("#answer")  # still answering
    page.once("dialog", lambda d: d.accept())
    page.click("#submit-round")
    page.wait_for_url(lambda url: "/rounds/" not in url)


@pytest.mark.browser
def test_submitting_near_the_end_does_not_ask(live, page, clock):
    _open_round(live, page)
    clock.advance(460)  # 2:20 left, under a quarter of 10:00
    expect_text(page, "#countdown", r"^2:(20|19|18)$")
    page.fill("#answer", "done")
    page.on("dialog", lambda d: (_ for _ in ()).throw(AssertionError("no confirmation expected: " + d.message)))
    page.click("#submit-round")
    page.wait_for_url(lambda url: "/rounds/" not in url)


# ---- 3. two tabs on one round ---------------------------------------------------------------------------

def test_draft_api_reports_a_conflict_when_another_tab_wrote_since(api):
    _, rnd = api.drill()
    url = f"/api/rounds/{rnd['id']}/draft"
    first = api.put(url, {"text": "tab A", "seq": 1, "base": 0})
    assert first["saved"] and first["draft_seq"] == 1
    second = api.put(url, {"text": "tab B", "seq": 2, "base": 1})
    assert second["saved"]
    stale = api.put(url, {"text": "tab A again", "seq": 3, "base": 1})  # tab A last saw revision 1
    assert stale["saved"] is False and stale["reason"] == "conflict"
    assert stale["draft"] == "tab B" and stale["draft_seq"] == 2  # the stored text, for the page to show
    assert api.get(f"/api/rounds/{rnd['id']}")["draft"] == "tab B"
    chosen = api.put(url, {"text": "tab A again", "seq": 3, "base": 2})  # after choosing: based on what it saw
    assert chosen["saved"] and chosen["draft"] == "tab A again"
    legacy = api.put(url, {"text": "no base", "seq": 4})  # clients that send no base are unchanged
    assert legacy["saved"] and "reason" not in legacy
    api.put(url, {"text": "x", "base": "1"}, status=400)


@pytest.mark.browser
def test_two_tabs_never_lose_text_silently(live, page):
    rnd = _open_round(live, page)
    page.fill("#answer", "written in tab A")
    saved(page)
    other = page.context.new_page()
    other.goto(f"{live[0].url}/rounds/{rnd['id']}")
    expect_value(other, "#answer", "written in tab A")
    other.fill("#answer", "written in tab B")
    saved(other)
    page.type("#answer", ", and more in A")
    page.wait_for_selector("#conflict:not([hidden])")
    expect_text(page, "#conflict-mine", r"^written in tab A, and more in A$")
    expect_text(page, "#conflict-theirs", r"^written in tab B$")
    assert page.get_attribute("#save-state", "data-state") == "conflict"
    page.wait_for_timeout(800)  # autosave keeps running: it must neither save nor claim "saved"
    assert page.get_attribute("#save-state", "data-state") == "conflict"
    api_view = other.evaluate(f"fetch('/api/rounds/{rnd['id']}').then(r => r.json())")
    assert api_view["draft"] == "written in tab B"
    page.click("#keep-mine")
    saved(page)
    assert page.is_hidden("#conflict")
    assert other.evaluate(f"fetch('/api/rounds/{rnd['id']}').then(r => r.json())")["draft"] == \
        "written in tab A, and more in A"
    other.type("#answer", " (B again)")  # now tab B is the one behind: it is told, and takes A's version
    other.wait_for_selector("#conflict:not([hidden])")
    other.click("#keep-theirs")
    expect_value(other, "#answer", "written in tab A, and more in A")
    assert other.get_attribute("#save-state", "data-state") == "saved"


# ---- 4. the first answer and the follow-ups after a reload ----------------------------------------------

def test_after_the_first_answer_a_reload_keeps_the_button_disabled_and_promises_only_timed_probes(api, client):
    _, rnd = api.drill()
    html = client.get(f"/rounds/{rnd['id']}").get_data(as_text=True)
    assert "A follow-up question will appear after your first answer, and 1 more as the round goes on." in html
    api.post(f"/api/rounds/{rnd['id']}/first-answer", {"text": "my first answer"})
    html = client.get(f"/rounds/{rnd['id']}").get_data(as_text=True)
    assert 'id="first-answer" disabled' in html
    assert "1 more follow-up question will appear as the round goes on." in html
    assert "2 more" not in html


@pytest.mark.browser
def test_the_promised_follow_up_appears_and_the_button_stays_disabled(live, page, clock):
    _open_round(live, page)
    expect_text(page, "#probes-hidden", r"^A follow-up question will appear after your first answer, and 1 more")
    page.fill("#answer", "my first answer")
    page.click("#first-answer")
    expect_text(page, "#probe-list", "What happens when the batch does not fit?")
    expect_text(page, "#probes-hidden", r"^1 more follow-up question will appear as the round goes on\.$")
    page.reload()
    assert page.is_disabled("#first-answer")
    expect_text(page, "#probes-hidden", r"^1 more follow-up question will appear as the round goes on\.$")
    clock.advance(301)  # the timed follow-up's mark (5 minutes in)
    expect_text(page, "#probe-list", "How would you explain it to a new hire?")
    expect_text(page, "#probes-hidden", r"^$")


@pytest.mark.browser
def test_an_idle_tab_is_told_when_another_tab_replaced_its_saved_text(live, page):
    rnd = _open_round(live, page)
    page.fill("#answer", "saved from tab A")
    saved(page)
    other = page.context.new_page()
    other.goto(f"{live[0].url}/rounds/{rnd['id']}")
    other.fill("#answer", "replaced by tab B")
    saved(other)
    page.wait_for_selector("#conflict:not([hidden])")  # tab A typed nothing more, yet no longer says "saved"
    assert page.get_attribute("#save-state", "data-state") == "conflict"
    expect_text(page, "#conflict-theirs", r"^replaced by tab B$")
    page.click("#keep-theirs")
    expect_value(page, "#answer", "replaced by tab B")
    page.wait_for_timeout(800)  # the next polls see the same revision: no second conflict
    assert page.is_hidden("#conflict") and page.get_attribute("#save-state", "data-state") == "saved"
