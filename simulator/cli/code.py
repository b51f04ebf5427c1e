"""`mockloop code`: list the ML-coding problems, show one, check a solution in the sandbox."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import click


@click.group(name="code", context_settings={"help_option_names": ["-h", "--help"]})
def command() -> None:
    """ML-coding problems: list, show, and check a solution against hidden tests in the sandbox."""


@command.command(name="list")
@click.option("--json", "as_json", is_flag=True, help="Print the problems as JSON.")
def list_problems(as_json: bool) -> None:
    """List the registered problems (name, difficulty, framework, optimise part and its speed target)."""
    from simulator import coding

    rows = [p.summary() for p in coding.all_problems()]
    if as_json:
        click.echo(json.dumps(rows, indent=2))
        return
    for r in rows:
        speed = f"optimise: {r['speed_target']:g}x" if r["optimise"] else ""
        click.echo(f"{r['name']:<22} {r['difficulty']:<7} {r['framework']:<6} {speed:<16} {r['title']}")
    click.echo(f"{len(rows)} problems, {sum(r['optimise'] for r in rows)} with an optimise part", err=True)


@command.command(name="show")
@click.argument("problem")
def show(problem: str) -> None:
    """Show PROBLEM's statement, starter code, visible examples with their expected outputs, and speed target."""
    from simulator import coding
    from simulator.coding.judge import flat_outputs

    try:
        p = coding.get(problem)
    except LookupError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"# {p.TITLE} ({p.NAME}, {p.DIFFICULTY}" + (", PyTorch" if p.framework == "torch" else "") + ")\n")
    click.echo(p.STATEMENT + "\n")
    click.echo("## Starter\n")
    click.echo(p.STARTER)
    click.echo("## Visible examples\n")
    for i, ex in enumerate(p.example_inputs(), 1):
        click.echo(f"Example {i}: " + ", ".join(f"{k}={_fmt(v)}" for k, v in ex.items()))
        click.echo("  expected: " + "; ".join(_fmt(o) for o in flat_outputs(p.reference(**ex))))
    click.echo(f"\nHidden tests: {len(p.HIDDEN)} ({', '.join(sorted({k for k, _ in p.HIDDEN}))}); "
               f"tolerance rtol={p.RTOL:g} atol={p.ATOL:g}")
    if p.optimise:
        click.echo(f"Optimise part: at least {p.speed['target']:g}x faster than the naive baseline "
                   f"(ratio of minimum times, interleaved, fresh inputs each repeat).")


def _fmt(value) -> str:
    import numpy as np

    if isinstance(value, list):
        return "[" + ", ".join(_fmt(v) for v in value) + "]"
    if isinstance(value, np.ndarray):
        return np.array2string(value, precision=4, separator=", ", threshold=20).replace("\n", " ")
    return repr(value)


@command.command(name="check")
@click.argument("problem")
@click.argument("solution", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--optimise", is_flag=True, help="Also run the speed measurement against the naive baseline.")
@click.option("--visible", "visible_only", is_flag=True, help="Run only the visible examples (with diffs).")
@click.option("--track", default="research-engineer", show_default=True,
              help="Track whose rubric weights apply to the Grade.")
@click.option("--seed", type=int, default=None, help="Fix the hidden tests' seed (default: a secret random one).")
@click.option("--json", "as_json", is_flag=True, help="Print the per-test results, the speed and the Grade as JSON.")
def check(problem: str, solution: Path, optimise: bool, visible_only: bool, track: str, seed: int | None,
          as_json: bool) -> None:
    """Run SOLUTION.py against PROBLEM's hidden tests in the sandbox and print the results and the Grade.

    Exits 0 whenever the run happened, whatever the verdict; 2 when it could not run.
    """
    from simulator import coding
    from simulator.bank import default_bank
    from simulator.graders.code import CodeGrader, visible_results

    try:
        p = coding.get(problem)
    except LookupError as exc:
        raise click.ClickException(str(exc)) from None
    source = solution.read_text(encoding="utf-8")
    if visible_only:
        result = visible_results(p.NAME, source, seed=seed)
        if as_json:
            click.echo(json.dumps(result, indent=2))
        else:
            _print_tests(result["examples"], result["mode"])
        return
    bank = default_bank()
    question = next((q for q in bank.questions.values() if q.get("coding", {}).get("problem") == p.NAME), None)
    if question is None:
        question = {"id": None, "coding": {"problem": p.NAME, "optimise": p.optimise}}
    question = dict(question, coding={"problem": p.NAME, "optimise": optimise and p.optimise})
    rubric = bank.rubric("ml_coding")
    grade = CodeGrader(seed=seed).grade(question, rubric, source, track=track)
    if as_json:
        click.echo(json.dumps(grade, indent=2))
        return
    details = grade["details"]
    _print_tests(details["tests"], details["sandbox"]["mode"])
    speed = details.get("speed")
    if speed:
        ratio = f"{speed['ratio']:.2f}x" if speed.get("ratio") is not None else "n/a"
        click.echo(f"\nSpeed: {ratio} vs target {speed['target']:g}x ({speed['status']}"
                   + ("; too noisy, rerun" if speed.get("too_noisy") else "") + ")")
    elif optimise and not p.optimise:
        click.echo("\nThis problem has no optimise part.")
    click.echo("\nGrade (" + track + "):")
    for c in grade["criteria"]:
        level = "-" if c["level"] is None else str(c["level"])
        click.echo(f"  {c['criterion']:<15} {level}  {c.get('note', '')}")
    score = "n/a" if grade["score"] is None else f"{grade['score']:.2f}"
    click.echo(f"  score {score}" + (f"  flags: {', '.join(grade['flags'])}" if grade["flags"] else ""))


@command.command(name="mutants")
@click.argument("problems", nargs=-1)
@click.option("--write", is_flag=True, help="Write the record the code grader's certification reads "
              "(simulator/coding/mutants_record.json; all problems, the record's fixed seeds).")
@click.option("--seeds", type=int, default=3, show_default=True, help="Fresh random seeds per problem (without --write).")
@click.option("--json", "as_json", is_flag=True, help="Print the record as JSON.")
def mutants(problems: tuple[str, ...], write: bool, seeds: int, as_json: bool) -> None:
    """Run every problem's mutants (realistic wrong solutions) against its hidden tests in the sandbox.

    Each mutant must fail some hidden test (or be seen modifying its inputs) and each reference must pass.
    Exits 1 when a mutant escapes or a reference fails, 2 when it could not run.
    """
    import secrets

    from simulator import coding
    from simulator.coding import mutants as mut

    for name in problems:
        try:
            coding.get(name)
        except LookupError as exc:
            raise click.ClickException(str(exc)) from None
    if write and problems:
        raise click.ClickException("--write records every problem: give no PROBLEMS with it")
    chosen = list(problems) or None
    seed_list = mut.RECORD_SEEDS if write else [secrets.randbits(63) for _ in range(seeds)]
    record = mut.compute(seed_list, chosen, progress=None if as_json else lambda line: click.echo(line))
    if as_json:
        click.echo(json.dumps(record, indent=2))
    else:
        for name, p in record["problems"].items():
            for m, r in p["mutants"].items():
                if not r["caught"]:
                    click.echo(f"ESCAPED {name}.{m}: passed every hidden test")
            for f in p["reference_failures"]:
                click.echo(f"REFERENCE FAILS {name}: {f}")
        click.echo(f"{record['caught']}/{record['mutants']} mutants caught over {len(record['problems'])} problems, "
                   f"{len(seed_list)} seeds; references {'pass' if record['references_pass'] else 'FAIL'}")
    if write:
        path = mut.write_record(record)
        ok, reason = mut.verdict(record)
        click.echo(f"wrote {path}: {'certified' if ok else 'not certified'} ({reason})", err=True)
    if record["caught"] < record["mutants"] or not record["references_pass"]:
        sys.exit(1)


def _print_tests(tests, mode: str) -> None:
    if mode != "bwrap":
        click.echo("WARNING: ran in the weaker fallback sandbox (bubblewrap unavailable).", err=True)
    for t in tests:
        label = f"visible {t['id'] + 1}" if t["kind"] == "visible" else f"hidden {t['kind']}"
        line = f"{t['status'].upper():<13} {label}"
        if t.get("message"):
            line += f": {t['message']}"
        click.echo(line)
        if t.get("diff"):
            click.echo(f"    {t['diff']}")
        if t.get("traceback"):
            click.echo("    " + t["traceback"].rstrip().replace("\n", "\n    "))
    passed = sum(t["status"] == "pass" for t in tests)
    click.echo(f"{passed}/{len(tests)} passed", err=False)
    sys.stdout.flush()
