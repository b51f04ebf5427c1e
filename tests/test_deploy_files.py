"""The Procfile and the systemd unit run commands that exist, with options that exist; the example environment
file sets only variables the README documents."""
from __future__ import annotations

import configparser
import os
import re
import shlex
from pathlib import Path

import click
import pytest

from web.cli import main

ROOT = Path(__file__).parent.parent


def parse(command_line: str) -> click.Context:
    """The click context `mockloop ...` would run with (UsageError for an unknown command or option)."""
    args = shlex.split(os.path.expandvars(command_line.replace("${PORT:-8000}", "8000")
                                          .replace("${WEB_CONCURRENCY:-2}", "2")))
    assert Path(args[0]).name == "mockloop", command_line
    group: click.Command = main
    args = args[1:]
    while isinstance(group, click.Group):
        name, args = args[0], args[1:]
        group = group.get_command(click.Context(main), name)
        assert group is not None, f"no command {name!r} in {command_line!r}"
    return group.make_context(group.name, list(args))


def test_the_procfile_runs_workers():
    lines = dict(line.split(":", 1) for line in (ROOT / "Procfile").read_text().splitlines() if line.strip())
    assert set(lines) == {"web"}
    ctx = parse(lines["web"])
    assert ctx.params["workers"] == 2 and ctx.params["port"] == 8000 and ctx.params["host"] == "0.0.0.0"


def test_the_systemd_unit_runs_existing_commands():
    unit = configparser.ConfigParser(strict=False, interpolation=None)
    unit.optionxform = str
    unit.read(ROOT / "deploy" / "systemd" / "mockloop-web.service")
    service = unit["Service"]
    assert parse(service["ExecStartPre"]).info_name == "upgrade"
    serve = parse(service["ExecStart"])
    assert serve.params["workers"] > 1 and serve.params["host"] == "127.0.0.1"
    assert service["EnvironmentFile"] == "/etc/mockloop/mockloop.env"


def test_the_example_environment_names_documented_variables():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    example = (ROOT / "deploy" / "systemd" / "mockloop.env.example").read_text()
    names = re.findall(r"^([A-Z_]+)=", example, re.M)
    assert "MOCKLOOP_RATELIMIT_STORAGE_URI" in names and "DATABASE_URL" in names
    assert [n for n in names if f"`{n}" not in readme] == []


def test_a_bad_option_would_be_caught():
    with pytest.raises(click.UsageError):
        parse("mockloop serve --workerz 2")
