"""Joinpoint regression of 3,000 county series of 30 years: one vectorised call against a loop.

    python benchmarks/joinpoint.py               # 3,000 series, 3 rounds
    python benchmarks/joinpoint.py --quick       # 300 series, 2 rounds (a smoke test)

The peer is the same fit written plainly, series by series: for each number of
joinpoints (0 to 3) and each admissible set of joinpoint years, Poisson maximum
likelihood by iteratively reweighted least squares (``numpy.linalg.solve`` per
step), keeping the smallest deviance. The loop is timed on a sample of series
(``--loop-series``, 40 by default) and scaled to all of them (its cost per series does
not depend on the others); its deviances are checked against the vectorised call's.
Rounds are interleaved; best and spread of wall and CPU time are printed.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(__file__))
from _timing import interleaved
from mch_indicators import stats
from mch_indicators.stats._joinpoint_grid import candidate_sets, designs

YEARS = np.arange(1994, 2024)
MAX_JOINPOINTS = 3


def make_counties(series: int, seed: int = 1) -> tuple[np.ndarray, np.ndarray]:
    """Births 1,000–20,000 a year; infant mortality near 12‰ falling, one change of trend."""
    rng = np.random.default_rng(seed)
    births = rng.integers(1000, 20000, size=(series, 1)) * np.linspace(1.1, 0.8, YEARS.size)
    births = births.round()
    change = rng.integers(2002, 2016, size=(series, 1))
    t = YEARS - YEARS[0]
    eta = np.log(0.012) - 0.06 * t + 0.04 * np.maximum(YEARS - change, 0)
    return rng.poisson(births * np.exp(eta)).astype(float), births


def loop_fit(counts: np.ndarray, births: np.ndarray) -> np.ndarray:
    """The best deviance of each number of joinpoints, series by series: (series, 4)."""
    t = YEARS.astype(float)
    out = np.full((counts.shape[0], MAX_JOINPOINTS + 1), np.inf)
    for s in range(counts.shape[0]):
        y, offset = counts[s], np.log(births[s])
        for k in range(MAX_JOINPOINTS + 1):
            for x in designs(t, float(t.mean()), candidate_sets(t.size, k, 2, 2)):
                out[s, k] = min(out[s, k], _irls_deviance(y, offset, x))
    return out


def _irls_deviance(y: np.ndarray, offset: np.ndarray, x: np.ndarray) -> float:
    beta = np.zeros(x.shape[1])
    beta[0] = np.log(max(y.sum(), 0.5) / np.exp(offset).sum())
    for _ in range(30):
        mu = np.exp(x @ beta + offset)
        z = x @ beta + (y - mu) / mu
        new = np.linalg.solve(x.T @ (mu[:, None] * x), x.T @ (mu * z))
        if np.max(np.abs(x @ (new - beta))) <= 1e-9:
            beta = new
            break
        beta = new
    mu = np.exp(x @ beta + offset)
    ratio = np.where(y > 0, y * np.log(np.where(y > 0, y, 1.0) / mu), 0.0)
    return float(2.0 * (ratio - (y - mu)).sum())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="300 series, 2 rounds")
    parser.add_argument("--series", type=int, default=3000)
    parser.add_argument("--loop-series", type=int, default=40)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    series = 300 if args.quick else args.series
    rounds = 2 if args.quick else args.rounds
    sample = min(args.loop_series, series)
    counts, births = make_counties(series)
    stats.joinpoint(counts[:2], births[:2], YEARS, max_joinpoints=1)  # imports scipy once

    fits: dict[str, object] = {}

    def vectorised() -> None:
        fits["all"] = stats.joinpoint(counts, births, YEARS, max_joinpoints=MAX_JOINPOINTS)

    def loop() -> None:
        fits["loop"] = loop_fit(counts[:sample], births[:sample])

    times = interleaved({"vectorised": vectorised, "loop": loop}, rounds)
    fit = fits["all"]
    np.testing.assert_allclose(
        fit.criterion[:sample],
        fits["loop"],
        rtol=1e-6,  # type: ignore[attr-defined]
    )
    scale = series / sample
    print(f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
          f"numpy {np.__version__}; load average {os.getloadavg()[0]:.1f}")  # fmt: skip
    print(f"{series} series x {YEARS.size} years, 0-{MAX_JOINPOINTS} joinpoints, Poisson, "
          f"weighted BIC; {rounds} interleaved rounds; loop timed on {sample} series x "
          f"{scale:g}")  # fmt: skip
    scaled = [(w * scale, c * scale) for w, c in times["loop"]]
    rows = {"vectorised (one call)": times["vectorised"], "plain loop, per series": scaled}
    for name, pairs in rows.items():
        wall = [w for w, _ in pairs]
        cpu = [c for _, c in pairs]
        print(f"{name:24s} wall best {min(wall):8.2f} s (spread {max(wall) - min(wall):.2f})"
              f"  CPU best {min(cpu):8.2f} s (spread {max(cpu) - min(cpu):.2f})")  # fmt: skip
    best_v = min(w for w, _ in rows["vectorised (one call)"])
    best_l = min(w for w, _ in rows["plain loop, per series"])
    print(f"loop / vectorised (best wall): {best_l / best_v:.1f}x; chosen joinpoints: "
          f"{np.bincount(fit.joinpoints[fit.joinpoints >= 0]).tolist()}")  # type: ignore[attr-defined]  # fmt: skip


if __name__ == "__main__":
    main()
