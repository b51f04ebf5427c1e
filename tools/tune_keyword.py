"""Leave-questions-out cross-validation of the ad-hoc keyword grader on the TRAINING files only.

Protocol (rerunnable; reads ../shared/data/asag when present):

* Data: SAF English `training`, SemEval-2013 2-way `sciEntsBank_train` and `beetle_train`. The test splits are
  never read here (`--final` reads them once, at the end, to report).
* Folds: each data set's questions are split into K groups (K=6 for SAF's 18 questions, 5 for SemEval) by a
  hash of the question id, so every held-out fold holds only questions the rest has not seen.
* Each held-out fold is graded as a batch (idf over that fold, exactly as `mockloop bench grading` grades a
  file). Predictions are pooled out of fold. The 2-way threshold of a fold is chosen on the other folds'
  out-of-fold scores only.
* Objective: mean over data sets of SAF Pearson, (SciEntsBank Pearson + wF1) / 2, (Beetle Pearson + wF1) / 2.
  Also printed: Spearman and the plain stemmed-overlap baseline of the same run.

Configurations are module-constant overrides of simulator.graders.keyword (grader.py / matching.py), so every
candidate is the real grader, not a re-implementation.

    .venv/bin/python tools/tune_keyword.py             # current grader + baseline, CV table
    .venv/bin/python tools/tune_keyword.py --search calibration   # one candidate grid, ranked by the objective
    .venv/bin/python tools/tune_keyword.py --answers   # folds by answer: a stand-in for the unseen-answers targets
    .venv/bin/python tools/tune_keyword.py --final     # once, at the end: the test splits

Outcome (run once, at the end): CV objective 0.6344 (1.0.0) -> 0.6449 (CANDIDATE), plain overlap 0.5933. On the
test splits the candidate improved every unseen-questions / unseen-domains figure but SAF's, yet SciEntsBank
unseen answers fell to wF1 0.714, below the 0.73 target, so the shipped grader keeps the 1.0.0 constants.
"""
from __future__ import annotations

import argparse
import hashlib
import itertools
import json
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from simulator.graders.keyword import grader as kgrader  # noqa: E402
from simulator.graders.keyword import matching as kmatching  # noqa: E402
from simulator.graders.keyword import normalise as knormalise  # noqa: E402
from simulator.grading_bench import metrics  # noqa: E402
from simulator.grading_bench.runner import baseline_scores, gold, grader_scores, load_jsonl  # noqa: E402

DATA = ROOT.parent / "shared" / "data" / "asag"
TRAIN = {
    "saf": (DATA / "saf_en" / "saf_en_training.jsonl", 6),
    "scientsbank": (DATA / "semeval2013_2way" / "sciEntsBank_train.jsonl", 5),
    "beetle": (DATA / "semeval2013_2way" / "beetle_train.jsonl", 5),
}
TEST = {
    "saf": [DATA / "saf_en" / f"saf_en_{s}.jsonl" for s in ("unseen_answers", "unseen_questions")],
    "scientsbank": [DATA / "semeval2013_2way" / f"sciEntsBank_test-{s}.jsonl" for s in ("unseen-answers", "unseen-questions", "unseen-domains")],
    "beetle": [DATA / "semeval2013_2way" / f"beetle_test-{s}.jsonl" for s in ("unseen-answers", "unseen-questions")],
}


# The grader as it was before this protocol (1.0.0, still shipped): batch idf ** 0.5, 0.8 recall + 0.2 precision,
# power 0.33. CANDIDATE: the constants this protocol chose by CV (uniform weights, recall only, power 0.45).
BEFORE = {"matching.ADHOC_IDF_POWER": 0.5, "grader.ALPHA": 0.8, "grader.GAMMA": 0.33}
CANDIDATE = {"matching.ADHOC_IDF_POWER": 0.0, "grader.ALPHA": 1.0, "grader.GAMMA": 0.45}
GROUP = "question_id"  # `--answers` groups by answer instead: a stand-in for the "unseen answers" targets


def fold_of(qid: str, k: int) -> int:
    return int(hashlib.sha1(str(qid).encode()).hexdigest(), 16) % k


@contextmanager
def overrides(cfg: dict):
    """Temporarily set module constants (keys `grader.X`, `matching.X`, `normalise.X` or `levels.X`)."""
    from simulator.graders.keyword import keypoints as kkeypoints, levels as klevels

    mods = {"grader": kgrader, "matching": kmatching, "normalise": knormalise, "levels": klevels, "keypoints": kkeypoints}
    old = {}
    for key, value in cfg.items():
        mod, name = key.split(".")
        old[key] = getattr(mods[mod], name)
        setattr(mods[mod], name, value)
    try:
        yield
    finally:
        for key, value in old.items():
            mod, name = key.split(".")
            setattr(mods[mod], name, value)


def cv(records: list[dict], k: int, scorer) -> dict:
    """Out-of-fold scores (each fold graded as its own batch) and pooled agreement."""
    folds = [fold_of(r.get(GROUP, r["answer"]), k) for r in records]
    scores = np.zeros(len(records))
    for f in range(k):
        idx = [i for i, x in enumerate(folds) if x == f]
        if idx:
            scores[idx] = scorer([records[i] for i in idx])
    g, _ = gold(records)
    g = np.asarray(g)
    row = {"pearson": metrics.pearson(scores, g), "spearman": metrics.spearman(scores, g), "rmse": metrics.rmse(scores, g)}
    if set(g.tolist()) <= {0.0, 1.0}:
        pred = np.zeros(len(records), int)
        fa = np.asarray(folds)
        for f in range(k):
            tr, te = fa != f, fa == f
            if te.any():
                t = metrics.best_threshold(scores[tr], g[tr].astype(int))
                pred[te] = scores[te] >= t
        row["f1"] = metrics.weighted_f1(pred, g.astype(int))
    return row


def objective(rows: dict) -> float:
    parts = []
    for name, row in rows.items():
        parts.append(row["pearson"] if "f1" not in row else (row["pearson"] + row["f1"]) / 2)
    return float(np.mean(parts))


def run(cfg: dict, data: dict, label: str = "") -> dict:
    with overrides(cfg):
        rows = {name: cv(recs, k, grader_scores) for name, (recs, k) in data.items()}
    return rows


def fmt(rows: dict) -> str:
    out = []
    for name, r in rows.items():
        s = f"{name}: r {r['pearson']:.3f} rho {r['spearman']:.3f}"
        if "f1" in r:
            s += f" wF1 {r['f1']:.3f}"
        out.append(s)
    return " | ".join(out) + f" || objective {objective(rows):.4f}"


# The candidate grids, run in this order (each axis a general constant; no data-set or question-specific value).
# Objective before (1.0.0): 0.6344; plain overlap 0.5933. Results (the best, and the plateau around it):
#   weights      idf power 0 beat 0.5 and 1.0 at every setting; demote 0.2 beat 0, 0.5, 1.0   -> 0.6439
#   calibration  flat for ALPHA 0.9..1.0, GAMMA 0.4..0.5, demote 0.15..0.25 (0.6441..0.6451); chose the middle:
#                ALPHA 1.0, GAMMA 0.45, demote 0.2 (kept)                                    -> 0.6449
#   matching     fuzzy cutoff 80 / min length 4 / negation window 4 reached 0.6496 (mostly SciEntsBank);
#                not adopted: shared with curated mode, and within fold-to-fold noise of a looser matcher
# Feature-level checks on the same folds (not adopted, each within +-0.002 of recall alone): blending recall
# with plain overlap, derived key-point coverage, bigram recall, precision or binary cosine; a short-answer
# penalty; saturating recall for long references; normalising by the batch's best answer to the question.
GRIDS = {
    "weights": {"matching.QUESTION_DEMOTE": [0.0, 0.2, 0.5, 1.0], "matching.ADHOC_IDF_POWER": [0.0, 0.5, 1.0],
                "grader.ALPHA": [0.8, 1.0], "grader.GAMMA": [0.5]},
    "calibration": {"matching.QUESTION_DEMOTE": [0.15, 0.2, 0.25], "grader.ALPHA": [0.9, 0.95, 1.0],
                    "grader.GAMMA": [0.4, 0.45, 0.5]},
    "matching": {"matching.FUZZY_CUTOFF": [80.0, 85.0, 90.0], "matching.FUZZY_MIN_LEN": [4, 5, 6],
                 "normalise.NEG_WINDOW": [4, 6, 8]},
}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--search", choices=sorted(GRIDS), help="run one candidate grid")
    ap.add_argument("--final", action="store_true")
    ap.add_argument("--answers", action="store_true", help="folds by answer, not question (unseen-answers check)")
    ap.add_argument("--config", default="{}", help="JSON of constant overrides to evaluate")
    args = ap.parse_args()
    if args.answers:
        global GROUP
        GROUP = "answer_id"
    if not DATA.exists():
        sys.exit(f"no data at {DATA}")
    data = {name: (load_jsonl(path), k) for name, (path, k) in TRAIN.items()}
    t = time.perf_counter()
    base = {name: cv(recs, k, baseline_scores) for name, (recs, k) in data.items()}
    print("plain stemmed overlap   ", fmt(base))
    print("grader before (1.0.0)   ", fmt(run(BEFORE, data)))
    print("CV-chosen candidate     ", fmt(run(CANDIDATE, data)))
    cfg = json.loads(args.config)
    print("grader", json.dumps(cfg, sort_keys=True), fmt(run(cfg, data)), f"({time.perf_counter() - t:.1f}s)")
    if args.search:
        grid = GRIDS[args.search]
        keys = sorted(grid)
        results = []
        for values in itertools.product(*(grid[k] for k in keys)):
            c = dict(cfg, **dict(zip(keys, values)))
            rows = run(c, data)
            results.append((objective(rows), c, rows))
            print(f"{objective(rows):.4f}", json.dumps(c, sort_keys=True), fmt(rows), flush=True)
        results.sort(key=lambda x: -x[0])
        print("\nbest:")
        for obj, c, rows in results[:8]:
            print(f"{obj:.4f}", json.dumps(c, sort_keys=True), fmt(rows))
    if args.final:
        from simulator.grading_bench.runner import evaluate

        for label, c in (("shipped", cfg), ("candidate", dict(CANDIDATE, **cfg))):
            with overrides(c):
                for name, paths in TEST.items():
                    for p in paths:
                        res = evaluate(p, TRAIN[name][0])
                        print(json.dumps({"grader": label, "file": p.name, "keyword": res["grader"], "overlap": res["baseline"]}))


if __name__ == "__main__":
    main()
