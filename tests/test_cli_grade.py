"""`mockloop grade`: batch grading of JSONL, bad lines named by file and line, the others still graded."""
from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

import simulator.bank
from simulator.bank import Bank
from simulator.cli import main
from simulator.cli.grade import resolve_grader_name
from simulator.validation import validate
from tests.test_keyword_fixtures import ds_question, ds_rubric

ADHOC = {"question": "Why shard the optimizer state?", "reference_answer": "Sharding the optimizer state across ranks cuts memory per GPU, because Adam keeps two moments per parameter.",
         "answer": "Adam keeps two moments per parameter, so sharding the optimizer state across ranks saves GPU memory."}


@pytest.fixture
def fixture_bank(monkeypatch):
    bank = Bank()
    bank.rubrics["ds-test"] = ds_rubric()
    bank.questions["ds-zero-test"] = ds_question()
    monkeypatch.setattr(simulator.bank, "default_bank", lambda: bank)
    return bank


def run(*args, input=None):
    return CliRunner().invoke(main, ["grade", *args], input=input)


def write(tmp_path, lines):
    path = tmp_path / "in.jsonl"
    path.write_text("".join((l if isinstance(l, str) else json.dumps(l)) + "\n" for l in lines), encoding="utf-8")
    return path


def test_grades_ad_hoc_and_bank_lines(tmp_path, fixture_bank):
    src = write(tmp_path, [ADHOC, {"question_id": "ds-zero-test", "answer": "Use ZeRO stage 1.", "extra": 7}, {**ADHOC, "answer": ""}])
    out = tmp_path / "out.jsonl"
    result = run("--grader", "keyword", "--input", str(src), "--output", str(out))
    assert result.exit_code == 0, result.stderr
    rows = [json.loads(l) for l in out.read_text().splitlines()]
    assert len(rows) == 3
    assert rows[1]["extra"] == 7 and rows[1]["question_id"] == "ds-zero-test"
    for row in rows:
        assert validate("grade", row["grade"], "out") == []
    assert 0 < rows[0]["grade"]["score"] <= 1 and rows[0]["grade"]["details"]["mode"] == "adhoc"
    assert rows[1]["grade"]["details"]["mode"] == "curated" and rows[1]["grade"]["rubric"]["id"] == "ds-test"
    assert rows[2]["grade"]["flags"] == ["no_answer"] and rows[2]["grade"]["score"] is None
    assert "graded 3 answer(s)" in result.stderr


def test_bad_lines_are_named_and_good_lines_still_graded(tmp_path, fixture_bank):
    src = write(tmp_path, [ADHOC, "{not json", {"question": "Q?"}, {"question_id": "no-such-question", "answer": "hi"}, ADHOC])
    result = run("--input", str(src))
    assert result.exit_code == 1
    assert f"{src}:2: invalid JSON" in result.stderr
    assert f"{src}:3: missing field 'answer'" in result.stderr
    assert f"{src}:4: unknown question id 'no-such-question'" in result.stderr
    rows = [json.loads(l) for l in result.stdout.splitlines()]
    assert len(rows) == 2 and all("grade" in r for r in rows)


def test_batch_grades_are_deterministic(tmp_path):
    src = write(tmp_path, [ADHOC, {**ADHOC, "answer": "Sharding saves memory."}])
    assert run("--input", str(src)).stdout == run("--input", str(src)).stdout


def test_stdin_and_auto(tmp_path):
    result = run("--grader", "auto", "--input", "-", input=json.dumps(ADHOC) + "\n")
    assert result.exit_code == 0
    assert json.loads(result.stdout)["grade"]["grader"]["name"] == "keyword"
    assert resolve_grader_name("auto") == "keyword" and resolve_grader_name("llm") == "llm"


def test_unknown_grader_is_a_usage_error(tmp_path):
    src = write(tmp_path, [ADHOC])
    result = run("--grader", "keywrd", "--input", str(src))
    assert result.exit_code == 2 and "did you mean 'keyword'" in result.stderr


def test_progress_bar_only_on_a_terminal():
    import io

    from simulator.grading_bench.progress import progress

    stream = io.StringIO()
    assert list(progress([1, 2, 3], label="grading", stream=stream)) == [1, 2, 3]
    assert "3/3" in stream.getvalue()
    quiet = io.StringIO()
    assert list(progress([1, 2], enabled=False, stream=quiet)) == [1, 2] and quiet.getvalue() == ""
