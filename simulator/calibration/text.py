"""The calibration report as terminal tables (the CLI's `--format table`)."""
from __future__ import annotations

from typing import Any

DASH = "-"
MAX_MATRIX = 8  # graders; above this the kappa matrix is summarised as the lowest pairs


def est(d: dict[str, Any] | None, digits: int = 3, signed: bool = False) -> str:
    """'0.815 [0.452, 1.000]' or '-' when withheld."""
    if d is None or d.get("value") is None:
        return DASH
    f = f"{{:{'+' if signed else ''}.{digits}f}}"
    text = f.format(d["value"])
    if d.get("ci95"):
        lo, hi = d["ci95"]
        text += f" [{f.format(lo)}, {f.format(hi)}]"
    return text


def num(x: Any, digits: int = 3) -> str:
    return DASH if x is None else f"{x:.{digits}f}"


def table(headers: list[str], rows: list[list[Any]]) -> str:
    cells = [[str(h) for h in headers]] + [[str(c) for c in row] for row in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(headers))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() for r in cells]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def render_table(r: dict[str, Any]) -> str:
    inp, st = r["input"], r["settings"]
    out = [f"Calibration: {inp['grades']} grades, {inp['answers']} answers, {inp['graders']} graders, "
           f"{len(inp['criteria'])} criteria, {inp['questions']} questions; unit = {inp['unit']}; "
           f"scale {inp['scale']['min']:g}..{inp['scale']['max']:g}; min n {st['min_n']}", ""]

    out.append("Agreement over the whole file (95% CI)")
    rows = [[f"alpha {lv}", est(d), d["n"], d["reason"] or d["note"] or ""] for lv, d in r["alpha_detail"].items()]
    icc_reasons = {d["reason"] for d in r["icc_detail"].values()}
    if len(icc_reasons) == 1 and None not in icc_reasons:
        rows.append(["ICC (all six forms)", DASH, next(iter(r["icc_detail"].values()))["n"], icc_reasons.pop()])
    else:
        rows += [[form, est(d), d["n"], d["reason"] or d["note"] or ""] for form, d in r["icc_detail"].items()]
    out += [table(["statistic", "value [CI]", "n", "note"], rows), ""]

    if r["criteria"]:
        out.append(f"Agreement per criterion (ordinal alpha; flagged below {st['low_alpha']})")
        rows = [[c["criterion"], est(c["alpha_ordinal"]), c["alpha_ordinal"]["n"], c["alpha_ordinal"]["reason"] or ""]
                for c in r["criteria"]]
        out += [table(["criterion", "alpha [CI]", "n units", "note"], rows), ""]

    sev = r["severity"]
    out.append("Grader severity: points above (+ lenient) or below (- harsh) the average grader on the same answers")
    rows = [[g["grader"], g["n"], est(g, signed=True), num(g.get("se")), g["label"] or "", g["reason"] or ""]
            for g in sorted(sev["graders"], key=lambda g: (g["value"] is None, g["value"] or 0))]
    out += [table(["grader", "n", "effect [CI]", "SE", "flag", "note"], rows), ""]

    out += [_kappa(r["kappa"]), ""]

    if r["questions"]:
        out.append("Questions (difficulty = mean normalised score, 1 = everyone at the top)")
        rows = []
        for q in r["questions"]:
            t = q["time"]
            rows.append([q["question"], q["n_answers"], est(q["difficulty"]), num(q["floor"], 2), num(q["ceiling"], 2),
                         est(q["discrimination"], 2), num(t["median_s"], 0) if t else DASH,
                         q["reason"] or q["discrimination"]["reason"] or ""])
        out += [table(["question", "n", "difficulty [CI]", "floor", "ceiling", "item-rest [CI]", "median s", "note"],
                      rows), ""]
    elif r["questions_reason"]:
        out += [f"Questions: {r['questions_reason']}", ""]

    drift = r["drift"]
    if drift["reason"]:
        out += [f"Drift: {drift['reason']}", ""]
    else:
        moving = [d for k in ("graders", "questions") for d in drift[k] if d["drifting"]]
        out.append(f"Drift: {len(moving)} of {len(drift['graders'])} graders and {len(drift['questions'])} "
                   f"questions show a trend (|z| > {st['drift_z']:g})")
        out.append("")

    out.append(f"Flags ({len(r['flags'])})")
    out += [f"  [{f['kind']}] {f['subject']}: {f['message']}" for f in r["flags"]] or ["  none"]
    return "\n".join(out) + "\n"


def _kappa(k: dict[str, Any]) -> str:
    names, m = k["graders"], k["matrix"]
    if len(names) < 2:
        return "Pairwise kappa: needs at least two graders"
    if len(names) <= MAX_MATRIX:
        rows = [[names[i]] + [("" if i == j else (num(m[i][j]["value"], 2) if m[i][j]["value"] is not None else DASH))
                              for j in range(len(names))] for i in range(len(names))]
        return "Pairwise quadratic kappa (- = too few shared answers)\n" + table(["grader"] + names, rows)
    pairs = [(names[i], names[j], m[i][j]) for i in range(len(names)) for j in range(i + 1, len(names))
             if m[i][j]["value"] is not None]
    pairs.sort(key=lambda p: p[2]["value"])
    head = (f"Pairwise quadratic kappa: {len(pairs)} of {len(names) * (len(names) - 1) // 2} pairs share enough "
            "answers; the 10 lowest:")
    rows = [[a, b, est(e), e["n"]] for a, b, e in pairs[:10]]
    return head + "\n" + table(["grader", "grader", "kappa [CI]", "n"], rows)
