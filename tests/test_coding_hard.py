"""The hard problems: a correct solution written the way the statement asks (tiled, incremental) passes every
hidden test, not only the reference; and the problems have questions in the bank."""
from __future__ import annotations

import os
import sys

import pytest

sys.path.insert(0, os.path.dirname(__file__))
from sandbox_support import require_bwrap  # noqa: E402

from simulator import coding  # noqa: E402
from simulator.coding.judge import judge  # noqa: E402

ALTERNATIVES = [("tiled_attention", "tiled"), ("kv_cache_decode", "decoder"), ("sample_top_p_seeded", "sorted_scan")]
HARD = [n for n, _ in ALTERNATIVES if n in coding.names()]


@pytest.mark.sandbox
@pytest.mark.parametrize("name,fn", [a for a in ALTERNATIVES if a[0] in coding.names()])
def test_the_solution_the_statement_asks_for_passes(name, fn):
    require_bwrap()
    p = coding.get(name)
    for seed in (11, 12):
        report = judge(p, p.source_of(fn), seed=seed)
        assert [t.status for t in report.tests] == ["pass"] * len(report.tests), \
            [(t.kind, t.message, t.traceback) for t in report.tests if t.status != "pass"]
        assert not any(t.mutated for t in report.tests)


HARD_ALL = [n for n in coding.names() if coding.get(n).DIFFICULTY == "hard"]


def test_the_coding_issue_counts_are_met():
    """45 problems, at least 14 in PyTorch, at least 10 hard (issue 14)."""
    problems = coding.all_problems()
    assert len(problems) >= 45
    assert sum(p.framework == "torch" for p in problems) >= 14
    assert len(HARD_ALL) >= 10


@pytest.mark.parametrize("name", HARD_ALL)
def test_hard_problems_are_hard_and_have_a_question(name):
    from simulator.bank import default_bank

    p = coding.get(name)
    assert len(p.mutants) >= 5
    questions = [q for q in default_bank().questions.values() if q.get("coding", {}).get("problem") == name]
    assert len(questions) == 1 and questions[0]["prompt"] == p.STATEMENT and questions[0]["difficulty"] == "hard"
