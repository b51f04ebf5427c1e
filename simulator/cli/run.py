"""`mockloop run`: a timed mock loop, or a one-round drill, in the terminal."""
from __future__ import annotations

import click

from simulator.cli.common import clean_errors


@click.command(name="run")
@click.option("--track", required=True, help="research-scientist, research-engineer or applied-ml-engineer.")
@click.option("--round", "round_type", help="Drill this single round type instead of the whole loop.")
@click.option("--pace", type=float, default=1.0, show_default=True, help="Scale every duration (0.1 = a tenth of the time).")
@click.option("--seed", type=int, help="Seed for question selection (reproducible loops).")
@click.option("--practice", is_flag=True, help="Practice mode: pausing allowed (and recorded).")
@click.option("--warn-at", "warn_at", type=float, multiple=True,
              help="Warn when this many seconds are left (repeatable; default: the track's marks scaled by the pace).")
@click.option("--grader", default="auto", show_default=True, help="Grader for text rounds: auto, keyword or llm.")
@clean_errors
def command(track: str, round_type: str | None, pace: float, seed: int | None, practice: bool,
            warn_at: tuple[float, ...], grader: str) -> None:
    """Run a timed loop: each round's question, a countdown, your answer, follow-ups, then the scorecard."""
    from simulator.cli.common import open_service
    from simulator.cli.report import print_scorecard
    from simulator.engine.grading import check_grader
    from simulator.terminal.session import TerminalSession

    check_grader(grader)  # before the loop, not after it
    service = open_service()
    user = service.ensure_user()
    loop = service.create_loop(user, track, round_type=round_type, mode="practice" if practice else "timed", pace=pace, seed=seed,
                               warnings_at=list(warn_at) or None)
    result = TerminalSession(service, user, loop["id"]).run(grader)
    if result["status"] in ("complete", "graded"):
        print_scorecard(service, user, loop["id"], "terminal")
