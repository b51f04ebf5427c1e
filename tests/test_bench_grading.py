"""`mockloop bench grading` and its metrics (numpy only), on the shipped SAF excerpt and tiny data of our own."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from simulator.cli import main
from simulator.cli.bench import pick_train
from simulator.grading_bench import metrics

FIXTURE = Path(__file__).parent / "fixtures" / "asag_small.jsonl"


def test_pearson_spearman_rmse():
    x, y = [1, 2, 3, 4, 5], [2, 4, 6, 8, 11]
    assert metrics.pearson(x, y) == pytest.approx(float(np.corrcoef(x, y)[0, 1]))
    assert metrics.spearman(x, [1, 4, 9, 16, 25]) == pytest.approx(1.0)
    assert metrics.spearman([1, 2, 2, 3], [1, 2, 3, 4]) == pytest.approx(0.9486833, abs=1e-6)  # ties share ranks
    assert metrics.pearson([1, 1, 1], [1, 2, 3]) is None
    assert metrics.rmse([0, 1], [1, 1]) == pytest.approx(np.sqrt(0.5))


def test_quadratic_weighted_kappa():
    assert metrics.qwk([0, 1, 2, 3], [0, 1, 2, 3]) == pytest.approx(1.0)
    assert metrics.qwk([0.1, 0.9, 2.2, 2.9], [0, 1, 2, 3]) == pytest.approx(1.0)  # snapped to the gold's levels
    # on evenly spaced levels it is the usual index-based Cohen's kappa with quadratic weights
    a, b = [0, 0, 1, 1, 2, 2, 2, 0], [0, 1, 1, 2, 2, 0, 2, 0]
    assert metrics.qwk(a, b) == pytest.approx(_cohen_qwk(a, b, 3))
    assert metrics.qwk([3, 2, 1, 0], [0, 1, 2, 3]) < 0


def _cohen_qwk(a, b, k):
    obs = [[0] * k for _ in range(k)]
    for x, y in zip(a, b):
        obs[x][y] += 1
    n = len(a)
    ra = [sum(r) for r in obs]
    cb = [sum(obs[i][j] for i in range(k)) for j in range(k)]
    num = sum((i - j) ** 2 * obs[i][j] for i in range(k) for j in range(k))
    den = sum((i - j) ** 2 * ra[i] * cb[j] / n for i in range(k) for j in range(k))
    return 1 - num / den


def test_weighted_f1_and_threshold():
    gold = [1, 1, 1, 0]
    assert metrics.weighted_f1([1, 1, 1, 0], gold) == pytest.approx(1.0)
    assert metrics.weighted_f1([1, 1, 1, 1], gold) == pytest.approx(0.75 * (2 * 3 / 7))
    t = metrics.best_threshold([0.9, 0.8, 0.7, 0.2], gold)
    assert 0.2 < t < 0.7


def test_pick_train_by_name():
    assert pick_train("d/beetle_test.jsonl", ("t/sciEntsBank_train.jsonl", "t/beetle_train.jsonl")) == "t/beetle_train.jsonl"
    assert pick_train("d/x.jsonl", ("t/only.jsonl",)) == "t/only.jsonl"
    assert pick_train("d/x.jsonl", ()) is None


def test_bench_on_the_shipped_fixture_markdown_and_json():
    result = CliRunner().invoke(main, ["bench", "grading", "--data", str(FIXTURE)])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].startswith("| data | system | n | Pearson r")
    assert any("| asag_small | keyword | 56 |" in l for l in lines)
    assert any("plain stemmed overlap" in l for l in lines)
    res = json.loads(CliRunner().invoke(main, ["bench", "grading", "--data", str(FIXTURE), "--json"]).stdout)
    row = res[0]["grader"]
    assert row["n"] == 56 and row["pearson"] >= 0.78 and "f1" not in row
    assert {"pearson", "spearman", "rmse", "qwk"} <= set(row) and res[0]["two_way"] is False


def _two_way(path: Path, n: int, seed: int) -> Path:
    """A tiny 2-way set of our own: correct answers restate the reference, incorrect ones do not."""
    rng = np.random.default_rng(seed)
    ref = "The bulb lights because it is in a closed path with the battery."
    good = ["it is in a closed path with the battery", "the bulb is in a closed path with the battery", "closed path containing the battery"]
    bad = ["the bulb is broken", "because the switch is red", "the wire is long"]
    rows = []
    for i in range(n):
        ok = bool(rng.integers(0, 2))
        answer = (good if ok else bad)[int(rng.integers(0, 3))]
        rows.append({"question_id": "q1", "question": "Why does bulb A light?", "reference_answer": ref, "answer": answer,
                     "label": "correct" if ok else "incorrect", "score": int(ok), "max_score": 1})
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return path


def test_two_way_f1_uses_the_training_threshold(tmp_path):
    test = _two_way(tmp_path / "toy_test.jsonl", 30, 1)
    train = _two_way(tmp_path / "toy_train.jsonl", 40, 2)
    res = json.loads(CliRunner().invoke(main, ["bench", "grading", "--data", str(test), "--train", str(train), "--json"]).stdout)[0]
    assert res["two_way"] and res["train"] == str(train)
    assert res["grader"]["f1"] == pytest.approx(1.0) and res["grader"]["threshold"] is not None
    without = json.loads(CliRunner().invoke(main, ["bench", "grading", "--data", str(test), "--json"]).stdout)[0]
    assert without["grader"]["f1"] is None  # no training file, no threshold, no F1


def test_published_figures_are_shown_beside_matching_data(tmp_path):
    data = _two_way(tmp_path / "beetle_test-unseen-answers.jsonl", 10, 3)
    out = CliRunner().invoke(main, ["bench", "grading", "--data", str(data)]).stdout
    assert "0.845" in out and "(published)" in out


def test_bad_data_file_names_the_line(tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"question": "q", "reference_answer": "r", "answer": "a", "score": 1}\n{oops\n')
    result = CliRunner().invoke(main, ["bench", "grading", "--data", str(bad)])
    assert result.exit_code == 1 and f"{bad}:2: invalid JSON" in result.stderr
