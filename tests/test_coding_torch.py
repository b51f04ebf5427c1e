"""PyTorch problems: the candidate gets tensors and may return tensors; only numpy arrays cross the trust
boundary (the worker converts, the parent loads the .npz without pickles); the reference stays NumPy."""
from __future__ import annotations

import os
import sys

import pytest

sys.path.insert(0, os.path.dirname(__file__))
from sandbox_support import require_sandbox_torch  # noqa: E402

from simulator import coding  # noqa: E402
from simulator.coding.judge import judge  # noqa: E402

TORCH = [n for n in coding.names() if coding.get(n).framework == "torch"]


def test_there_is_a_torch_problem_with_a_numpy_reference():
    assert TORCH
    for name in TORCH:
        p = coding.get(name)
        assert hasattr(p.module, "solution") and "import torch" in p.source_of("reference")
        assert "import torch" in p.STARTER and "torch" in p.STATEMENT.lower()


@pytest.mark.sandbox
@pytest.mark.parametrize("name", TORCH)
def test_torch_solution_passes_and_wrong_fails(name):
    require_sandbox_torch()
    p = coding.get(name)
    good = judge(p, p.source_of("reference"), seed=3)
    assert [t.status for t in good.tests] == ["pass"] * len(good.tests), [(t.message, t.traceback) for t in good.tests]
    bad = judge(p, p.source_of("wrong"), seed=3)
    assert any(t.status != "pass" for t in bad.tests if t.kind != "visible")


@pytest.mark.sandbox
def test_tensors_that_need_grad_or_are_views_come_back_as_arrays():
    require_sandbox_torch()
    p = coding.get("torch_masked_attention")
    src = p.source_of("reference").replace("    return torch.nan_to_num(w, nan=0.0) @ v",
                                           "    out = (torch.nan_to_num(w, nan=0.0) @ v).requires_grad_(True) * 1.0\n"
                                           "    return out.transpose(1, 2).transpose(1, 2)")
    report = judge(p, src, seed=4)
    assert all(t.status == "pass" for t in report.tests), [(t.message, t.traceback) for t in report.tests]


@pytest.mark.sandbox
def test_in_place_change_to_an_input_tensor_is_seen():
    require_sandbox_torch()
    p = coding.get("torch_masked_attention")
    report = judge(p, p.source_of("mutant_scales_q_in_place"), seed=4)
    assert any(t.mutated == ["q"] for t in report.tests)


@pytest.mark.sandbox
def test_a_numpy_answer_to_a_torch_problem_gets_tensors():
    require_sandbox_torch()
    p = coding.get("torch_masked_attention")
    src = "def masked_attention(q, k, v, key_padding_mask):\n    return q.numpy()\n"
    report = judge(p, src, seed=4)
    assert all(t.status == "wrong_answer" for t in report.tests)
