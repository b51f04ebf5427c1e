"""Small inline SVG plots for the HTML report; every piece of text is escaped."""
from __future__ import annotations

from html import escape
from typing import Any

FONT = 'font-family="system-ui,sans-serif" font-size="11"'
INK, MUTED, ACCENT, WARN = "#222", "#888", "#2b6cb0", "#c0392b"


def _text(x: float, y: float, s: Any, anchor: str = "start", fill: str = INK, extra: str = "") -> str:
    return (f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" fill="{fill}" {FONT} {extra}>'
            f"{escape(str(s))}</text>")


def _svg(width: float, height: float, body: list[str], title: str) -> str:
    return (f'<svg width="{width:.0f}" height="{height:.0f}" '
            f'viewBox="0 0 {width:.0f} {height:.0f}" role="img" aria-label="{escape(title)}">'
            f"<title>{escape(title)}</title>{''.join(body)}</svg>")


def _scale(lo: float, hi: float, a: float, b: float) -> Any:
    span = (hi - lo) or 1.0
    return lambda v: a + (v - lo) / span * (b - a)


def severity_plot(rows: list[dict[str, Any]]) -> str:
    """Grader effects with 95% error bars, sorted; withheld graders are left out."""
    rows = sorted((r for r in rows if r["value"] is not None), key=lambda r: r["value"])
    if not rows:
        return ""
    lo = min(min(r["ci95"][0] for r in rows), 0.0)
    hi = max(max(r["ci95"][1] for r in rows), 0.0)
    pad = 0.05 * ((hi - lo) or 1.0)
    left, width, step = 150, 360, 16
    x = _scale(lo - pad, hi + pad, left, left + width)
    height = 30 + step * len(rows)
    body = [f'<line x1="{x(0):.1f}" y1="10" x2="{x(0):.1f}" y2="{height - 18}" stroke="{MUTED}" '
            'stroke-dasharray="3,3"/>']
    for i, r in enumerate(rows):
        y = 18 + i * step
        color = WARN if r["label"] else ACCENT
        body.append(_text(left - 8, y + 4, r["grader"], "end"))
        body.append(f'<line x1="{x(r["ci95"][0]):.1f}" y1="{y}" x2="{x(r["ci95"][1]):.1f}" y2="{y}" '
                    f'stroke="{color}" stroke-width="2"/>')
        body.append(f'<circle cx="{x(r["value"]):.1f}" cy="{y}" r="3.5" fill="{color}">'
                    f'<title>{escape(r["grader"])}: {r["value"]:+.3f} ± {1.96 * r["se"]:.3f} '
                    f'(n={r["n"]})</title></circle>')
    body.append(_text(x(0), height - 4, "0 (average grader)", "middle", MUTED))
    body.append(_text(left, height - 4, "harsher", "start", MUTED))
    body.append(_text(left + width, height - 4, "more lenient", "end", MUTED))
    return _svg(left + width + 20, height, body, "Grader severity with 95% intervals")


def bar_chart(counts: dict[str, int], title: str, width: int = 360, height: int = 140) -> str:
    if not counts:
        return ""
    labels, values = list(counts), list(counts.values())
    top = max(values) or 1
    slot = (width - 20) / len(values)
    body = []
    for i, (lab, val) in enumerate(zip(labels, values)):
        h = (height - 40) * val / top
        x0 = 10 + i * slot
        body.append(f'<rect x="{x0 + 2:.1f}" y="{height - 22 - h:.1f}" width="{max(slot - 4, 1):.1f}" '
                    f'height="{h:.1f}" fill="{ACCENT}"><title>{escape(lab)}: {val}</title></rect>')
        body.append(_text(x0 + slot / 2, height - 8, lab, "middle"))
        body.append(_text(x0 + slot / 2, height - 26 - h, val, "middle", MUTED))
    return _svg(width, height, body, title)


def _heat(v: float) -> str:
    """Diverging colour: red (<= 0) through white (0.5) to blue (1)."""
    t = max(0.0, min(1.0, v))
    if t < 0.5:
        k = t / 0.5
        r, g, b = 220, int(80 + 175 * k), int(80 + 175 * k)
    else:
        k = (t - 0.5) / 0.5
        r, g, b = int(255 - 200 * k), int(255 - 130 * k), 255 - int(40 * k)
    return f"rgb({r},{g},{b})"


def heatmap(names: list[str], matrix: list[list[dict[str, Any] | None]], title: str) -> str:
    """Pairwise agreement; withheld cells are grey, the diagonal is blank."""
    R = len(names)
    if R < 2:
        return ""
    cell = max(8, min(28, 560 // R))
    left, top = 130, 100
    body = []
    for i, name in enumerate(names):
        body.append(_text(left - 6, top + i * cell + cell * 0.7, name, "end"))
        cx = left + i * cell + cell * 0.6
        body.append(_text(cx, top - 6, name, "start", INK, f'transform="rotate(-60 {cx:.1f} {top - 6})"'))
        for j in range(R):
            est = matrix[i][j]
            if i == j:
                continue
            x0, y0 = left + j * cell, top + i * cell
            if est is None or est["value"] is None:
                fill, tip = "#ddd", f"{names[i]} / {names[j]}: " + (est["reason"] if est else "n/a")
            else:
                fill = _heat(est["value"])
                ci = est["ci95"]
                tip = (f"{names[i]} / {names[j]}: {est['value']:.3f}"
                       + (f" [{ci[0]:.2f}, {ci[1]:.2f}]" if ci else "") + f" n={est['n']}")
            body.append(f'<rect x="{x0}" y="{y0}" width="{cell - 1}" height="{cell - 1}" fill="{fill}">'
                        f"<title>{escape(tip)}</title></rect>")
    size = top + R * cell + 24
    body.append(_text(left, size - 6, "colour: red ≤ 0, white 0.5, blue 1; grey = withheld", "start", MUTED))
    return _svg(max(left + R * cell + 70, 440), size, body, title)


def scatter(points: list[tuple[str, float, float]], title: str, line_y: float = 0.2) -> str:
    """Difficulty (x, 0..1) vs discrimination (y); a dashed line marks the discrimination floor."""
    if not points:
        return ""
    left, width, height = 50, 380, 260
    x = _scale(0.0, 1.0, left, left + width)
    ylo = min(-0.2, min(p[2] for p in points))
    y = _scale(ylo, 1.0, height - 30, 10)
    body = [f'<rect x="{left}" y="10" width="{width}" height="{height - 40}" fill="none" stroke="{MUTED}"/>',
            f'<line x1="{left}" y1="{y(line_y):.1f}" x2="{left + width}" y2="{y(line_y):.1f}" '
            f'stroke="{WARN}" stroke-dasharray="4,3"/>',
            _text(left + width - 4, y(line_y) - 4, f"item-rest {line_y}", "end", WARN)]
    for tick in (0.0, 0.5, 1.0):
        body.append(_text(x(tick), height - 16, f"{tick:g}", "middle", MUTED))
        body.append(_text(left - 6, y(tick) + 4, f"{tick:g}", "end", MUTED))
    for name, dx, dy in points:
        color = WARN if dy < line_y else ACCENT
        body.append(f'<circle cx="{x(dx):.1f}" cy="{y(dy):.1f}" r="4" fill="{color}">'
                    f"<title>{escape(name)}: difficulty {dx:.2f}, discrimination {dy:.2f}</title></circle>")
        body.append(_text(x(dx) + 6, y(dy) - 5, name))
    body.append(_text(left + width / 2, height - 2, "difficulty (mean normalised score: 0 hard, 1 easy)",
                      "middle", MUTED))
    return _svg(left + width + 20, height + 4, body, title)
