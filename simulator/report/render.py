"""Render a scorecard as Markdown, JSON or a self-contained HTML page (everything escaped)."""
from __future__ import annotations

import json
from html import escape
from typing import Any

from simulator.bank import ROUND_NAMES


def _minutes(seconds: float | None) -> str:
    if seconds is None:
        return "-"
    return f"{int(seconds // 60)}:{int(seconds % 60):02d}"


def _round_name(round_type: str) -> str:
    return ROUND_NAMES.get(round_type, round_type.replace("_", " "))


def _level(c: dict[str, Any]) -> str:
    """A criterion's level with the grader that gave it; no level says why."""
    if c.get("not_applicable"):
        return "not applicable"
    by = c.get("graded_by")
    if c["level"] is None:
        return f"not assessed by the {by} grader" if by else "not rated"
    return f"{c['level']}/5 ({by})" if by else f"{c['level']}/5"


def _decision(card: dict[str, Any]) -> str:
    """The band, or why there is none: a verdict only for a full loop graded by certified graders."""
    if card["band"]:
        return card["band"]["label"]
    if card["score"] is None:
        return "pending"
    return "no verdict. " + " ".join(card.get("verdict_withheld") or [])


def _round_score(r: dict[str, Any]) -> str:
    """A round's score; an unanswered round counts 0 in the loop and says so, rather than 'pending'."""
    if r["score"] is not None:
        return f"{r['score']:.2f}"
    return "no answer" if "no_answer" in r["flags"] else "pending"


def to_json(card: dict[str, Any]) -> str:
    return json.dumps(card, indent=2, sort_keys=True, ensure_ascii=False)


def to_markdown(card: dict[str, Any]) -> str:
    band = _decision(card)
    score = "pending" if card["score"] is None else f"{card['score']:.2f}"
    out = [f"# Scorecard: loop {card['loop_id']} ({card['track_name']}, {card['kind']})", "",
           f"**Loop score:** {score}  **Decision:** {band}", ""]
    for r in card["rounds"]:
        rs = _round_score(r)
        out += [f"## Round {r['position']}: {_round_name(r['round'])} ({r['question_id']})", "",
                f"Score {rs} · time used {_minutes(r['time_used_s'])} of {_minutes(r['time_limit_s'])}"
                + (f" · flags: {', '.join(r['flags'])}" if r["flags"] else ""), ""]
        out += ["| criterion | level (grader) | what the grader found | evidence |", "| --- | --- | --- | --- |"]
        for c in r["criteria"]:
            evidence = "; ".join(f"“{e['quote']}”" for e in c["evidence"][:3]) or "-"
            note = (c.get("note") or "; ".join(c["missed"]) or "-").replace("\n", " ")
            out.append(f"| {c['name']} | {_level(c)} | {note.replace('|', '/')} | {evidence.replace('|', '/')} |")
        if r["feedback"]:
            out += ["", r["feedback"]]
        out.append("")
    out += ["## Prep plan", ""]
    out += [f"- {p['criterion'] + ': ' if p['criterion'] else ''}{p['advice']}" for p in card["prep_plan"]]
    return "\n".join(out) + "\n"


def highlight(text: str, evidence: list[dict[str, Any]]) -> str:
    """The answer, escaped, with evidence spans wrapped in <mark>; overlapping spans merged."""
    spans = sorted((e["start"], e["end"]) for e in evidence if 0 <= e["start"] < e["end"] <= len(text))
    merged: list[list[int]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    out, pos = [], 0
    for start, end in merged:
        out += [escape(text[pos:start]), "<mark>", escape(text[start:end]), "</mark>"]
        pos = end
    out.append(escape(text[pos:]))
    return "".join(out)


def to_html(card: dict[str, Any]) -> str:
    band = escape(_decision(card))
    score = "pending" if card["score"] is None else f"{card['score']:.2f}"
    body = [f"<h1>Scorecard: loop {card['loop_id']} ({escape(card['track_name'])})</h1>",
            f"<p><strong>Loop score:</strong> {score} · <strong>Decision:</strong> {band}</p>"]
    for r in card["rounds"]:
        evidence = [e for c in r["criteria"] for e in c["evidence"]]
        rows = "".join(
            f"<tr><td>{escape(c['name'])}</td><td>{escape(_level(c))}</td>"
            f"<td>{escape(c.get('note') or '; '.join(c['missed'])) or '-'}</td></tr>" for c in r["criteria"]
        )
        flags = f"<p>Flags: {escape(', '.join(r['flags']))}</p>" if r["flags"] else ""
        body.append(
            f"<section><h2>Round {r['position']}: {escape(_round_name(r['round']))}</h2>"
            f"<p class=prompt>{escape(r['prompt'])}</p>{flags}"
            f"<pre class=answer>{highlight(r['answer'] or '', evidence)}</pre>"
            f"<table><tr><th>Criterion</th><th>Level (grader)</th><th>What the grader found</th></tr>{rows}</table></section>"
        )
    body.append("<h2>Prep plan</h2><ul>" + "".join(f"<li>{escape(p['advice'])}</li>" for p in card["prep_plan"]) + "</ul>")
    style = ("body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem}"
             "pre{white-space:pre-wrap;background:#f6f6f6;padding:1rem}mark{background:#fde68a}"
             "table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.3rem .6rem;text-align:left}")
    return (f"<!doctype html><html lang=en><head><meta charset=utf-8><title>mockloop scorecard</title>"
            f"<style>{style}</style></head><body>{''.join(body)}</body></html>\n")


def to_terminal(card: dict[str, Any], color: bool = True) -> str:
    """The scorecard for a terminal: the answer with evidence in bold yellow, then missed key points."""
    import click

    def style(text: str, **kw: Any) -> str:
        return click.style(text, **kw) if color else text

    band = _decision(card)
    score = "pending" if card["score"] is None else f"{card['score']:.2f}"
    out = [style(f"Scorecard: loop {card['loop_id']} ({card['track_name']})", bold=True),
           f"Loop score {score} · decision: {style(band, bold=True)}", ""]
    for r in card["rounds"]:
        rs = _round_score(r)
        flags = f" · flags: {', '.join(r['flags'])}" if r["flags"] else ""
        out.append(style(f"Round {r['position']}: {_round_name(r['round'])}", bold=True)
                   + f" · score {rs} · time {_minutes(r['time_used_s'])} of {_minutes(r['time_limit_s'])}{flags}")
        text = r["answer"] or ""
        spans = sorted({(e["start"], e["end"]) for c in r["criteria"] for e in c["evidence"]
                        if 0 <= e["start"] < e["end"] <= len(text)})
        pos, shown = 0, []
        for start, end in spans:
            if start < pos:
                continue
            shown += [text[pos:start], style(text[start:end], fg="yellow", bold=True) if color else f"[{text[start:end]}]"]
            pos = end
        shown.append(text[pos:])
        out.append("  " + "".join(shown).replace("\n", "\n  "))
        for c in r["criteria"]:
            out.append(f"  - {c['name']}: {_level(c)}")
            if c.get("note") and not c.get("not_applicable"):
                out.append(style("      " + c["note"].replace("\n", " "), fg="red" if c["missed"] else None))
            else:
                for missed in c["missed"]:
                    out.append(style(f"      missed: {missed}", fg="red"))
        if r.get("feedback"):  # the grader's reasons (for code: which tests failed and why)
            out.append("  Grader's notes:")
            out.append("    " + str(r["feedback"]).strip().replace("\n", "\n    "))
        out.append("")
    out.append(style("Prep plan", bold=True))
    out += [f"  - {p['advice']}" for p in card["prep_plan"]]
    return "\n".join(out) + "\n"
