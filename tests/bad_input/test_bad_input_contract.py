"""Every class of docs/bad-input.md has a generated test, and every test's class is there."""

from __future__ import annotations

import importlib
import re
from pathlib import Path

PAGE = Path(__file__).parents[2] / "docs" / "bad-input.md"
MODULES = ["core", "trends", "standardise", "tables", "text", "travel", "cli", "office"]


def documented_classes() -> set[str]:
    lines = PAGE.read_text(encoding="utf-8").splitlines()
    rows = [line for line in lines if line.startswith("| `")]
    return {re.match(r"\| `([a-z0-9-]+)`", row)[1] for row in rows}  # type: ignore[index]


def test_every_documented_class_is_tested_and_every_tested_class_documented():
    covered: set[str] = set()
    for name in MODULES:
        covered |= importlib.import_module(f"test_bad_input_{name}").COVERS
    assert documented_classes() == covered
