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
) -> dict[str, dict[str, float]]:
    """Time each function once per round, the rounds interleaved (a, b, a, b...).

    After one untimed warm-up of each, every round runs every function once, so
    that the load of a shared machine falls on all of them alike. Returns, per
    function, the best and the spread (worst over best) of wall time
    (``perf_counter``) and of CPU time of this process (``process_time``).
    """
    for function in functions.values():
        function()
    wall: dict[str, list[float]] = {name: [] for name in functions}
    cpu: dict[str, list[float]] = {name: [] for name in functions}
    for _ in range(rounds):
        for name, function in functions.items():
            start, start_cpu = time.perf_counter(), time.process_time()
            function()
            wall[name].append(time.perf_counter() - start)
            cpu[name].append(time.process_time() - start_cpu)
    return {
        name: {
            "wall": min(wall[name]),
            "wall_spread": max(wall[name]) / min(wall[name]),
            "cpu": min(cpu[name]),
            "cpu_spread": max(cpu[name]) / max(min(cpu[name]), 1e-9),
        }
        for name in functions
    }
