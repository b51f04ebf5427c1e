"""Per-question statistics: difficulty, floor/ceiling, discrimination, time, distribution.

    difficulty      mean normalised score of the question's answers (0 = floor, 1 = ceiling);
                    an answer's score is the mean of its grades (all graders, all criteria)
    floor, ceiling  share of the question's grades at the bottom / top of the scale
    discrimination  item-rest correlation: across candidates, the score on this question
                    vs the candidate's mean score on the other questions (Fisher-z CI)
    time            median and quartiles of the candidate's time to answer, when given

Each statistic is withheld (None with a reason) below `min_n` answers or candidates.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from .result import Estimate, num, withheld

MAX_LEVELS_IN_DISTRIBUTION = 20


def _pearson(x: np.ndarray, y: np.ndarray) -> float:
    dx, dy = x - x.mean(), y - y.mean()
    denom = np.sqrt((dx @ dx) * (dy @ dy))
    return float(dx @ dy / denom) if denom > 0 else float("nan")


def _fisher_ci(r: float, n: int) -> tuple[float, float] | None:
    if n <= 3 or abs(r) >= 1:
        return None
    z, half = np.arctanh(r), 1.96 / np.sqrt(n - 3)
    return float(np.tanh(z - half)), float(np.tanh(z + half))


def distribution(levels: np.ndarray) -> dict[str, int]:
    """Counts per distinct level, or per tenth of the range when levels are near-continuous."""
    values, counts = np.unique(levels, return_counts=True)
    if values.size <= MAX_LEVELS_IN_DISTRIBUTION:
        return {f"{v:g}": int(c) for v, c in zip(values, counts)}
    hist, edges = np.histogram(levels, bins=10)
    return {f"{lo:g}..{hi:g}": int(c) for lo, hi, c in zip(edges[:-1], edges[1:], hist)}


def question_stats(question: Any, answer: Any, level: Any, *, candidate: Any = None, seconds: Any = None,
                   names: list[str] | None = None, scale: tuple[float, float] | None = None,
                   min_n: int = 20) -> list[dict[str, Any]]:
    """One dict per question. Arrays are per grade; `question`/`candidate` codes are -1 when unknown.

    `scale` is the (min, max) of the level scale; by default the observed range.
    """
    q = np.asarray(question, dtype=np.int64)
    a = np.asarray(answer, dtype=np.int64)
    y = np.asarray(level, dtype=float)
    c = np.full(q.size, -1) if candidate is None else np.asarray(candidate, dtype=np.int64)
    sec = np.full(q.size, np.nan) if seconds is None else np.asarray(seconds, dtype=float)
    keep = q >= 0
    q, a, y, c, sec = q[keep], a[keep], y[keep], c[keep], sec[keep]
    if q.size == 0:
        return []
    Q = len(names) if names is not None else int(q.max()) + 1
    names = names if names is not None else [str(i) for i in range(Q)]
    lo, hi = scale if scale is not None else (float(y.min()), float(y.max()))
    span = hi - lo

    # answer level: mean normalised grade; each answer has one question and one candidate
    _, a_code = np.unique(a, return_inverse=True)
    A = int(a_code.max()) + 1
    first = np.zeros(A, dtype=np.int64)
    first[a_code[::-1]] = np.arange(a_code.size)[::-1]
    a_q, a_c = q[first], c[first]
    a_n = np.bincount(a_code, minlength=A)
    a_score = (np.bincount(a_code, weights=y, minlength=A) / a_n - lo) / span if span > 0 else None
    a_sec = np.full(A, np.nan)
    has_sec = np.isfinite(sec)
    a_sec[a_code[has_sec]] = sec[has_sec]

    rest = _item_rest(a_q, a_c, a_score, Q, min_n) if a_score is not None and (a_c >= 0).any() else None
    at_floor = np.isclose(y, lo)
    at_ceiling = np.isclose(y, hi)
    out = []
    for k in range(Q):
        in_q = q == k
        answers_q = a_q == k
        n_ans = int(answers_q.sum())
        if n_ans == 0:
            continue
        row: dict[str, Any] = {"question": names[k], "n_answers": n_ans, "n_grades": int(in_q.sum()),
                               "distribution": distribution(y[in_q])}
        small = f"only {n_ans} answers (minimum {min_n})" if n_ans < min_n else None
        row["reason"] = small
        if a_score is None:
            flat = "all levels in the file are equal: no scale to normalise on"
            row.update(difficulty=withheld(flat, n_ans).to_dict())
        elif small:
            row.update(difficulty=withheld(small, n_ans).to_dict())
        else:
            s = a_score[answers_q]
            se = float(s.std(ddof=1) / np.sqrt(n_ans))
            m = float(s.mean())
            row["difficulty"] = Estimate(m, n_ans, (m - 1.96 * se, m + 1.96 * se), method="normal, SE",
                                         extra={"se": se}).to_dict()
        row["floor"] = None if small else num(at_floor[in_q].mean())
        row["ceiling"] = None if small else num(at_ceiling[in_q].mean())
        row["discrimination"] = (rest[k] if rest is not None else withheld(
            "needs candidate_id and varying levels" if a_score is None or not (a_c >= 0).any()
            else "not computable", 0)).to_dict()
        secs = a_sec[answers_q]
        secs = secs[np.isfinite(secs)]
        if secs.size == 0:
            row["time"] = None
        elif secs.size < min_n:
            row["time"] = {"n": int(secs.size), "median_s": None, "p25_s": None, "p75_s": None,
                           "reason": f"only {secs.size} timed answers (minimum {min_n})"}
        else:
            p25, med, p75 = np.percentile(secs, [25, 50, 75])
            row["time"] = {"n": int(secs.size), "median_s": float(med), "p25_s": float(p25),
                           "p75_s": float(p75), "reason": None}
        out.append(row)
    return out


def _item_rest(a_q: np.ndarray, a_c: np.ndarray, a_score: np.ndarray, Q: int, min_n: int
               ) -> dict[int, Estimate]:
    """Item-rest correlation per question over candidates who answered it and at least one other."""
    known = a_c >= 0
    _, cand = np.unique(a_c[known], return_inverse=True)
    C = int(cand.max()) + 1 if cand.size else 0
    qk, sk = a_q[known], a_score[known]
    flat = cand * Q + qk
    total = np.bincount(flat, weights=sk, minlength=C * Q).reshape(C, Q)
    count = np.bincount(flat, minlength=C * Q).reshape(C, Q).astype(float)
    with np.errstate(invalid="ignore", divide="ignore"):
        score = total / count  # candidate x question mean score (NaN if not answered)
    present = count > 0
    row_sum = np.where(present, score, 0.0).sum(axis=1)
    row_n = present.sum(axis=1)
    out = {}
    for k in range(Q):
        ok = present[:, k] & (row_n >= 2)
        n = int(ok.sum())
        if n == 0:
            out[k] = withheld("no candidate answered this and another question", 0)
            continue
        x = score[ok, k]
        rest = (row_sum[ok] - x) / (row_n[ok] - 1)
        out[k] = _rest_estimate(x, rest, n, min_n)
    return out


def _rest_estimate(x: np.ndarray, rest: np.ndarray, n: int, min_n: int) -> Estimate:
    if n < min_n:
        return withheld(f"only {n} candidates who also answered another question (minimum {min_n})", n)
    r = _pearson(x, rest) if n >= 3 else float("nan")
    if not np.isfinite(r):
        why = "fewer than 3 candidates" if n < 3 else "no variation in scores"
        return withheld(why, n)
    return Estimate(r, n, _fisher_ci(r, n), method="Fisher z")

