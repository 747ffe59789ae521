"""The contract page and the tests agree: every promise of docs/bad-input.md has a test.

A promise is a filled cell of the page's table (a class of bad input on a surface).
A test keeps one when it is decorated ``@promise("class", "surface", ...)``
(``tests/contract.py``); the decorators are read from the test files' source, so that
no test module is imported twice.
"""

from __future__ import annotations

import ast
import re
from collections import defaultdict
from pathlib import Path

TESTS = Path(__file__).parents[1]
PAGE = TESTS.parent / "docs" / "bad-input.md"


def page_promises() -> dict[tuple[str, str], str]:
    """Every filled cell of the table: (class, surface) -> what it promises."""
    lines = PAGE.read_text(encoding="utf-8").splitlines()
    header = next(line for line in lines if line.startswith("| class |"))
    surfaces = [cell.strip() for cell in header.strip()[1:-1].split("|")][1:]
    promises = {}
    for line in lines:
        if not line.startswith("| `"):
            continue
        cells = [cell.strip() for cell in line.strip()[1:-1].split("|")]
        assert len(cells) == len(surfaces) + 1, f"a row with {len(cells)} cells: {line[:60]}"
        kind = re.match(r"`([a-z0-9-]+)`", cells[0])[1]  # type: ignore[index]
        for surface, text in zip(surfaces, cells[1:], strict=True):
            if text:
                assert (kind, surface) not in promises, f"class {kind!r} has two rows"
                promises[kind, surface] = text
    return promises


def promises_in_tests() -> dict[tuple[str, str], list[str]]:
    """(class, surface) -> the tests that name it, from every test file's decorators."""
    found: dict[tuple[str, str], list[str]] = defaultdict(list)
    for path in sorted(TESTS.rglob("test_*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            for decorator in node.decorator_list:
                if isinstance(decorator, ast.Call) and getattr(decorator.func, "id", "") == (
                    "promise"
                ):
                    kind, *surfaces = [ast.literal_eval(arg) for arg in decorator.args]
                    for surface in surfaces:
                        where = f"{path.relative_to(TESTS)}::{node.name}"
                        found[kind, surface].append(where)
    return found


def test_every_promise_of_the_page_has_a_test_that_names_it():
    untested = sorted(set(page_promises()) - set(promises_in_tests()))
    assert not untested, "promises without a test: " + "; ".join(
        f"{kind} on {surface}" for kind, surface in untested
    )


def test_every_promise_a_test_names_is_on_the_page():
    made = page_promises()
    unknown = {key: tests for key, tests in promises_in_tests().items() if key not in made}
    assert not unknown, "tests naming promises the page does not make: " + "; ".join(
        f"{kind} on {surface} ({', '.join(tests)})" for (kind, surface), tests in unknown.items()
    )


def test_every_class_of_the_page_promises_something():
    lines = PAGE.read_text(encoding="utf-8").splitlines()
    classes = {re.match(r"\| `([a-z0-9-]+)`", line)[1] for line in lines if line.startswith("| `")}  # type: ignore[index]
    assert classes == {kind for kind, _ in page_promises()}
