"""The dashboard's figures (simulator.calibration.svg, which escapes every text) and its CSV exports.

`statistics_rows` flattens `team_report()` into one row per statistic with its
n, 95% CI and, when withheld, the reason. `grades_csv` writes the team's grades
in the format `mockloop calibrate --input GRADES.csv` reads, so a team can
rerun the statistics elsewhere.
"""
from __future__ import annotations

import csv
import io
from typing import Any

from markupsafe import Markup

from simulator.calibration import svg

STAT_HEADERS = ["section", "subject", "statistic", "value", "ci_low", "ci_high", "n", "note"]
GRADE_HEADERS = ["answer_id", "grader", "level", "criterion", "question_id", "candidate_id", "graded_at"]


def figures(r: dict[str, Any]) -> dict[str, Markup]:
    """The four plots as inline SVG ('' when there is nothing to plot), plus per-question distributions."""
    k = r["kappa"]
    points = [(q["question"], q["difficulty"]["value"], q["discrimination"]["value"]) for q in r["questions"]
              if q["difficulty"]["value"] is not None and q["discrimination"]["value"] is not None]
    out = {
        "severity": svg.severity_plot(r["severity"]["graders"]),
        "distribution": svg.bar_chart(r["distribution"], "Distribution of all levels"),
        "agreement": svg.heatmap(k["graders"], k["matrix"], "Pairwise quadratic weighted kappa"),
        "scatter": svg.scatter(points, "Difficulty vs discrimination", r["settings"]["low_discrimination"]),
    }
    figs = {name: _named(text, f"fig-{name}") for name, text in out.items()}
    figs["per_question"] = [(q["question"], _named(svg.bar_chart(q["distribution"], f"Levels for {q['question']}",
                                                                 220, 110), f"fig-q{i}")) for i, q in enumerate(r["questions"])]
    return figs


def _named(text: str, ident: str) -> Markup:
    """svg.py's plot (it escapes every label and tooltip), named by its own <title> through aria-labelledby."""
    if not text:
        return Markup("")
    text = text.replace("<svg ", f'<svg aria-labelledby="{ident}-title" ', 1)
    return Markup(text.replace("<title>", f'<title id="{ident}-title">', 1))


def _row(section: str, subject: str, statistic: str, d: dict[str, Any] | None) -> list[Any]:
    d = d or {"value": None, "n": 0, "ci95": None, "reason": "not computed"}
    ci = d.get("ci95") or [None, None]
    return [section, subject, statistic, d.get("value"), ci[0], ci[1], d.get("n"), d.get("reason") or d.get("note")]


def statistics_rows(r: dict[str, Any]) -> list[list[Any]]:
    if r.get("input", {}).get("grades", 0) == 0:
        return []
    rows = [_row("agreement", "all grades", f"alpha_{lv}", d) for lv, d in r["alpha_detail"].items()]
    rows += [_row("agreement", "all grades", form, d) for form, d in r["icc_detail"].items()]
    rows += [_row("agreement", x["round"], "alpha_ordinal", x["alpha_ordinal"]) for x in r.get("rounds", [])]
    rows += [_row("agreement", c["criterion"], "alpha_ordinal", c["alpha_ordinal"]) for c in r["criteria"]]
    names = r["kappa"]["graders"]
    for i, row in enumerate(r["kappa"]["matrix"]):
        rows += [_row("kappa", f"{names[i]} / {names[j]}", "quadratic_kappa", cell)
                 for j, cell in enumerate(row) if j > i]
    rows += [_row("severity", g["grader"], "effect_points", g) for g in r["severity"]["graders"]]
    for q in r["questions"]:
        rows += [_row("question", q["question"], "difficulty", q["difficulty"]),
                 _row("question", q["question"], "discrimination_item_rest", q["discrimination"])]
    for kind in ("graders", "questions"):
        rows += [_row(f"drift_{kind[:-1]}", d["name"], "slope_per_day", d["slope_per_day"])
                 for d in r["drift"][kind]]
    rows += [["certification", c["grader"], "kappa_vs_gold", c["kappa"], *(c["ci95"] or [None, None]),
              c["n_answers"], c["reason"]] for c in r.get("certifications", [])]
    return rows


def _cell(value: Any) -> Any:
    """Numbers as they are; text that a spreadsheet would run as a formula gets a leading apostrophe."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return "" if value is None else value


def to_csv(headers: list[str], rows: list[list[Any]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(headers)
    writer.writerows([[_cell(v) for v in row] for row in rows])
    return buffer.getvalue()


def grades_rows(records: list[Any]) -> list[list[Any]]:
    return [[g.answer_id, g.grader, g.level, g.criterion, g.question_id, g.candidate_id,
             g.graded_at.isoformat() if hasattr(g.graded_at, "isoformat") else g.graded_at] for g in records]
