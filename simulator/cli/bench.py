"""`mockloop bench grading`: how well a grader agrees with human scores on labelled short-answer data."""
from __future__ import annotations

import json
import os
import sys

import click

COLUMNS = ("n", "pearson", "spearman", "rmse", "qwk", "f1")


@click.group(name="bench")
def command() -> None:
    """Benchmarks: how well the graders agree with people."""


def pick_train(data: str, trains: tuple[str, ...]) -> str | None:
    """The training file for a data file: the only one given, else the one whose name shares the longest prefix."""
    candidates = [t for t in trains if os.path.abspath(t) != os.path.abspath(data)]
    if len(candidates) <= 1:
        return candidates[0] if candidates else None
    name = os.path.basename(data)
    return max(candidates, key=lambda t: (len(os.path.commonprefix([name, os.path.basename(t)])), t))


def _fmt(value) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:.3f}"
    return str(value)


def markdown(results: list[dict]) -> str:
    """One table: per data set, the grader, the plain-overlap baseline and any published figures."""
    head = "| data | system | n | Pearson r | Spearman rho | RMSE | QWK | weighted F1 |"
    lines = [head, "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for res in results:
        for key, label in (("grader", res.get("grader_name", "keyword")), ("baseline", "plain stemmed overlap")):
            row = res[key]
            lines.append(f"| {res['name']} | {label} | " + " | ".join(_fmt(row.get(c)) for c in COLUMNS) + " |")
        for pub in res.get("published", []):
            lines.append(f"| {res['name']} | {pub['system']} (published) | " + " | ".join(_fmt(pub.get(c)) for c in COLUMNS) + " |")
    return "\n".join(lines)


@command.command(name="grading")
@click.option("--data", "data", multiple=True, required=True, type=click.Path(exists=True, dir_okay=False), help="Labelled JSONL (question, reference_answer, answer, score, max_score). Repeatable.")
@click.option("--train", "train", multiple=True, type=click.Path(exists=True, dir_okay=False), help="Training JSONL for the 2-way F1 threshold (chosen there only). Repeatable: each data file uses the train file with the longest common name prefix.")
@click.option("--grader", "grader_name", default="keyword", show_default=True, help="Registered grader to benchmark.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a markdown table.")
def grading(data: tuple[str, ...], train: tuple[str, ...], grader_name: str, as_json: bool) -> None:
    """Pearson, Spearman, RMSE (data's scale), QWK and, for 2-way data, weighted F1, beside a plain-overlap baseline.

    Every file is graded ad hoc (question + reference answers only) with idf
    over that file. Published figures from the literature are shown beside
    the data sets they were reported on.
    """
    from simulator.grading_bench.runner import BadRecord, evaluate

    results = []
    for path in data:
        try:
            res = evaluate(path, pick_train(path, train), grader_name)
        except BadRecord as exc:
            click.echo(f"error: {exc}", err=True)
            sys.exit(1)
        res["grader_name"] = grader_name
        res["train"] = pick_train(path, train)
        results.append(res)
    if as_json:
        click.echo(json.dumps(results, indent=2, sort_keys=True))
    else:
        click.echo(markdown(results))
