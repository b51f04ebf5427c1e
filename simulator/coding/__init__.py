"""The ML-coding round: a registry of problems, a sandboxed judge, and the speed measurement.

    from simulator.coding import get, names
    from simulator.coding.judge import judge, run_visible

Problems are modules under `simulator.coding.problems`, referred to by their
registered name (bank questions name them in `coding.problem`); a module is
imported only when its problem is asked for.
"""
from __future__ import annotations

import difflib
import importlib
import pkgutil

from simulator.coding import problems as _problems
from simulator.coding.problem import Problem, ProblemError

# registered name -> module under simulator.coding.problems: every module in that package is a problem
# (its NAME must equal its module name), so adding a problem is adding one file.
MODULES: dict[str, str] = {
    info.name: info.name for info in pkgutil.iter_modules(_problems.__path__) if not info.name.startswith("_")
}

_loaded: dict[str, Problem] = {}


def names() -> list[str]:
    return sorted(MODULES)


def get(name: str) -> Problem:
    """The registered problem `name`; LookupError with a suggestion on a miss."""
    if name not in MODULES:
        close = difflib.get_close_matches(name, names(), n=1)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        raise LookupError(f"unknown coding problem {name!r}{hint} (see `mockloop code list`)")
    if name not in _loaded:
        module = importlib.import_module(f"simulator.coding.problems.{MODULES[name]}")
        problem = Problem(module)
        if problem.NAME != name:
            raise ProblemError(f"module {module.__name__} registers as {problem.NAME!r}, not {name!r}")
        _loaded[name] = problem
    return _loaded[name]


def all_problems() -> list[Problem]:
    return [get(n) for n in names()]


__all__ = ["Problem", "ProblemError", "all_problems", "get", "names"]
