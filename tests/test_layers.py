"""The architecture holds: dependencies point one way and nothing imports in a circle.

Every module of the package is parsed (not imported) and each ``import`` it
makes is collected, at module level and inside functions alike; imports under
``if TYPE_CHECKING:`` are left out, since they never run. Then:

- the graph of the package's modules has no cycle;
- :mod:`mch_indicators.stats` imports only numpy (scipy and numba lazily),
  the standard library, itself and the exception module: no catalog, no pandas;
- every import goes to the same layer or a lower one (definitions and errors ->
  model and statistics -> catalog -> compute -> adapters -> surfaces), with the
  exceptions listed, each with its reason.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src"
PACKAGE = "mch_indicators"

#: Layers, lowest first; a module is in the layer of its longest matching prefix.
LAYERS: dict[str, int] = {
    "mch_indicators._errors": 0,
    "mch_indicators._version": 0,
    "mch_indicators.definitions": 0,
    "mch_indicators.datasets": 0,
    "mch_indicators._documents": 1,  # reading a user's TOML or JSON, bounded
    "mch_indicators._unitspec": 1,
    "mch_indicators._labels": 1,
    "mch_indicators.units": 1,
    "mch_indicators.stats": 1,
    "mch_indicators._model": 2,
    "mch_indicators._options": 2,
    "mch_indicators._result": 2,
    "mch_indicators._headers": 2,
    "mch_indicators._display": 2,
    "mch_indicators._io": 2,
    "mch_indicators._catalog": 3,
    "mch_indicators._standards": 3,
    "mch_indicators._targets": 3,
    "mch_indicators._compute": 4,
    "mch_indicators._progress": 4,
    "mch_indicators._adapters": 5,
    "mch_indicators._render": 5,
    "mch_indicators._render_html": 5,
    "mch_indicators._api": 6,
    "mch_indicators.export": 6,
    "mch_indicators._report": 6,
    "mch_indicators.plot": 6,  # charts: a surface over results, matplotlib only here
    # what Catalog.to_json writes: definitions only, below the catalog
    "mch_indicators.export._normal": 3,
    "mch_indicators.export._document": 3,
    # records: the condition language and the schemas are definitions; rules are checked
    # against the catalog; counting talks to the engines (an adapter); the API is a surface
    "mch_indicators.records._conditions": 2,
    "mch_indicators.records._schema": 2,
    "mch_indicators.records._rules": 3,
    "mch_indicators.records._expr": 3,
    "mch_indicators.records._count": 5,
    "mch_indicators.records._api": 6,
    "mch_indicators.records": 6,
    "mch_indicators.testing": 7,
    "mch_indicators._cli": 7,
    "mch_indicators.__main__": 7,
    "mch_indicators": 7,  # the package's __init__: re-exports only
}

#: Imports that go up a layer on purpose, with the reason.
UPWARD = {
    # Indicator.compute is a one-line convenience that hands the definition to the
    # compute layer; the import is inside the method, so the model never loads it.
    ("mch_indicators._model", "mch_indicators._compute"),
    ("mch_indicators._model", "mch_indicators._options"),
    # Notebook display: ``_repr_html_`` and ``__repr__`` are one-line methods that hand
    # the object to the rendering layer; the imports are inside them, so the models
    # never load it unless a notebook asks.
    ("mch_indicators._model", "mch_indicators._render_html"),
    ("mch_indicators._result", "mch_indicators._render_html"),
    ("mch_indicators._targets", "mch_indicators._render_html"),
    ("mch_indicators._catalog", "mch_indicators._render_html"),
    # Catalog.to_frame is the flat export as a DataFrame: one table, one implementation.
    ("mch_indicators._catalog", "mch_indicators.export._csv"),
}

#: What the statistics layer may import from outside the package.
STATS_MAY_IMPORT = {"numpy", "scipy", "numba"}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imports(tree: ast.AST, module: str, is_package: bool) -> set[str]:
    """Absolute names of everything imported outside ``if TYPE_CHECKING:`` blocks."""
    found: set[str] = set()

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and _is_type_checking(node):
            for child in node.orelse:
                visit(child)
            return
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = module.split(".")
                anchor = anchor if is_package else anchor[:-1]
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(tree)
    return found


def _graph() -> dict[str, set[str]]:
    modules = {
        _module_name(path): path for path in (SRC / PACKAGE).rglob("*.py") if path.is_file()
    }
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        imported = _imports(tree, name, path.name == "__init__.py")
        internal = {target for target in imported if target in modules and target != name}
        external = {target.split(".")[0] for target in imported if not target.startswith(PACKAGE)}
        graph[name] = internal | {f"external:{e}" for e in external}
    return graph


GRAPH = _graph()


def _layer(module: str) -> int:
    matches = [prefix for prefix in LAYERS if module == prefix or module.startswith(prefix + ".")]
    if not matches:
        pytest.fail(f"{module} has no layer: add it to LAYERS in tests/test_layers.py")
    return LAYERS[max(matches, key=len)]


def _internal(module: str) -> set[str]:
    return {t for t in GRAPH[module] if not t.startswith("external:")}


def test_every_module_has_a_layer():
    for module in GRAPH:
        _layer(module)


def test_no_import_cycles():
    """No cycle, except through a declared upward import (lazy: it never runs at import)."""
    state: dict[str, int] = {}  # 1 = on the current path, 2 = done
    path: list[str] = []

    def walk(module: str) -> None:
        state[module] = 1
        path.append(module)
        for target in sorted(_internal(module) - {t for m, t in UPWARD if m == module}):
            if state.get(target) == 1:
                cycle = [*path[path.index(target) :], target]
                pytest.fail("import cycle: " + " -> ".join(cycle))
            if target not in state:
                walk(target)
        path.pop()
        state[module] = 2

    for module in sorted(GRAPH):
        if module not in state:
            walk(module)


def test_upward_imports_are_inside_functions():
    """A declared upward import is lazy: never at a module's top level."""
    for module, target in UPWARD:
        path = SRC / (module.replace(".", "/") + ".py")
        tree = ast.parse(path.read_text(encoding="utf-8"))
        top = ast.Module(
            body=[n for n in tree.body if not isinstance(n, ast.FunctionDef | ast.ClassDef)],
            type_ignores=[],
        )
        methods = [
            ast.Module(body=[n for n in c.body if not isinstance(n, ast.FunctionDef)],
                       type_ignores=[])
            for c in tree.body if isinstance(c, ast.ClassDef)
        ]  # fmt: skip
        for part in (top, *methods):
            assert target not in _imports(part, module, False), f"{module} imports {target}"


def test_dependencies_point_down():
    upward = [
        f"{module} (layer {_layer(module)}) imports {target} (layer {_layer(target)})"
        for module in GRAPH
        for target in _internal(module)
        if _layer(target) > _layer(module) and (module, target) not in UPWARD
    ]
    assert upward == []


def test_stats_is_numpy_only():
    stdlib = set(sys.stdlib_module_names) | {"__future__"}
    for module, targets in GRAPH.items():
        if not (module == "mch_indicators.stats" or module.startswith("mch_indicators.stats.")):
            continue
        for target in targets:
            if target.startswith("external:"):
                name = target.removeprefix("external:")
                assert name in stdlib | STATS_MAY_IMPORT, f"{module} imports {name}"
            else:
                assert target.startswith("mch_indicators.stats") or target == (
                    "mch_indicators._errors"
                ), f"{module} imports {target}"


def test_the_walker_sees_function_level_imports():
    """A guard on the test itself: lazy imports inside functions count."""
    assert "mch_indicators._compute" in _internal("mch_indicators._model")
    assert "mch_indicators._result" not in _internal("mch_indicators._model")  # TYPE_CHECKING
