"""A progress chart as inline SVG, drawn on the server. Every piece of text is escaped."""
from __future__ import annotations

from html import escape
from typing import Any

from markupsafe import Markup

WIDTH, HEIGHT = 300, 150
LEFT, RIGHT, TOP, BOTTOM = 28, 10, 10, 26


def _x(i: int, n: int) -> float:
    span = WIDTH - LEFT - RIGHT
    return LEFT + (span / 2 if n == 1 else span * i / (n - 1))


def _y(level: float) -> float:
    return TOP + (HEIGHT - TOP - BOTTOM) * (5 - level) / 4


def _day(at: str | None) -> str:
    return (at or "")[:10]


def labels(points: list[dict[str, Any]]) -> list[str]:
    """A label per point that tells it apart from the others: the date, with the time (HH:MM) when another
    point falls on the same day, and a #n when even the minute is shared."""
    days = [_day(p.get("at")) for p in points]
    out = [day if days.count(day) == 1 else (p.get("at") or "")[:16].replace("T", " ") for day, p in zip(days, points)]
    seen: dict[str, int] = {}
    counts = {label: out.count(label) for label in out}
    for i, label in enumerate(out):
        if counts[label] > 1:
            seen[label] = seen.get(label, 0) + 1
            out[i] = f"{label} #{seen[label]}"
    return out


def svg_chart(series: dict[str, Any], chart_id: str) -> Markup:
    """Levels 1..5 (y) over loops in time order (x): grid, line, dots with a tooltip each, title and description."""
    points = series["points"]
    n = len(points)
    title = f"{series['name']} ({series['round'].replace('_', ' ')})"
    levels = [p["level"] for p in points]
    names = labels(points)
    desc = (f"{n} graded loop(s), oldest first, from {names[0]} to {names[-1]}; levels "
            + ", ".join(f"{lv:g}" for lv in levels) + f"; latest {levels[-1]:g} of 5.") if n else "No graded loops yet."
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" class="plot" viewBox="0 0 {WIDTH} {HEIGHT}" width="100%" '
           f'role="img" aria-labelledby="{escape(chart_id)}-t {escape(chart_id)}-d">',
           f'<title id="{escape(chart_id)}-t">{escape(title)}</title>',
           f'<desc id="{escape(chart_id)}-d">{escape(desc)}</desc>']
    for level in range(1, 6):
        y = _y(level)
        out.append(f'<line class="chart-grid" x1="{LEFT}" y1="{y:.1f}" x2="{WIDTH - RIGHT}" y2="{y:.1f}"/>')
        out.append(f'<text class="chart-label" x="{LEFT - 8}" y="{y + 4:.1f}" text-anchor="end">{level}</text>')
    base = HEIGHT - BOTTOM
    out.append(f'<line class="chart-axis" x1="{LEFT}" y1="{base}" x2="{WIDTH - RIGHT}" y2="{base}"/>')
    coords = [(_x(i, n), _y(p["level"])) for i, p in enumerate(points)]
    if n > 1:
        out.append('<polyline class="chart-line" points="' + " ".join(f"{x:.1f},{y:.1f}" for x, y in coords) + '"/>')
    for (x, y), p, name in zip(coords, points, names):
        tip = f"Loop {p['loop_id']} ({p['track']}), {name}: level {p['level']:g}"
        out.append(f'<circle class="chart-dot" cx="{x:.1f}" cy="{y:.1f}" r="4"><title>{escape(tip)}</title></circle>')
    if n:
        out.append(f'<text class="chart-label" x="{LEFT}" y="{HEIGHT - 8}">{escape(names[0])}</text>')
        if n > 1:
            out.append(f'<text class="chart-label" x="{WIDTH - RIGHT}" y="{HEIGHT - 8}" text-anchor="end">'
                       f'{escape(names[-1])}</text>')
    out.append("</svg>")
    return Markup("".join(out))
