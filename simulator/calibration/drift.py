"""Drift: does a grader's (or a question's) mean move over time?

For each group the grades are regressed on time (least squares slope per
day, with its SE); a trend is flagged when |slope / SE| > z (default 3,
because many graders and questions are tested at once) and the change over
the group's own time span is at least `practical`. The means over equal time
windows (shared by all groups) are reported for display.

For graders, pass the level minus the answer effect from the severity fit so
that a change in the answers a grader receives is not mistaken for drift.
"""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

import numpy as np

from .result import Estimate, withheld

DAY = 86400.0


def _iso(t: float) -> str:
    return datetime.fromtimestamp(t, tz=timezone.utc).isoformat().replace("+00:00", "Z")


def drift(group: Any, time: Any, value: Any, *, names: list[str] | None = None, n_windows: int = 4,
          min_n: int = 20, z: float = 3.0, practical: float = 0.0, min_days: float = 7.0) -> list[dict[str, Any]]:
    """Per group: slope per day with SE, change over the span, window means, and a `drifting` flag.

    `time` is seconds since the epoch (NaN = unknown: those grades are ignored). A slope per day from grades
    spanning less than `min_days` is withheld, as a statistic below `min_n` is (an hour of grades would
    otherwise give slopes of thousands of levels per day).
    """
    g = np.asarray(group, dtype=np.int64)
    t = np.asarray(time, dtype=float)
    y = np.asarray(value, dtype=float)
    ok = np.isfinite(t) & np.isfinite(y) & (g >= 0)
    g, t, y = g[ok], t[ok], y[ok]
    if g.size == 0:
        return []
    G = len(names) if names is not None else int(g.max()) + 1
    names = names if names is not None else [str(i) for i in range(G)]
    t0 = t.min()
    d = (t - t0) / DAY

    def sums(w: np.ndarray) -> np.ndarray:
        return np.bincount(g, weights=w, minlength=G)

    n = np.bincount(g, minlength=G).astype(float)
    with np.errstate(invalid="ignore", divide="ignore"):
        mt, my = sums(d) / n, sums(y) / n
        stt = sums(d * d) - n * mt * mt
        sty = sums(d * y) - n * mt * my
        syy = sums(y * y) - n * my * my
        slope = sty / stt
        rss = np.maximum(syy - slope * sty, 0.0)
        se = np.sqrt(rss / (n - 2) / stt)
    tmin = np.full(G, np.inf)
    tmax = np.full(G, -np.inf)
    np.minimum.at(tmin, g, d)
    np.maximum.at(tmax, g, d)

    span = d.max()
    win = np.minimum((d / span * n_windows).astype(np.int64), n_windows - 1) if span > 0 else np.zeros_like(g)
    w_n = np.bincount(g * n_windows + win, minlength=G * n_windows).reshape(G, n_windows)
    w_sum = np.bincount(g * n_windows + win, weights=y, minlength=G * n_windows).reshape(G, n_windows)
    edges = [t0 + span * DAY * i / n_windows for i in range(n_windows + 1)]

    out = []
    for k in range(G):
        nk = int(n[k])
        if nk == 0:
            continue
        windows = [{"start": _iso(edges[i]), "end": _iso(edges[i + 1]), "n": int(w_n[k, i]),
                    "mean": float(w_sum[k, i] / w_n[k, i]) if w_n[k, i] else None} for i in range(n_windows)]
        days = float(tmax[k] - tmin[k])
        if nk < min_n:
            est = withheld(f"only {nk} dated grades (minimum {min_n})", nk)
        elif days < min_days:
            est = withheld(f"grades span only {days:.1f} days (minimum {min_days:g})", nk)
        elif not stt[k] > 0:
            est = withheld("all grades at the same time", nk)
        elif not np.isfinite(se[k]):
            est = withheld("too few grades for a standard error", nk)
        else:
            b, s = float(slope[k]), float(se[k])
            est = Estimate(b, nk, (b - 1.96 * s, b + 1.96 * s), method="normal, SE",
                           extra={"se": s, "z": b / s if s > 0 else None})
        change = est.value * days if est.ok else None
        drifting = bool(est.ok and (est.extra["se"] == 0 or abs(est.value) > z * est.extra["se"])
                        and change is not None and abs(change) >= practical and est.value != 0)
        out.append({"name": names[k], "slope_per_day": est.to_dict(), "days": days,
                    "change": change, "drifting": drifting, "windows": windows})
    return out
