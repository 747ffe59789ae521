"""Tie a test to the promises of docs/bad-input.md it keeps: ``@promise("negative", "tables")``.

The contract page's table has a row per class of bad input and a column per surface;
each filled cell is a promise. ``tests/bad_input/test_bad_input_contract.py`` reads the
page, and the ``@promise`` decorators of every test file (statically, from their source),
and fails when a promise has no test or a test names a promise the page does not make.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

F = TypeVar("F", bound=Callable[..., object])

__all__ = ["promise"]


def promise(kind: str, *surfaces: str) -> Callable[[F], F]:
    """Mark a test as keeping the promise of the class ``kind`` on each of ``surfaces``.

    The test is returned unchanged; the contract test reads the decorator from the
    source, so its arguments must be written as plain strings.
    """
    if not surfaces:
        raise TypeError(f"@promise({kind!r}) names no surface")

    def mark(test: F) -> F:
        return test

    return mark
