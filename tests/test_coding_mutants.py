"""Every problem ships mutants (realistic wrong solutions) and its hidden tests catch every one of them.

The sandbox test runs each problem's reference and mutants on three fresh seeds in one sandbox call per
problem: the reference must pass every hidden test, each mutant must fail one (or modify an input in place).
The shipped mutation record (the code grader's certification for ML coding) must match the problems.
"""
from __future__ import annotations

import os
import secrets
import sys

import numpy as np
import pytest

sys.path.insert(0, os.path.dirname(__file__))
from sandbox_support import require_bwrap, require_sandbox_torch  # noqa: E402

from simulator import coding  # noqa: E402
from simulator.coding import mutants as mut  # noqa: E402
from simulator.coding.compare import compare  # noqa: E402
from simulator.coding.judge import flat_outputs  # noqa: E402

NAMES = coding.names()


@pytest.mark.parametrize("name", NAMES)
def test_every_problem_ships_at_least_three_mutants(name):
    p = coding.get(name)
    found = mut.mutants_of(p)
    assert len(found) >= mut.MIN_MUTANTS, f"{name} has only {sorted(found)}"
    assert len(p.mutants) >= mut.MIN_MUTANTS
    assert p.module.reference not in found.values()


@pytest.mark.parametrize("name", NAMES)
def test_mutants_are_self_contained_and_differ_from_the_reference_in_process(name):
    """As the sandbox runs them (numpy only, under private names); each differs somewhere on the hidden tests."""
    p = coding.get(name)
    if p.framework == "torch":
        pytest.skip("torch problems run their mutants in the sandbox only (the parent needs no torch)")
    fns = {mut.REFERENCE: p.module.reference, **mut.mutants_of(p)}
    ns: dict = {}
    exec(compile(mut.combined_source(p, fns), "solution.py", "exec"), ns)
    entry = ns[p.ENTRY]
    from simulator.coding.judge import make_cases

    cases = [(k, c) for k, c in make_cases(p, 7) if k not in ("visible", "large")]
    for kind, inputs in cases:  # the reference under the dispatcher gives the reference's answer
        import copy

        got = flat_outputs(entry(_mutant=mut.REFERENCE, **copy.deepcopy(inputs)))
        assert compare(flat_outputs(p.reference(**copy.deepcopy(inputs))), [np.asarray(g) for g in got],
                       p.DTYPES, p.RTOL, p.ATOL, inputs).ok


def test_combined_source_dispatches_by_name():
    p = coding.get("softmax")
    ns: dict = {}
    exec(compile(mut.combined_source(p, {"a": p.module.reference, "b": p.module.wrong}), "s.py", "exec"), ns)
    x = np.array([[1.0, 2.0]])
    np.testing.assert_allclose(ns["softmax"](_mutant="a", x=x), p.reference(x=x))
    np.testing.assert_allclose(ns["softmax"](_mutant="b", x=x), p.module.wrong(x))


def test_compare_expected_dtype_rule_and_variable_tail():
    exp = [np.array(1.0), np.zeros(2, np.float32), np.zeros(3)]
    ok = compare(exp, [np.array(1.0), np.zeros(2, np.float32), np.zeros(3)], ("float", "expected"), 0, 0, {})
    assert ok.ok
    bad = compare(exp, [np.array(1.0), np.zeros(2, np.float64), np.zeros(3)], ("float", "expected"), 0, 0, {})
    assert not bad.ok and "has dtype float64" in bad.reason
    tail = compare(exp, [np.array(1.0), np.zeros(2, np.float32), np.zeros(3, np.float32)], ("float", "expected"), 0, 0, {})
    assert not tail.ok and "output 2" in tail.reason


@pytest.mark.sandbox
@pytest.mark.parametrize("name", NAMES)
def test_hidden_tests_catch_every_mutant_on_fresh_seeds(name):
    require_bwrap()
    p = coding.get(name)
    if p.framework == "torch":
        require_sandbox_torch()
    seeds = [secrets.randbits(63) for _ in range(3)]
    results = mut.run_problem(p, seeds)
    ref = results.pop(mut.REFERENCE)
    assert ref.caught, f"the reference of {name} fails its hidden tests (seeds {seeds}): {ref.failures[:3]}"
    escaped = [m for m, r in results.items() if not r.caught]
    assert not escaped, f"{name}: mutants {escaped} passed every hidden test on seeds {seeds}"


@pytest.mark.sandbox
def test_an_in_place_mutant_is_caught_by_the_input_check():
    require_bwrap()
    results = mut.run_problem(coding.get("softmax"), [3])
    assert any("in place" in f for f in results["modifies_input"].failures)


def test_the_shipped_record_is_current_and_certifies():
    record = mut.load_record()
    assert record is not None, "run `mockloop code mutants --write`"
    assert set(record["problems"]) == set(NAMES)
    for name in NAMES:
        assert sorted(record["problems"][name]["mutants"]) == sorted(mut.mutants_of(coding.get(name))), name
    ok, reason = mut.verdict(record)
    assert ok, reason
    assert record["runs"] == (record["mutants"] + len(NAMES)) * len(record["seeds"])


def test_certification_record_shape():
    from simulator.graders.code import VERSION

    rec = mut.certification_record()
    assert list(rec) == [f"code@{VERSION}"]
    body = rec[f"code@{VERSION}"]
    assert body["method"] == mut.METHOD
    r = body["rounds"]["ml_coding"]
    assert set(r) == {"certified", "reason", "kappa", "ci95", "gold_answers", "pairs", "rated_share"}
    assert r["certified"] is True and r["kappa"] is None and r["pairs"] == 0 and r["gold_answers"] > 0


def test_verdict_rejects_escapes_stale_records_and_other_versions():
    record = mut.load_record()
    import copy

    assert mut.verdict(None)[0] is False
    other = dict(record, grader_version="0.0.0")
    assert "not" in mut.verdict(other)[1] and mut.verdict(other)[0] is False
    escaped = copy.deepcopy(record)
    first = next(iter(escaped["problems"]["softmax"]["mutants"]))
    escaped["problems"]["softmax"]["mutants"][first]["caught"] = False
    ok, reason = mut.verdict(escaped)
    assert not ok and f"softmax.{first}" in reason
    stale = copy.deepcopy(record)
    stale["problems"]["softmax"]["mutants"].pop(first)
    assert not mut.verdict(stale)[0]


@pytest.mark.parametrize("name", NAMES)
def test_every_statement_forbids_modifying_the_inputs(name):
    """So that an in-place solution breaks a named requirement (capped below hire), not just a quality note."""
    from simulator.coding.requirements import REQUIREMENTS

    named = next(r for r in REQUIREMENTS if r.id == "inputs").named
    assert named.search(coding.get(name).STATEMENT)


@pytest.mark.sandbox
def test_an_in_place_mutant_cannot_reach_hire():
    require_bwrap()
    from simulator.bank import default_bank
    from simulator.coding.problem import submission
    from simulator.coding.requirements import below_hire
    from simulator.graders.code import CodeGrader

    p = coding.get("layer_norm")
    rubric = default_bank().rubric("ml_coding")
    source = submission(p.mutants["modifies_input"], p.ENTRY)
    grade = CodeGrader(seed=9).grade({"id": "q", "coding": {"problem": "layer_norm"}}, rubric, source,
                                     track="research-engineer")
    assert any(f["requirement"] == "inputs" for f in grade["details"]["requirements_failed"])
    assert grade["score"] <= below_hire(rubric)


@pytest.mark.parametrize("name,mutant,marker", [("layer_norm", "eps_outside_sqrt", "noise"),
                                                ("adam_step", "eps_inside_sqrt", "tiny"),
                                                ("rms_norm", "eps_outside_sqrt", "scale")])
def test_eps_placement_is_caught_by_a_test_with_values_small_enough_for_eps_to_matter(name, mutant, marker):
    """Not only by a tight tolerance on ordinary inputs: a hidden test draws values where eps dominates."""
    import copy

    p = coding.get(name)
    small = [size for _, size in p.HIDDEN if size.get(marker) is True or 0 < float(size.get(marker) or 1.0) < 1.0]
    assert small, f"{name} has no hidden test with small values"
    for seed in range(3):
        inputs = p.inputs(np.random.default_rng(seed), **small[0])
        exp = flat_outputs(p.reference(**copy.deepcopy(inputs)))
        got = [np.asarray(g) for g in flat_outputs(p.mutants[mutant](**copy.deepcopy(inputs)))]
        assert not compare(exp, got, p.DTYPES, p.RTOL, p.ATOL, inputs).ok


@pytest.mark.parametrize("name,mutants", [("sample_top_k", ("ties_kept_beyond_k", "ties_broken_to_higher_index", "cdf_compared_with_ge")),
                                          ("sample_top_p", ("prefix_compared_with_le", "ties_broken_to_higher_index", "cdf_compared_with_ge")),
                                          ("sample_temperature", ("cdf_compared_with_ge", "greedy_ties_last")),
                                          ("kmeans", ("ties_to_higher_index",))])
def test_tie_and_boundary_mutants_are_caught_by_the_tie_tests(name, mutants):
    """The hidden tests draw tied logits (points) and u on the grid where cumulative sums are exact."""
    import copy

    p = coding.get(name)
    ties = [size for _, size in p.HIDDEN if size.get("ties") or size.get("grid")]
    assert ties
    for m in mutants:
        caught = 0
        for seed in range(3):
            for size in ties:
                inputs = p.inputs(np.random.default_rng(seed), **size)
                exp = flat_outputs(p.reference(**copy.deepcopy(inputs)))
                got = [np.asarray(g) for g in flat_outputs(p.mutants[m](**copy.deepcopy(inputs)))]
                caught += not compare(exp, got, p.DTYPES, p.RTOL, p.ATOL, inputs).ok
        assert caught, f"{name}.{m} passes the tie tests"
