"""`mockloop bank list|show|stats`: browse and count the question bank."""
from __future__ import annotations

import json
from collections import Counter

import click

from simulator.cli.common import clean_errors, fail


@click.group(name="bank")
def command() -> None:
    """List, show and count questions in the bank."""


@command.command(name="list")
@click.option("--round", "round_type", help="Only this round type.")
@click.option("--track", help="Only questions for this track.")
@click.option("--difficulty", type=click.Choice(["easy", "medium", "hard"]), multiple=True, help="Only these difficulties.")
@click.option("--topic", "topics", multiple=True, help="Only questions with one of these topics.")
@click.option("--tag", "tags", multiple=True, help="Only questions with one of these tags.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@clean_errors
def list_(round_type, track, difficulty, topics, tags, as_json) -> None:
    """List questions, filtered by round, track, difficulty, topic or tag."""
    from simulator.bank import ROUNDS, default_bank
    from simulator.selection import eligible

    bank = default_bank()
    if round_type and round_type not in ROUNDS:
        fail(f"unknown round {round_type!r}; rounds: {', '.join(ROUNDS)}")
    if track:
        bank.track(track)
    rounds = [round_type] if round_type else list(ROUNDS)
    found = [q for r in rounds for q in eligible(bank, r, track=track, difficulty=difficulty, topics=topics, tags=tags)]
    if as_json:
        rows = [{k: q[k] for k in ("id", "round", "difficulty", "tracks", "topics", "time_limit_min") if k in q} for q in found]
        click.echo(json.dumps(rows, indent=2))
        return
    for q in found:
        click.echo(f"{q['id']:<40} {q['round']:<20} {q['difficulty']:<6} {','.join(q['tracks'])}")
    click.echo(f"{len(found)} question(s)", err=True)


@command.command(name="show")
@click.argument("question_id")
@click.option("--json", "as_json", is_flag=True, help="Print the question as JSON.")
@clean_errors
def show(question_id: str, as_json: bool) -> None:
    """Show one question with its key points, probes and reference answer."""
    from simulator.bank import default_bank

    q = default_bank().question(question_id)
    if as_json:
        click.echo(json.dumps(q, indent=2, ensure_ascii=False))
        return
    click.secho(f"{q['id']} [{q['round']}, {q['difficulty']}, {q['time_limit_min']:g} min]", bold=True)
    click.echo(f"Tracks: {', '.join(q['tracks'])}\nTests: {q['tests']}\n\n{q['prompt']}\n\nKey points:")
    for kp in q["key_points"]:
        click.echo(f"  - [{kp['criterion']}] {kp['text']}")
    click.echo("Probes:")
    for p in q["probes"]:
        click.echo(f"  - {p['text']}")
    click.echo(f"\nReference answer:\n{q['reference_answer']}")


@command.command(name="stats")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.option("--markdown", is_flag=True, help="Print the round x track x difficulty coverage table.")
@clean_errors
def stats(as_json: bool, markdown: bool) -> None:
    """Count questions per round, track and difficulty."""
    from simulator.bank import default_bank
    from simulator.bank_quality import quality_stats

    bank = default_bank()
    qs = list(bank.questions.values())
    data = {
        "total": len(qs),
        "by_round": dict(sorted(Counter(q["round"] for q in qs).items())),
        "by_track": dict(sorted(Counter(t for q in qs for t in q["tracks"]).items())),
        "by_difficulty": dict(sorted(Counter(q["difficulty"] for q in qs).items())),
        "by_round_track_difficulty": _nested(qs),
        "with_examples": sum(1 for q in qs if q.get("examples")),
        "tagged_applied": sum(1 for q in qs if "applied" in q.get("tags", [])),
        "paper_cards": len(bank.papers),
        "rubrics": len(bank.rubrics),
        "paper_cards_2024_or_later": sum(1 for p in bank.papers.values() if p["year"] >= 2024),
        "content": quality_stats(bank),
    }
    if as_json:
        click.echo(json.dumps(data, indent=2))
        return
    if markdown:
        click.echo(_coverage_table(data["by_round_track_difficulty"], sorted(bank.tracks)))
        return
    click.echo(f"{data['total']} questions, {data['paper_cards']} paper cards, {data['rubrics']} rubrics")
    for key in ("by_round", "by_track", "by_difficulty"):
        click.echo(f"{key.replace('_', ' ')}: " + ", ".join(f"{k} {v}" for k, v in data[key].items()))
    click.echo(f"with graded examples: {data['with_examples']}; tagged applied: {data['tagged_applied']}")
    c = data["content"]
    click.echo(f"assessed (question, criterion) pairs: {c['assessed_pairs']}, {c['assessed_pairs_below_min_key_points']} with fewer than "
               f"{c['min_key_points']} key points; key points with contradicts: {c['key_points_with_contradicts']} of {c['key_points']}; "
               f"questions with three per-criterion graded examples: {c['questions_with_three_graded_examples']} of {c['non_coding_questions']}")


def _nested(qs) -> dict:
    out: dict = {}
    for q in qs:
        for t in q["tracks"]:
            cell = out.setdefault(q["round"], {}).setdefault(t, {})
            cell[q["difficulty"]] = cell.get(q["difficulty"], 0) + 1
    return out


def _coverage_table(nested: dict, tracks: list[str]) -> str:
    rows = ["| round | " + " | ".join(f"{t} (easy / medium / hard)" for t in tracks) + " |",
            "| --- |" + " --- |" * len(tracks)]
    for round_type in sorted(nested):
        cells = []
        for t in tracks:
            c = nested[round_type].get(t)
            cells.append(f"{c.get('easy', 0)} / {c.get('medium', 0)} / {c.get('hard', 0)}" if c else "-")
        rows.append(f"| {round_type} | " + " | ".join(cells) + " |")
    return "\n".join(rows)
