"""In real Chromium: a whole drill with reloads, autosave failures, a server restart, the deadline, the scorecard;
keyboard only; the code editor. The server runs in a thread with a fake clock the test moves."""
from __future__ import annotations

import os
import re
import threading

import pytest
from werkzeug.serving import make_server

from tests.conftest import require_system
from tests.web.conftest import Api, csrf_token, make_app

pytestmark = pytest.mark.browser

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run", "--disable-sync"]


class LiveServer:
    """The app on 127.0.0.1 in a thread; `restart` serves a fresh app (same database) on the same port."""

    def __init__(self, make, port: int = 0):
        self.make = make
        self.app = make()
        self.server = make_server("127.0.0.1", port, self.app, threaded=True)
        self.port = self.server.server_port
        self.url = f"http://127.0.0.1:{self.port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def restart(self) -> "LiveServer":
        return LiveServer(self.make, self.port)


@pytest.fixture(scope="module")
def browser():
    require_system("chromium", os.path.exists(CHROMIUM), "the browser tests drive Debian's chromium (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser
        browser.close()


@pytest.fixture
def text_grader():
    """'auto' grades text rounds with the keyword grader; a small deterministic stand-in if it is not importable."""
    from simulator.graders.base import registry

    try:
        registry.get("keyword")
    except (ImportError, LookupError):
        from simulator.scoring import empty_grade

        class FakeKeyword:
            name, kind, version = "keyword", "keyword", "test"

            def grade(self, question, rubric, answer, *, track=None):
                grade = empty_grade(self, question, rubric)
                at = answer.find("gradient accumulation")
                entry = grade["criteria"][0]
                entry["level"] = 4 if at >= 0 else 1
                if at >= 0:
                    entry["evidence"] = [{"start": at, "end": at + 21, "quote": "gradient accumulation"}]
                grade["score"] = 0.75 if at >= 0 else 0.0
                return grade

        registry.register(FakeKeyword())


@pytest.fixture
def live(tmp_path, bank, clock, text_grader):
    servers = [LiveServer(lambda: make_app(tmp_path, bank, clock, AUTOSAVE_MS=300))]
    yield servers
    servers[-1].stop()


@pytest.fixture
def page(browser):
    """A fresh browser context; the test fails on any script error or Content-Security-Policy violation."""
    context = browser.new_context()
    problems = []
    context.on("weberror", lambda e: problems.append(f"script error: {e.error}"))
    context.on("console", lambda m: problems.append(m.text) if "Content Security Policy" in m.text else None)
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()
    assert not problems, problems


def expect_text(page, selector, pattern, timeout=10_000):
    from playwright.sync_api import expect

    expect(page.locator(selector)).to_have_text(re.compile(pattern), timeout=timeout)


def expect_value(page, selector: str, value: str, timeout: int = 10_000) -> None:
    """The field holds `value` (waiting for the page's scripts, as a person would)."""
    from playwright.sync_api import expect

    expect(page.locator(selector)).to_have_value(value, timeout=timeout)


def saved(page, timeout=10_000):
    """Wait until every change has reached the server (the visible save state, set on each keystroke)."""
    page.wait_for_selector('#save-state[data-state="saved"]', timeout=timeout)


def tab_to(page, selector, limit=40):
    """Press Tab until the focused element matches `selector` (it must be reachable by keyboard)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("(s) => document.activeElement && document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"{selector} was not reached with {limit} presses of Tab")


def started_round(live, round_type="behavioral"):
    """A drill started through the API of the same app (the browser then opens its round page)."""
    api = Api(live[0].app.test_client())
    return api.drill(round_type=round_type)


def test_a_whole_drill_with_reload_warning_deadline_and_scorecard(live, page, clock):
    base = live[0].url
    page.goto(base + "/loops/new")
    page.select_option("#track", "research-engineer")
    page.select_option("#round", "behavioral")
    page.click("#submit")
    page.click("#start-round")
    page.fill("#answer", "I used gradient accumulation to fit the batch.")
    saved(page)
    clock.advance(100)
    page.reload()
    expect_value(page, "#answer", "I used gradient accumulation to fit the batch.")
    expect_text(page, "#countdown", r"^8:(20|19|18)$")  # the server's time left, not a fresh 10:00
    assert page.text_content("#warning") == ""
    clock.advance(201)  # 299 s left: the five-minute mark
    expect_text(page, "#warning", r"^5 minutes left\.$")
    clock.advance(300)  # past the deadline: the server submits the last saved draft
    expect_text(page, "#finished-title", "Time is up")
    assert page.is_disabled("#answer")
    page.click("#continue")
    page.click("#scorecard-link")
    marks = page.locator("pre.answer mark")
    assert marks.count() >= 1 and "gradient accumulation" in marks.first.text_content()


def test_text_typed_before_the_page_script_runs_is_saved(live, page):
    """On a slow connection a candidate can type before round.js has loaded: no input event reaches the script,
    and the page used to show "All changes saved" and lose the text on reload."""
    api, rnd = started_round(live)
    held = []

    def hold_first(route):  # the first load of the script is held back; the reload gets it at once
        if held:
            route.continue_()
        else:
            held.append(route)

    page.route("**/round.js*", hold_first)
    page.goto(f"{live[0].url}/rounds/{rnd['id']}", wait_until="commit")
    page.wait_for_selector("#answer")
    page.fill("#answer", "typed before the script arrived")
    for _ in range(100):
        if held:
            break
        page.wait_for_timeout(100)
    held[0].continue_()  # now it loads and runs
    expect_text(page, "#save-state", "All changes saved")
    page.reload()
    expect_value(page, "#answer", "typed before the script arrived")


def test_autosave_failure_is_announced_retried_and_survives_a_server_restart(live, page):
    _, rnd = started_round(live)
    page.goto(f"{live[0].url}/rounds/{rnd['id']}")
    page.fill("#answer", "first part")
    saved(page)
    live[0].stop()
    page.type("#answer", ", typed while the server was down")
    expect_text(page, "#save-status", r"Not saved: cannot reach the server\. Retrying in \d+ s")
    assert page.get_attribute("#save-status", "data-kind") == "problem"  # shown in the warning colour
    assert page.get_attribute("#save-status", "aria-live") == "polite"
    live.append(live[0].restart())
    saved(page, timeout=20_000)
    expect_text(page, "#save-status", "Saved again")
    page.reload()
    expect_value(page, "#answer", "first part, typed while the server was down")


def test_unsaved_typing_survives_a_closed_tab(live, page):
    _, rnd = started_round(live)
    url = f"{live[0].url}/rounds/{rnd['id']}"
    page.goto(url)
    live[0].stop()  # nothing can reach the server: only the browser's copy exists
    page.fill("#answer", "never reached the server")
    context = page.context
    page.close()
    live.append(live[0].restart())
    tab = context.new_page()
    tab.goto(url)
    expect_value(tab, "#answer", "never reached the server")
    saved(tab, timeout=20_000)
    tab.reload()
    expect_value(tab, "#answer", "never reached the server")  # now from the server


def test_first_answer_reveals_the_follow_ups(live, page):
    _, rnd = started_round(live)
    page.goto(f"{live[0].url}/rounds/{rnd['id']}")
    page.fill("#answer", "my first answer")
    page.click("#first-answer")
    expect_text(page, "#probe-list", "What happens when the batch does not fit?")
    assert page.get_attribute("#save-status", "data-kind") == "info"  # good news is not shown as a warning
    assert page.evaluate("document.activeElement.id") == "probe-0"
    page.fill("#probe-0", "micro-batches")
    saved(page)
    page.reload()
    expect_value(page, "#probe-0", "micro-batches")


def test_keyboard_only_start_answer_submit(live, page):
    page.goto(live[0].url + "/loops/new")
    tab_to(page, "#track")
    page.keyboard.press("ArrowDown")  # applied-ml-engineer -> research-engineer
    tab_to(page, "#round")
    for _ in range(6):  # the whole loop -> ... -> behavioral
        page.keyboard.press("ArrowDown")
    assert page.input_value("#track") == "research-engineer" and page.input_value("#round") == "behavioral"
    tab_to(page, "#submit")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/loops/\d+$"))
    tab_to(page, "#start-round")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/rounds/\d+$"))
    tab_to(page, "#answer")
    page.keyboard.type("Gradient accumulation with a clear structure.")
    tab_to(page, "#submit-round")
    page.once("dialog", lambda d: d.accept())  # most of the time is left: the page asks before submitting
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/loops/\d+$"))
    tab_to(page, "#scorecard-link")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/scorecard$"))
    assert page.locator("pre.answer mark").count() >= 1


def test_code_editor_highlights_indents_and_runs(live, page):
    _, rnd = started_round(live, "ml_coding")
    page.goto(f"{live[0].url}/rounds/{rnd['id']}")
    page.fill("#answer", "")
    page.focus("#answer")
    page.keyboard.type("def f(x):")
    page.keyboard.press("Enter")  # keeps and deepens the indentation
    page.keyboard.type("return 'a'  # note")
    expect_value(page, "#answer", "def f(x):\n    return 'a'  # note")
    hl = page.locator("#answer-highlight")
    assert hl.locator(".tok-keyword").all_text_contents()[:2] == ["def", "return"]
    assert hl.locator(".tok-string").first.text_content() == "'a'"
    assert hl.locator(".tok-comment").first.text_content() == "# note"
    assert hl.text_content().rstrip() == page.input_value("#answer")
    page.keyboard.press("Tab")  # Tab indents inside the editor...
    assert page.input_value("#answer").endswith("# note    ")
    page.keyboard.press("Escape")
    page.keyboard.press("Tab")  # ...and Escape, Tab leaves it
    assert page.evaluate("document.activeElement.id") == "run-examples"
    page.keyboard.press("Enter")
    # polled from the test side (a page-side wait_for_function string needs eval, which the CSP refuses)
    expect_text(page, "#run-output", r"^(?!Running…).+", timeout=60_000)  # "Running… (queued)" while it polls
    output = page.text_content("#run-output")
    assert "not available" in output or "example" in output.lower(), output


def _fits_the_phone(page, where):
    """No sideways page scroll: the document is no wider than the viewport (wide tables scroll inside .table-scroll)."""
    width, inner = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert width <= inner, f"{where}: the page is {width} px wide in a {inner} px viewport"


def _in_viewport(page, selector):
    box = page.evaluate("(s) => { const r = document.querySelector(s).getBoundingClientRect();"
                        " return [r.left, r.top, r.right, r.bottom, window.innerWidth, window.innerHeight]; }", selector)
    left, top, right, bottom, width, height = box
    assert 0 <= left and right <= width and 0 <= top and bottom <= height, (selector, box)


def test_round_scorecard_and_dashboard_fit_a_phone(live, page):
    """Issue 17: at a 390-px phone width nothing scrolls sideways, and the round page is usable: the answer takes
    the width, the timer stays in view (sticky) while the submit button at the bottom is scrolled to."""
    _, rnd = started_round(live)
    done_loop, done_round = started_round(live)
    api = Api(live[0].app.test_client())
    api.post(f"/api/rounds/{done_round['id']}/submit", {"text": "I used gradient accumulation to fit the batch."})
    client = live[0].app.test_client()  # the demo team, as its button loads it (the same database)
    seeded = client.post("/teams/demo", data={"csrf_token": csrf_token(client, "/teams/")})
    dashboard = seeded.headers["Location"]
    assert seeded.status_code == 302 and dashboard.endswith("/dashboard")

    page.set_viewport_size({"width": 390, "height": 844})
    base = live[0].url
    page.goto(f"{base}/rounds/{rnd['id']}")
    _fits_the_phone(page, "round page")
    _in_viewport(page, "#countdown")
    width, answer = page.evaluate("() => [window.innerWidth, document.getElementById('answer').getBoundingClientRect().width]")
    assert answer >= 0.85 * width, (answer, width)  # the answer box takes the screen's width
    page.locator("#submit-round").scroll_into_view_if_needed()
    _in_viewport(page, "#submit-round")
    _in_viewport(page, "#countdown")  # still in view: the timer is sticky

    for _ in range(50):  # the grading runs in the app's worker
        page.goto(f"{base}/loops/{done_loop['id']}/scorecard")
        if page.url.endswith("/scorecard"):
            break
        page.wait_for_timeout(200)
    assert page.locator("pre.answer").count() >= 1
    _fits_the_phone(page, "scorecard")

    page.goto(base + dashboard if dashboard.startswith("/") else dashboard)
    assert page.locator(".table-scroll table").count() >= 3  # the wide tables are there, scrolling inside
    _fits_the_phone(page, "team dashboard")


def test_the_demo_button_shows_progress_then_the_dashboard_says_what_loaded(live, page):
    """Issue 17, item 3: "Load the demo team" ran for seconds with no sign of it. While the request runs the button
    is disabled, says how long it takes and is aria-busy; the dashboard then says what was loaded."""
    page.goto(live[0].url + "/teams/")
    button = page.locator("#load-demo")
    # Playwright waits for a pending navigation before it reads the page, so the first press is held on the page
    # (a listener after busy.js's cancels it) to read the state shown while the request runs; then it is sent
    page.evaluate("() => document.getElementById('demo-form').addEventListener('submit', (e) => e.preventDefault())")
    page.focus("#load-demo")
    page.keyboard.press("Enter")
    expect_text(page, "#load-demo", r"^Loading the demo team… \(about 10 seconds\)$")
    assert button.is_disabled() and button.get_attribute("aria-busy") == "true"
    assert page.get_attribute("#demo-form", "aria-busy") == "true"
    assert page.text_content("#demo-status") == "Loading the demo team… (about 10 seconds)"
    page.evaluate("() => document.getElementById('demo-form').submit()")
    page.wait_for_url(re.compile(r"/teams/\d+/dashboard$"), timeout=60_000)
    expect_text(page, ".flash.ok", r"^Demo team loaded: \d+ gold answers, \d+ calibration answers")
