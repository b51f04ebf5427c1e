"""`mockloop validate [PATH...]`: every problem in every file, one line each."""
from __future__ import annotations

import sys
from pathlib import Path

import click


@click.command(name="validate")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--no-bundled", is_flag=True, help="Check only the given paths, not the bundled bank.")
def command(paths: tuple[Path, ...], no_bundled: bool) -> None:
    """Validate rubric, question, paper and track files.

    With no PATH, checks the bundled bank. Given files or folders are checked
    together with the bundled bank (so they may refer to its rubrics and
    tracks) unless --no-bundled. Prints `FILE: /json/pointer: message` for
    each problem and exits 1 if there is any.
    """
    from simulator.bank import check

    bank, problems = check(list(paths), with_bundled=not no_bundled)
    for problem in problems:
        click.echo(str(problem))
    if problems:
        click.echo(f"{len(problems)} problem(s)", err=True)
        sys.exit(1)
    click.echo(
        f"ok: {len(bank.questions)} questions, {len(bank.rubrics)} rubrics, "
        f"{len(bank.papers)} paper cards, {len(bank.tracks)} tracks",
        err=True,
    )
