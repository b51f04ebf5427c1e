"""`mockloop report LOOP_ID --format md|json|html`: a loop's scorecard."""
from __future__ import annotations

import sys

import click

from simulator.cli.common import clean_errors


def print_scorecard(service, user_id: int, loop_id: int, fmt: str) -> None:
    from simulator.report.render import to_html, to_json, to_markdown, to_terminal
    from simulator.report.scorecard import scorecard

    card = scorecard(service.get_loop(user_id, loop_id), service.bank)
    if fmt == "terminal":
        click.echo(to_terminal(card, color=sys.stdout.isatty()))
        return
    click.echo({"md": to_markdown, "json": to_json, "html": to_html}[fmt](card))


@click.command(name="report")
@click.argument("loop_id", type=int)
@click.option("--format", "fmt", type=click.Choice(["md", "json", "html"]), default="md", show_default=True)
@click.option("--regrade", help="Grade the loop again with this grader first (keyword, llm, auto).")
@clean_errors
def command(loop_id: int, fmt: str, regrade: str | None) -> None:
    """Print a loop's scorecard: rounds, criteria, evidence, missed key points, time, flags, band, prep plan."""
    from simulator.cli.common import open_service

    service = open_service()
    user = service.ensure_user()
    if regrade:
        service.grade(user, loop_id, regrade)
    print_scorecard(service, user, loop_id, fmt)
