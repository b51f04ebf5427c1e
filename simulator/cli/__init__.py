"""The `mockloop` command: a thin face over the simulator library.

Subcommands are imported lazily so that `mockloop --help` stays fast: each
lives in its own module (`simulator.cli.<module>`, or a dotted path) exposing a
click command named `command`. The console entry point is `web.cli:main`, these
commands plus `serve` (the web app's), so the library never imports the web app.
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
    "worker": ("worker", "Run the task queue's consumers (grading jobs)."),
    "users": ("users", "Create accounts (for scripted setups of a shared server)."),
    "token": ("token", "Create or revoke a user's API token."),
}


class LazyGroup(click.Group):
    """A group that imports a subcommand's module only when it is invoked."""

    def __init__(self, *args, commands: dict[str, tuple[str, str]] | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.lazy = dict(COMMANDS if commands is None else commands)

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(self.lazy)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name not in self.lazy:
            return None
        module = self.lazy[name][0]
        return importlib.import_module(module if "." in module else f"simulator.cli.{module}").command

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [(name, self.lazy[name][1]) for name in self.list_commands(ctx)]
        with formatter.section("Commands"):
            formatter.write_dl(rows)


def make_group(commands: dict[str, tuple[str, str]]) -> click.Group:
    """The `mockloop` group over `commands` (name -> (module, one-line help))."""

    @click.group(cls=LazyGroup, commands=commands, context_settings={"help_option_names": ["-h", "--help"]})
    @click.version_option(package_name="mockloop")
    def main() -> None:
        """Timed mock-interview loops for AI-lab research and engineering tracks."""

    return main


main = make_group(COMMANDS)  # the library's commands; `mockloop` itself is web.cli.main (these plus `serve`)

if __name__ == "__main__":  # pragma: no cover
    main()
