"""`mockloop grade --grader keyword|llm|auto --input IN.jsonl [--output OUT.jsonl]`: batch grading.

Each input line holds `answer` and either `question_id` (a bank question) or
`question` + `reference_answer` (an ad-hoc question; `reference_answers`, a
list of strings or {"text": ...}, may add more references). Each output line
is the input line plus `grade`. A bad line is reported on stderr as
`FILE:LINE: message` and skipped; the others are still graded; the exit code
is 1 if any line was bad.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click


def resolve_grader_name(name: str) -> str:
    """`auto` -> the LLM grader when an API key is configured (OPENAI_API_KEY), else the offline keyword grader."""
    if name == "auto":
        from simulator.llm.config import configured

        return "llm" if configured() else "keyword"
    return name


def _is_adhoc(rec: dict[str, Any]) -> bool:
    return isinstance(rec.get("question"), str) and bool(rec.get("reference_answer") or rec.get("reference_answers"))


def _references(rec: dict[str, Any]) -> list[str]:
    refs = [r.get("text") if isinstance(r, dict) else r for r in rec.get("reference_answers") or []]
    refs = [r for r in refs if isinstance(r, str) and r.strip()]
    if not refs and isinstance(rec.get("reference_answer"), str):
        refs = [rec["reference_answer"]]
    return refs


def parse_lines(lines: list[str], source: str) -> tuple[list[tuple[int, dict[str, Any]]], list[tuple[int, str]]]:
    """Good records with their line numbers, and (line, message) for each bad line."""
    good, errors = [], []
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            rec = json.loads(line)
        except json.JSONDecodeError as exc:
            errors.append((n, f"{source}:{n}: invalid JSON: {exc.msg} (column {exc.colno})"))
            continue
        if not isinstance(rec, dict):
            errors.append((n, f"{source}:{n}: expected a JSON object, got {type(rec).__name__}"))
            continue
        if not isinstance(rec.get("answer"), str):
            errors.append((n, f"{source}:{n}: missing field 'answer' (a string)"))
            continue
        if not _is_adhoc(rec) and not isinstance(rec.get("question_id"), str):
            errors.append((n, f"{source}:{n}: needs 'question_id' (a bank question) or 'question' + 'reference_answer'"))
            continue
        if not _is_adhoc(rec) and not _references(rec) and "question" in rec:
            errors.append((n, f"{source}:{n}: ad-hoc record has 'question' but no 'reference_answer'"))
            continue
        good.append((n, rec))
    return good, errors


def _with_empty_check(grader, question, rubric, answer, track):
    if not answer.strip():
        from simulator.scoring import empty_grade

        grade = empty_grade(grader, question, rubric)
        grade["flags"].append("no_answer")
        grade["feedback"] = "No answer was given."
        return grade
    return grader.grade(question, rubric, answer, track=track)


@click.command(name="grade")
@click.option("--grader", "grader_name", default="keyword", show_default=True, help="keyword, llm, auto (llm when OPENAI_API_KEY is set, else keyword), or any registered grader.")
@click.option("--input", "input_path", required=True, type=click.Path(dir_okay=False, allow_dash=True), help="JSONL answers ('-' for stdin).")
@click.option("--output", "output_path", type=click.Path(dir_okay=False, writable=True), default=None, help="Where to write graded JSONL (default stdout).")
@click.option("--track", default=None, help="Track whose rubric weights apply to bank questions.")
def command(grader_name: str, input_path: str, output_path: str | None, track: str | None) -> None:
    """Grade a JSONL file of answers; every output line is the input plus `grade`."""
    from simulator.graders.base import registry
    from simulator.graders.keyword import adhoc_question
    from simulator.grading_bench.progress import progress

    try:
        grader = registry.get(resolve_grader_name(grader_name))
    except LookupError as exc:
        raise click.BadParameter(str(exc), param_hint="--grader") from None
    try:
        text = sys.stdin.read() if input_path == "-" else Path(input_path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise click.FileError(input_path, hint=str(exc)) from None
    source = "<stdin>" if input_path == "-" else input_path
    good, errors = parse_lines(text.splitlines(), source)

    jobs: list[tuple[int, dict[str, Any], dict[str, Any], dict[str, Any]]] = []
    bank = bank_error = None
    for n, rec in good:
        if _is_adhoc(rec):
            q, rubric = adhoc_question(rec["question"], _references(rec), question_id=rec.get("question_id") if isinstance(rec.get("question_id"), str) else None)
            jobs.append((n, rec, q, rubric))
            continue
        if bank is None and bank_error is None:
            try:
                from simulator.bank import default_bank

                bank = default_bank()
            except Exception as exc:  # a broken bank: every bank record fails, ad-hoc ones still grade
                bank_error = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        if bank is None:
            errors.append((n, f"{source}:{n}: cannot load the question bank: {bank_error}"))
            continue
        try:
            q = bank.question(rec["question_id"])
            jobs.append((n, rec, q, bank.rubric_for(q)))
        except LookupError:
            import difflib

            close = difflib.get_close_matches(rec["question_id"], sorted(bank.questions), n=1)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            errors.append((n, f"{source}:{n}: unknown question id {rec['question_id']!r}{hint}"))

    if hasattr(grader, "with_corpus"):
        from simulator.graders.keyword.matching import CorpusStats

        stats, seen = CorpusStats(), set()
        for _, rec, q, _ in jobs:
            stats.add(rec["answer"])
            for ref in _references(q):
                if ref not in seen:
                    seen.add(ref)
                    stats.add(ref)
        grader = grader.with_corpus(stats)

    from simulator.llm.batch import concurrency_for, imap_bounded

    def grade_job(job):
        n, rec, q, rubric = job
        try:
            return _with_empty_check(grader, q, rubric, rec["answer"], track)
        except Exception as exc:  # one bad record must not stop the batch
            return exc

    # In input order; the LLM grader runs MOCKLOOP_LLM_CONCURRENCY answers at once, offline graders one.
    results = imap_bounded(grade_job, jobs, concurrency_for(grader))
    out_lines: dict[int, str] = {}
    for grade, (n, rec, q, rubric) in zip(results, progress(jobs, label="grading", enabled=sys.stderr.isatty())):
        if isinstance(grade, Exception):
            errors.append((n, f"{source}:{n}: grading failed: {type(grade).__name__}: {grade}"))
            continue
        out_lines[n] = json.dumps({**rec, "grade": grade}, ensure_ascii=False)

    body = "".join(out_lines[n] + "\n" for n in sorted(out_lines))
    if output_path and output_path != "-":
        Path(output_path).write_text(body, encoding="utf-8")
    else:
        click.echo(body, nl=False)
    for _, message in sorted(errors):
        click.echo(message, err=True)
    click.echo(f"graded {len(out_lines)} answer(s); {len(errors)} bad line(s)", err=True)
    if errors:
        sys.exit(1)
