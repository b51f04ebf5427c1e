"""Stored script injection, counted: every field a user types that other pages show back (a candidate's draft,
answer, probe answers, self-assessment, a peer's grade; a team's names, rubric and question text, a username) is
filled with each of 15 payloads, each tagged with its own marker, and every page that can show it is read.

A payload "executed" if the marker turns up anywhere a browser would run it: inside a script element that is
JavaScript (not the page's `application/json` data), in an event-handler attribute (`on...`), in a
`javascript:`/`vbscript:`/`data:text/html` URL, or in an `iframe srcdoc`. Pages are parsed as a browser's tokenizer
reads them (html.parser), so a payload that broke out of its text, attribute or script context shows up as a new
element or attribute. The scripts the pages load insert text with textContent only (no innerHTML: checked here too),
and the Content-Security-Policy forbids inline script besides. A payload the server refuses to store (a username
must be a plain name) counts as refused.
"""
from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.factories import question, rubric
from tests.web.conftest import Api, AuthActions, make_app

PAYLOADS = [
    "<script>alert({m})</script>",
    "<img src=x onerror=alert({m})>",
    "<svg onload=alert({m})>",
    '"><script>alert({m})</script>',
    "'><img src=x onerror=alert({m})>",
    '" onmouseover="alert({m})',
    "' onfocus='alert({m})' autofocus='",
    "javascript:alert({m})",
    "</script><script>alert({m})</script>",
    "</textarea><script>alert({m})</script>",
    '<iframe srcdoc="<script>alert({m})</script>"></iframe>',
    '<a href="javascript:alert({m})">x</a>',
    "<details open ontoggle=alert({m})>",
    "[click](javascript:alert({m}))",
    '<!--<img src="--><img src=x onerror=alert({m})//">',
]
JS_TYPES = {"", "text/javascript", "application/javascript", "module"}
URL_ATTRS = {"href", "src", "action", "formaction", "data", "xlink:href", "poster", "background"}
ACTIVE_SCHEMES = ("javascript:", "vbscript:", "data:text/html")


class ActiveContent(HTMLParser):
    """The markers a browser would execute on one page."""

    def __init__(self, markers):
        super().__init__(convert_charrefs=True)
        self.markers, self.found, self.in_js = markers, set(), False

    def hits(self, text):
        return {m for m in self.markers if m in text}

    def handle_starttag(self, tag, attrs):
        attrs = [(name.lower(), value or "") for name, value in attrs]
        for name, value in attrs:
            lowered = re.sub(r"[\s\x00-\x1f]", "", value).lower()
            if name.startswith("on") or name == "srcdoc":
                self.found |= self.hits(value)
            elif name in URL_ATTRS and lowered.startswith(ACTIVE_SCHEMES):
                self.found |= self.hits(value)
            elif tag == "meta" and name == "content" and "url=" in lowered:
                self.found |= self.hits(value)
        if tag == "script":
            kind = dict(attrs).get("type", "").strip().lower()
            self.in_js = kind in JS_TYPES
            self.found |= self.hits(dict(attrs).get("src", ""))

    def handle_endtag(self, tag):
        if tag == "script":
            self.in_js = False

    def handle_data(self, data):
        if self.in_js:
            self.found |= self.hits(data)


class Fields:
    """(field, payload) -> marker, and what happened to each."""

    def __init__(self):
        self.markers: dict[str, tuple[str, int]] = {}
        self.refused: set[str] = set()

    def text(self, field, n):
        marker = f"xss{len(self.markers):04d}"
        self.markers[marker] = (field, n)
        return PAYLOADS[n].format(m=marker)

    def fields(self):
        return sorted({f for f, _ in self.markers.values()})


def crawl(client, seeds, prefixes, limit=600):
    """Every page reachable from the seeds through links under the prefixes (GET only): {path: html}."""
    pages, queue = {}, list(seeds)
    while queue and len(pages) < limit:
        path = queue.pop(0)
        if path in pages:
            continue
        response = client.get(path)
        if response.status_code != 200 or not response.mimetype == "text/html":
            pages[path] = ""
            continue
        html = response.get_data(as_text=True)
        pages[path] = html
        for href in re.findall(r'href="([^"#]+)', html):
            target = urlsplit(href.replace("&amp;", "&"))
            if not target.netloc and target.path.startswith(prefixes) and "logout" not in target.path:
                queue.append(target.path + (f"?{target.query}" if target.query else ""))
    return pages


def candidate_fields(app, fields):
    """A candidate's own text and what others write about it, each field with each payload."""
    api = Api(app.test_client())
    peer = app.test_client()
    for n in range(len(PAYLOADS)):
        _, open_round = api.drill()
        rid = open_round["id"]
        api.post(f"/api/rounds/{rid}/first-answer", {"text": "gradient accumulation"})
        api.put(f"/api/rounds/{rid}/draft", {"text": fields.text("draft", n), "seq": 5,
                                             "probe_answers": {"0": fields.text("probe answer", n)}})
        loop, done = api.drill(round_type="math_fundamentals")
        api.post(f"/api/rounds/{done['id']}/submit", {"text": "gradient accumulation " + fields.text("answer", n)})
        api.post(f"/api/rounds/{done['id']}/self-assessment", {
            "levels": {"depth": 3, "clarity": 3}, "notes": {"depth": fields.text("self-assessment notes", n)},
            "feedback": fields.text("self-assessment feedback", n)}, status=201)
        token = api.post(f"/api/loops/{loop['id']}/share-links", {}, status=201)["token"]
        response = peer.post(f"/api/peer/{token}/rounds/1/grades", json={
            "levels": {"depth": 3, "clarity": 3}, "notes": {"depth": fields.text("peer notes", n)},
            "feedback": fields.text("peer feedback", n), "display_name": fields.text("peer display name", n)[:80]})
        assert response.status_code in (200, 201), response.get_data(as_text=True)
    return [("/", "/history"), ("/loops", "/rounds", "/history", "/p/")]


def team_fields(app, fields):
    """A team's own names and texts, and usernames, each with each payload."""
    admin = app.test_client()
    AuthActions(admin).register("alice")
    api = Api(admin)
    seeds = ["/teams/"]
    for n in range(len(PAYLOADS)):
        name = fields.text("username", n)
        if AuthActions(app.test_client()).register(name[:60]).status_code != 302:
            fields.refused.add(next(m for m, v in fields.markers.items() if v == ("username", n)))
        team = api.post("/api/teams", {"name": fields.text("team name", n)[:200]}, status=201)
        tid = team["id"]
        api.post(f"/api/teams/{tid}/sets", {"name": fields.text("set name", n)[:200]}, status=201)
        r = rubric("behavioral")
        r.update(id=f"r{n}", title=fields.text("rubric title", n))
        r["criteria"][0]["description"] = fields.text("rubric criterion", n)
        api.post(f"/api/teams/{tid}/rubrics", r)
        q = question("behavioral", 0, id=f"q{n}", rubric=f"r{n}", prompt="Explain it. " + fields.text("question prompt", n),
                     reference_answer="Gradient accumulation. " + fields.text("reference answer", n))
        q["key_points"][0]["text"] = "gradient " + fields.text("key point", n)
        q["probes"][0]["text"] = "Why? " + fields.text("probe", n)
        api.post(f"/api/teams/{tid}/questions", q)
        seeds.append(f"/teams/{tid}")
    return [tuple(seeds), ("/teams/",)]


@pytest.mark.parametrize("multi_user", [False, True], ids=["candidate", "team"])
def test_no_payload_in_any_field_becomes_script(database, tmp_path, bank, clock, multi_user):
    app = make_app(tmp_path, bank, clock, MULTI_USER=multi_user)
    fields = Fields()
    if multi_user:
        seeds, prefixes = team_fields(app, fields)
        client = app.test_client()
        AuthActions(client).login("alice")
    else:
        seeds, prefixes = candidate_fields(app, fields)
        client = app.test_client()
    pages = crawl(client, seeds, prefixes)
    executed, shown = set(), set()
    for path, html in pages.items():
        parser = ActiveContent(fields.markers)
        parser.feed(html)
        executed |= parser.found
        shown |= {m for m in fields.markers if m in html}
    stored = set(fields.markers) - fields.refused
    not_shown = sorted({fields.markers[m][0] for m in stored - shown})
    attempts = len(fields.markers)
    print(f"\nstored script injection ({'team' if multi_user else 'candidate'} fields): {len(fields.fields())} fields x "
          f"{len(PAYLOADS)} payloads = {attempts} attempts, {len(fields.refused)} refused on input, "
          f"{len(stored)} stored and shown on {sum(1 for h in pages.values() if h)} pages, {len(executed)} executed")
    assert not_shown == [], f"these fields never appeared on a crawled page, so the test saw nothing: {not_shown}"
    assert sorted(fields.markers[m] for m in executed) == []


def test_the_pages_scripts_never_insert_html():
    web = Path(__file__).resolve().parents[2] / "web"
    for script in web.rglob("*.js"):
        code = re.sub(r"//.*", "", script.read_text())
        assert not re.search(r"innerHTML|outerHTML|insertAdjacentHTML|document\.write|\beval\(|new Function",
                             code), script


CONTEXTS = ['<p>{}</p>', '<input value="{}">', "<input value='{}'>", '<a href="{}">x</a>', '<textarea>{}</textarea>',
            '<script type="application/json">{}</script>', '<!-- {} -->']


def test_the_detector_sees_every_payload_when_a_page_forgets_to_escape():
    """Not vacuous: each payload, pasted raw into some context a template might have, is caught."""
    for payload in PAYLOADS:
        raw = payload.format(m="xss9999")
        markdown = re.sub(r"\[(.*?)\]\((.*?)\)", r'<a href="\2">\1</a>', raw)  # as a Markdown filter would render it
        caught = []
        for page in [c.format(raw) for c in CONTEXTS] + [markdown]:
            parser = ActiveContent({"xss9999"})
            parser.feed(page)
            caught.append(bool(parser.found))
        assert any(caught), payload
