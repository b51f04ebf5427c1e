"""One ML-coding problem, read from its module under `simulator.coding.problems`.

A problem module defines, as plain module attributes:
  NAME, TITLE, DIFFICULTY, STATEMENT, STARTER, ENTRY (the function the candidate writes),
  OUTPUTS (names), DTYPES (one rule for all outputs or one per output: "float", "int", "bool", "same:<input>" or a dtype name),
  RTOL, ATOL, EXAMPLES (visible inputs: dicts of arrays and scalars), HIDDEN ((kind, size) pairs for `inputs`),
  CRITERIA (rubric criteria it feeds), and the functions
  `inputs(rng, **size)` (self-contained: only `np`), `reference(...)` and `wrong(...)`;
  optimise problems add `naive(...)` and SPEED = {"size": {...}, "target": <speed-up over naive>}.
Optional: TIMEOUT_S (per test), LOOP_FACTOR (slower than the reference by this much on the
"large" test suggests Python loops over a large axis), FRAMEWORK ("numpy", the default, or "torch").
Every problem also ships MUTANTS: name -> a realistic wrong solution, self-contained like `wrong` (a mask off
by one, the wrong axis, eps outside the square root, ties broken the other way, inputs modified in place),
which its hidden tests must catch (`simulator.coding.mutants`, `mockloop code mutants`).
Optimise problems may add `row_loop(...)`: a per-row Python loop, vectorised within a row, which the speed
target must reject (tests/bench/test_bench_sandbox.py measures it against the reference).
A torch problem (FRAMEWORK = "torch") keeps `reference` in NumPy (it runs in the trusted parent) and adds
`solution`, the torch code the sandbox runs as its reference; `wrong` and the mutants are torch code too. The
worker hands the candidate tensors that share the inputs' memory and turns returned tensors into arrays.
"""
from __future__ import annotations

import inspect
import re
import textwrap
from dataclasses import dataclass
from types import ModuleType
from typing import Any, Callable

HIDDEN_KINDS = ("standard", "edge", "numerical", "large")
FRAMEWORKS = ("numpy", "torch")
REQUIRED = ("NAME", "TITLE", "DIFFICULTY", "STATEMENT", "STARTER", "ENTRY", "OUTPUTS", "DTYPES",
            "RTOL", "ATOL", "EXAMPLES", "HIDDEN", "CRITERIA", "inputs", "reference", "wrong")


class ProblemError(ValueError):
    """A problem module is missing something or contradicts itself."""


def submission(fn: Callable, entry: str, framework: str = "numpy") -> str:
    """A function's source as a candidate would submit it: renamed to `entry`, with numpy (and torch) imported."""
    src = textwrap.dedent(inspect.getsource(fn))
    src = re.sub(rf"^def {re.escape(fn.__name__)}\(", f"def {entry}(", src, count=1, flags=re.M)
    return "import numpy as np\n" + ("import torch\n" if framework == "torch" else "") + "\n\n" + src


@dataclass(frozen=True)
class Problem:
    module: ModuleType

    def __post_init__(self) -> None:
        m = self.module
        missing = [a for a in REQUIRED if not hasattr(m, a)]
        if missing:
            raise ProblemError(f"{m.__name__}: missing {', '.join(missing)}")
        if len(m.DTYPES) not in (1, len(m.OUTPUTS)):
            raise ProblemError(f"{m.__name__}: give one dtype rule, or one per output")
        for kind, size in m.HIDDEN:
            if kind not in HIDDEN_KINDS or not isinstance(size, dict):
                raise ProblemError(f"{m.__name__}: bad hidden test {kind!r}")
        if self.optimise and not hasattr(m, "naive"):
            raise ProblemError(f"{m.__name__}: SPEED needs a naive baseline")
        mutants = getattr(m, "MUTANTS", {})
        if not isinstance(mutants, dict) or not all(callable(f) for f in mutants.values()):
            raise ProblemError(f"{m.__name__}: MUTANTS must map names to functions")
        if self.framework not in FRAMEWORKS:
            raise ProblemError(f"{m.__name__}: FRAMEWORK must be one of {', '.join(FRAMEWORKS)}")
        if self.framework == "torch" and not hasattr(m, "solution"):
            raise ProblemError(f"{m.__name__}: a torch problem needs a torch `solution` beside its NumPy reference")
        if self.framework == "torch" and self.optimise:
            raise ProblemError(f"{m.__name__}: torch problems have no optimise part (the speed harness passes arrays)")
        if f"def {m.ENTRY}(" not in m.STARTER:
            raise ProblemError(f"{m.__name__}: the starter does not define {m.ENTRY}()")

    def __getattr__(self, name: str) -> Any:
        upper = name.upper()
        if upper in {"NAME", "TITLE", "DIFFICULTY", "STATEMENT", "STARTER", "ENTRY", "OUTPUTS", "DTYPES",
                     "RTOL", "ATOL", "EXAMPLES", "HIDDEN", "CRITERIA"}:
            return getattr(self.module, upper)
        raise AttributeError(name)

    @property
    def framework(self) -> str:
        return str(getattr(self.module, "FRAMEWORK", "numpy"))

    @property
    def mutants(self) -> dict[str, Any]:
        return dict(getattr(self.module, "MUTANTS", {}))

    @property
    def optimise(self) -> bool:
        return hasattr(self.module, "SPEED")

    @property
    def speed(self) -> dict[str, Any] | None:
        return getattr(self.module, "SPEED", None)

    @property
    def timeout_s(self) -> float:
        return float(getattr(self.module, "TIMEOUT_S", 2.0))

    @property
    def loop_factor(self) -> float:
        return float(getattr(self.module, "LOOP_FACTOR", 40.0))

    @property
    def numerical(self) -> bool:
        """Whether some hidden test is designed to catch overflow, underflow or cancellation."""
        return any(kind == "numerical" for kind, _ in self.HIDDEN)

    def inputs(self, rng, **size) -> dict[str, Any]:
        return self.module.inputs(rng, **size)

    def reference(self, **kwargs):
        return self.module.reference(**kwargs)

    def example_inputs(self) -> list[dict[str, Any]]:
        """The visible examples, copied so that a caller cannot change the module's."""
        import copy

        return [copy.deepcopy(ex) for ex in self.EXAMPLES]

    def solution_fn(self) -> Callable:
        """The reference as the sandbox runs it: `reference` itself, or for a torch problem its `solution`
        (torch code; `reference` stays NumPy because it runs in the trusted parent)."""
        return self.module.solution if self.framework == "torch" else self.module.reference

    def source_of(self, fn_name: str) -> str:
        """`reference`, `naive`, `wrong` or any function of the module as a submission for this problem's entry
        point (for a torch problem, "reference" gives its torch `solution`)."""
        fn = self.solution_fn() if fn_name == "reference" else getattr(self.module, fn_name)
        return submission(fn, self.ENTRY, self.framework)

    def generator_source(self) -> str:
        return textwrap.dedent(inspect.getsource(self.module.inputs))

    def summary(self) -> dict[str, Any]:
        return {"name": self.NAME, "title": self.TITLE, "difficulty": self.DIFFICULTY, "framework": self.framework,
                "entry": self.ENTRY, "mutants": len(self.mutants),
                "optimise": self.optimise, "speed_target": (self.speed or {}).get("target"),
                "hidden_tests": len(self.HIDDEN), "visible_examples": len(self.EXAMPLES),
                "criteria": list(self.CRITERIA)}
