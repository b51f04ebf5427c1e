"""The calibration report as one self-contained HTML page (no scripts, no CDN, inline SVG)."""
from __future__ import annotations

from html import escape
from typing import Any

from . import svg
from .text import DASH, est, num

CSS = """
body{font-family:system-ui,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;color:#222}
table{border-collapse:collapse;margin:.5em 0 1.5em}th,td{padding:.25em .7em;border-bottom:1px solid #ddd;
text-align:left;vertical-align:top;white-space:nowrap}td:last-child{white-space:normal}th{background:#f4f4f4}td.n{text-align:right;font-variant-numeric:tabular-nums}
.flag{color:#c0392b}.muted{color:#777}figure{margin:1em 0}figcaption{color:#555;font-size:.9em}
.grid{display:flex;flex-wrap:wrap;gap:2em}
svg.plot{display:block;width:100%;height:auto;max-width:44rem}.grid figure{flex:0 1 240px}
"""


def _e(x: Any) -> str:
    return escape("" if x is None else str(x))


def _table(headers: list[str], rows: list[list[Any]], numeric: set[int] | None = None) -> str:
    numeric = numeric or set()
    head = "".join(f"<th>{_e(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f'<td{" class=n" if i in numeric else ""}>{_e(c)}</td>'
                                    for i, c in enumerate(row)) + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _figure(svg_text: str, caption: str) -> str:
    if not svg_text:
        return f'<p class="muted">{_e(caption)}: nothing to plot.</p>'
    return f"<figure>{svg_text}<figcaption>{_e(caption)}</figcaption></figure>"


def render_html(r: dict[str, Any], title: str = "Grader and question calibration") -> str:
    inp, st = r["input"], r["settings"]
    parts = [f"<h1>{_e(title)}</h1>",
             f"<p>{inp['grades']} grades, {inp['answers']} answers, {inp['graders']} graders, "
             f"{len(inp['criteria'])} criteria, {inp['questions']} questions. Unit of agreement: {_e(inp['unit'])}. "
             f"Scale {inp['scale']['min']:g} to {inp['scale']['max']:g}. Statistics on fewer than {st['min_n']} "
             "ratings are withheld. Intervals are 95%.</p>"]

    parts.append(f"<h2>Flags ({len(r['flags'])})</h2>")
    if r["flags"]:
        parts.append("<ul>" + "".join(f'<li class="flag"><b>{_e(f["kind"])}</b> {_e(f["subject"])}: '
                                      f"{_e(f['message'])}</li>" for f in r["flags"]) + "</ul>")
    else:
        parts.append("<p>None.</p>")

    parts.append("<h2>Agreement over the whole file</h2>")
    rows = [[f"Krippendorff's alpha, {lv}", est(d), d["n"], d["reason"] or d["note"]] for lv, d in r["alpha_detail"].items()]
    reasons = {d["reason"] for d in r["icc_detail"].values()}
    if len(reasons) == 1 and None not in reasons:
        rows.append(["ICC, all six forms", DASH, next(iter(r["icc_detail"].values()))["n"], reasons.pop()])
    else:
        rows += [[form, est(d), d["n"], d["reason"] or d["note"]] for form, d in r["icc_detail"].items()]
    parts.append(_table(["statistic", "value [95% CI]", "n", "note"], rows, {2}))
    if r["criteria"]:
        parts.append("<h3>Per criterion (ordinal alpha)</h3>")
        parts.append(_table(["criterion", "alpha [95% CI]", "n units", "note"],
                            [[c["criterion"], est(c["alpha_ordinal"]), c["alpha_ordinal"]["n"],
                              c["alpha_ordinal"]["reason"]] for c in r["criteria"]], {2}))
    k = r["kappa"]
    parts.append(_figure(svg.heatmap(k["graders"], k["matrix"], "Pairwise quadratic weighted kappa"),
                         "Pairwise quadratic weighted kappa on shared answers, printed in each cell (hover for n and CI)"))

    sev = r["severity"]
    parts.append("<h2>Grader severity</h2><p>Points above (lenient) or below (harsh) the average grader on the "
                 "same answers, from level = answer effect + grader effect.</p>")
    parts.append(_figure(svg.severity_plot(sev["graders"]), "Grader effect with 95% interval; red = flagged"))
    parts.append(_table(["grader", "n", "effect [95% CI]", "SE", "flag", "note"],
                        [[g["grader"], g["n"], est(g, signed=True), num(g.get("se")), g["label"], g["reason"]]
                         for g in sorted(sev["graders"], key=lambda g: (g["value"] is None, g["value"] or 0))],
                        {1, 3}))

    parts.append("<h2>Questions</h2>")
    parts.append(_figure(svg.bar_chart(r["distribution"], "Distribution of all levels"),
                         "Distribution of all grades by level"))
    if r["questions"]:
        pts = [(q["question"], q["difficulty"]["value"], q["discrimination"]["value"]) for q in r["questions"]
               if q["difficulty"]["value"] is not None and q["discrimination"]["value"] is not None]
        parts.append(_figure(svg.scatter(pts, "Difficulty vs discrimination", st["low_discrimination"]),
                             "Difficulty vs discrimination (item-rest correlation); below the line = flagged"))
        rows = [[q["question"], q["n_answers"], est(q["difficulty"]), num(q["floor"], 2), num(q["ceiling"], 2),
                 est(q["discrimination"], 2), num(q["time"]["median_s"], 0) if q["time"] else DASH,
                 q["reason"] or q["discrimination"]["reason"]] for q in r["questions"]]
        parts.append(_table(["question", "n", "difficulty [95% CI]", "floor", "ceiling", "item-rest [95% CI]",
                             "median s", "note"], rows, {1, 3, 4, 6}))
        dists = "".join(f"<div>{svg.bar_chart(q['distribution'], 'Levels for ' + q['question'], 220, 110)}"
                        f"<div class=muted>{_e(q['question'])}</div></div>" for q in r["questions"])
        parts.append(f'<h3>Score distribution per question</h3><div class="grid">{dists}</div>')
    else:
        parts.append(f"<p class=muted>{_e(r['questions_reason'])}</p>")

    parts.append("<h2>Drift over time</h2>")
    drift = r["drift"]
    if drift["reason"]:
        parts.append(f"<p class=muted>{_e(drift['reason'])}</p>")
    else:
        rows = [[kind[:-1], d["name"], est(d["slope_per_day"], 4, True), num(d["change"]),
                 "drifting" if d["drifting"] else "", d["slope_per_day"]["reason"]]
                for kind in ("graders", "questions") for d in drift[kind]]
        parts.append(_table(["of", "name", "slope per day [95% CI]", "change over span", "flag", "note"], rows))

    return ("<!DOCTYPE html><html lang=en><head><meta charset=utf-8>"
            f"<meta name=viewport content='width=device-width,initial-scale=1'><title>{_e(title)}</title>"
            f"<style>{CSS}</style></head><body>{''.join(parts)}</body></html>\n")
