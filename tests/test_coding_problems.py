"""Every problem: its reference passes its own hidden tests in the sandbox and a deliberately wrong variant fails.

Plus the in-process checks that need no sandbox: the registry, the module contract, the generator running
standalone (as the harness runs it), and the naive baseline agreeing with the reference.
"""
from __future__ import annotations

import os
import sys

import numpy as np
import pytest

sys.path.insert(0, os.path.dirname(__file__))
from sandbox_support import require_bwrap, require_sandbox_torch  # noqa: E402

from simulator import coding  # noqa: E402
from simulator.coding.judge import flat_outputs, judge  # noqa: E402

NAMES = coding.names()


def test_registry_counts_and_lookup():
    assert len(NAMES) >= 25
    assert sum(coding.get(n).optimise for n in NAMES) >= 12
    with pytest.raises(LookupError, match="did you mean 'softmax'"):
        coding.get("sofmax")


REQUIRED_TOPICS = ["softmax", "log_softmax", "cross_entropy", "layer_norm", "rms_norm", "attention",
                   "multi_head_attention", "kv_cache_step", "rotary_embedding", "sample_top_k", "sample_top_p",
                   "sample_temperature", "beam_search", "mlp_backprop", "adam_step", "logistic_regression", "kmeans",
                   "pca_power_iteration", "conv2d", "bpe_merge", "lora_forward", "clip_grad_norm"]


def test_required_topics_are_covered():
    assert set(REQUIRED_TOPICS) <= set(NAMES)


@pytest.mark.parametrize("name", NAMES)
def test_module_contract_and_generator_standalone(name):
    p = coding.get(name)
    assert p.STATEMENT.strip() and "def " + p.ENTRY + "(" in p.STARTER
    assert set(p.CRITERIA) <= {"correctness", "numerical_care", "efficiency", "code_quality"}
    assert ("efficiency" in p.CRITERIA) == p.optimise
    assert ("numerical_care" in p.CRITERIA) == p.numerical
    ns = {"np": np}
    exec(compile(p.generator_source(), "generator.py", "exec"), ns)  # as the harness runs it: numpy only
    kind, size = p.HIDDEN[0]
    a = ns["inputs"](np.random.default_rng(5), **size)
    b = p.inputs(np.random.default_rng(5), **size)
    assert a.keys() == b.keys()
    for key in a:
        left, right = (a[key], b[key]) if isinstance(a[key], list) else ([a[key]], [b[key]])
        assert len(left) == len(right)
        for u, v in zip(left, right):
            np.testing.assert_array_equal(u, v)


@pytest.mark.parametrize("name", [n for n in NAMES if coding.get(n).optimise])
def test_naive_baseline_agrees_with_reference(name):
    p = coding.get(name)
    size = dict(p.HIDDEN[0][1])
    inputs = p.inputs(np.random.default_rng(11), **size)
    ref = flat_outputs(p.reference(**inputs))
    naive = flat_outputs(p.module.naive(**inputs))
    assert len(ref) == len(naive)
    for r, n in zip(ref, naive):
        np.testing.assert_allclose(n, r, rtol=max(p.RTOL, 1e-9), atol=max(p.ATOL, 1e-12))


@pytest.mark.sandbox
@pytest.mark.parametrize("name", NAMES)
def test_reference_passes_and_wrong_variant_fails(name):
    require_bwrap()
    p = coding.get(name)
    if p.framework == "torch":
        require_sandbox_torch()
    good = judge(p, p.source_of("reference"), seed=20240601)
    assert [t.status for t in good.tests] == ["pass"] * len(good.tests), [(t.kind, t.message, t.traceback) for t in good.tests]
    bad = judge(p, p.source_of("wrong"), seed=20240601)
    failed = [t for t in bad.tests if t.status != "pass"]
    assert failed, f"the wrong variant of {name} passed every test"
    assert all(t.status in ("wrong_answer", "error") for t in failed)
    if p.numerical and name in ("softmax", "log_softmax", "cross_entropy", "layer_norm", "rms_norm", "attention",
                                "sample_temperature", "logistic_regression", "clip_grad_norm", "beam_search"):
        assert any(t.kind == "numerical" for t in failed), "these wrong variants are numerically careless"
