"""Load rubrics, tracks, paper cards and questions; validate each file and cross-check them.

`load_bank()` reads the bundled data; `load_bank(paths)` adds files or folders
(a hiring team's own questions). Every problem in every file is collected
before anything is reported, so one run of `mockloop validate` shows them all.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, Iterable

from simulator.validation import Problem, ValidationFailed, read_json, validate

ROUNDS = (
    "paper_discussion",
    "ml_coding",
    "math_fundamentals",
    "distributed_systems",
    "research_framing",
    "behavioral",
)
# How each round type is written for people ("ML coding", not "ml coding").
ROUND_NAMES = {
    "paper_discussion": "Paper discussion", "ml_coding": "ML coding", "math_fundamentals": "Math fundamentals",
    "distributed_systems": "Distributed systems", "research_framing": "Research framing", "behavioral": "Behavioral",
}


@dataclass
class Bank:
    """Everything the loops are built from, keyed by id."""

    rubrics: dict[str, dict[str, Any]] = field(default_factory=dict)
    tracks: dict[str, dict[str, Any]] = field(default_factory=dict)
    papers: dict[str, dict[str, Any]] = field(default_factory=dict)
    questions: dict[str, dict[str, Any]] = field(default_factory=dict)
    sources: dict[tuple[str, str], tuple[str, str]] = field(default_factory=dict)

    def question(self, qid: str) -> dict[str, Any]:
        try:
            return self.questions[qid]
        except KeyError:
            raise LookupError(_unknown("question", qid, self.questions)) from None

    def rubric(self, rid: str) -> dict[str, Any]:
        try:
            return self.rubrics[rid]
        except KeyError:
            raise LookupError(_unknown("rubric", rid, self.rubrics)) from None

    def track(self, tid: str) -> dict[str, Any]:
        try:
            return self.tracks[tid]
        except KeyError:
            raise LookupError(_unknown("track", tid, self.tracks)) from None

    def rubric_for(self, question: dict[str, Any]) -> dict[str, Any]:
        return self.rubric(question["rubric"])


def _unknown(kind: str, name: str, known: Iterable[str]) -> str:
    import difflib

    known = sorted(known)
    close = difflib.get_close_matches(name, known, n=1)
    hint = f"; did you mean {close[0]!r}?" if close else f"; known: {', '.join(known)}"
    return f"unknown {kind} {name!r}{hint}"


def kind_of(item: Any) -> str:
    """Which schema a JSON object belongs to, told by its fields."""
    if isinstance(item, dict):
        if "criteria" in item:
            return "rubric"
        if "rounds" in item:
            return "track"
        if "arxiv" in item or "authors" in item:
            return "paper"
    return "question"


def bundled_paths() -> list[Path]:
    roots = [
        Path(str(resources.files("rubrics").joinpath("data"))),
        Path(str(resources.files("simulator").joinpath("tracks"))),
        Path(str(resources.files("question_bank").joinpath("papers"))),
        Path(str(resources.files("question_bank").joinpath("data"))),
    ]
    return roots


def _json_files(paths: Iterable[Path]) -> list[Path]:
    files: list[Path] = []
    for p in paths:
        p = Path(p)
        if p.is_dir():
            files.extend(sorted(f for f in p.rglob("*.json") if not f.name.endswith(".schema.json")))
        else:
            files.append(p)
    return files


def _add(bank: Bank, kind: str, item: dict[str, Any], file: str, ptr: str, problems: list[Problem]) -> None:
    table = {"rubric": bank.rubrics, "track": bank.tracks, "paper": bank.papers, "question": bank.questions}[kind]
    ident = item.get("id")
    if not isinstance(ident, str):
        return
    if ident in table:
        first = bank.sources[(kind, ident)]
        problems.append(Problem(file, f"{ptr}/id", f"duplicate {kind} id {ident!r} (first in {first[0]} at {first[1] or '/'})"))
        return
    table[ident] = item
    bank.sources[(kind, ident)] = (file, ptr)


def read_files(paths: Iterable[Path], bank: Bank | None = None) -> tuple[Bank, list[Problem]]:
    """Read and schema-check files into a bank; collect problems rather than stop."""
    bank = bank or Bank()
    problems: list[Problem] = []
    for path in _json_files(paths):
        file = str(path)
        if not path.exists():
            problems.append(Problem(file, "", "no such file or folder"))
            continue
        data, errs = read_json(path)
        problems += errs
        if errs:
            continue
        items = list(enumerate(data)) if isinstance(data, list) else [(None, data)]
        for index, item in items:
            base = () if index is None else (index,)
            ptr = "" if index is None else f"/{index}"
            kind = kind_of(item)
            found = validate(kind, item, file, base)
            problems += found
            if not found:
                _add(bank, kind, item, file, ptr, problems)
    return bank, problems


def cross_check(bank: Bank) -> list[Problem]:
    """References between files: rubrics, criteria, tracks, papers, probes, examples."""
    problems: list[Problem] = []

    def where(kind: str, ident: str) -> tuple[str, str]:
        return bank.sources.get((kind, ident), ("<memory>", ""))

    for rid, rubric in bank.rubrics.items():
        file, ptr = where("rubric", rid)
        ids = [c["id"] for c in rubric["criteria"]]
        for i, cid in enumerate(ids):
            if ids.index(cid) != i:
                problems.append(Problem(file, f"{ptr}/criteria/{i}/id", f"duplicate criterion id {cid!r}"))
        for track, weights in rubric["track_weights"].items():
            if bank.tracks and track not in bank.tracks:
                problems.append(Problem(file, f"{ptr}/track_weights/{track}", f"unknown track {track!r}"))
            for cid in weights:
                if cid not in ids:
                    problems.append(Problem(file, f"{ptr}/track_weights/{track}/{cid}", f"unknown criterion {cid!r}"))
        problems += _check_bands(rubric["bands"], file, f"{ptr}/bands")
        th = rubric["thresholds"]
        if th != sorted(th):
            problems.append(Problem(file, f"{ptr}/thresholds", "thresholds must be ascending"))

    for tid, track in bank.tracks.items():
        file, ptr = where("track", tid)
        problems += _check_bands(track["bands"], file, f"{ptr}/bands")

    for qid, q in bank.questions.items():
        file, ptr = where("question", qid)
        rubric = bank.rubrics.get(q["rubric"])
        if rubric is None:
            problems.append(Problem(file, f"{ptr}/rubric", f"unknown rubric {q['rubric']!r}"))
        elif rubric["round"] != q["round"]:
            problems.append(Problem(file, f"{ptr}/rubric", f"rubric {q['rubric']!r} is for round {rubric['round']!r}, not {q['round']!r}"))
        criteria = {c["id"] for c in rubric["criteria"]} if rubric else set()
        for i, track in enumerate(q["tracks"]):
            if track not in bank.tracks:
                problems.append(Problem(file, f"{ptr}/tracks/{i}", f"unknown track {track!r}"))
        kp_ids = [kp["id"] for kp in q["key_points"]]
        for i, kp in enumerate(q["key_points"]):
            if kp_ids.index(kp["id"]) != i:
                problems.append(Problem(file, f"{ptr}/key_points/{i}/id", f"duplicate key point id {kp['id']!r}"))
            if rubric and kp["criterion"] not in criteria:
                problems.append(Problem(file, f"{ptr}/key_points/{i}/criterion", f"criterion {kp['criterion']!r} is not in rubric {q['rubric']!r}"))
        for i, probe in enumerate(q["probes"]):
            for j, target in enumerate(probe.get("targets", [])):
                if target not in kp_ids:
                    problems.append(Problem(file, f"{ptr}/probes/{i}/targets/{j}", f"unknown key point {target!r}"))
        not_applicable = set(q.get("not_applicable", []))
        for i, cid in enumerate(q.get("not_applicable", [])):
            if rubric and cid not in criteria:
                problems.append(Problem(file, f"{ptr}/not_applicable/{i}", f"criterion {cid!r} is not in rubric {q['rubric']!r}"))
        for i, kp in enumerate(q["key_points"]):
            if kp["criterion"] in not_applicable:
                problems.append(Problem(file, f"{ptr}/key_points/{i}/criterion", f"criterion {kp['criterion']!r} is marked not applicable"))
        for i, ex in enumerate(q.get("examples", [])):
            for cid, level in ex["levels"].items():
                if rubric and cid not in criteria:
                    problems.append(Problem(file, f"{ptr}/examples/{i}/levels/{cid}", f"criterion {cid!r} is not in rubric {q['rubric']!r}"))
                elif level is None and cid not in not_applicable:
                    problems.append(Problem(file, f"{ptr}/examples/{i}/levels/{cid}", f"null (not applicable) but {cid!r} is not in the question's not_applicable"))
                elif level is not None and cid in not_applicable:
                    problems.append(Problem(file, f"{ptr}/examples/{i}/levels/{cid}", f"{cid!r} is not applicable to this question: use null"))
        fa = q.get("final_answer")
        if fa and fa.get("criterion") and rubric and fa["criterion"] not in criteria:
            problems.append(Problem(file, f"{ptr}/final_answer/criterion", f"criterion {fa['criterion']!r} is not in rubric {q['rubric']!r}"))
        if q["round"] == "paper_discussion":
            if "paper" not in q:
                problems.append(Problem(file, ptr or "/", "paper discussion questions need a 'paper' card id"))
            elif q["paper"] not in bank.papers:
                problems.append(Problem(file, f"{ptr}/paper", f"unknown paper card {q['paper']!r}"))
        if q["round"] == "ml_coding" and "coding" not in q:
            problems.append(Problem(file, ptr or "/", "ML-coding questions need a 'coding' block naming their problem"))
    return problems


def _check_bands(bands: list[dict[str, Any]], file: str, ptr: str) -> list[Problem]:
    out = []
    lows = [b["min_score"] for b in bands]
    if lows and lows[0] != 0:
        out.append(Problem(file, f"{ptr}/0/min_score", "the first band must start at 0"))
    if lows != sorted(lows) or len(set(lows)) != len(lows):
        out.append(Problem(file, ptr, "bands must have strictly ascending min_score"))
    return out


def check(paths: Iterable[Path] | None = None, *, with_bundled: bool = True) -> tuple[Bank, list[Problem]]:
    """Read bundled data (and `paths`), returning the bank and every problem found."""
    files: list[Path] = []
    if with_bundled:
        files += bundled_paths()
    files += [Path(p) for p in (paths or [])]
    bank, problems = read_files(files)
    problems += cross_check(bank)
    return bank, sorted(set(problems))


def load_bank(paths: Iterable[Path] | None = None) -> Bank:
    """The bank, or ValidationFailed listing every problem."""
    bank, problems = check(paths)
    if problems:
        raise ValidationFailed(problems)
    return bank


_DEFAULT: Bank | None = None


def default_bank() -> Bank:
    """The bundled bank, loaded once per process."""
    global _DEFAULT
    if _DEFAULT is None:
        _DEFAULT = load_bank()
    return _DEFAULT
