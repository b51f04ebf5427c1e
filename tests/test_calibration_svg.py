"""The calibration plots scale to their container and keep every label inside the picture (issue 17, item 14):
a viewBox with width 100% (no fixed size), margins sized from the names they hold, the scatter's names not on top
of each other, and the values printed (the heatmap's kappas, the severity effects, the bar counts)."""
from __future__ import annotations

import math
import re
import xml.etree.ElementTree as ET

from simulator.calibration import svg

EM = 0.6  # this test's own estimate of a character's width, in em (system-ui averages about 0.5)
LONG = ["machine:keyword", "a-rather-long-interviewer-username", "bo", "interviewer-number-three", "machine:llm"]


def boxes(text: str) -> tuple[tuple[float, float, float, float], list[tuple[str, tuple[float, float, float, float]]]]:
    """The plot's viewBox and each text's estimated box (turned text as the box of its two ends)."""
    root = ET.fromstring(text)
    assert root.get("width") == "100%" and root.get("height") is None, root.attrib  # sized by its container
    view = tuple(float(v) for v in root.get("viewBox").split())
    out = []
    for t in root.iter("{http://www.w3.org/2000/svg}text") if root.tag.startswith("{") else root.iter("text"):
        size = float(t.get("font-size") or 11)
        x, y, w = float(t.get("x")), float(t.get("y")), len(t.text or "") * size * EM
        x0 = {"start": x, "middle": x - w / 2, "end": x - w}[t.get("text-anchor") or "start"]
        turn = re.search(r"rotate\((-?[\d.]+) ", t.get("transform") or "")
        if turn:
            a = math.radians(float(turn.group(1)))
            ends = [(x, y), (x + w * math.cos(a), y + w * math.sin(a))]
            box = (min(e[0] for e in ends), min(e[1] for e in ends) - size * 0.8, max(e[0] for e in ends),
                   max(e[1] for e in ends))
        else:
            box = (x0, y - size * 0.8, x0 + w, y + size * 0.2)
        out.append((t.text or "", box))
    return view, out


def check_plot(text: str) -> list[tuple[str, tuple[float, float, float, float]]]:
    """Every label inside the viewBox; returns the labels and their boxes."""
    (vx, vy, vw, vh), labels = boxes(text)
    for label, (x0, y0, x1, y1) in labels:
        assert vx - 0.5 <= x0 and x1 <= vx + vw + 0.5 and vy - 0.5 <= y0 and y1 <= vy + vh + 0.5, (label, (x0, y0, x1, y1), vw, vh)
    return labels


def overlap(a, b) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def test_the_scatter_keeps_long_names_inside_and_apart():
    points = [("acme-lab-beh-metric-that-misled", 0.98, 0.95), ("acme-lab-beh-stopped-a-project", 0.97, 0.93),
              ("beh-conflict-with-manager", 0.96, 0.94), ("q-hard", 0.02, -0.35), ("another-long-question-id", 0.0, 1.0),
              ("dist-sharding-failure-modes", 0.5, 0.5), ("dist-sharding-failure-modes-2", 0.51, 0.5),
              ("dist-sharding-failure-modes-3", 0.52, 0.51), ("math-eigen", 1.0, -0.2)]
    text = svg.scatter(points, "Difficulty vs discrimination", 0.2)
    labels = check_plot(text)
    names = [(s, b) for s, b in labels if not re.fullmatch(r"[\d.]+|item-rest.*|difficulty .*", s)]
    for i, (a, box_a) in enumerate(names):
        for b, box_b in names[i + 1:]:
            assert not overlap(box_a, box_b), (a, b)
    shown = " ".join(s for s, _ in labels)
    for name, _, _ in points:  # every point is named: beside it, shortened, or by number in the key
        assert name in shown or any(s.endswith("…") and name.startswith(s[:-1]) for s, _ in labels), name
    assert text.count("<circle") == len(points)


def test_the_heatmap_prints_every_kappa_and_keeps_long_names_inside():
    n = len(LONG)
    matrix = [[None if i == j else {"value": round(0.1 * (i + j) - 0.3, 2), "ci95": [0.0, 0.9], "n": 40, "reason": None}
               for j in range(n)] for i in range(n)]
    matrix[0][1] = matrix[1][0] = {"value": None, "ci95": None, "n": 3, "reason": "n=3 < 10"}
    text = svg.heatmap(LONG, matrix, "Pairwise quadratic weighted kappa")
    labels = [s for s, _ in check_plot(text)]
    assert labels.count("–") == 2  # withheld, said in the cell
    printed = [s for s in labels if re.fullmatch(r"-?\d\.\d\d", s)]
    assert len(printed) == n * (n - 1) - 2 and "0.30" in printed and "-0.10" in printed


def test_severity_and_bars_print_their_values_inside():
    rows = [{"grader": name, "value": v, "ci95": [v - 0.3, v + 0.3], "se": 0.15, "n": 50, "label": v < -0.3}
            for name, v in zip(LONG, (-0.6, -0.1, 0.0, 0.2, 0.7))]
    labels = [s for s, _ in check_plot(svg.severity_plot(rows))]
    assert all(name in labels for name in LONG) and "-0.60" in labels and "+0.70" in labels
    labels = [s for s, _ in check_plot(svg.bar_chart({"1": 3, "2": 120, "3": 4000, "4": 7, "5": 0}, "Levels"))]
    assert {"3", "120", "4000", "7", "0"} <= set(labels)
    check_plot(svg.bar_chart({str(i): i for i in range(1, 6)}, "Levels for q", 220, 110))
