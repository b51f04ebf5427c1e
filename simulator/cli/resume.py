"""`mockloop resume [LOOP_ID]`: continue an unfinished loop with the time really left."""
from __future__ import annotations

import click

from simulator.cli.common import clean_errors, fail


@click.command(name="resume")
@click.argument("loop_id", type=int, required=False)
@click.option("--grader", default="auto", show_default=True, help="Grader for text rounds: auto, keyword or llm.")
@clean_errors
def command(loop_id: int | None, grader: str) -> None:
    """Resume LOOP_ID (default: the latest unfinished loop). A round's clock kept running while
    you were away: the deadline stands, and a round whose deadline passed was submitted with
    its last saved draft."""
    from simulator.cli.common import open_service
    from simulator.cli.report import print_scorecard
    from simulator.engine.grading import check_grader
    from simulator.terminal.session import TerminalSession

    check_grader(grader)  # before the loop, not after it
    service = open_service()
    user = service.ensure_user()
    if loop_id is None:
        unfinished = [lp for lp in service.list_loops(user) if lp["status"] not in ("complete", "graded")]
        if not unfinished:
            fail("no unfinished loop to resume")
        loop_id = unfinished[0]["id"]
    elif service.get_loop(user, loop_id)["status"] == "graded":
        fail(f"loop {loop_id} is already graded; see: mockloop report {loop_id}")
    result = TerminalSession(service, user, loop_id).run(grader)
    if result["status"] in ("complete", "graded"):
        print_scorecard(service, user, loop_id, "terminal")
