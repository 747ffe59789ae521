"""Timing shared by the benchmark scripts (run as ``python benchmarks/<script>.py``)."""

from __future__ import annotations

import os
import subprocess
import time
from collections.abc import Callable
from pathlib import Path
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


def process(command: list[str]) -> tuple[float, float, float]:
    """(wall s, CPU s, peak MiB) of one child process; its output discarded.

    The peak is the child's own: on Linux its ``VmHWM`` (the high-water mark of its
    memory after ``exec``), read every few milliseconds until it exits. The
    ``ru_maxrss`` that ``wait4`` reports is no measure of it: at ``exec`` Linux keeps
    the high-water mark of the memory the child had before (this process's, shared
    by ``vfork``), so every child looked as large as this script (941 MiB for each
    contestant in one run). Elsewhere ``ru_maxrss`` is reported, with that caveat.
    """
    start = time.perf_counter()
    child = subprocess.Popen(command, stdout=subprocess.DEVNULL)
    status_file = Path(f"/proc/{child.pid}/status")
    peak_kib = 0
    while True:
        pid, status, usage = os.wait4(child.pid, os.WNOHANG)
        if pid:
            break
        try:
            for line in status_file.read_text().splitlines():
                if line.startswith("VmHWM:"):
                    peak_kib = int(line.split()[1])  # monotone within one image: keep the last
        except (OSError, ValueError, IndexError):
            pass
        time.sleep(0.005)
    child.returncode = os.waitstatus_to_exitcode(status)
    wall = time.perf_counter() - start
    if child.returncode != 0:
        raise SystemExit(f"failed: {' '.join(command)}")
    peak = peak_kib / 1024 if peak_kib else usage.ru_maxrss / 1024
    return wall, usage.ru_utime + usage.ru_stime, peak
