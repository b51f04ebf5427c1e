"""Round-aware signals: behavioural story structure, and a math question's final answer.

Behavioural: STAR structure (situation, task, action, result), first-person
ownership, a measurable result. Each signal feeds the rubric criteria whose
ids match a pattern in SIGNAL_CRITERIA (a small table, not one rubric file).

Math: the final answer (the last value after "the answer is", "=", "≈", ...,
else the last number) is checked against `final_answer` with tolerance;
fractions, percentages, scientific notation and small closed forms are read.
"""
from __future__ import annotations

import ast
import math
import operator
import re
from typing import Any

from simulator.answer_format import FINAL_ANSWER_RULE  # noqa: F401  (the rule this module implements)

_I = re.IGNORECASE
STAR_CUES = {
    "situation": re.compile(r"\b(?:situation|context|background|at the time|when i was|while (?:i was )?working|last (?:year|quarter|summer)|in my (?:previous|last|first) (?:role|job|team|internship)|our team (?:was|had)|we were|at (?:my|our) (?:company|lab|startup|team))\b", _I),
    "task": re.compile(r"\b(?:my task|the task|task was|goal was|my goal|my (?:job|role|responsibility) was|i was (?:asked|responsible|tasked|assigned)|(?:i|we) needed to|(?:i|we) had to|objective|the challenge|the problem was|deadline)\b", _I),
    "action": re.compile(r"\bi (?:then |first |personally )?(?:decided|built|wrote|led|designed|implemented|proposed|organi[sz]ed|set up|ran|created|talked|met|reached out|analy[sz]ed|refactored|introduced|started|prototyped|drove|owned|debugged|profiled|scheduled|negotiated|convinced|paired|reviewed|automated|migrated|measured|took|asked|wrote up|mentored)\b", _I),
    "result": re.compile(r"\b(?:as a result|the result|result was|resulted in|outcome|in the end|eventually|ultimately|impact|led to|we shipped|we launched|(?:which|that|this) (?:cut|reduced|improved|increased|saved|halved|doubled)|i learned|lesson)\b", _I),
}
FIRST_PERSON = re.compile(r"\b(?:i|i'm|i've|i'd|me|my|mine|myself)\b", _I)
WE = re.compile(r"\b(?:we|we're|we've|our|us)\b", _I)
MEASURABLE = re.compile(
    r"\b\d+(?:[.,]\d+)?\s*(?:%|percent\b|x\b|×|times\b|fold\b|ms\b|milliseconds?\b|seconds?\b|minutes?\b|hours?\b|days?\b|weeks?\b|months?\b|"
    r"k\b|m\b|gb\b|tb\b|users?\b|customers?\b|engineers?\b|people\b|points?\b|pp\b|gpus?\b|\$)|[$€£]\s?\d+|\bfrom\s+\d[\d.,]*\s*\S*\s+to\s+\d", _I)

# criterion id pattern -> signal; the first matching row wins. Tolerates rubric authors' naming.
SIGNAL_CRITERIA: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"result|impact|outcome|measur|metric|quantif"), "measurable_result"),
    (re.compile(r"owner|initiative|accountab|agency|leader|drive|responsib"), "ownership"),
    (re.compile(r"star|structure|story|narrative|situation|clarity|communicat|specific"), "star"),
]


BEHAVIOURAL_PROMPT = re.compile(
    r"\b(?:tell (?:me|us) about a time|describe a (?:time|situation|moment|project|case)|give (?:me |us )?an example of (?:a time|when)|"
    r"talk (?:me |us )?(?:through|about) a (?:time|situation)|walk (?:me|us) through a (?:time|situation)|"
    r"a time (?:when |where )?you|have you ever|share an experience)\b", _I)
STORY_WORDS = 80  # a told story needs about this many words; shorter ones earn the story signals in proportion


def is_behavioural_prompt(text: str) -> bool:
    """An ad-hoc question that asks for a story from the candidate's own experience."""
    return bool(BEHAVIOURAL_PROMPT.search(text or ""))


def story_score(text: str) -> tuple[float, dict[str, float]]:
    """0..1 from the story signals (STAR parts, ownership, a measurable result), scaled by length."""
    sig = behavioural_signals(text)
    words = len(re.findall(r"\w+", text))
    parts = {"star": sig["star"]["value"], "ownership": sig["ownership"]["value"], "measurable_result": sig["measurable_result"]["value"]}
    length = min(1.0, words / STORY_WORDS)
    return round(length * sum(parts.values()) / len(parts), 4), dict(parts, length=round(length, 4))


def signal_for(criterion_id: str) -> str | None:
    for pattern, name in SIGNAL_CRITERIA:
        if pattern.search(criterion_id):
            return name
    return None


def behavioural_signals(text: str) -> dict[str, dict[str, Any]]:
    """Each signal: value in 0..1 and evidence spans [(start, end)]."""
    star_spans, parts = [], []
    for part, pat in STAR_CUES.items():
        m = pat.search(text)
        if m:
            parts.append(part)
            star_spans.append(m.span())
    mine = [m.span() for m in FIRST_PERSON.finditer(text)]
    ours = len(WE.findall(text))
    actions = [m.span() for m in STAR_CUES["action"].finditer(text)]
    share = len(mine) / (len(mine) + ours) if mine or ours else 0.0
    ownership = min(1.0, 0.5 * share + 0.5 * min(1.0, len(actions) / 3))
    numbers = [m.span() for m in MEASURABLE.finditer(text)]
    has_result = "result" in parts
    measurable = 1.0 if numbers else (0.4 if has_result else 0.0)
    return {
        "star": {"value": round(len(parts) / 4, 4), "parts": parts, "spans": sorted(star_spans)},
        "ownership": {"value": round(ownership, 4), "first_person_share": round(share, 4), "spans": actions[:3]},
        "measurable_result": {"value": measurable, "spans": numbers[:3]},
    }


# ---- math: final answers -------------------------------------------------------------------------

_NUM = r"[-+−]?(?:\d+(?:[.,]\d+)*|\.\d+)(?:\s*(?:[eE][-+−]?\d+|[x×·*]\s*10\s*\^\s*\{?[-+−]?\d+\}?))?"
NUMBER = re.compile(rf"(?<![\w.])(?P<num>{_NUM})(?:\s*/\s*(?P<den>\d+(?:\.\d+)?))?"
                    r"(?:\s*(?P<pct>%|percent\b)|(?P<mult>[kKMBT]\b|\s+(?:thousand|million|billion|trillion)\b))?", _I)
MULTIPLIERS = {"k": 1e3, "thousand": 1e3, "m": 1e6, "million": 1e6, "b": 1e9, "billion": 1e9, "t": 1e12, "trillion": 1e12}
# Statements that name the final value outright; when present, the last one decides.
FINAL_MARKER = re.compile(r"(?:final answer|the answer|answer|result|in total|overall)\s*(?:is|=|:|would be|will be|comes to)", _I)
MARKER = re.compile(r"(?:final answer|the answer|answer|result|solution)\s*(?:is|=|:|would be|will be)|=|≈|≃|~|\\approx|approximately|approx\.?|about|equals|comes to|gives|yields|works out (?:to|at)|comes out (?:to|at)|i\.e\.|that is|which is|we get|to be|therefore|thus|hence|so", _I)
_EXPR_TAIL = re.compile(r"\s*([\w\s+\-−*/^().√π·×]{1,60})")
_OPS = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul, ast.Div: operator.truediv, ast.Pow: operator.pow}
_FUNCS = {"sqrt": math.sqrt, "log": math.log, "ln": math.log, "exp": math.exp, "log2": math.log2, "log10": math.log10}
_CONSTS = {"pi": math.pi, "e": math.e}


def _to_float(num: str) -> float:
    s = num.replace("−", "-").replace(" ", "")
    m = re.match(r"^([-+]?[\d.,]+)[x×·*]10\^\{?([-+]?\d+)\}?$", s)
    if m:
        return float(m.group(1).replace(",", "")) * 10 ** int(m.group(2))
    if re.fullmatch(r"[-+]?\d{1,3}(?:,\d{3})+(?:\.\d+)?", s):
        s = s.replace(",", "")
    return float(s.replace(",", "."))


def _safe_eval(expr: str) -> float | None:
    s = expr.replace("−", "-").replace("^", "**").replace("×", "*").replace("·", "*").replace("√", "sqrt").replace("π", "pi")
    try:
        node = ast.parse(s.strip(), mode="eval").body
    except (SyntaxError, ValueError):
        return None

    def ev(n):
        if isinstance(n, ast.Constant) and isinstance(n.value, (int, float)):
            return float(n.value)
        if isinstance(n, ast.Name) and n.id in _CONSTS:
            return _CONSTS[n.id]
        if isinstance(n, ast.UnaryOp) and isinstance(n.op, (ast.USub, ast.UAdd)):
            v = ev(n.operand)
            return -v if isinstance(n.op, ast.USub) else v
        if isinstance(n, ast.BinOp) and type(n.op) in _OPS:
            a, b = ev(n.left), ev(n.right)
            if isinstance(n.op, ast.Pow) and abs(b) > 64:
                raise ValueError("exponent too large")
            return _OPS[type(n.op)](a, b)
        if isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id in _FUNCS and len(n.args) == 1:
            return _FUNCS[n.func.id](ev(n.args[0]))
        raise ValueError("unsupported")

    try:
        return float(ev(node))
    except (ValueError, ZeroDivisionError, OverflowError, TypeError):
        return None


def candidates(text: str) -> list[dict[str, Any]]:
    """Numbers (with fractions, percentages, scientific notation) and marked closed forms, in order."""
    out = []
    for m in NUMBER.finditer(text):
        try:
            v = _to_float(m.group("num"))
            if m.group("den"):
                v = v / float(m.group("den"))
        except (ValueError, ZeroDivisionError):
            continue
        values = [v / 100, v] if m.group("pct") else [v]
        if m.group("mult"):
            values = [v * MULTIPLIERS[m.group("mult").strip().casefold()], v]
        before = text[max(0, m.start() - 30):m.start()]
        marked = bool(MARKER.search(before.split("\n")[-1])) if before else False
        digits = re.sub(r"\D", "", m.group("num").split("e")[0].split("E")[0]).lstrip("0")
        out.append({"values": values, "start": m.start(), "end": m.end(), "marked": marked, "sig": len(digits), "text": m.group(0)})
    exprs = []
    for m in MARKER.finditer(text):
        tail = _EXPR_TAIL.match(text, m.end())
        if tail and re.search(r"[a-zπ√]", tail.group(1), _I):
            expr = tail.group(1).strip()
            start = text.index(expr, tail.start(1))
            v = _safe_eval(expr)
            if v is not None:
                exprs.append({"values": [v], "start": start, "end": start + len(expr), "marked": True, "sig": 6, "text": expr})
    inside = [c for c in out if any(e["start"] <= c["start"] and c["end"] <= e["end"] for e in exprs)]
    out = [c for c in out if c not in inside] + exprs
    return sorted(out, key=lambda c: (c["start"], c["end"]))


def _norm_expr(s: str) -> tuple[str, list[int]]:
    keep, idx = [], []
    table = {"−": "-", "×": "*", "·": "*", "**": "^"}
    s2 = s
    for i, ch in enumerate(s2):
        if ch.isspace():
            continue
        keep.append(table.get(ch, ch).casefold())
        idx.append(i)
    return "".join(keep).replace("**", "^"), idx


def _matches(c: dict[str, Any], target: float, spec: dict[str, Any]) -> bool:
    tol = max(float(spec.get("abs_tol", 0.0)), float(spec.get("rel_tol", 1e-6)) * abs(target))
    for v in c["values"]:
        decimals = len(c["text"].split(".")[1].rstrip("% ")) if "." in c["text"] and "e" not in c["text"].lower() else None
        rounding = 0.5 * 10 ** -decimals if decimals and c["sig"] >= 2 else 0.0
        if abs(v - target) <= max(tol, rounding) + 1e-12:
            return True
    return False


def _final_statement(text: str, cands: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Candidates in the last sentence that names the final value outright ('the answer is', 'Final answer:')."""
    marks = list(FINAL_MARKER.finditer(text))
    if not marks:
        return []
    start = marks[-1].start()
    end = len(text)
    stop = re.compile(r"(?<=[.!?])\s+(?=[A-Z])|\n").search(text, marks[-1].end())
    if stop:
        end = stop.start()
    return [c for c in cands if start <= c["start"] < end]


def _in_order(targets: list[float], pool: list[dict[str, Any]], spec: dict[str, Any]) -> list[dict[str, Any] | None]:
    """Greedy: each target matched by a candidate after the previous match (values in the order asked)."""
    out: list[dict[str, Any] | None] = []
    at = 0
    for t in targets:
        hit = next((i for i in range(at, len(pool)) if _matches(pool[i], t, spec)), None)
        if hit is None:
            out.append(None)
        else:
            out.append(pool[hit])
            at = hit + 1
    return out


def check_final_answer(spec: dict[str, Any], text: str) -> dict[str, Any]:
    """Read the final value(s) as people write them. {'correct', 'score' (share of values right), 'found', 'span'}.

    One value: when a sentence names the final value outright ('the answer is', 'Final answer:'), the last such
    sentence decides, and any value in it counts ('2/3 ≈ 0.667'); otherwise the value is right if it is stated
    anywhere after =, ≈, 'is', 'gives', ... or is the last number. Several values (`values`): each must appear,
    in the order asked, in the final statement if there is one, else among the stated values."""
    if "expression" in spec:
        want, _ = _norm_expr(spec["expression"])
        have, idx = _norm_expr(text)
        at = have.rfind(want) if want else -1
        if at >= 0:
            start, end = idx[at], idx[at + len(want) - 1] + 1
            return {"correct": True, "score": 1.0, "found": text[start:end], "span": (start, end)}
    cands = candidates(text)
    targets = [float(v) for v in spec["values"]] if "values" in spec else ([float(spec["value"])] if "value" in spec else [])
    if not targets or not cands:
        last = cands[-1] if cands else None
        return {"correct": False, "score": 0.0, "found": last["text"] if last else None,
                "span": (last["start"], last["end"]) if last else None}
    # a value followed by "=" or "≈" is a step in a chain ("21/6 = 4"): the chain's last value is the one stated
    cands = [c for c in cands if not re.match(r"\s*(?:=|≈|≃|~|->|→)", text[c["end"]:c["end"] + 4])] or cands
    final = _final_statement(text, cands)
    stated = [c for c in cands if c["marked"]]
    pool = final or (stated + [c for c in cands[-len(targets):] if c not in stated])
    pool.sort(key=lambda c: c["start"])
    if len(targets) == 1:
        found = [next((c for c in reversed(pool) if _matches(c, targets[0], spec)), None)]
    else:
        found = _in_order(targets, pool, spec)
    right = [c for c in found if c is not None]
    score = len(right) / len(targets)
    shown = right[-1] if right else (final or stated or cands)[-1]
    return {"correct": score == 1.0, "score": round(score, 4), "found": shown["text"], "span": (shown["start"], shown["end"]),
            "values_found": [c["text"] if c else None for c in found] if len(targets) > 1 else None}
