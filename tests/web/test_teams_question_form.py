"""The question authoring form (issue 17, item 15): the common fields as a form that works without JavaScript,
built into the JSON the JSON editor saves and checked by the same validation, with each problem next to the field it
is about; the JSON view kept."""
import html
import json
import re
from html.parser import HTMLParser

import pytest

from simulator import teams
from tests.web.test_browser import browser, live, page, text_grader  # noqa: F401  (fixtures)
from tests.web.test_teams_pages import new_team, post
from tests.web.test_teams_support import build_team, library, signed_in, team_question, team_rubric


class FormValues(HTMLParser):
    """What a browser would submit for a form: inputs, checked boxes, selected options, textareas (no button)."""

    def __init__(self, page, form_id):
        super().__init__()
        self.values, self._in, self._select, self._area, self.form_id = [], False, None, None, form_id
        self.feed(page)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self._in = a.get("id") == self.form_id
        if not self._in:
            return
        if tag == "input" and a.get("type") != "checkbox" or tag == "input" and "checked" in a:
            self.values.append((a["name"], a.get("value", "")))
        elif tag == "select":
            self._select = a["name"]
        elif tag == "option" and self._select and "selected" in a:
            self.values.append((self._select, a.get("value", "")))
        elif tag == "textarea":
            self._area = [a["name"], ""]

    def handle_data(self, data):
        if self._area is not None:
            self._area[1] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._in = False
        elif tag == "select":
            self._select = None
        elif tag == "textarea" and self._area is not None:
            name, text = self._area
            self.values.append((name, text[1:] if text.startswith("\n") else text))  # as a browser drops it
            self._area = None


def form_data(page, **changes):
    """The form's values as a browser submits them (a dict of lists), with some fields changed."""
    data = {}
    for name, value in FormValues(page, "question-form").values:
        data.setdefault(name, []).append(value)
    data.update({k.replace("_", "-") if k.startswith("kp") else k: v if isinstance(v, list) else [v]
                 for k, v in changes.items()})
    return data


def visible_text(page):
    """The page's text as a reader sees it (tags, attributes and scripts gone)."""
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S)
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", page)))


def field_error(page, name):
    found = re.search(rf'<p class="error field-error" id="f-{re.escape(name)}-error">(.*?)</p>', page, re.S)
    return html.unescape(found.group(1)) if found else None


PROMPT = "Tell me about a time a metric you trusted misled the team, and what you changed."
REFERENCE = "A strong answer names the metric, how it misled, how it was found out, and the fix with its result."


def typed(**extra):
    """A new question typed into the form from scratch (no starter document), two key points."""
    fields = {
        "base": "{}", "kp-count": "2", "id": "acme-metric", "round": "behavioral", "rubric": "acme-rubric",
        "difficulty": "medium", "time_limit_min": "12", "tracks": ["research-engineer", "research-scientist"],
        "prompt": PROMPT, "tests": "Whether the candidate owns a mistake and measures the fix.",
        "kp-0-text": "The metric rewarded the wrong behaviour", "kp-0-criterion": "depth",
        "kp-0-aliases": "the metric was gamed\r\n\r\nthe proxy drifted from the goal",
        "kp-0-contradicts": "the metric was fine, people were the problem",
        "kp-0-because": "A proxy metric diverges from the goal once it is optimised.",
        "kp-1-text": "States the result in numbers", "kp-1-criterion": "clarity", "kp-1-id": "numbers",
        "probes": "How did you find out?\nWhat would you measure now?", "reference_answer": REFERENCE,
        "action": "save",
    }
    fields.update(extra)
    return fields


def test_the_form_creates_a_valid_question_with_two_key_points(client):
    team_id = new_team(client)
    post(client, f"/teams/{team_id}/rubrics/new", {"document": json.dumps(team_rubric("acme-rubric"))})
    page = client.get(f"/teams/{team_id}/questions/new").get_data(as_text=True)
    assert 'id="question-form"' in page and 'name="kp-0-criterion"' in page and 'id="document"' not in page
    response = post(client, f"/teams/{team_id}/questions/new", typed())
    assert response.status_code == 302, response.get_data(as_text=True)
    assert response.headers["Location"].endswith(f"/teams/{team_id}/questions/acme-metric/edit")
    with library(client.application) as s:
        content = teams.get_question(s, team_id, 1, "acme-metric").content
    assert content["key_points"] == [
        {"id": "the-metric-rewarded-the", "text": "The metric rewarded the wrong behaviour",
         "aliases": ["the metric was gamed", "the proxy drifted from the goal"], "criterion": "depth",
         "contradicts": ["the metric was fine, people were the problem"],
         "because": "A proxy metric diverges from the goal once it is optimised."},
        {"id": "numbers", "text": "States the result in numbers", "criterion": "clarity"}]
    assert content["probes"] == [{"text": "How did you find out?"}, {"text": "What would you measure now?"}]
    assert (content["prompt"], content["reference_answer"], content["time_limit_min"]) == (PROMPT, REFERENCE, 12)
    assert content["tracks"] == ["research-engineer", "research-scientist"] and content["rubric"] == "acme-rubric"
    edit = client.get(f"/teams/{team_id}/questions/acme-metric/edit").get_data(as_text=True)
    assert 'id="f-id" name="id" value="acme-metric" readonly' in edit and "the proxy drifted from the goal" in edit
    assert '<option value="clarity" selected>Clarity (clarity)</option>' in edit


def test_a_missing_criterion_is_named_next_to_its_field_and_what_was_typed_stays(client):
    team_id = new_team(client)
    post(client, f"/teams/{team_id}/rubrics/new", {"document": json.dumps(team_rubric("acme-rubric"))})
    response = post(client, f"/teams/{team_id}/questions/new",
                    typed(**{"kp-1-criterion": "", "prompt": "Too <b>short</b>", "kp-1-aliases": "in <numbers>"}))
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert field_error(page, "kp-1-criterion") == "'criterion' is required"
    assert 'aria-describedby="f-kp-1-criterion-error" aria-invalid="true"' in page
    summary = visible_text(re.search(r'<div role="alert" class="problems" id="form-problems">(.*?)</div>', page,
                                     re.S).group(1))
    assert "Key point 2, criterion: 'criterion' is required" in summary
    assert "Prompt: 'Too <b>short</b>' is too short" in summary and '<a href="#f-kp-1-criterion">' in page
    assert field_error(page, "kp-0-criterion") is None  # the first key point is fine
    # what was typed is kept, escaped; the criterion select offers the rubric's criteria with none chosen
    assert "Too &lt;b&gt;short&lt;/b&gt;</textarea>" in page and "<b>short" not in page
    assert "in &lt;numbers&gt;</textarea>" in page and "the proxy drifted from the goal" in page
    assert 'value="States the result in numbers"' not in page and "States the result in numbers</textarea>" in page
    assert '<option value="" selected>(choose a criterion)</option>' in page
    assert 'value="numbers"' in page and 'name="kp-count" value="2"' in page
    with library(client.application) as s:
        assert teams.list_questions(s, team_id, 1) == []


def test_add_and_remove_key_points_and_change_the_rubric_without_javascript(client):
    team_id = new_team(client)
    post(client, f"/teams/{team_id}/rubrics/new", {"document": json.dumps(team_rubric("acme-rubric"))})
    page = post(client, f"/teams/{team_id}/questions/new", typed(action="add")).get_data(as_text=True)
    assert 'name="kp-count" value="3"' in page and 'name="kp-2-text"' in page and "Key point 3" in page
    assert "The metric rewarded the wrong behaviour" in page and 'id="form-problems"' not in page
    data = form_data(page, action="remove-0")
    page = post(client, f"/teams/{team_id}/questions/new", data).get_data(as_text=True)
    assert 'name="kp-count" value="2"' in page and "The metric rewarded" not in page
    assert "States the result in numbers</textarea>" in page
    # another rubric: "Show this rubric's criteria" lists its criteria; a criterion it lacks stays, marked
    page = post(client, f"/teams/{team_id}/questions/new", form_data(page, rubric="behavioral", action="refresh"))
    page = page.get_data(as_text=True)
    assert '<option value="ownership_and_actions">' in page
    assert '<option value="clarity" selected>clarity (not in behavioral)</option>' in page
    saved = post(client, f"/teams/{team_id}/questions/new", form_data(page, action="save")).get_data(as_text=True)
    assert field_error(saved, "kp-0-criterion") == "criterion 'clarity' is not in rubric 'behavioral'"


def test_editing_through_the_form_keeps_what_the_form_does_not_show(multi_app):
    alice = signed_in(multi_app, "alice")
    team = build_team(multi_app, "acme", "alice")
    url = f"/teams/{team.id}/questions/{team.question_id}/edit"
    page = alice.get(url).get_data(as_text=True)
    original = json.loads(html.unescape(re.search(r'name="base" value="([^"]*)"', page).group(1)))
    assert original == team_question(team.question_id, team.rubric_id)
    assert original["examples"] and original["probes"][0]["targets"] == ["a"]
    response = post(alice, url, form_data(page, prompt="What is gradient accumulation, and when would you use it?",
                                          action="save"))
    assert response.status_code == 302, response.get_data(as_text=True)
    page = alice.get(url).get_data(as_text=True)
    stored = json.loads(html.unescape(re.search(r'name="base" value="([^"]*)"', page).group(1)))
    assert stored == dict(original, prompt="What is gradient accumulation, and when would you use it?")


def test_the_json_view_is_kept_and_both_views_switch_with_what_is_typed(client):
    team_id = new_team(client)
    post(client, f"/teams/{team_id}/rubrics/new", {"document": json.dumps(team_rubric("acme-rubric"))})
    page = client.get(f"/teams/{team_id}/questions/new?view=json&from=beh-metric-that-misled").get_data(as_text=True)
    assert 'id="document"' in page and "acme-lab-beh-metric-that-misled" in page and "Edit with the form" in page
    shown = post(client, f"/teams/{team_id}/questions/new", typed(action="json"))
    text = shown.get_data(as_text=True)
    assert shown.status_code == 200 and 'id="document"' in text
    document = json.loads(html.unescape(re.search(r'<textarea id="document"[^>]*>(.*?)</textarea>', text, re.S).group(1)))
    assert document["id"] == "acme-metric" and len(document["key_points"]) == 2
    assert list(document)[:3] == ["id", "round", "rubric"]  # the bank's order
    with library(client.application) as s:
        assert teams.list_questions(s, team_id, 1) == []  # showing stores nothing
    document["key_points"][1]["weight"] = 2
    back = post(client, f"/teams/{team_id}/questions/new", {"document": json.dumps(document), "action": "form"})
    assert 'id="question-form"' in back.get_data(as_text=True) and "acme-metric" in back.get_data(as_text=True)
    response = post(client, f"/teams/{team_id}/questions/new", form_data(back.get_data(as_text=True), action="save"))
    assert response.status_code == 302
    with library(client.application) as s:
        assert teams.get_question(s, team_id, 1, "acme-metric").content["key_points"][1]["weight"] == 2
    # saving from the JSON view still works as before
    document["prompt"] = PROMPT + " Be specific."
    response = post(client, f"/teams/{team_id}/questions/acme-metric/edit", {"document": json.dumps(document)})
    assert response.status_code == 302
    page = client.get(f"/teams/{team_id}/questions/acme-metric/edit?view=json").get_data(as_text=True)
    assert "Be specific." in page and 'id="document"' in page


def test_team_question_form_pages_are_labelled(client):
    from tests.web.test_accessibility import check

    team_id = new_team(client)
    post(client, f"/teams/{team_id}/rubrics/new", {"document": json.dumps(team_rubric("acme-rubric"))})
    check(client.get(f"/teams/{team_id}/questions/new").get_data(as_text=True), "new question form")
    failed = post(client, f"/teams/{team_id}/questions/new", typed(**{"kp-1-criterion": ""})).get_data(as_text=True)
    check(failed, "the form with problems")


@pytest.mark.browser
def test_in_chromium_the_form_fits_a_phone_enter_saves_and_a_problem_sits_by_its_field(live, page):
    page.set_viewport_size({"width": 390, "height": 844})
    url = live[0].url
    page.goto(url + "/teams/")
    page.fill("#team-name", "Acme lab")
    page.click("text=Create the team")
    page.wait_for_url(re.compile(r".*/teams/\d+$"))
    team_id = re.search(r"/teams/(\d+)$", page.url).group(1)
    page.goto(f"{url}/teams/{team_id}/questions/new?from=beh-metric-that-misled")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # no sideways scrolling on a phone
    blocks = page.locator("fieldset.key-point").count()
    page.click("text=Add another key point")
    assert page.locator("fieldset.key-point").count() == blocks + 1
    new = f"#f-kp-{blocks}"
    page.fill(f"{new}-text", "We changed the metric after the review")
    page.press("#f-id", "Enter")  # Enter saves (the form's default button), it does not add a key point
    assert page.locator(f"{new}-criterion-error").inner_text() == "'criterion' is required"
    assert page.locator(f"{new}-text").input_value() == "We changed the metric after the review"
    assert page.locator("fieldset.key-point").count() == blocks + 1
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.click(f"#form-problems a[href='{new}-criterion']")
    page.select_option(f"{new}-criterion", index=1)
    page.click("#question-form .actions button[value=save]")
    page.wait_for_url(re.compile(r".*/questions/acme-lab-beh-metric-that-misled/edit(#.*)?$"))  # the fragment stays
    assert "Saved question acme-lab-beh-metric-that-misled" in page.inner_text("main")
    assert page.locator(f"{new}-text").input_value() == "We changed the metric after the review"
