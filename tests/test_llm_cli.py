"""`mockloop grade --grader llm|auto` against the fake server: concurrency, fallback, auto's choice."""
from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from simulator.cli.grade import command, resolve_grader_name
from simulator.validation import validate
from tests.fake_openai_server import FakeOpenAI

REFERENCE = ("Separate data, model and measurement causes, then retrain on the old data with everything else "
             "fixed and measure on a held-out set of long documents.")


@pytest.fixture
def server(monkeypatch):
    fake = FakeOpenAI(latency=0.05).start()
    monkeypatch.setenv("OPENAI_BASE_URL", fake.url)
    monkeypatch.setenv("MOCKLOOP_LLM_MODEL", "fake-judge")
    monkeypatch.setenv("MOCKLOOP_LLM_CONCURRENCY", "3")
    monkeypatch.setenv("MOCKLOOP_LLM_MAX_RETRIES", "1")
    yield fake
    fake.stop()


def write_input(tmp_path, n=6):
    path = tmp_path / "in.jsonl"
    lines = [json.dumps({"question": "Accuracy on long documents dropped after a data refresh. How would you investigate?",
                         "reference_answer": REFERENCE, "answer": f"Answer {i}: separate the causes. Then retrain on old data."})
             for i in range(n)]
    path.write_text("\n".join(lines) + "\n")
    return path


def run(tmp_path, grader):
    result = CliRunner().invoke(command, ["--grader", grader, "--input", str(write_input(tmp_path))])
    assert result.exit_code == 0, result.output
    return [json.loads(line) for line in result.stdout.splitlines()]


def test_auto_means_llm_only_with_a_key(monkeypatch):
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    assert resolve_grader_name("auto") == "keyword"
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
    assert resolve_grader_name("auto") == "llm" and resolve_grader_name("keyword") == "keyword"


@pytest.mark.parametrize("grader", ["llm", "auto"])
def test_grade_with_the_llm_runs_concurrently_and_in_order(server, tmp_path, monkeypatch, grader):
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
    rows = run(tmp_path, grader)
    assert len(rows) == 6 and len(server.requests) == 6 and server.max_in_flight == 3
    for i, row in enumerate(rows):
        g = row["grade"]
        assert validate("grade", g, "x") == [] and g["grader"]["kind"] == "llm" and 0 <= g["score"] <= 1
        assert row["answer"].startswith(f"Answer {i}:") and g["details"]["model"] == "fake-judge"
    assert {r["grade"]["details"]["cache"] for r in run(tmp_path, grader)} == {"hit"} and len(server.requests) == 6


def test_auto_without_a_key_grades_offline(server, tmp_path, monkeypatch):
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    rows = run(tmp_path, "auto")
    assert {r["grade"]["grader"]["kind"] for r in rows} == {"keyword"} and server.requests == []


def test_a_failing_server_still_grades_every_line_flagged_fallback(server, tmp_path, monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
    server.default = "500"
    rows = run(tmp_path, "llm")
    assert len(rows) == 6
    for row in rows:
        g = row["grade"]
        assert validate("grade", g, "x") == [] and "fallback" in g["flags"] and g["grader"]["kind"] == "keyword"
        assert g["details"]["fallback_reason"].startswith("http_500")
