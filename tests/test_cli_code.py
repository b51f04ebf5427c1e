"""`mockloop code list|show|check`: help on every command, the outputs, exit 0 whenever the run happened."""
from __future__ import annotations

import json
import os
import sys

import pytest
from click.testing import CliRunner

sys.path.insert(0, os.path.dirname(__file__))
from sandbox_support import require_bwrap  # noqa: E402

from simulator import coding  # noqa: E402
from simulator.cli import main  # noqa: E402


@pytest.fixture
def runner():
    return CliRunner()


@pytest.mark.parametrize("args", [["code"], ["code", "list"], ["code", "show"], ["code", "check"], ["code", "mutants"]])
def test_every_command_has_help(runner, args):
    res = runner.invoke(main, args + ["--help"])
    assert res.exit_code == 0 and "Usage:" in res.output and len(res.output) > 80


def test_list(runner):
    res = runner.invoke(main, ["code", "list", "--json"])
    rows = json.loads(res.output)
    assert res.exit_code == 0 and len(rows) == len(coding.names())
    assert sum(r["optimise"] for r in rows) >= 12


def test_show(runner):
    res = runner.invoke(main, ["code", "show", "softmax"])
    assert res.exit_code == 0
    assert "def softmax(x):" in res.output and "expected:" in res.output and "8x faster" in res.output
    miss = runner.invoke(main, ["code", "show", "sofmax"])
    assert miss.exit_code != 0 and "did you mean 'softmax'" in miss.output


@pytest.mark.sandbox
def test_check_prints_results_and_grade_and_exits_0(runner, tmp_path):
    require_bwrap()
    sol = tmp_path / "sol.py"
    sol.write_text(coding.get("softmax").source_of("wrong"))
    res = runner.invoke(main, ["code", "check", "softmax", str(sol), "--seed", "1"])
    assert res.exit_code == 0, res.output
    assert "WRONG_ANSWER  hidden numerical" in res.output and "numerical_care  2" in res.output
    res = runner.invoke(main, ["code", "check", "softmax", str(sol), "--json", "--seed", "1"])
    grade = json.loads(res.output)
    assert res.exit_code == 0 and grade["grader"]["kind"] == "code" and grade["details"]["total"] == 9


@pytest.mark.sandbox
def test_check_optimise_prints_the_ratio(runner, tmp_path):
    require_bwrap()
    sol = tmp_path / "sol.py"
    sol.write_text(coding.get("gelu").source_of("reference"))
    res = runner.invoke(main, ["code", "check", "gelu", str(sol), "--optimise"])
    target = coding.get("gelu").speed["target"]
    assert res.exit_code == 0 and "Speed: " in res.output and f"vs target {target:g}x" in res.output


@pytest.mark.sandbox
def test_check_visible_only(runner, tmp_path):
    require_bwrap()
    sol = tmp_path / "sol.py"
    sol.write_text("def softmax(x):\n    raise ValueError('not yet')\n")
    res = runner.invoke(main, ["code", "check", "softmax", str(sol), "--visible"])
    assert res.exit_code == 0 and res.output.count("ERROR") == 2 and "ValueError: not yet" in res.output


def test_list_json_reports_framework_difficulty_and_mutants(runner):
    res = runner.invoke(main, ["code", "list", "--json"])
    assert res.exit_code == 0
    rows = json.loads(res.output)
    assert {r["name"] for r in rows} == set(coding.names())
    for r in rows:
        assert r["framework"] in ("numpy", "torch")
        assert r["difficulty"] in ("easy", "medium", "hard")
        assert r["mutants"] >= 3


@pytest.mark.sandbox
def test_code_mutants_runs_one_problem(runner):
    require_bwrap()
    res = runner.invoke(main, ["code", "mutants", "softmax", "--seeds", "1"])
    assert res.exit_code == 0, res.output
    assert "softmax: 5/5 mutants caught, reference passes" in res.output
    bad = runner.invoke(main, ["code", "mutants", "softmax", "--write"])
    assert bad.exit_code != 0 and "give no PROBLEMS" in bad.output
