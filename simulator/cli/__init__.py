"""The `mockloop` command: a thin face over the simulator library.

Subcommands are imported lazily so that `mockloop --help` stays fast: each
lives in its own module `simulator.cli.<module>` exposing a click command
named `command`.
"""
from __future__ import annotations

import importlib

import click

# name -> (module under simulator.cli, one-line help shown by `mockloop --help`)
COMMANDS: dict[str, tuple[str, str]] = {
    "validate": ("validate", "Validate rubric, question and track files."),
    "tracks": ("tracks", "Show the tracks and their loop templates."),
    "bank": ("bank", "List, show and count questions in the bank."),
    "run": ("run", "Run a timed mock loop (or a one-round drill) in the terminal."),
    "resume": ("resume", "Resume an unfinished loop with the time really left."),
    "report": ("report", "Print a loop's scorecard as markdown, JSON or HTML."),
    "db": ("db", "Database maintenance (migrations)."),
    "grade": ("grade", "Grade a JSONL file of answers in batch."),
    "bench": ("bench", "Benchmarks: how well the graders agree with people."),
    "code": ("code", "ML-coding problems: list, show, check a solution in the sandbox."),
    "calibrate": ("calibrate", "Agreement and severity statistics from a CSV of grades."),
    "graders": ("graders", "Machine graders: agreement with the gold set and certification per round."),
    "serve": ("serve", "Serve the web app under a production WSGI server."),
    "worker": ("worker", "Run the task queue's consumers (grading jobs)."),
    "users": ("users", "Create accounts (for scripted setups of a shared server)."),
    "token": ("token", "Create or revoke a user's API token."),
}


class LazyGroup(click.Group):
    """A group that imports a subcommand's module only when it is invoked."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name not in COMMANDS:
            return None
        module = importlib.import_module(f"simulator.cli.{COMMANDS[name][0]}")
        return module.command

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [(name, COMMANDS[name][1]) for name in self.list_commands(ctx)]
        with formatter.section("Commands"):
            formatter.write_dl(rows)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="mockloop")
def main() -> None:
    """Timed mock-interview loops for AI-lab research and engineering tracks."""


if __name__ == "__main__":  # pragma: no cover
    main()
