"""Grade the graders on the bank's gold examples: criterion-level agreement with the intended levels.

Every non-coding bank question carries example answers graded criterion by criterion by their authors
(null where a criterion does not apply). A grader is run on each example and its level for each criterion
is paired with the intended one, where both exist. Agreement is quadratic weighted kappa per round with a
95% interval from a bootstrap that resamples whole questions (answers to one question are not independent),
plus the share of intended levels the grader rated at all: a grader that declines to rate is not penalised in
kappa, so the coverage says how much it declined.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable

import numpy as np

from simulator.calibration.kappa import weighted_kappa

N_BOOT = 400


@dataclass
class RoundAgreement:
    round: str
    questions: int = 0
    answers: int = 0
    pairs: list[tuple[str, int, int]] = field(default_factory=list)  # (question id, intended, given)
    intended_levels: int = 0  # intended (non-null) levels, rated by the grader or not

    def kappa(self, n_boot: int = N_BOOT, seed: int = 0) -> dict[str, Any]:
        if not self.pairs:
            return {"kappa": None, "ci95": None, "n_pairs": 0, "reason": "no pairs"}
        x = np.array([p[1] for p in self.pairs], dtype=float)
        y = np.array([p[2] for p in self.pairs], dtype=float)
        est = weighted_kappa(x, y, n_boot=0)
        if not est.ok:
            return {"kappa": None, "ci95": None, "n_pairs": len(self.pairs), "reason": est.reason}
        qids = sorted({p[0] for p in self.pairs})
        index = {q: np.array([i for i, p in enumerate(self.pairs) if p[0] == q]) for q in qids}
        rng = np.random.default_rng(seed)
        boots = []
        for _ in range(n_boot):
            pick = np.concatenate([index[qids[k]] for k in rng.integers(0, len(qids), len(qids))])
            b = weighted_kappa(x[pick], y[pick], n_boot=0)
            if b.ok:
                boots.append(b.value)
        ci = [round(float(np.percentile(boots, 2.5)), 3), round(float(np.percentile(boots, 97.5)), 3)] if boots else None
        return {"kappa": round(float(est.value), 3), "ci95": ci, "n_pairs": len(self.pairs)}

    def summary(self) -> dict[str, Any]:
        out = {"round": self.round, "questions": self.questions, "answers": self.answers}
        out.update(self.kappa())
        out["rated_share"] = round(len(self.pairs) / self.intended_levels, 3) if self.intended_levels else None
        return out


def gold_examples(bank, rounds: Iterable[str] | None = None) -> list[tuple[dict, dict, dict]]:
    """(question, rubric, example) for every graded example of the chosen rounds (all non-coding by default)."""
    wanted = set(rounds) if rounds else None
    out = []
    for qid in sorted(bank.questions):
        q = bank.questions[qid]
        if q["round"] == "ml_coding" or (wanted and q["round"] not in wanted):
            continue
        rubric = bank.rubric(q["rubric"])
        for ex in q.get("examples", []):
            out.append((q, rubric, ex))
    return out


def agreement(grader, bank, rounds: Iterable[str] | None = None, track: str | None = None) -> dict[str, RoundAgreement]:
    """Round -> agreement of `grader` with the intended levels on the gold examples."""
    by_round: dict[str, RoundAgreement] = {}
    seen: dict[str, set[str]] = {}
    for q, rubric, ex in gold_examples(bank, rounds):
        ra = by_round.setdefault(q["round"], RoundAgreement(q["round"]))
        seen.setdefault(q["round"], set()).add(q["id"])
        ra.answers += 1
        grade = grader.grade(q, rubric, ex["answer"], track=track)
        given = {e["criterion"]: e["level"] for e in grade["criteria"]}
        for cid, want in sorted(ex["levels"].items()):
            if want is None:
                continue
            ra.intended_levels += 1
            got = given.get(cid)
            if got is not None:
                ra.pairs.append((q["id"], int(want), int(got)))
    for r, ra in by_round.items():
        ra.questions = len(seen[r])
    return by_round


def pooled(by_round: dict[str, RoundAgreement]) -> RoundAgreement:
    out = RoundAgreement("all")
    for ra in by_round.values():
        out.questions += ra.questions
        out.answers += ra.answers
        out.pairs += ra.pairs
        out.intended_levels += ra.intended_levels
    return out
