"""`mockloop calibrate` end to end through click's CliRunner."""
from __future__ import annotations

import csv
import json
import re

import pytest
from click.testing import CliRunner

from simulator.cli import main
from simulator.cli.calibrate import command
from simulator.calibration.simulate import simulate

KRIPPENDORFF = ["1 2 3 3 2 1 4 1 2 . . .", "1 2 3 3 2 2 4 1 2 5 . 3",
                ". 3 3 3 2 3 4 2 2 5 1 .", "1 2 3 3 2 4 4 1 2 5 1 ."]
SHROUT_FLEISS = [[9, 2, 5, 8], [6, 1, 3, 2], [8, 4, 6, 8], [7, 1, 2, 6], [10, 5, 6, 9], [6, 2, 4, 7]]


def _write(path, header, rows):
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        w.writerows(rows)
    return str(path)


def _run(*args):
    return CliRunner().invoke(main, ["calibrate", *args], catch_exceptions=False)


@pytest.fixture(scope="module")
def rich_csv(tmp_path_factory):
    records, _ = simulate(n_candidates=60, n_questions=5, questions_per_candidate=3, n_graders=5,
                          graders_per_unit=2.5, criteria=("depth", "clarity"), scale=(1, 5), seed=11)
    rows = [[g.answer_id, g.grader, g.level, g.criterion, g.question_id, g.candidate_id,
             g.graded_at.isoformat(), g.answer_seconds] for g in records]
    rows[0][1] = "<script>alert('x')</script> & co"
    for row in rows:
        row[4] = 'q"<b>bold</b>' if row[4] == "q01" else row[4]
    header = ["answer_id", "grader", "level", "criterion", "question_id", "candidate_id", "graded_at",
              "answer_seconds"]
    return _write(tmp_path_factory.mktemp("cal") / "grades.csv", header, rows)


def test_command_is_a_click_command_registered_lazily():
    import click

    assert isinstance(command, click.Command)
    help_text = CliRunner().invoke(main, ["--help"]).output
    assert "calibrate" in help_text
    assert "--min-n" in CliRunner().invoke(main, ["calibrate", "--help"]).output


def test_json_reproduces_krippendorff(tmp_path):
    rows = [[f"u{u}", f"obs{o}", v] for o, line in enumerate(KRIPPENDORFF)
            for u, v in enumerate(line.split()) if v != "."]
    path = _write(tmp_path / "k.csv", ["answer_id", "grader", "level"], rows)
    res = _run("--input", path, "--format", "json")
    assert res.exit_code == 0, res.output
    out = json.loads(res.output)
    assert {k: round(v, 3) for k, v in out["alpha"].items()} == {
        "nominal": 0.743, "ordinal": 0.815, "interval": 0.849, "ratio": 0.797}
    assert out["alpha_detail"]["ordinal"]["n"] == 11
    assert out["alpha_detail"]["ordinal"]["ci95"] is not None
    # 11 units is below the default min n of 20: the headline value stays, with a note, and raises no flag
    assert "min n 20" in out["alpha_detail"]["ordinal"]["note"]
    assert out["flags"] == []


def test_json_reproduces_shrout_fleiss(tmp_path):
    rows = [[f"t{i}", f"judge{j}", v] for i, row in enumerate(SHROUT_FLEISS) for j, v in enumerate(row)]
    path = _write(tmp_path / "sf.csv", ["answer_id", "grader", "level"], rows)
    out = json.loads(_run("--input", path, "--format", "json", "--min-n", "2").output)
    assert {k: round(v, 3) for k, v in out["icc"].items()} == {
        "ICC(1,1)": 0.166, "ICC(A,1)": 0.290, "ICC(C,1)": 0.715,
        "ICC(1,k)": 0.443, "ICC(A,k)": 0.620, "ICC(C,k)": 0.909}
    assert out["icc_detail"]["ICC(A,1)"]["n"] == 6
    assert len(out["kappa"]["matrix"]) == 4 and out["kappa"]["matrix"][0][1]["n"] == 6


def test_json_full_report(rich_csv):
    res = _run("--input", rich_csv, "--format", "json", "--min-n", "10", "--bootstrap", "100")
    assert res.exit_code == 0
    out = json.loads(res.output)
    for key in ("alpha", "alpha_detail", "icc", "icc_detail", "kappa", "severity", "criteria", "questions",
                "drift", "flags", "input", "settings"):
        assert key in out
    assert out["input"]["unit"] == "(answer_id, criterion)" and out["settings"]["min_n"] == 10
    assert [c["criterion"] for c in out["criteria"]] == ["depth", "clarity"]
    assert all(q["discrimination"]["n"] > 0 for q in out["questions"])
    assert "NaN" not in res.output and "Infinity" not in res.output


def test_table(rich_csv):
    res = _run("--input", rich_csv)
    assert res.exit_code == 0
    for heading in ("Agreement over the whole file", "Grader severity", "Pairwise quadratic kappa", "Questions",
                    "Drift", "Flags"):
        assert heading in res.output
    assert not re.search(r"\bnan\b", res.output, re.IGNORECASE)


def test_html_is_self_contained_and_escaped(rich_csv, tmp_path):
    target = tmp_path / "report.html"
    res = _run("--input", rich_csv, "--format", "html", "--output", str(target))
    assert res.exit_code == 0 and res.output == ""
    page = target.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>")
    assert page.count("<svg") >= 4  # severity, distribution, agreement matrix, difficulty vs discrimination
    for needle in ("<script", "http://", "https://", "<link", "src=", "@import"):
        assert needle not in page
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; co" in page
    assert "<b>bold</b>" not in page and "q&quot;&lt;b&gt;bold&lt;/b&gt;" in page


@pytest.mark.parametrize("content, line, field", [
    ("answer_id,grader,level\na1,g1,3\na2,g1,three\n", 3, "level"),
    ("answer_id,grader,level\na1,g1,3\n\na2,,4\n", 4, "grader"),
    ("answer_id,grader,level\na1,g1,3,extra\n", 2, None),
    ("answer_id,grader,level,graded_at\na1,g1,3,yesterday\n", 2, "graded_at"),
    ("answer_id,grader,level\na1,g1,nan\n", 2, "level"),
    ("answer_id,grader\na1,g1\n", 1, "level"),
    ("answer_id,grader,level\na1,g1,3\na1,g1,4\n", 3, None),
])
def test_malformed_csv_names_file_line_and_field(tmp_path, content, line, field):
    path = tmp_path / "bad grades.csv"
    path.write_text(content, encoding="utf-8")
    res = CliRunner().invoke(main, ["calibrate", "--input", str(path)])
    assert res.exit_code == 1
    assert f"{path}:{line}:" in res.output
    if field:
        assert f"field '{field}'" in res.output
    assert "Traceback" not in res.output


def test_missing_and_empty_files(tmp_path):
    res = CliRunner().invoke(main, ["calibrate", "--input", str(tmp_path / "nope.csv")])
    assert res.exit_code == 1 and "nope.csv" in res.output and "cannot open" in res.output
    (tmp_path / "empty.csv").write_text("answer_id,grader,level\n", encoding="utf-8")
    res = CliRunner().invoke(main, ["calibrate", "--input", str(tmp_path / "empty.csv")])
    assert res.exit_code == 1 and "no grades" in res.output
