"""`mockloop calibrate`: agreement, severity and question statistics from a CSV of grades.

numpy and the statistics are imported inside the command so that
`mockloop --help` stays fast.
"""
from __future__ import annotations

import click


@click.command("calibrate")
@click.option("--input", "input_path", required=True, type=click.Path(dir_okay=False),
              help="CSV, one row per grade: answer_id,grader,level[,criterion,question_id,candidate_id,"
                   "graded_at,answer_seconds].")
@click.option("--format", "fmt", type=click.Choice(["table", "json", "html"]), default="table", show_default=True,
              help="table for the terminal, json for tools, html for a self-contained page.")
@click.option("--min-n", type=click.IntRange(min=2), default=20, show_default=True,
              help="Withhold a statistic computed on fewer ratings, answers or candidates than this.")
@click.option("--bootstrap", type=click.IntRange(min=0), default=1000, show_default=True,
              help="Bootstrap resamples for the alpha CIs (0 to skip).")
@click.option("--seed", type=int, default=0, show_default=True, help="Seed of the bootstrap (results are reproducible).")
@click.option("--output", "-o", type=click.Path(dir_okay=False, writable=True), default=None,
              help="Write to this file instead of standard output.")
def command(input_path: str, fmt: str, min_n: int, bootstrap: int, seed: int, output: str | None) -> None:
    """Agreement (alpha, ICC, kappa), grader severity, question difficulty and discrimination, drift.

    Units of agreement are answers, or (answer, criterion) pairs when the
    file has a criterion column. A bad row stops with the file, line and
    field at fault (exit status 1).
    """
    import json

    from simulator.calibration.csvio import GradesFileError, read_grades
    from simulator.calibration.report import calibrate

    try:
        parsed = read_grades(input_path)
        table = parsed.table(input_path)
    except GradesFileError as exc:
        raise click.ClickException(str(exc)) from None
    result = calibrate(table, min_n=min_n, n_boot=bootstrap, seed=seed)
    result["input"]["file"] = input_path
    result["input"]["ignored_columns"] = parsed.ignored_columns

    if fmt == "json":
        text = json.dumps(result, indent=2, allow_nan=False) + "\n"
    elif fmt == "html":
        from simulator.calibration.htmlpage import render_html

        text = render_html(result)
    else:
        from simulator.calibration.text import render_table

        text = render_table(result)
    if output:
        with open(output, "w", encoding="utf-8") as fh:
            fh.write(text)
    else:
        click.echo(text, nl=False)
