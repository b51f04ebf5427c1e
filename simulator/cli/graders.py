"""`mockloop graders gold|certify`: how far the machine graders agree with people on the bank's gold answers."""
from __future__ import annotations

import json

import click

from simulator.cli.common import clean_errors


@click.group(name="graders")
def command() -> None:
    """Machine graders: agreement with the gold set and certification per round."""


@command.command(name="gold")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@clean_errors
def gold(as_json: bool) -> None:
    """Criterion-level quadratic weighted kappa of the keyword grader against the gold levels, per round."""
    from simulator.bank import default_bank
    from simulator.graders.keyword import KeywordGrader
    from simulator.grading_bench.gold import agreement, pooled

    by_round = agreement(KeywordGrader(), default_bank())
    rows = [ra.summary() for _, ra in sorted(by_round.items())] + [pooled(by_round).summary()]
    if as_json:
        click.echo(json.dumps(rows, indent=2))
        return
    click.echo("| round | questions | answers | kappa [95% CI] | pairs | people's levels rated |")
    click.echo("| --- | ---: | ---: | --- | ---: | ---: |")
    for r in rows:
        ci = f" [{r['ci95'][0]:.2f}, {r['ci95'][1]:.2f}]" if r.get("ci95") else ""
        kappa = f"{r['kappa']:.2f}{ci}" if r.get("kappa") is not None else "-"
        rated = f"{r['rated_share']:.0%}" if r.get("rated_share") is not None else "-"
        click.echo(f"| {r['round']} | {r['questions']} | {r['answers']} | {kappa} | {r['n_pairs']} | {rated} |")


@command.command(name="certify")
@click.option("--write", is_flag=True, help="Write the records shipped with the package (simulator/graders/certified.json).")
@clean_errors
def certify(write: bool) -> None:
    """Certify each machine grader per round on the gold set; a hiring verdict needs every round's grader certified."""
    from simulator.bank import default_bank
    from simulator.graders import certification
    from simulator.grading_bench.certify import compute

    data = compute(default_bank())
    for name, rec in sorted(data["graders"].items()):
        for round_type, r in sorted(rec["rounds"].items()):
            mark = "certified" if r["certified"] else "not certified"
            click.echo(f"{name:<16} {round_type:<20} {mark:<14} {r['reason']}")
    if write:
        click.echo(f"wrote {certification.write(data)}", err=True)
