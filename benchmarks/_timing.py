"""Timing shared by the benchmark scripts (run as ``python benchmarks/<script>.py``)."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any


def best_of(function: Callable[[], Any], repeats: int, *, warm_up: bool | None = None) -> float:
    """The best of ``repeats`` timed runs, after one untimed warm-up run.

    ``warm_up`` defaults to warming up only when repeating (a single run of a slow
    peer is timed cold rather than run twice).
    """
    if warm_up if warm_up is not None else repeats > 1:
        function()
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        best = min(best, time.perf_counter() - start)
    return best
