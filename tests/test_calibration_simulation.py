"""Recovery of a known truth: graders of known severity and noise, questions of known difficulty.

Candidates (named by faker) have a known ability; each answers 4 of 6
questions; each answer goes to 3 of 12 graders drawn at random, so the
allocation is incomplete and overlapping. Levels are continuous, so the
additive model behind the severity estimate is the true one.
"""
from __future__ import annotations

import numpy as np
import pytest
from faker import Faker

from simulator.calibration import GradeTable, calibrate, grader_severity, question_stats
from simulator.calibration.simulate import simulate

SCALE = (-5.0, 5.0)  # fixed normalisation, so the true difficulty is known on the same scale
N_GRADERS = 12


def _world(seed: int, *, n_candidates: int = 300, faker: bool = True, **kw):
    rng = np.random.default_rng(10_000 + seed)
    severity = rng.permutation(np.linspace(-0.9, 0.9, N_GRADERS))  # 0.16 apart: a well-defined ranking
    names = {}
    if faker:
        fake = Faker()
        fake.seed_instance(seed)
        names = {"candidate_namer": fake.name, "grader_namer": fake.name}
    args = dict(n_candidates=n_candidates, n_questions=6, questions_per_candidate=4, n_graders=N_GRADERS,
                graders_per_unit=3, severity=severity, noise=rng.uniform(0.3, 0.8, N_GRADERS),
                difficulty=np.linspace(-1.0, 1.0, 6), seed=seed, **names)
    args.update(kw)
    records, truth = simulate(**args)
    return GradeTable.from_records(records), truth


def _severity_z(table, truth):
    res = grader_severity(table.unit, table.grader, table.level, names=table.grader_names, min_n=5)
    true_mean = np.mean(list(truth.severity.values()))
    rows = res["graders"]
    est = np.array([g["value"] for g in rows])
    se = np.array([g["se"] for g in rows])
    true = np.array([truth.severity[g["grader"]] for g in rows]) - true_mean
    return est, se, true, [g["grader"] for g in rows]


def _difficulty_z(table, truth):
    lo, hi = SCALE
    mean_sev = np.mean(list(truth.severity.values()))
    stats = question_stats(table.question, table.answer, table.level, candidate=table.candidate,
                           names=table.question_names, scale=SCALE, min_n=5)
    out = []
    for q in stats:
        # E[level | q] = E[ability] - difficulty_q + mean grader severity, with E[ability] = 0
        true = (-truth.difficulty[q["question"]] + mean_sev - lo) / (hi - lo)
        out.append((q["difficulty"]["value"] - true) / q["difficulty"]["se"])
    return np.array(out)


@pytest.fixture(scope="module")
def world():
    return _world(seed=2024)


def test_names_come_from_faker(world):
    table, truth = world
    assert all(" " in name for name in table.grader_names)  # "First Last", not grader000
    assert len(set(table.candidate_names)) == 300


def test_allocation_is_incomplete_and_overlapping(world):
    table, _ = world
    m = table.matrix()
    per_unit = (~np.isnan(m)).sum(axis=1)
    assert set(per_unit) == {3}
    shared = (~np.isnan(m)).astype(int)
    assert ((shared.T @ shared) > 0).all()  # every pair of graders shares some answers


def test_severity_recovered_within_two_standard_errors(world):
    est, se, true, _ = _severity_z(*world)
    z = np.abs(est - true) / se
    assert (z < 3).all(), z
    assert (z < 2).mean() >= 11 / 12, z  # 95% intervals: at most one of 12 may fall out by chance
    assert se.max() < 0.08


def test_graders_ranked_correctly(world):
    est, _, true, names = _severity_z(*world)
    assert [names[i] for i in np.argsort(est)] == [names[i] for i in np.argsort(true)]


def test_difficulty_recovered_within_two_standard_errors(world):
    z = np.abs(_difficulty_z(*world))
    assert (z < 2).all(), z


def test_standard_errors_are_calibrated_across_many_worlds():
    """Over 30 independent worlds, about 95% of the 2-SE intervals cover the truth."""
    zs, zq = [], []
    for seed in range(30):
        table, truth = _world(seed, n_candidates=120, faker=False)
        est, se, true, _ = _severity_z(table, truth)
        zs.extend((est - true) / se)
        zq.extend(_difficulty_z(table, truth))
    cover_s = np.mean(np.abs(zs) < 2)
    cover_q = np.mean(np.abs(zq) < 2)
    assert 0.90 <= cover_s <= 0.995, cover_s
    assert 0.88 <= cover_q <= 0.995, cover_q


def test_report_flags_the_planted_problems():
    """A lenient and a harsh grader, a question unrelated to ability, a grader drifting over time."""
    severity = np.zeros(N_GRADERS)
    severity[0], severity[1] = 1.2, -1.2
    drift = np.zeros(N_GRADERS)
    drift[2] = 0.03  # +1.8 points over 60 days
    discrimination = np.array([1, 1, 1, 1, 1, 0.0])
    table, _ = _world(7, severity=severity, drift=drift, discrimination=discrimination, scale=(1, 5),
                      graders_per_unit=3, faker=False, criteria=("correctness", "communication"))
    out = calibrate(table, n_boot=200)
    flags = {(f["kind"], f["subject"]) for f in out["flags"]}
    names = [f"grader{i:03d}" for i in range(N_GRADERS)]  # simulate's names when faker is off
    assert ("lenient_grader", names[0]) in flags
    assert ("harsh_grader", names[1]) in flags
    assert ("drift_grader", names[2]) in flags
    assert ("low_discrimination", "q05") in flags
    flagged_graders = {s for k, s in flags if k.endswith("_grader")}
    assert flagged_graders <= {names[0], names[1], names[2]}  # the drifting one is also lenient on average
    assert not any(k == "low_discrimination" and s != "q05" for k, s in flags)
    disc = {q["question"]: q["discrimination"]["value"] for q in out["questions"]}
    assert disc["q05"] < 0.2 < min(v for k, v in disc.items() if k != "q05")
