"""History journeys: two loops on one day are told apart on the chart; the chart's order is stated."""
import re

from web.history.chart import labels, svg_chart


def graded_drill(api, clock, text, advance):
    loop, rnd = api.drill()
    api.post(f"/api/rounds/{rnd['id']}/submit", {"text": text})
    clock.advance(advance)
    return loop


def test_two_loops_on_the_same_day_have_distinct_labels(client, api, clock):
    graded_drill(api, clock, "nothing relevant at all", 3 * 3600)
    graded_drill(api, clock, "gradient accumulation with a clear structure", 60)
    html = client.get("/history").get_data(as_text=True)
    svg = re.findall(r"<svg .*?</svg>", html, re.S)[0]
    axis = re.findall(r'<text class="chart-label" x="[\d.]+" y="142"[^>]*>([^<]*)</text>', svg)
    assert len(axis) == 2 and axis[0] != axis[1], axis  # not the same date twice
    assert all(re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d", a) for a in axis), axis
    tips = re.findall(r"<circle [^>]*><title>([^<]*)</title>", svg)
    assert len(set(t.split(": level")[0].split(", ", 1)[1] for t in tips)) == 2
    assert "oldest on the left" in html and "the table above lists newest first" in html
    assert "Oldest first, as in the chart" in html


def test_labels_use_the_date_alone_when_it_is_enough_and_number_exact_ties():
    pts = [{"at": "2026-01-01T09:00:00"}, {"at": "2026-01-02T09:00:00"}, {"at": "2026-01-02T10:30:00"},
           {"at": "2026-01-03T08:00:10"}, {"at": "2026-01-03T08:00:50"}]
    assert labels(pts) == ["2026-01-01", "2026-01-02 09:00", "2026-01-02 10:30",
                           "2026-01-03 08:00 #1", "2026-01-03 08:00 #2"]
    series = {"name": "Depth", "round": "behavioral", "criterion": "depth",
              "points": [dict(p, loop_id=i, track="t", level=3) for i, p in enumerate(pts)]}
    assert "from 2026-01-01 to 2026-01-03 08:00 #2" in str(svg_chart(series, "c"))
