"""Schemas and loaders: good files pass, bad files give every problem as `FILE: /json/pointer: message`."""
import json

from click.testing import CliRunner

from simulator.bank import check
from simulator.cli import main
from simulator.validation import schema, validator
from tests.factories import question, rubric


def write(path, data):
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def test_every_schema_is_draft_2020_12_with_an_id():
    for kind in ("rubric", "question", "paper", "track", "grade"):
        s = schema(kind)
        assert s["$schema"] == "https://json-schema.org/draft/2020-12/schema"
        assert s["$id"].endswith(f"{kind}.schema.json")
        validator(kind)  # the schema itself is valid


def test_good_files_pass(tmp_path):
    rb = rubric("behavioral")
    write(tmp_path / "rubric.json", rb)
    write(tmp_path / "questions.json", [question("behavioral", 1), question("behavioral", 2)])
    _, problems = check([tmp_path])
    assert problems == []


def test_every_problem_reported_at_once_with_exact_lines(tmp_path):
    rb = rubric("behavioral")
    del rb["criteria"][0]["levels"]["3"]
    rb["thresholds"] = [0.2, 0.4]
    rb_file = write(tmp_path / "rubric.json", rb)
    bad_q = question("behavioral", 1, difficulty="extreme")
    bad_q["key_points"][0]["weight"] = -1
    q_file = write(tmp_path / "q.json", [question("behavioral", 0), bad_q])
    _, problems = check([tmp_path], with_bundled=False)
    lines = [str(p) for p in problems]
    assert f"{rb_file}: /criteria/0/levels: '3' is required" in lines
    assert f"{rb_file}: /thresholds: [0.2, 0.4] is too short" in lines
    assert f"{q_file}: /1/difficulty: 'extreme' is not one of ['easy', 'medium', 'hard']" in lines
    assert f"{q_file}: /1/key_points/0/weight: -1 is less than or equal to the minimum of 0" in lines


def test_cross_checks(tmp_path):
    rb = write(tmp_path / "rubric.json", rubric("behavioral"))
    q1 = question("behavioral", 1, tracks=["research-scientist", "quant-trader"])
    q1["key_points"][1]["criterion"] = "charisma"
    q1["probes"][0]["targets"] = ["zz"]
    q2 = question("behavioral", 2, rubric="nope")
    dup = question("behavioral", 1)
    qf = write(tmp_path / "q.json", [q1, q2, dup])
    _, problems = check([tmp_path])
    lines = [str(p) for p in problems]
    assert f"{qf}: /0/tracks/1: unknown track 'quant-trader'" in lines
    assert f"{qf}: /0/key_points/1/criterion: criterion 'charisma' is not in rubric 'behavioral-r'" in lines
    assert f"{qf}: /0/probes/0/targets/0: unknown key point 'zz'" in lines
    assert f"{qf}: /1/rubric: unknown rubric 'nope'" in lines
    assert f"{qf}: /2/id: duplicate question id 'behavioral-q1' (first in {qf} at /0)" in lines
    assert rb.exists()


def test_invalid_json_names_the_line(tmp_path):
    bad = tmp_path / "broken.json"
    bad.write_text('{\n  "id": "x",\n  oops\n}', encoding="utf-8")
    _, problems = check([bad], with_bundled=False)
    assert [str(p) for p in problems] == [f"{bad}: /: invalid JSON at line 3 column 3: Expecting property name enclosed in double quotes"]


def test_validate_command_exit_codes(tmp_path):
    runner = CliRunner()
    good = write(tmp_path / "r.json", rubric("behavioral"))
    result = runner.invoke(main, ["validate", "--no-bundled", str(good)])
    assert result.exit_code == 0, result.output
    bad = tmp_path / "bad.json"
    bad.write_text("[", encoding="utf-8")
    result = runner.invoke(main, ["validate", str(bad)])
    assert result.exit_code == 1
    assert result.output.startswith(f"{bad}: /: invalid JSON")


def test_bundled_bank_is_valid():
    _, problems = check()
    assert problems == [], "\n".join(map(str, problems))


def test_unknown_fields_each_get_their_own_line_and_non_objects_are_named(tmp_path):
    q = question("behavioral", 1)
    q["foo"], q["bar"] = 1, 2
    q["key_points"][0]["zzz"] = 1
    rb = rubric("behavioral")
    rb["criteria"][0]["levels"]["6"] = "level 6: beyond the scale entirely"
    qf = write(tmp_path / "q.json", [q, 7])
    rf = write(tmp_path / "r.json", rb)
    nf = write(tmp_path / "n.json", 42)
    _, problems = check([tmp_path], with_bundled=False)
    lines = [str(p) for p in problems]
    assert f"{qf}: /0/foo: unknown field" in lines
    assert f"{qf}: /0/bar: unknown field" in lines
    assert f"{qf}: /0/key_points/0/zzz: unknown field" in lines
    assert f"{rf}: /criteria/0/levels/6: unknown field" in lines
    assert f"{qf}: /1: 7 is not of type 'object'" in lines
    assert f"{nf}: /: 42 is not of type 'object'" in lines
