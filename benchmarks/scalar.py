"""Time one interval of one pair of counts, as a user calls it, against statsmodels.

    python benchmarks/scalar.py            # 25 rounds of 2,000 calls per function
    python benchmarks/scalar.py --quick    # 5 rounds of 200 calls (a smoke test)

``stats.proportion_ci(9, 100)`` (Wilson, Clopper-Pearson) against statsmodels'
``proportion_confint(9, 100, method=...)``, and ``stats.poisson_ci(3)`` (exact) against
statsmodels' ``confint_poisson(3, 1, method="exact-c")``; also the same scalar call
through the engine (the arrays' path, what ``proportion_ci`` did for a scalar before
the short path), to show what the short path saves. Rounds are interleaved: each round
calls every function in turn, so a busy moment of the machine falls on all alike. Per
call, in microseconds: the best round and the spread (median, worst) of wall time, and
the best CPU time; then the ratio to statsmodels of the best rounds and the median of
the per-round ratios. The numbers are checked equal to statsmodels' first (1e-12).
Results are recorded in benchmarks/README.md with the goal beside them.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
from collections.abc import Callable
from typing import Any

import numpy as np
import scipy
import statsmodels
from statsmodels.stats.proportion import proportion_confint
from statsmodels.stats.rates import confint_poisson

from _timing import interleaved
from mch_indicators import stats
from mch_indicators.stats._estimates import _estimate

X, N, EVENTS = 9, 100, 3


def through_engine(method: str, family: str) -> Callable[[], Any]:
    """The scalar call as the arrays' path computes it (blocks, plan, flags)."""

    def call() -> Any:
        estimate = _estimate(
            X if family == "binomial" else EVENTS, N if family == "binomial" else 1.0,
            family=family, method=method, confidence=0.95, multiplier=1.0,  # type: ignore[arg-type]
            on_invalid="raise", reliability=None,
        )  # fmt: skip
        return estimate.lower, estimate.upper

    return call


CASES: dict[str, dict[str, Callable[[], Any]]] = {
    "Wilson": {
        "mch_indicators": lambda: stats.proportion_ci(X, N),
        "statsmodels": lambda: proportion_confint(X, N, method="wilson"),
        "through the engine": through_engine("wilson", "binomial"),
    },
    "Clopper-Pearson": {
        "mch_indicators": lambda: stats.proportion_ci(X, N, method="beta"),
        "statsmodels": lambda: proportion_confint(X, N, method="beta"),
        "through the engine": through_engine("clopper_pearson", "binomial"),
    },
    "exact Poisson": {
        "mch_indicators": lambda: stats.poisson_ci(EVENTS),
        "statsmodels": lambda: confint_poisson(EVENTS, 1, method="exact-c"),
        "through the engine": through_engine("exact", "poisson"),
    },
}


def check() -> None:
    for case in CASES.values():
        ours = case["mch_indicators"]()
        theirs = case["statsmodels"]()
        np.testing.assert_allclose(ours, np.asarray(theirs, dtype=float).ravel(), rtol=1e-12)
        assert all(type(limit) is float for limit in ours)


def repeated(function: Callable[[], Any], calls: int) -> Callable[[], None]:
    def run() -> None:
        for _ in range(calls):
            function()

    return run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    rounds, calls = (5, 200) if args.quick else (25, 2000)
    check()
    print(
        f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"numpy {np.__version__}, scipy {scipy.__version__}, statsmodels "
        f"{statsmodels.__version__}; load average {os.getloadavg()[0]:.1f}; {rounds} "
        f"interleaved rounds of {calls} calls"
    )
    for name, case in CASES.items():
        for function in case.values():
            function()  # warm: imports, caches
        times = interleaved({k: repeated(f, calls) for k, f in case.items()}, rounds)
        walls = {k: [w / calls * 1e6 for w, _ in v] for k, v in times.items()}
        cpus = {k: [c / calls * 1e6 for _, c in v] for k, v in times.items()}
        peer = walls["statsmodels"]
        print(f"\n{name}: µs per call (wall best / median / worst; CPU best)")
        for who, wall in walls.items():
            ratios = [mine / theirs for mine, theirs in zip(wall, peer, strict=True)]
            print(
                f"  {who:20s} {min(wall):8.1f} {statistics.median(wall):8.1f} "
                f"{max(wall):8.1f}   CPU {min(cpus[who]):8.1f}   × statsmodels: best "
                f"{min(wall) / min(peer):.2f}, median of rounds {statistics.median(ratios):.2f}"
            )


if __name__ == "__main__":
    main()
