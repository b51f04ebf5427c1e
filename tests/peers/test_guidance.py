"""Peer pages say what went wrong where the reader is (issue 17, item 10): a refused grade's reasons at the top of
the form and beside its button, as an alert the page focuses; the comparison names the criteria graders split on."""
import re

from tests.peers.conftest import csrf_token, form_data, web_drill
from tests.peers.test_pages import grade_form, new_link


def test_a_refused_grade_says_why_at_the_top_of_the_form_and_beside_the_button(app, client, api):
    loop_id, round_id = web_drill(api)
    token = new_link(client, loop_id)
    peer = app.test_client()
    html = grade_form(peer, token, display_name="Kept name").get_data(as_text=True)
    summary = re.search(r'<div class="error-summary" id="form-errors" role="alert" tabindex="-1" data-focus-on-load>'
                        r'(.*?)</div>', html, re.S)
    assert summary and "Your grade was not submitted" in summary.group(1)
    assert '<a href="#criterion-depth">Levels: rate at least one criterion</a>' in summary.group(1)
    form = html.index('id="grade-form"')
    assert form < summary.start() < html.index('id="display_name"')  # first thing in the form, before the fields
    assert html.index('id="submit-error"') < html.index('id="submit-grade"')  # and again beside the button
    assert html.count('role="alert"') == 1  # one announcement, not one per field
    assert '<script src="/peers/static/peers.js"></script>' in html  # which focuses it
    self_page = client.post(f"/rounds/{round_id}/self", data={"csrf_token": csrf_token(client)}).get_data(as_text=True)
    assert 'id="form-errors"' in self_page and "Your self-assessment was not saved" in self_page


def test_the_comparison_names_the_criteria_graders_disagree_on(app, client, api):
    loop_id, _ = web_drill(api)
    token = new_link(client, loop_id)
    grade_form(app.test_client(), token, **form_data({"depth": 1, "clarity": 3}, display_name="Ada"))
    grade_form(app.test_client(), token, **form_data({"depth": 5, "clarity": 3}, display_name="Bo"))
    html = client.get(f"/loops/{loop_id}/comparison").get_data(as_text=True)
    top = re.search(r'<p id="disagreement-summary">(.*?)</p>', html, re.S).group(1)
    assert re.search(r'<a href="#comparison-1">Depth \(round 1, 4 levels\)</a>', top)
    assert "Clarity (round 1" not in top  # Ada and Bo agree on clarity
    listed = re.search(r'<div class="disagreements">(.*?)</div>', html, re.S).group(1)
    assert re.search(r"<li><strong>Depth</strong> \(4 levels apart\): [^<]*Ada 1 vs Bo 5", listed)
    assert "<strong>Clarity</strong>" not in listed


def test_the_new_link_has_a_copy_button_for_the_script_to_show(client, api):
    loop_id, _ = web_drill(api)
    html = client.post(f"/loops/{loop_id}/share", data={"csrf_token": csrf_token(client), "scope": "loop",
                                                        "days": "7"}).get_data(as_text=True)
    assert '<button type="button" id="copy-link" data-copy="new-link" hidden>Copy the link</button>' in html
    assert 'id="copy-status"' in html and '<script src="/peers/static/peers.js"></script>' in html
