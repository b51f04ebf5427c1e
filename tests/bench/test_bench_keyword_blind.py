"""The keyword grader on answers written without seeing the key points (tests/fixtures/blind): strong answers in
other words, fluent wrong answers in the right vocabulary, weak and off-topic ones. Run with `make bench`; the
figures are in the README. The asserts guard what was measured; the issue's targets that were missed are
printed beside them, not hidden."""
from __future__ import annotations

from pathlib import Path

import pytest

from simulator.bank import default_bank
from simulator.graders.keyword import KeywordGrader
from simulator.grading_bench.blind import evaluate, load

pytestmark = pytest.mark.bench
BLIND = Path(__file__).resolve().parent.parent / "fixtures" / "blind"


@pytest.mark.parametrize("name", ["answers.jsonl", "answers_c.jsonl", "answers_d.jsonl", "answers_e.jsonl"])  # A, B (dev); D, E (held out)
def test_blind_answers_are_ordered_as_people_would(name):
    r = evaluate(KeywordGrader(), default_bank(), load(BLIND / name))
    m = r["mean_score"]
    print(f"\n{r['questions']} questions: strong > wrong {r['strong_gt_wrong']:.0%} (target 90%), "
          f"wrong <= weak + 0.05 {r['wrong_le_weak_plus_margin']:.0%} (target 80%), "
          f"strong > weak and off-topic {r['strong_gt_weak_and_offtopic']:.0%} (target 100%); "
          f"mean scores strong {m['strong']:.2f}, wrong {m['wrong']:.2f}, weak {m['weak']:.2f}, off-topic {m['offtopic']:.2f}")
    assert r["questions"] >= (18 if name == "answers_e.jsonl" else 30)  # E: one writer's half arrived
    assert r["strong_gt_wrong"] >= 0.85  # the target is 90%; held-out set D is at 89% with 2.3.0 (README)
    assert m["wrong"] <= 0.5 * m["strong"]  # a confident wrong answer no longer keeps most of the credit
