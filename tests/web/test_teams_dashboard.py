"""The dashboard with the demo team: the four plots, flags, n and CI on every statistic, withheld below min n,
CSV and JSON export; the demo button (single-user mode, or MOCKLOOP_TEAMS_DEMO=1 on a shared server)."""
import csv
import io
import re

import pytest

from simulator.clock import FakeClock
from tests.factories import make_bank
from tests.web.conftest import csrf_token, make_app

PLOTS = ("plot-agreement", "plot-severity", "plot-distribution", "plot-scatter")


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """One single-user app with the demo team loaded through its button (seeding takes a few seconds)."""
    app = make_app(tmp_path_factory.mktemp("demo"), make_bank(), FakeClock())
    client = app.test_client()
    response = client.post("/teams/demo", data={"csrf_token": csrf_token(client, "/teams/")})
    assert response.status_code == 302
    team_id = int(re.search(r"/teams/(\d+)/dashboard", response.headers["Location"]).group(1))
    return client, team_id


def figure(html, plot_id):
    return re.search(rf'<figure id="{plot_id}">(.*?)</figure>', html, re.S).group(1)


def test_the_dashboard_shows_the_four_plots_with_the_demo_team(demo):
    client, team_id = demo
    html = client.get(f"/teams/{team_id}/dashboard").get_data(as_text=True)
    for plot in PLOTS:
        assert "<svg" in figure(html, plot), plot
    assert figure(html, "plot-severity").count("<circle") == 7  # six interviewers and the keyword grader
    assert "machine:keyword" in figure(html, "plot-agreement")
    # questions with >= 20 candidates: one ladder per strong gold answer, and gold is now held back (one per question)
    assert figure(html, "plot-scatter").count("<circle") >= 4
    assert re.search(r'<h2 id="flags-title">Flags \((\d+)\)</h2>', html).group(1) != "0"
    assert "low agreement" in html and "Demo AI lab" in html
    assert re.search(r"Krippendorff's alpha, ordinal</td><td>0\.\d{3} \[0\.\d{3}, 0\.\d{3}\]</td><td>\d+</td>", html)


def test_statistics_are_withheld_below_min_n(demo):
    client, team_id = demo
    html = client.get(f"/teams/{team_id}/dashboard?min_n=1000").get_data(as_text=True)
    assert "<svg" not in figure(html, "plot-scatter")
    assert figure(html, "plot-severity").count("<circle") < 7  # graders with fewer than 1000 ratings left out
    assert "withheld" in html and "minimum 1000" in html
    assert client.get(f"/teams/{team_id}/dashboard?min_n=1").status_code == 400
    assert client.get(f"/teams/{team_id}/dashboard?set_id=9999").status_code == 404


def test_csv_and_json_exports(demo):
    client, team_id = demo
    rows = list(csv.DictReader(io.StringIO(client.get(f"/teams/{team_id}/report.csv").get_data(as_text=True))))
    assert rows and set(rows[0]) == {"section", "subject", "statistic", "value", "ci_low", "ci_high", "n", "note"}
    sections = {r["section"] for r in rows}
    assert {"agreement", "kappa", "severity", "question", "drift_grader", "certification"} <= sections
    computed = [r for r in rows if r["value"]]
    assert computed and all(r["n"] for r in computed)
    assert all(r["note"] for r in rows if not r["value"])  # every withheld statistic says why
    report = client.get(f"/teams/{team_id}/report.json").get_json()
    assert set(report["alpha"]) == {"nominal", "ordinal", "interval", "ratio"}
    assert report["team"]["id"] == team_id and report["certifications"]
    grades = client.get(f"/teams/{team_id}/grades.csv").get_data(as_text=True)
    assert grades.startswith("answer_id,grader,level,criterion,question_id,candidate_id,graded_at\n")


def test_certification_lists_people_and_machine_graders_with_n(demo):
    client, team_id = demo
    html = client.get(f"/teams/{team_id}/certification").get_data(as_text=True)
    table = re.search(r'<table id="certifications">(.*?)</table>', html, re.S).group(1)
    assert table.count("<tr>") == 8  # header, six interviewers, the keyword grader
    assert "machine:keyword</td><td>machine" in table and "over 14 gold answers" in table


def test_an_empty_team_dashboard_says_so(client):
    token = csrf_token(client, "/teams/")
    location = client.post("/teams/", data={"csrf_token": token, "name": "Empty"}).headers["Location"]
    assert "No grades yet" in client.get(location + "/dashboard").get_data(as_text=True)


def test_the_demo_needs_single_user_mode_or_the_setting(multi_app, tmp_path, bank, clock):
    from tests.web.test_teams_support import signed_in

    alice = signed_in(multi_app, "alice")
    assert "Load the demo team" not in alice.get("/teams/").get_data(as_text=True)
    assert alice.post("/teams/demo", data={"csrf_token": csrf_token(alice)}).status_code == 404
    (tmp_path / "on").mkdir()
    enabled = make_app(tmp_path / "on", bank, clock, MULTI_USER=True, TEAMS_DEMO="1")
    assert "Load the demo team" in signed_in(enabled, "alice").get("/teams/").get_data(as_text=True)


def test_the_demo_button_says_it_is_loading(client):
    """Issue 17, item 3: loading the demo takes seconds; busy.js (a file: the CSP refuses inline scripts) disables the
    button, says "Loading the demo team… (about 10 seconds)" on it and in a status line, and sets aria-busy."""
    html = client.get("/teams/").get_data(as_text=True)
    button = re.search(r'<button type="submit" id="load-demo"[^>]*>', html).group(0)
    assert 'data-busy-text="Loading the demo team… (about 10 seconds)"' in button
    assert 'data-busy-status="demo-status"' in button
    assert '<span id="demo-status" class="sr-only" role="status"></span>' in html
    assert '<script src="/static/busy.js"></script>' in html
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html)  # no inline script on the page
    script = client.get("/static/busy.js")
    assert script.status_code == 200
    source = script.get_data(as_text=True)
    assert "dataset.busyText" in source and '"aria-busy"' in source and "disabled = true" in source
    assert "innerHTML" not in source and "eval(" not in source


def test_team_pages_are_labelled_and_keyboard_reachable(demo):
    from tests.web.test_accessibility import check

    client, team_id = demo
    html = client.get(f"/teams/{team_id}/sets/2").get_data(as_text=True)
    answer_id = re.search(rf"/teams/{team_id}/answers/(\d+)/grade", html).group(1)
    paths = ["/teams/", "/teams/share", f"/teams/{team_id}", f"/teams/{team_id}/members", f"/teams/{team_id}/settings",
             f"/teams/{team_id}/queue", f"/teams/{team_id}/authoring", f"/teams/{team_id}/questions/new",
             f"/teams/{team_id}/rubrics/demo-behavioral/edit", f"/teams/{team_id}/import", f"/teams/{team_id}/sets",
             f"/teams/{team_id}/sets/2", f"/teams/{team_id}/answers/{answer_id}/grade",
             f"/teams/{team_id}/certification", f"/teams/{team_id}/dashboard"]
    for path in paths:
        check(client.get(path).get_data(as_text=True), path)


def test_the_plots_scale_to_their_cards_with_every_label_inside(demo):
    from tests.test_calibration_svg import check_plot

    client, team_id = demo
    html = client.get(f"/teams/{team_id}/dashboard").get_data(as_text=True)
    for plot in PLOTS:
        svg = re.search(r"<svg .*?</svg>", figure(html, plot), re.S).group(0)
        assert 'viewBox="0 0 ' in svg and 'width="100%"' in svg, plot
        check_plot(svg)
    cells = re.findall(r'font-size="10">(-?\d\.\d\d|–)</text>', figure(html, "plot-agreement"))
    assert len(cells) >= 2  # the kappas are printed in their cells, not only in tooltips
