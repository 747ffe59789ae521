"""The architecture holds: dependencies point one way and nothing imports in a circle.

The layers are written once, in ``tests/layers.toml`` (lowest first); the table in
CONTRIBUTING.md is generated from it (``python tests/test_layers.py`` rewrites it).
Every module of the package is parsed (not imported) and each ``import`` it makes is
collected, at module level, inside functions and under ``if TYPE_CHECKING:`` alike (a
type named across layers ties them as surely as a call); a package's ``__init__`` is the
exception, whose ``TYPE_CHECKING`` block only names its lazy re-exports for type
checkers. Then:

- every module has a layer, and every entry of the file names a module;
- the graph of the package's modules has no cycle (only a declared delegation may
  close one, and is left out of the check);
- :mod:`mch_indicators.stats` imports only numpy (scipy and numba lazily), the
  standard library, itself and the modules the file allows: no catalog, no pandas;
- every import goes to the same layer or a lower one, except the declared upward
  imports, each of which really points up, with its reason, inside a function;
- the type-only imports that still point up are listed in :data:`TYPE_ONLY_UPWARD`, each
  one really made and really upward (a stale entry fails): the debt is written down, and
  a new one fails.
"""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src"
PACKAGE = "mch_indicators"
SPEC = tomllib.loads((Path(__file__).with_name("layers.toml")).read_text(encoding="utf-8"))
CONTRIBUTING = ROOT / "CONTRIBUTING.md"


def _dotted(entry: str) -> str:
    """``records/_count.py`` -> ``mch_indicators.records._count``; ``__init__.py``: the package."""
    path = entry.removesuffix("/").removesuffix(".py").removesuffix("__init__").strip("/")
    return ".".join([PACKAGE, *path.split("/")]) if path else PACKAGE


#: entry -> layer position (0 = lowest); ``x/`` entries cover a package, ``x.py`` one module.
LAYER_OF_ENTRY: dict[str, int] = {
    entry: position for position, layer in enumerate(SPEC["layer"]) for entry in layer["modules"]
}
LAYER_NAMES = [layer["name"] for layer in SPEC["layer"]]

#: Imports that go up a layer on purpose: (module, target) -> is it a delegation?
UPWARD: dict[tuple[str, str], bool] = {
    (_dotted(entry["from"]), _dotted(target)): bool(entry.get("delegation", False))
    for entry in SPEC["upward"]
    for target in entry["to"]
}
DELEGATIONS = {edge for edge, delegation in UPWARD.items() if delegation}

#: Type-only imports (under ``if TYPE_CHECKING:``) that point up: none. The views sit
#: above the model and are plugged into the models' hooks (``_hooks``, which names no
#: class above it); an entry added here must be real (checked) and have a reason.
TYPE_ONLY_UPWARD: set[tuple[str, str]] = set()

#: Type-only imports within a layer that close a circle: ``Indicator.compute`` (the
#: declared delegation) returns a Result, which names its Indicator.
TYPE_ONLY_CIRCLES: set[tuple[str, str]] = {("mch_indicators._model", "mch_indicators._result")}


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


def _imports(tree: ast.AST, module: str, is_package: bool, *, typing: bool = True) -> set[str]:
    """Absolute names of everything imported (``typing=False``: not under TYPE_CHECKING)."""
    found: set[str] = set()

    def visit(node: ast.AST) -> None:
        if not typing and isinstance(node, ast.If) and _is_type_checking(node):
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


def _graph(*, typing: bool = True) -> dict[str, set[str]]:
    modules = {
        _module_name(path): path for path in (SRC / PACKAGE).rglob("*.py") if path.is_file()
    }
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        face = path.name == "__init__.py"  # its TYPE_CHECKING block: lazy re-exports, no loads
        imported = _imports(tree, name, face, typing=typing and not face)
        internal = {target for target in imported if target in modules and target != name}
        external = {target.split(".")[0] for target in imported if not target.startswith(PACKAGE)}
        graph[name] = internal | {f"external:{e}" for e in external}
    return graph


GRAPH = _graph()
RUNTIME_GRAPH = _graph(typing=False)


def _entry_matches(entry: str, module: str) -> bool:
    dotted = _dotted(entry)
    return module == dotted or (entry.endswith("/") and module.startswith(dotted + "."))


def _entry_of(module: str) -> str | None:
    """The most specific entry of layers.toml for ``module``: itself, else its nearest package."""
    matches = [entry for entry in LAYER_OF_ENTRY if _entry_matches(entry, module)]
    return max(matches, key=lambda e: (not e.endswith("/"), len(e)), default=None)


def _layer(module: str) -> int:
    entry = _entry_of(module)
    if entry is None:
        pytest.fail(f"{module} has no layer: add it to tests/layers.toml")
    return LAYER_OF_ENTRY[entry]


def _internal(module: str) -> set[str]:
    return {t for t in GRAPH[module] if not t.startswith("external:")}


def test_every_module_has_a_layer():
    missing = [module for module in GRAPH if _entry_of(module) is None]
    assert missing == [], "add these to tests/layers.toml: " + ", ".join(missing)


def test_every_entry_names_a_module():
    """A stale entry (a module moved or deleted) fails: the file describes the code as it is."""
    entries = [*LAYER_OF_ENTRY, *SPEC["spans"], *SPEC["stats"]["internal"]]
    entries += [entry["from"] for entry in SPEC["upward"]]
    entries += [target for entry in SPEC["upward"] for target in entry["to"]]
    stale = [e for e in entries if not any(_entry_matches(e, module) for module in GRAPH)]
    assert stale == []


def test_no_import_cycles():
    """No cycle: only a declared delegation (a lazy import inside a method) is left out."""
    state: dict[str, int] = {}  # 1 = on the current path, 2 = done
    path: list[str] = []

    def walk(module: str) -> None:
        state[module] = 1
        path.append(module)
        debts = DELEGATIONS | TYPE_ONLY_UPWARD | TYPE_ONLY_CIRCLES
        left_out = {t for m, t in debts if m == module}
        for target in sorted(_internal(module) - left_out):
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


def test_declared_upward_imports_exist_and_point_up():
    """Each declared exception is an import the code makes, to a higher layer: none is stale."""
    for module, target in UPWARD:
        assert target in _internal(module), f"{module} no longer imports {target}"
        assert _layer(target) > _layer(module), (
            f"{module} -> {target} does not go up ({LAYER_NAMES[_layer(module)]} -> "
            f"{LAYER_NAMES[_layer(target)]}): remove it from [[upward]] in tests/layers.toml"
        )


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
            assert target not in _imports(part, module, False, typing=False), (
                f"{module} imports {target}"
            )


def test_dependencies_point_down():
    upward = [
        f"{module} ({LAYER_NAMES[_layer(module)]}) imports {target} "
        f"({LAYER_NAMES[_layer(target)]})"
        for module in GRAPH
        for target in _internal(module)
        if _layer(target) > _layer(module)
        and (module, target) not in UPWARD
        and (module, target) not in TYPE_ONLY_UPWARD
    ]
    assert upward == []


def test_type_only_upward_imports_are_real_and_type_only():
    """Each listed debt is an import the code makes, only for types, and really upward."""
    for module, target in sorted(TYPE_ONLY_UPWARD | TYPE_ONLY_CIRCLES):
        assert target in _internal(module), f"{module} no longer imports {target}: remove it"
        assert target not in RUNTIME_GRAPH[module], f"{module} imports {target} at run time"
    for module, target in sorted(TYPE_ONLY_UPWARD):
        assert _layer(target) > _layer(module), f"{module} -> {target} does not go up"


def test_stats_is_numpy_only():
    stdlib = set(sys.stdlib_module_names) | {"__future__"}
    allowed = {_dotted(entry) for entry in SPEC["stats"]["internal"]}
    external = set(SPEC["stats"]["external"])
    for module, targets in GRAPH.items():
        if not (module == "mch_indicators.stats" or module.startswith("mch_indicators.stats.")):
            continue
        for target in targets:
            if target.startswith("external:"):
                name = target.removeprefix("external:")
                assert name in stdlib | external, f"{module} imports {name}"
            else:
                assert target.startswith("mch_indicators.stats") or target in allowed, (
                    f"{module} imports {target}"
                )


def test_the_walker_sees_function_level_imports():
    """A guard on the test itself: lazy imports inside functions count."""
    assert "mch_indicators._compute" in _internal("mch_indicators._model")
    assert "mch_indicators._result" in _internal("mch_indicators._model")  # TYPE_CHECKING
    assert "mch_indicators._result" not in RUNTIME_GRAPH["mch_indicators._model"]


# -- the table in CONTRIBUTING.md ---------------------------------------------------------

_START = "<!-- layers: generated from tests/layers.toml by `python tests/test_layers.py` -->"
_END = "<!-- /layers -->"


def layers_markdown() -> str:
    """The layer table of CONTRIBUTING.md, highest layer first, as tests/layers.toml says."""
    rows = [
        "| layer | modules (under `src/mch_indicators/`) | what lives there |",
        "|---|---|---|",
    ]
    for layer in reversed(SPEC["layer"]):
        modules = ", ".join(f"`{entry}`" for entry in layer["modules"])
        rows.append(f"| {layer['name']} | {modules} | {layer['what']} |")
    spans = [f"- `{package}` spans layers: {why}." for package, why in SPEC["spans"].items()]
    upward = [
        f"- `{entry['from']}` may import {', '.join(f'`{t}`' for t in entry['to'])} "
        f"inside a function{' (a delegation)' if entry.get('delegation') else ''}: "
        f"{entry['why']}."
        for entry in SPEC["upward"]
    ]
    stats = (
        f"- `stats/` imports only {', '.join(SPEC['stats']['external'])}, the standard "
        f"library, itself and {', '.join(f'`{e}`' for e in SPEC['stats']['internal'])}."
    )
    return "\n".join([_START, *rows, "", *spans, *upward, stats, _END])


def _contributing_block(text: str) -> str:
    found = re.search(re.escape(_START) + r".*?" + re.escape(_END), text, flags=re.DOTALL)
    assert found, f"CONTRIBUTING.md has no block between {_START!r} and {_END!r}"
    return found.group(0)


def test_contributing_table_is_generated_from_the_layers_file():
    text = CONTRIBUTING.read_text(encoding="utf-8")
    assert _contributing_block(text) == layers_markdown(), (
        "CONTRIBUTING.md's layer table differs from tests/layers.toml: "
        "run `python tests/test_layers.py`"
    )


if __name__ == "__main__":  # rewrite CONTRIBUTING.md's table from tests/layers.toml
    text = CONTRIBUTING.read_text(encoding="utf-8")
    CONTRIBUTING.write_text(
        text.replace(_contributing_block(text), layers_markdown()), encoding="utf-8"
    )
