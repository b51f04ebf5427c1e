"""The trusted-parent split: the five harness cheats fail, results are per test, diffs only for visible tests."""
from __future__ import annotations

import io
import os
import sys

import numpy as np
import pytest

sys.path.insert(0, os.path.dirname(__file__))
from sandbox_support import attack, require_bwrap, require_sandbox_python  # noqa: E402

from simulator import coding  # noqa: E402
from simulator.coding.judge import judge, read_result, run_visible  # noqa: E402

pytestmark = pytest.mark.sandbox
SOFTMAX = coding.get("softmax")


@pytest.fixture(autouse=True)
def _bwrap():
    require_bwrap()


def _hidden(report):
    return [t for t in report.tests if t.kind != "visible"]


def test_cheat_reading_expected_answers_from_frames():
    src = attack("import sys\nf = sys._getframe(1)\nfound = None\n"
                 "while f is not None:\n"
                 "    for v in list(f.f_locals.values()):\n"
                 "        if isinstance(v, np.ndarray) and v.shape == x.shape and v is not x:\n"
                 "            found = v\n"
                 "    f = f.f_back\n"
                 "return found if found is not None else np.zeros_like(x)")
    report = judge(SOFTMAX, src, seed=1)
    assert all(t.status == "wrong_answer" for t in _hidden(report))


def test_cheat_patching_the_comparison():
    src = ("import numpy as np\nnp.allclose = lambda *a, **k: True\nnp.isclose = lambda a, b, **k: np.ones_like(a, bool)\n"
           "np.array_equal = lambda *a, **k: True\nnp.testing.assert_allclose = lambda *a, **k: None\n\n"
           "def softmax(x):\n    return np.zeros_like(x)\n")
    report = judge(SOFTMAX, src, seed=2)
    assert report.passed == 0 and all(t.status == "wrong_answer" for t in report.tests)


@pytest.mark.parametrize("body", [
    "print('PASS')\nprint('9/9 tests passed')\nimport os\nos.write(1, b'PASS\\n')\nos._exit(0)",
    "import sys\nprint('ALL TESTS PASSED')\nsys.exit(0)",
])
def test_cheat_faking_the_verdict(body):
    report = judge(SOFTMAX, attack(body), seed=3)
    assert report.passed == 0
    assert all(t.status == "error" for t in report.tests)
    assert any("exit" in (t.traceback or "") or "SystemExit" in (t.traceback or "") for t in report.tests)


def test_cheat_scanning_the_gc_for_answers():
    src = attack("import gc\nfor o in gc.get_objects():\n"
                 "    if isinstance(o, np.ndarray) and o.shape == x.shape and o is not x and np.allclose(o.sum(-1), 1):\n"
                 "        return o\n"
                 "return np.full_like(x, 1.0 / x.shape[-1])")
    report = judge(SOFTMAX, src, seed=4)
    # the fallback (uniform) answer is right only for a single logit; nothing was found in the gc
    assert all(t.status == "wrong_answer" for t in _hidden(report) if t.kind in ("standard", "numerical", "large"))


def test_cheat_returning_a_pickle(tmp_path):
    marker = tmp_path / "pwned"
    src = ("import numpy as np, os\n\nclass Evil:\n    def __reduce__(self):\n"
           f"        return (os.system, ('touch {marker}',))\n\n"
           "def softmax(x):\n    out = np.empty(x.shape, dtype=object)\n    out[...] = Evil()\n    return out\n")
    report = judge(SOFTMAX, src, seed=5)
    assert report.passed == 0 and all(t.status == "error" for t in report.tests)
    assert "not a numeric array" in report.tests[0].traceback
    assert not marker.exists()


def test_parent_refuses_pickled_or_compressed_results(tmp_path):
    marker = tmp_path / "pwned2"

    class Evil:
        def __reduce__(self):
            return (os.system, (f"touch {marker}",))

    buf = io.BytesIO()
    np.savez(buf, __msg__=np.frombuffer(b"{}", dtype=np.uint8), x=np.array([Evil()], dtype=object))
    with pytest.raises(ValueError):
        read_result(buf.getvalue())
    buf = io.BytesIO()
    np.savez_compressed(buf, x=np.zeros(10))
    with pytest.raises(ValueError, match="compressed"):
        read_result(buf.getvalue())
    assert not marker.exists()


def test_error_traceback_shows_only_the_candidates_frames():
    src = "import numpy as np\n\n\ndef helper(x):\n    return x[99]\n\n\ndef softmax(x):\n    return helper(x)\n"
    report = judge(SOFTMAX, src, seed=6)
    tb = report.tests[0].traceback
    assert report.tests[0].status == "error"
    assert 'File "solution.py", line 5, in helper' in tb and "IndexError" in tb
    assert "harness" not in tb and "worker.py" not in tb and "wire.py" not in tb


def test_timeout_and_memory_limit_statuses():
    loop = judge(SOFTMAX, attack("while True:\n    pass"), visible_only=True, test_timeout_s=0.5)
    assert [t.status for t in loop.tests] == ["timeout", "timeout"]
    assert loop.wall_s < 6
    bomb = judge(SOFTMAX, attack("blocks = [np.empty(10**8) for _ in range(100)]\nreturn x"), visible_only=True)
    assert [t.status for t in bomb.tests] == ["memory_limit", "memory_limit"]


def test_syntax_error_is_reported_once_per_test():
    report = judge(SOFTMAX, "def softmax(x:\n    return x\n", visible_only=True)
    assert all(t.status == "error" and "SyntaxError" in t.traceback for t in report.tests)


def test_diffs_only_for_visible_examples():
    wrong = SOFTMAX.source_of("wrong")
    report = judge(SOFTMAX, wrong, seed=7)
    visible = [t for t in report.tests if t.kind == "visible" and t.status == "wrong_answer"]
    hidden = [t for t in report.tests if t.kind != "visible" and t.status == "wrong_answer"]
    assert visible and hidden
    assert all(t.diff and "expected" in t.diff for t in visible)
    assert all(t.diff is None for t in hidden)
    assert all("expected" not in t.message for t in hidden)


def test_run_visible_runs_only_the_examples():
    report = run_visible(SOFTMAX, SOFTMAX.source_of("reference"))
    assert [t.kind for t in report.tests] == ["visible"] * len(SOFTMAX.EXAMPLES)
    assert report.passed == len(SOFTMAX.EXAMPLES)


def test_mutating_inputs_and_warnings_are_seen():
    src = attack("x -= x.max(axis=-1, keepdims=True)\nnp.exp(np.array([1000.0]))\n"
                 "return np.exp(x) / np.exp(x).sum(axis=-1, keepdims=True)")
    report = judge(SOFTMAX, src, seed=8)
    assert any(t.mutated == ["x"] for t in report.tests)
    assert any(any("overflow" in w for w in t.warnings) for t in report.tests)


def test_fallback_mode_still_separates_roles_and_says_so():
    require_sandbox_python()
    report = judge(SOFTMAX, SOFTMAX.source_of("reference"), mode="fallback", seed=9)
    assert report.mode == "fallback" and report.passed == len(report.tests)
    loop = judge(SOFTMAX, attack("while True:\n    pass"), visible_only=True, test_timeout_s=0.5, mode="fallback")
    assert [t.status for t in loop.tests] == ["timeout", "timeout"]
