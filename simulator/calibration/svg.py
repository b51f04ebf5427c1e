"""Small inline SVG plots for the HTML report and the team dashboard; every piece of text is escaped.

Each plot has a viewBox and width="100%", so it scales to its container (a card, a phone) instead of
overflowing it; the page's CSS gives it `height: auto`. Margins are sized from the labels they hold (text width
is estimated at FONT_SIZE * CHAR_EM per character, a little wider than system-ui's average), so names stay inside
the picture, and values are printed, not only given in tooltips.
"""
from __future__ import annotations

from html import escape
from typing import Any

FONT_SIZE = 11
CHAR_EM = 0.62  # estimated advance per character, in em: generous for digits and lower case
FONT = f'font-family="system-ui,sans-serif" font-size="{FONT_SIZE}"'
INK, MUTED, ACCENT, WARN = "#222", "#888", "#2b6cb0", "#c0392b"
PAD = 6


def text_width(s: Any, size: float = FONT_SIZE) -> float:
    """The estimated width of a label in user units."""
    return len(str(s)) * size * CHAR_EM


def clip(s: Any, width: float, size: float = FONT_SIZE) -> str:
    """The label shortened with an ellipsis to fit `width` (the full text stays in the plot's tooltips)."""
    s = str(s)
    room = int(width // (size * CHAR_EM))
    return s if len(s) <= room else (s[: max(room - 1, 1)] + "…")


def _text(x: float, y: float, s: Any, anchor: str = "start", fill: str = INK, extra: str = "") -> str:
    return (f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" fill="{fill}" {FONT} {extra}>'
            f"{escape(str(s))}</text>")


def _svg(width: float, height: float, body: list[str], title: str) -> str:
    return (f'<svg class="plot" width="100%" viewBox="0 0 {width:.0f} {height:.0f}" '
            f'preserveAspectRatio="xMidYMid meet" role="img" aria-label="{escape(title)}">'
            f"<title>{escape(title)}</title>{''.join(body)}</svg>")


def _scale(lo: float, hi: float, a: float, b: float) -> Any:
    span = (hi - lo) or 1.0
    return lambda v: a + (v - lo) / span * (b - a)


def severity_plot(rows: list[dict[str, Any]]) -> str:
    """Grader effects with 95% error bars and the effect printed at the right, sorted; withheld graders are left out."""
    rows = sorted((r for r in rows if r["value"] is not None), key=lambda r: r["value"])
    if not rows:
        return ""
    lo = min(min(r["ci95"][0] for r in rows), 0.0)
    hi = max(max(r["ci95"][1] for r in rows), 0.0)
    pad = 0.05 * ((hi - lo) or 1.0)
    left = PAD + max(text_width(r["grader"]) for r in rows) + 8
    width, step = 280, 18
    values = [f"{r['value']:+.2f}" for r in rows]
    right = max(text_width(v) for v in values) + 2 * PAD
    x = _scale(lo - pad, hi + pad, left, left + width)
    height = 34 + step * len(rows)
    body = [f'<line x1="{x(0):.1f}" y1="10" x2="{x(0):.1f}" y2="{height - 20}" stroke="{MUTED}" '
            'stroke-dasharray="3,3"/>']
    for i, (r, shown) in enumerate(zip(rows, values)):
        y = 18 + i * step
        color = WARN if r["label"] else ACCENT
        body.append(_text(left - 8, y + 4, r["grader"], "end"))
        body.append(f'<line x1="{x(r["ci95"][0]):.1f}" y1="{y}" x2="{x(r["ci95"][1]):.1f}" y2="{y}" '
                    f'stroke="{color}" stroke-width="2"/>')
        body.append(f'<circle cx="{x(r["value"]):.1f}" cy="{y}" r="3.5" fill="{color}">'
                    f'<title>{escape(r["grader"])}: {r["value"]:+.3f} ± {1.96 * r["se"]:.3f} '
                    f'(n={r["n"]})</title></circle>')
        body.append(_text(left + width + PAD, y + 4, shown, "start", color))
    total = left + width + right
    zero = "0 (average grader)"
    zx = min(max(x(0), left + text_width("harsher") + PAD + text_width(zero) / 2),
             left + width - text_width("more lenient") - PAD - text_width(zero) / 2)
    body.append(_text(zx, height - 4, zero, "middle", MUTED))
    body.append(_text(left, height - 4, "harsher", "start", MUTED))
    body.append(_text(left + width, height - 4, "more lenient", "end", MUTED))
    return _svg(total, height, body, "Grader severity with 95% intervals")


def bar_chart(counts: dict[str, int], title: str, width: int = 360, height: int = 140) -> str:
    """One bar per label with its count printed above it."""
    if not counts:
        return ""
    labels, values = list(counts), list(counts.values())
    top = max(values) or 1
    slot = (width - 20) / len(values)
    body = []
    for i, (lab, val) in enumerate(zip(labels, values)):
        h = (height - 44) * val / top
        x0 = 10 + i * slot
        body.append(f'<rect x="{x0 + 2:.1f}" y="{height - 22 - h:.1f}" width="{max(slot - 4, 1):.1f}" '
                    f'height="{h:.1f}" fill="{ACCENT}"><title>{escape(lab)}: {val}</title></rect>')
        body.append(_text(x0 + slot / 2, height - 8, clip(lab, slot - 2), "middle"))
        body.append(_text(x0 + slot / 2, height - 26 - h, clip(val, slot - 2), "middle", MUTED))
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


def _ink_on(v: float) -> str:
    """Text colour that reads on a heat cell: white on the saturated ends, dark in the pale middle."""
    return "#fff" if v <= 0.1 or v >= 0.85 else INK


HEAT_LEGEND = "cells: kappa; colour red ≤ 0, white 0.5, blue 1; grey = withheld (–)"
ROTATE = 60  # degrees the column names are turned; sin and cos below
SIN, COS = 0.866, 0.5


def heatmap(names: list[str], matrix: list[list[dict[str, Any] | None]], title: str) -> str:
    """Pairwise agreement with each kappa printed in its cell; withheld cells are grey with a dash, the diagonal is blank."""
    R = len(names)
    if R < 2:
        return ""
    cell = 34  # room for "-0.12" at 10 px; the plot scales to its container, so many graders shrink it evenly
    longest = max(text_width(n) for n in names)
    left = PAD + longest + 8
    top = 8 + longest * SIN + 8  # the turned column names go up and to the right from above their column
    body = []
    for i, name in enumerate(names):
        body.append(_text(left - 6, top + i * cell + cell * 0.6, name, "end"))
        cx = left + i * cell + cell * 0.55
        body.append(_text(cx, top - 6, name, "start", INK, f'transform="rotate(-{ROTATE} {cx:.1f} {top - 6:.1f})"'))
        for j in range(R):
            est = matrix[i][j]
            if i == j:
                continue
            x0, y0 = left + j * cell, top + i * cell
            if est is None or est["value"] is None:
                fill, ink, shown = "#ddd", INK, "–"
                tip = f"{names[i]} / {names[j]}: " + (est["reason"] if est else "n/a")
            else:
                fill, ink, shown = _heat(est["value"]), _ink_on(est["value"]), f"{est['value']:.2f}"
                ci = est["ci95"]
                tip = (f"{names[i]} / {names[j]}: {est['value']:.3f}"
                       + (f" [{ci[0]:.2f}, {ci[1]:.2f}]" if ci else "") + f" n={est['n']}")
            body.append(f'<rect x="{x0}" y="{y0:.1f}" width="{cell - 1}" height="{cell - 1}" fill="{fill}">'
                        f"<title>{escape(tip)}</title></rect>")
            body.append(f'<text x="{x0 + (cell - 1) / 2:.1f}" y="{y0 + cell * 0.6:.1f}" text-anchor="middle" '
                        f'fill="{ink}" font-family="system-ui,sans-serif" font-size="10">{escape(shown)}</text>')
    grid_right = left + R * cell
    turned_right = left + (R - 1) * cell + cell * 0.55 + longest * COS + PAD
    size = top + R * cell + 24
    width = max(grid_right + PAD, turned_right, PAD + text_width(HEAT_LEGEND) + PAD)
    body.append(_text(PAD, size - 6, HEAT_LEGEND, "start", MUTED))
    return _svg(width, size, body, title)


def _overlaps(a: tuple[float, float, float, float], b: tuple[float, float, float, float]) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def scatter(points: list[tuple[str, float, float]], title: str, line_y: float = 0.2) -> str:
    """Difficulty (x, 0..1) vs discrimination (y); a dashed line marks the discrimination floor.

    Each point is named beside it where the name fits inside the picture without covering another name or
    point (right, left, above, below; shortened if need be); a point whose name cannot be placed gets a number,
    and the numbers are named in a key under the plot."""
    if not points:
        return ""
    left, width, plot_h = 44, 420, 230
    right_edge = left + width + 14
    x = _scale(0.0, 1.0, left, left + width)
    ylo = min(-0.2, min(p[2] for p in points))
    yhi = max(1.0, max(p[2] for p in points))
    y = _scale(ylo, yhi, plot_h, 14)
    floor_label = f"item-rest {line_y}"
    body = [f'<rect x="{left}" y="10" width="{width}" height="{plot_h - 10 + 6}" fill="none" stroke="{MUTED}"/>',
            f'<line x1="{left}" y1="{y(line_y):.1f}" x2="{left + width}" y2="{y(line_y):.1f}" '
            f'stroke="{WARN}" stroke-dasharray="4,3"/>',
            _text(left + width - 4, y(line_y) - 4, floor_label, "end", WARN)]
    taken = [(left + width - 4 - text_width(floor_label), y(line_y) - 4 - FONT_SIZE, left + width - 4, y(line_y) - 1)]
    taken += [(x(dx) - 4, y(dy) - 4, x(dx) + 4, y(dy) + 4) for _, dx, dy in points]  # the dots themselves
    for tick in (0.0, 0.5, 1.0):
        body.append(_text(x(tick), plot_h + 20, f"{tick:g}", "middle", MUTED))
        body.append(_text(left - 6, y(tick) + 4, f"{tick:g}", "end", MUTED))
    keyed: list[tuple[int, str, float, float]] = []
    labels: list[str] = []
    for name, dx, dy in sorted(points, key=lambda p: (-p[2], p[1])):
        color = WARN if dy < line_y else ACCENT
        px, py = x(dx), y(dy)
        body.append(f'<circle cx="{px:.1f}" cy="{py:.1f}" r="4" fill="{color}">'
                    f"<title>{escape(name)}: difficulty {dx:.2f}, discrimination {dy:.2f}</title></circle>")
        placed = None
        for room in (None, 18, 10):
            label = str(name) if room is None else clip(name, room * FONT_SIZE * CHAR_EM)
            w = text_width(label)
            for lx, ly, anchor in ((px + 7, py + 4, "start"), (px - 7, py + 4, "end"),
                                   (px, py - 8, "middle"), (px, py + 16, "middle")):
                x0 = lx if anchor == "start" else lx - w if anchor == "end" else lx - w / 2
                box = (x0, ly - FONT_SIZE + 2, x0 + w, ly + 3)
                inside = box[0] >= PAD and box[2] <= right_edge - PAD and box[1] >= 2 and box[3] <= plot_h + 9
                if inside and not any(_overlaps(box, t) for t in taken):
                    placed = (lx, ly, anchor, label, box)
                    break
            if placed:
                break
        if placed is None:
            number = str(len(keyed) + 1)
            keyed.append((len(keyed) + 1, str(name), dx, dy))
            w = text_width(number)
            for lx, ly in ((px + 6, py - 4), (px - 6 - w, py - 4), (px - w / 2, py - 8), (px - w / 2, py + 15)):
                box = (lx, ly - FONT_SIZE + 2, lx + w, ly + 3)
                if box[0] >= PAD and box[2] <= right_edge - PAD and box[1] >= 2:
                    break
            placed = (lx, ly, "start", number, box)
        lx, ly, anchor, label, box = placed
        taken.append(box)
        labels.append(_text(lx, ly, label, anchor))
    body += labels
    axis = "difficulty (mean normalised score: 0 hard, 1 easy)"
    body.append(_text(left + width / 2, plot_h + 34, axis, "middle", MUTED))
    height = plot_h + 42
    for number, name, dx, dy in keyed:
        height += 15
        body.append(_text(PAD, height - 4, clip(f"{number}: {name} ({dx:.2f}, {dy:.2f})", right_edge - 2 * PAD)))
    return _svg(right_edge, height + 2, body, title)
