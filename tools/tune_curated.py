"""Leave-questions-out cross-validation of the keyword grader's curated-mode constants on the bank's gold set.

Protocol (rerunnable, offline):

* Data: every graded example answer of the non-coding bank questions (intended level per criterion, null where
  not applicable). Nothing else: the blind set in tests/fixtures/blind is never read here.
* Folds: questions are split into K=5 groups by a hash of the question id; every held-out fold holds only
  questions whose examples the selection never saw.
* For each fold, each candidate configuration is scored on the other folds (criterion-level quadratic weighted
  kappa x the share of intended levels rated, so declining to rate is not free); the best one is then graded on
  the held-out fold. Pooled held-out pairs give the cross-validated kappa of the *selection procedure*; the
  configuration chosen on all folds is what the grader should ship.

    .venv/bin/python tools/tune_curated.py            # CV table and the configuration chosen on all data
"""
from __future__ import annotations

import hashlib
import itertools
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from simulator.bank import load_bank  # noqa: E402
from simulator.calibration.kappa import weighted_kappa  # noqa: E402
from simulator.graders.keyword import KeywordGrader  # noqa: E402
from tune_keyword import overrides  # noqa: E402  (the same constant overrides as the ad-hoc protocol)

K = 5
GRID = {
    "matching.COVERED": [0.65, 0.75],
    "levels.PARTIAL_FROM": [None, 0.35, 0.45],
    "matching.FLIP_MIN": [0.8, 0.9],
    "matching.BIGRAM_SHARE": [0.0, 0.25],
}
SHIPPED = {"matching.COVERED": 0.75, "levels.PARTIAL_FROM": 0.35, "matching.FLIP_MIN": 0.9, "matching.BIGRAM_SHARE": 0.0}


def fold_of(qid: str) -> int:
    return int(hashlib.sha1(qid.encode()).hexdigest(), 16) % K


def gold(bank):
    out = []
    for qid in sorted(bank.questions):
        q = bank.questions[qid]
        if q["round"] == "ml_coding":
            continue
        for ex in q.get("examples", []):
            out.append((q, bank.rubric(q["rubric"]), ex))
    return out


def pairs(items, cfg) -> tuple[list[int], list[int], int]:
    """(intended, given, intended levels in all) for a configuration; a fresh grader so nothing is cached across configs."""
    with overrides(cfg):
        g = KeywordGrader()
        want, got, total = [], [], 0
        for q, rubric, ex in items:
            levels = {c["criterion"]: c["level"] for c in g.grade(q, rubric, ex["answer"])["criteria"]}
            for cid, lv in ex["levels"].items():
                if lv is None:
                    continue
                total += 1
                if levels.get(cid) is not None:
                    want.append(int(lv))
                    got.append(int(levels[cid]))
    return want, got, total


def objective(want, got, total) -> float:
    k = weighted_kappa(np.array(want, float), np.array(got, float), n_boot=0)
    return (k.value if k.ok else 0.0) * (len(want) / total if total else 0.0)


def main() -> None:
    bank = load_bank()
    items = gold(bank)
    configs = [dict(zip(GRID, values)) for values in itertools.product(*GRID.values())]
    folds = [fold_of(q["id"]) for q, _, _ in items]
    cache = {}
    for ci, cfg in enumerate(configs):
        for f in range(K):
            cache[ci, f] = pairs([it for it, fo in zip(items, folds) if fo == f], cfg)
    held_w, held_g, held_t, chosen = [], [], 0, []
    for f in range(K):
        def train_score(ci):
            w, g, t = [], [], 0
            for f2 in range(K):
                if f2 != f:
                    w += cache[ci, f2][0]
                    g += cache[ci, f2][1]
                    t += cache[ci, f2][2]
            return objective(w, g, t)
        best = max(range(len(configs)), key=train_score)
        chosen.append(best)
        w, g, t = cache[best, f]
        held_w += w
        held_g += g
        held_t += t
    k = weighted_kappa(np.array(held_w, float), np.array(held_g, float), n_boot=0)
    print(f"{len(items)} gold answers over {len({q['id'] for q, _, _ in items})} questions, {K} folds by question")
    print(f"cross-validated kappa of the selection: {k.value:.3f} on {len(held_w)} pairs, rated {len(held_w) / held_t:.0%}")
    print("chosen per fold:", [configs[c] for c in chosen])
    for ci, cfg in enumerate(configs):
        w = sum((cache[ci, f][0] for f in range(K)), [])
        g = sum((cache[ci, f][1] for f in range(K)), [])
        t = sum(cache[ci, f][2] for f in range(K))
        kk = weighted_kappa(np.array(w, float), np.array(g, float), n_boot=0)
        mark = " <- shipped" if cfg == SHIPPED else ""
        print(f"  {cfg}: kappa {kk.value:.3f} rated {len(w) / t:.0%} objective {objective(w, g, t):.3f}{mark}")


if __name__ == "__main__":
    main()
