"""History: past loops and a server-drawn SVG progress chart per criterion, with all text escaped."""
import re

from web.history.chart import svg_chart


def graded_drill(api, clock, text):
    loop, rnd = api.drill()
    api.post(f"/api/rounds/{rnd['id']}/submit", {"text": text})
    clock.advance(86400)
    return loop


def test_history_lists_loops_and_draws_a_chart_per_criterion(client, api, clock):
    first = graded_drill(api, clock, "nothing relevant at all")
    second = graded_drill(api, clock, "gradient accumulation with a clear structure")
    api.drill()  # unfinished: listed, not charted
    html = client.get("/history").get_data(as_text=True)
    assert f"Loop {first['id']}" in html and f"Loop {second['id']}" in html
    svgs = re.findall(r"<svg .*?</svg>", html, re.S)
    assert len(svgs) == 2  # depth and clarity of the behavioral rubric
    assert all('role="img"' in s and "<title id=" in s and "<desc id=" in s for s in svgs)
    assert all("<polyline" in s and s.count("<circle") == 2 for s in svgs)
    assert "The numbers" in html


def test_history_with_nothing_yet(client):
    assert "No loops yet" in client.get("/history").get_data(as_text=True)


def test_chart_escapes_every_text():
    series = {"name": '<script>alert(1)</script>', "round": "x<y>", "criterion": "c",
              "points": [{"loop_id": 1, "track": '"><b>', "at": "2026-01-01T00:00:00", "level": 3}]}
    svg = str(svg_chart(series, 'id"><x'))
    assert "<script>" not in svg and "<b>" not in svg and 'id"><x' not in svg
    assert "&lt;script&gt;" in svg


def test_chart_places_levels_on_the_scale():
    series = {"name": "Depth", "round": "behavioral", "criterion": "depth",
              "points": [{"loop_id": i, "track": "t", "at": f"2026-01-0{i}", "level": lv} for i, lv in ((1, 1), (2, 5))]}
    svg = str(svg_chart(series, "c"))
    ys = [float(y) for y in re.findall(r'<circle class="chart-dot" cx="[\d.]+" cy="([\d.]+)"', svg)]
    assert ys[0] > ys[1]  # level 1 is drawn lower than level 5
    assert "latest 5 of 5" in svg


def test_the_chart_scales_to_its_card_with_its_labels_inside(client, api, clock):
    from tests.test_calibration_svg import check_plot

    graded_drill(api, clock, "nothing relevant at all")
    graded_drill(api, clock, "gradient accumulation with a clear structure")
    for svg in re.findall(r"<svg .*?</svg>", client.get("/history").get_data(as_text=True), re.S):
        assert 'viewBox="0 0 300 150"' in svg and 'width="100%"' in svg
        check_plot(svg)
