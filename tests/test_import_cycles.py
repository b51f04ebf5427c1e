"""No import cycles in the project's own code (issue 15, item 7).

The import graph is built statically with ``ast`` from every ``.py`` file under the
top-level packages below: each ``import x`` and ``from x import y`` (relative ones
resolved), wherever it is written, at module level or inside a function, a method
or an ``if``. ``from x import y`` counts as an import of ``x.y`` when that is a
module, else of ``x``. Only imports of the project's own modules are kept. (No
tool is added for this: grimp and import-linter would do it, but ~100 lines of
``ast`` need no dependency and say exactly what they count.)

Two graphs are checked for strongly connected components (Tarjan):

* modules: ``simulator.teams.certification -> simulator.teams.grading``;
* packages (directories with ``__init__.py``): within each package, its children
  (modules and subpackages, a subpackage standing for everything under it) must not
  import one another in a circle, so ``web.api.teams -> web.teams.common`` is
  ``web.api -> web.teams`` and ``simulator.teams.grading -> simulator.scoring`` is
  ``simulator.teams -> simulator.scoring``. A package's own ``__init__`` importing
  what is under it (the usual registration of routes on a blueprint) is no edge
  between packages; the module graph checks it.

An import inside a function counts like any other. Moving an import into a
function only postpones it to the first call: the two modules still need each
other, and the cycle is back the day someone tidies the import to the top of the
file. The report says which edges are written only inside functions, since those
are the ones to look at first. ``if TYPE_CHECKING:`` imports are left out (they
never run), and so are files Python never imports (``SCRIPTS``: Alembic's env.py).

``KNOWN`` lists the cycles not broken yet, each with the way out; any other cycle
fails the test, and so does a listed one once it is gone, so the list only shrinks.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TOP_PACKAGES = ("simulator", "web", "rubrics", "question_bank")
# Scripts that live in a package folder but are run by path, never imported: Alembic loads its env.py
# by file name when it migrates, and env.py has to see every table (storage, teams, peers), so it sits
# above every package whatever folder holds it. (Its revision files import only alembic and sqlalchemy.)
SCRIPTS = {"simulator.storage.migrations.env"}


def _modules() -> dict[str, Path]:
    """Dotted module name -> file, for every module of the project's packages."""
    found: dict[str, Path] = {}
    for top in TOP_PACKAGES:
        for path in sorted((ROOT / top).rglob("*.py")):
            parts = path.relative_to(ROOT).with_suffix("").parts
            if not all((ROOT.joinpath(*parts[:i]) / "__init__.py").is_file() for i in range(1, len(parts))):
                continue  # not importable as a package module (e.g. a script folder)
            if parts[-1] == "__init__":
                parts = parts[:-1]
            if ".".join(parts) not in SCRIPTS:
                found[".".join(parts)] = path
    return found


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imports(name: str, path: Path, modules: dict[str, Path]) -> dict[str, str]:
    """Project modules imported by one module -> "module" or "function" (where)."""
    is_package = path.name == "__init__.py"
    package = name if is_package else name.rpartition(".")[0]
    edges: dict[str, str] = {}

    def add(target: str, where: str) -> None:
        while target and target not in modules:
            target = target.rpartition(".")[0]  # import a.b.c of a non-module c -> a.b
        if target and target != name and edges.get(target) != "module":
            edges[target] = where

    def visit(node: ast.AST, where: str) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and _is_type_checking(child.test):
                for sub in child.orelse:
                    visit_one(sub, where)
                continue
            visit_one(child, where)

    def visit_one(child: ast.AST, where: str) -> None:
        if isinstance(child, ast.Import):
            for alias in child.names:
                add(alias.name, where)
        elif isinstance(child, ast.ImportFrom):
            if child.level:
                base = package.split(".")
                base = base[: len(base) - (child.level - 1)]
                source = ".".join(base + ([child.module] if child.module else []))
            else:
                source = child.module or ""
            for alias in child.names:
                full = f"{source}.{alias.name}"
                add(full if full in modules else source, where)
        inner = "function" if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)) else where
        visit(child, inner)

    visit(ast.parse(path.read_text(encoding="utf-8"), str(path)), "module")
    return edges


def _siblings(source: str, target: str) -> tuple[str, str] | None:
    """The two children of the innermost package holding both modules, or None.

    ``web.api.teams -> web.teams.common`` gives ``(web.api, web.teams)``;
    ``simulator.teams.grading -> simulator.scoring`` gives ``(simulator.teams, simulator.scoring)``.
    An import between a package's ``__init__`` and a module under it gives None (it is
    no edge between two packages; the module graph still checks it).
    """
    a, b = source.split("."), target.split(".")
    common = 0
    while common < min(len(a), len(b)) and a[common] == b[common]:
        common += 1
    if common == len(a) or common == len(b):
        return None
    return ".".join(a[: common + 1]), ".".join(b[: common + 1])


def import_graphs() -> tuple[dict[str, dict[str, str]], dict[str, dict[str, str]]]:
    """(module graph, package graph), each node -> {imported node: "module" | "function"}.

    In the package graph the nodes are the children of each package (its modules and its
    subpackages, a subpackage standing for everything under it); an edge joins two
    children of the same package when anything in one imports anything in the other.
    """
    modules = _modules()
    module_graph = {name: _imports(name, path, modules) for name, path in modules.items()}
    package_graph: dict[str, dict[str, str]] = {}
    for name, edges in module_graph.items():
        for target, where in edges.items():
            pair = _siblings(name, target)
            if pair:
                out = package_graph.setdefault(pair[0], {})
                if out.get(pair[1]) != "module":
                    out[pair[1]] = where
    return module_graph, package_graph


def cycles(graph: dict[str, dict[str, str]]) -> list[list[str]]:
    """Strongly connected components with more than one node (Tarjan), sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def connect(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph.get(node, {})):
            if target not in index:
                connect(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            connect(node)
    return sorted(found)


def describe(graph: dict[str, dict[str, str]], component: list[str]) -> str:
    members = set(component)
    edges = [
        f"    {source} -> {target}" + ("" if where == "module" else " (inside a function)")
        for source in component
        for target, where in sorted(graph[source].items())
        if target in members
    ]
    return " <-> ".join(component) + ":\n" + "\n".join(edges)


def test_the_graph_sees_imports_of_every_kind():
    module_graph, package_graph = import_graphs()
    assert "simulator.teams.grading" in module_graph
    assert module_graph["web.api"], "web/api/__init__.py imports its routes"
    assert "web.api" in package_graph and "simulator.teams" in package_graph
    assert _siblings("web.api.teams", "web.teams.common") == ("web.api", "web.teams")
    assert _siblings("simulator.teams.grading", "simulator.scoring") == ("simulator.teams", "simulator.scoring")
    assert _siblings("web.api", "web.api.jobs") is None and _siblings("web.api.jobs", "web.api") is None
    # a cycle is found whatever its length
    assert cycles({"a": {"b": "module"}, "b": {"c": "function"}, "c": {"a": "module"}, "d": {"a": "module"}}) == [
        ["a", "b", "c"]
    ]


# Cycles that were here when this test was written and are not broken yet, each with the way out. The test
# fails on any other cycle (a new one, or one of these grown), and on one of these once it is gone, so the
# list only shrinks.
KNOWN: dict[str, dict[frozenset[str], str]] = {
    "modules": {},
    "packages": {},  # simulator <-> web (`mockloop serve`) went when the console entry point moved to web.cli
}


def _check(kind: str, graph: dict[str, dict[str, str]]) -> None:
    found = {frozenset(c): c for c in cycles(graph)}
    known = KNOWN[kind]
    new = [c for key, c in found.items() if key not in known]
    gone = [" <-> ".join(sorted(key)) for key in known if key not in found]
    assert not new, f"import cycles between {kind}:\n" + "\n".join(describe(graph, c) for c in new)
    assert not gone, f"broken at last, remove from KNOWN[{kind!r}] in this test: " + "; ".join(gone)


def test_no_cycles_between_modules():
    _check("modules", import_graphs()[0])


def test_no_cycles_between_packages():
    _check("packages", import_graphs()[1])
