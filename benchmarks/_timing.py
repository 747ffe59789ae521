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


def interleaved(
    functions: dict[str, Callable[[], Any]], rounds: int
) -> dict[str, list[tuple[float, float]]]:
    """(wall, CPU) seconds of each function in each of ``rounds`` rounds, taken in turn.

    Round r runs every function once before round r + 1 starts, so that a change of
    the machine's load falls on all of them alike. CPU time is the process's
    (all threads), from :func:`time.process_time`.
    """
    times: dict[str, list[tuple[float, float]]] = {name: [] for name in functions}
    for _ in range(rounds):
        for name, function in functions.items():
            wall, cpu = time.perf_counter(), time.process_time()
            function()
            times[name].append((time.perf_counter() - wall, time.process_time() - cpu))
    return times
