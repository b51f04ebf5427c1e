"""The CLI: every command has help; tracks, bank, run, resume, report and db work as a user types them."""
import json

import pytest
from click.testing import CliRunner

import simulator.bank
from web.cli import ALL_COMMANDS as COMMANDS, main
from tests.factories import make_bank


@pytest.fixture
def runner(monkeypatch):
    monkeypatch.setattr(simulator.bank, "_DEFAULT", make_bank())
    return CliRunner()


def all_commands(group=main, prefix=()):
    import click

    ctx = click.Context(group)
    for name in group.list_commands(ctx):
        cmd = group.get_command(ctx, name)
        yield prefix + (name,)
        if isinstance(cmd, click.Group):
            yield from all_commands(cmd, prefix + (name,))


def test_every_command_has_help(runner):
    paths = list(all_commands())
    assert {p[0] for p in paths} == set(COMMANDS)
    for path in paths:
        result = runner.invoke(main, [*path, "--help"])
        assert result.exit_code == 0, (path, result.output)
        assert "Usage:" in result.output


def test_tracks(runner):
    result = runner.invoke(main, ["tracks"])
    assert result.exit_code == 0
    assert "Research scientist (research-scientist)" in result.output
    assert "2 x paper discussion" in result.output
    data = json.loads(runner.invoke(main, ["tracks", "--json"]).output)
    assert [t["id"] for t in data] == ["applied-ml-engineer", "research-engineer", "research-scientist"]


def test_bank_list_show_stats(runner):
    out = json.loads(runner.invoke(main, ["bank", "list", "--round", "behavioral", "--difficulty", "easy", "--json"]).output)
    assert out and all(q["round"] == "behavioral" and q["difficulty"] == "easy" for q in out)
    shown = runner.invoke(main, ["bank", "show", "behavioral-q1"])
    assert shown.exit_code == 0 and "Key points:" in shown.output
    stats = json.loads(runner.invoke(main, ["bank", "stats", "--json"]).output)
    assert stats["total"] == 24 and stats["by_round"]["behavioral"] == 4
    assert stats["by_round_track_difficulty"]["behavioral"]["research-engineer"] == {"easy": 2, "medium": 1, "hard": 1}


def test_unknown_names_exit_cleanly(runner):
    result = runner.invoke(main, ["bank", "show", "nope"])
    assert result.exit_code == 1 and "unknown question 'nope'" in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    result = runner.invoke(main, ["run", "--track", "research-enginer"])
    assert result.exit_code == 1 and "did you mean 'research-engineer'" in result.output
    result = runner.invoke(main, ["run", "--track", "research-scientist", "--round", "distributed_systems"])
    assert result.exit_code == 1 and "has no 'distributed_systems' round" in result.output


def test_unreachable_database_exits_2_without_traceback(runner, monkeypatch, tmp_path):
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path}/missing/dir/db.sqlite3")
    result = runner.invoke(main, ["run", "--track", "research-engineer"])
    assert result.exit_code == 2
    assert "cannot open database" in result.output and "Traceback" not in result.output


def test_run_a_drill_by_typing_then_report(runner):
    typed = "\n".join([
        "",  # Enter starts the round
        "I used gradient accumulation to fit the batch.",
        "It had a clear structure.",
        ".",  # first answer done: follow-ups appear
        "Accumulate gradients over micro-batches.",
        ".",
        "",  # (the timed probe may not be due yet)
    ]) + "\n"
    result = runner.invoke(main, ["run", "--track", "research-engineer", "--round", "behavioral", "--seed", "1", "--grader", "pending"], input=typed)
    assert result.exit_code == 0, result.output
    assert result.output.startswith("Loop 1: Research engineer (drill, timed mode, pace 1). 1 round.")
    assert "Follow-up: What happens when the batch does not fit?" in result.output
    assert "Submitted round 1" in result.output
    assert "Scorecard: loop 1" in result.output
    report = json.loads(runner.invoke(main, ["report", "1", "--format", "json"]).output)
    assert report["rounds"][0]["answer"].startswith("I used gradient accumulation")
    assert "Accumulate gradients over micro-batches." in report["rounds"][0]["answer"]
    html = runner.invoke(main, ["report", "1", "--format", "html"]).output
    assert html.startswith("<!doctype html>")


def test_quit_then_resume(runner):
    result = runner.invoke(main, ["run", "--track", "research-engineer", "--round", "behavioral", "--seed", "2"], input="\nfirst line\n:q\n")
    assert result.exit_code == 0 and "mockloop resume 1" in result.output
    result = runner.invoke(main, ["resume", "--grader", "pending"], input="second line\n.\n.\n.\n")
    assert result.exit_code == 0, result.output
    assert "Continue your answer." in result.output and "first line" in result.output
    report = json.loads(runner.invoke(main, ["report", "1", "--format", "json"]).output)
    assert report["rounds"][0]["answer"].startswith("first line\nsecond line")
    assert runner.invoke(main, ["resume"]).output.strip().endswith("no unfinished loop to resume")


def test_db_upgrade_and_current(runner):
    result = runner.invoke(main, ["db", "upgrade"])
    assert result.exit_code == 0 and "database at revision" in result.output
    assert runner.invoke(main, ["db", "current"]).output.strip() != ""


def test_help_imports_no_heavy_library():
    """`mockloop --help` stays fast because subcommands and heavy libraries load lazily."""
    import re
    import subprocess
    import sys

    trace = subprocess.run([sys.executable, "-X", "importtime", "-m", "simulator.cli", "--help"],
                           capture_output=True, text=True, check=True).stderr
    loaded = set(re.findall(r"\|\s+([\w.]+)\s*$", trace, re.M))
    assert "click" in loaded
    for heavy in ("sqlalchemy", "jsonschema", "flask", "numpy", "openai", "alembic"):
        assert heavy not in loaded, f"{heavy} is imported by mockloop --help"


def test_every_command_is_in_the_readme():
    from pathlib import Path

    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    assert "make run" in readme and "make test" in readme
    missing = [name for name in COMMANDS if f"mockloop {name}" not in readme]
    assert missing == []


def test_corrupt_database_and_unusable_data_folder_exit_2_without_traceback(runner, monkeypatch, tmp_path):
    path = tmp_path / "data" / "mockloop.sqlite3"
    runner.invoke(main, ["run", "--track", "research-engineer", "--round", "behavioral", "--seed", "1"], input="\n:q\n")
    import sqlite3

    con = sqlite3.connect(path)
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    root = con.execute("SELECT rootpage FROM sqlite_master WHERE name = 'loops'").fetchone()[0]
    page = con.execute("PRAGMA page_size").fetchone()[0]
    con.close()
    data = bytearray(path.read_bytes())
    data[(root - 1) * page:root * page] = b"\xff" * page
    path.write_bytes(bytes(data))
    for args in (["report", "1"], ["resume"]):
        result = runner.invoke(main, args)
        assert result.exit_code == 2, (args, result.output)
        assert "malformed" in result.output and isinstance(result.exception, SystemExit)  # no traceback

    not_a_folder = tmp_path / "a-file"
    not_a_folder.write_text("x")
    monkeypatch.setenv("MOCKLOOP_DATA_DIR", str(not_a_folder))
    result = runner.invoke(main, ["report", "1"])
    assert result.exit_code == 2 and isinstance(result.exception, SystemExit)
    assert f"cannot use data folder {not_a_folder}" in result.output


def test_visible_examples_summary_names_each_example():
    from simulator.coding.visible import summary

    text = summary({"passed": 1, "total": 2, "weaker_sandbox": True, "examples": [
        {"id": "0", "status": "pass", "message": ""},
        {"id": "1", "status": "wrong_answer", "message": "the output has nan values", "diff": "got nan\nexpected 0.3"},
    ]})
    assert text.splitlines() == [
        "[visible examples: 1/2 passed, weaker fallback sandbox]",
        "  0: pass",
        "  1: wrong_answer - the output has nan values",
        "    got nan",
        "    expected 0.3",
    ]


def test_bank_coverage_table(runner):
    table = runner.invoke(main, ["bank", "stats", "--markdown"]).output.splitlines()
    assert table[0].startswith("| round | applied-ml-engineer (easy / medium / hard)")
    assert "| behavioral | 2 / 1 / 1 | 2 / 1 / 1 | 2 / 1 / 1 |" in table


def test_resuming_a_graded_loop_points_to_its_report_without_grading_again(runner):
    typed = "\nI used gradient accumulation.\n.\n.\n.\n.\n"
    assert runner.invoke(main, ["run", "--track", "research-engineer", "--round", "behavioral", "--seed", "1", "--grader", "keyword"], input=typed).exit_code == 0
    before = json.loads(runner.invoke(main, ["report", "1", "--format", "json"]).output)
    assert before["status"] == "graded"
    result = runner.invoke(main, ["resume", "1", "--grader", "keyword"])
    assert result.exit_code == 1 and "loop 1 is already graded" in result.output and "mockloop report 1" in result.output
    after = json.loads(runner.invoke(main, ["report", "1", "--format", "json"]).output)
    assert after == before  # no second grade was added


def test_db_upgrade_to_an_unknown_revision_exits_1_without_traceback(runner):
    result = runner.invoke(main, ["db", "upgrade", "--revision", "nosuch"])
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit)
    assert "cannot migrate to 'nosuch'" in result.output


def test_a_misspelt_grader_is_refused_before_the_loop_starts(runner):
    result = runner.invoke(main, ["run", "--track", "research-engineer", "--round", "behavioral", "--grader", "kyword"], input="\n")
    assert result.exit_code == 1 and "unknown grader 'kyword'; did you mean 'keyword'?" in result.output
    assert "Loop 1" not in result.output


def test_a_paper_round_shows_its_paper_card(runner):
    result = runner.invoke(main, ["run", "--track", "research-engineer", "--round", "paper_discussion", "--seed", "1"],
                           input="\n:q\n")
    assert result.exit_code == 0, result.output
    assert "Paper: A paper (A. Author, NeurIPS 2020, arXiv:2001.00001)" in result.output


def test_run_with_own_warning_marks(runner):
    result = runner.invoke(main, ["run", "--track", "research-engineer", "--round", "behavioral", "--seed", "3",
                                  "--warn-at", "120", "--warn-at", "30"], input="\n:q\n")
    assert result.exit_code == 0, result.output
    from simulator.cli.common import open_service

    service = open_service()
    assert service.get_loop(service.ensure_user(), 1)["rounds"][0]["warnings_at_s"] == [120, 30]
    result = runner.invoke(main, ["run", "--track", "research-engineer", "--warn-at", "-5"])
    assert result.exit_code == 1 and "must be positive" in result.output
