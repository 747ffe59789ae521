"""Time mch_indicators against its peers in one process, on the same arrays.

    python benchmarks/run.py            # 10 million strata (about two minutes)
    python benchmarks/run.py --quick    # 200,000 strata, a smoke test for CI
    python benchmarks/run.py --size 1e6

Every row is the best of five runs after one warm-up run (one run for the slow
peers); the one-off compilation of the optional numba kernels is printed apart. Ratios are
against the memory floor, ``np.divide(numerator, denominator)``: the time to
read two arrays and write one. Results are recorded in benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import time
import tracemalloc
from collections.abc import Callable
from typing import Any

import numpy as np
import scipy
from scipy import stats

import mch_indicators as mch
from _timing import best_of


def peak_bytes(function: Callable[[], Any]) -> int:
    tracemalloc.start()
    tracemalloc.reset_peak()
    function()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak


def numpy_wilson(x: np.ndarray, n: np.ndarray, z: float) -> tuple[np.ndarray, np.ndarray]:
    """The textbook Wilson interval as one would write it in numpy."""
    p = x / n
    centre = p + z * z / (2 * n)
    half = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    scale = 1 + z * z / n
    return (centre - half) / scale, (centre + half) / scale


def scipy_exact(x: np.ndarray, n: np.ndarray, alpha: float) -> tuple[np.ndarray, np.ndarray]:
    """Exact Poisson limits by calling scipy's chi-square quantile directly."""
    with np.errstate(invalid="ignore"):
        lower = np.where(x > 0, stats.chi2.ppf(alpha / 2, 2 * x) / 2, 0.0) / n
    upper = stats.chi2.ppf(1 - alpha / 2, 2 * x + 2) / 2 / n
    return lower, upper


def numpy_path(function: Callable[[], Any]) -> Any:
    """Run ``function`` with the optional numba kernels switched off (as a user would)."""
    from mch_indicators.stats import _kernels

    def forget() -> None:
        _kernels.fused_kernels.cache_clear()
        _kernels.backend_choice.cache_clear()

    os.environ[_kernels.BACKEND_VARIABLE] = "numpy"
    forget()
    try:
        return function()
    finally:
        del os.environ[_kernels.BACKEND_VARIABLE]
        forget()


def bench_import(repeats: int) -> dict[str, float]:
    """Median wall time of a fresh interpreter importing numpy, and mch_indicators."""
    import statistics
    import subprocess
    import sys

    def fresh(code: str) -> float:
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], check=True)
        return time.perf_counter() - start

    times: dict[str, list[float]] = {"python": [], "numpy": [], "mch_indicators": []}
    for _ in range(repeats):  # interleaved, so that a busy moment hits all three alike
        times["python"].append(fresh("pass"))
        times["numpy"].append(fresh("import numpy"))
        times["mch_indicators"].append(fresh("import mch_indicators"))
    return {name: statistics.median(values) for name, values in times.items()}


def bench_flags(
    proportion: Any, ratio: Any, x: np.ndarray, n: np.ndarray, repeats: int
) -> dict[str, float]:
    """Wilson and exact Poisson with and without reliability flags on one count mix."""
    return {
        "Wilson, flags": best_of(lambda: proportion.compute(x, n), repeats),
        "Wilson, no flags": best_of(lambda: proportion.compute(x, n, reliability=None), repeats),
        "exact Poisson, flags": best_of(lambda: ratio.compute(x, n), repeats),
        "exact Poisson, no flags": best_of(lambda: ratio.compute(x, n, reliability=None), repeats),
    }


def bench_pool(size: int, repeats: int) -> list[tuple[str, float]]:
    """Pooled MMR over a long table of county-year-stratum counts, against plain pandas."""
    import pandas as pd

    rng = np.random.default_rng(7)
    counties, years = 3_000, 10
    frame = pd.DataFrame(
        {
            "county": rng.integers(0, counties, size),
            "year": rng.integers(2015, 2015 + years, size),
            "deaths": rng.poisson(0.3, size).astype(np.int64),
            "births": rng.integers(50, 3_000, size).astype(np.int64),
        }
    )

    def by_hand() -> Any:
        sums = frame.groupby(["county", "year"], observed=True)[["deaths", "births"]].sum()
        x = sums["deaths"].to_numpy(dtype=np.float64)
        n = sums["births"].to_numpy(dtype=np.float64)
        value = x / n * 1e5
        lower = np.where(x > 0, stats.chi2.ppf(0.025, 2 * x) / 2, 0.0) / n * 1e5
        upper = stats.chi2.ppf(0.975, 2 * x + 2) / 2 / n * 1e5
        return sums.assign(value=value, lower=lower, upper=upper)

    def ours() -> Any:
        return mch.pool(
            frame, "MMR", numerator="deaths", denominator="births", by=["county", "year"]
        )

    mine, peer = ours(), by_hand()
    assert np.allclose(mine["value"].to_numpy(), peer["value"].to_numpy(), rtol=1e-12)
    assert np.allclose(mine["upper"].to_numpy(), peer["upper"].to_numpy(), rtol=1e-12)
    return [
        ("pandas groupby-sum + numpy (value, exact limits)", best_of(by_hand, repeats)),
        ("mch_indicators pool (value, limits, flags)", best_of(ours, repeats)),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=float, default=1e7)
    parser.add_argument("--quick", action="store_true", help="200,000 strata")
    args = parser.parse_args()
    size = 200_000 if args.quick else int(args.size)
    repeats = 5

    from statsmodels.stats.proportion import proportion_confint

    rng = np.random.default_rng(2026)
    births = rng.integers(500, 40_000, size).astype(np.float64)
    covered = np.floor(births * rng.uniform(0.85, 1.0, size))  # proportions: 85-100 %
    deaths = rng.poisson(births * 1e-4).astype(np.float64)  # realistic: many small counts
    proportion = mch.get("hospital_delivery_rate_cn")
    ratio = mch.get("maternal_mortality_ratio")
    z = float(stats.norm.ppf(0.975))
    input_bytes = births.nbytes * 2

    start = time.perf_counter()  # the first call in a process compiles the numba kernels
    proportion.compute(covered[:100_000], births[:100_000])
    ratio.compute(deaths[:100_000], births[:100_000])
    first_call = time.perf_counter() - start

    rows: list[tuple[str, float]] = []
    floor = best_of(lambda: np.divide(covered, births), repeats)
    rows.append(("memory floor: np.divide(numerator, denominator)", floor))
    rows.append(
        (
            "mch_indicators Wilson (value, limits, flags)",
            best_of(lambda: proportion.compute(covered, births), repeats),
        )
    )
    rows.append(
        (
            "mch_indicators Wilson, reliability flags off",
            best_of(lambda: proportion.compute(covered, births, reliability=None), repeats),
        )
    )
    rows.append(
        (
            "mch_indicators Wilson, numpy path (no kernel)",
            best_of(lambda: numpy_path(lambda: proportion.compute(covered, births)), repeats),
        )
    )
    rows.append(
        ("hand-written numpy Wilson", best_of(lambda: numpy_wilson(covered, births, z), repeats))
    )
    rows.append(
        (
            "statsmodels proportion_confint wilson",
            best_of(lambda: proportion_confint(covered, births, method="wilson"), 1),
        )
    )
    rows.append(
        (
            "mch_indicators Clopper-Pearson",
            best_of(lambda: proportion.compute(covered, births, method="clopper_pearson"), 1),
        )
    )
    rows.append(
        (
            "statsmodels proportion_confint beta",
            best_of(lambda: proportion_confint(covered, births, method="beta"), 1),
        )
    )
    rows.append(
        ("mch_indicators exact Poisson", best_of(lambda: ratio.compute(deaths, births), repeats))
    )
    rows.append(
        (
            "mch_indicators exact Poisson, numpy path",
            best_of(lambda: numpy_path(lambda: ratio.compute(deaths, births)), repeats),
        )
    )
    rows.append(("scipy chi2.ppf exact Poisson", best_of(
        lambda: scipy_exact(deaths, births, 0.05), 1)))  # fmt: skip

    ours = ratio.compute(deaths, births, reliability=None)
    peer_lower, peer_upper = scipy_exact(deaths, births, 0.05)
    with np.errstate(invalid="ignore", divide="ignore"):
        worst = max(
            float(np.nanmax(np.abs(ours.upper / 1e5 - peer_upper) / peer_upper)),
            float(
                np.nanmax(
                    np.where(peer_lower > 0, np.abs(ours.lower / 1e5 - peer_lower) / peer_lower, 0)
                )
            ),
        )
    wilson_peak = peak_bytes(lambda: proportion.compute(covered, births))
    exact_peak = peak_bytes(lambda: ratio.compute(deaths, births))

    print(f"strata: {size:,}; distinct death counts: {np.unique(deaths).size}")
    from mch_indicators.stats._kernels import fused_kernels

    kernel = "numba kernels" if fused_kernels() is not None else "numpy path (numba not installed)"
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}, numpy {np.__version__}, scipy {scipy.__version__}; "
        f"Wilson and exact Poisson: {kernel}"
    )
    print(f"first calls in this process (numba compiles its kernels): {first_call:.1f} s")
    print()
    print(f"{'what':<50} {'seconds':>9} {'x floor':>8}")
    for name, seconds in rows:
        print(f"{name:<50} {seconds:>9.4f} {seconds / floor:>8.1f}")
    by_name = dict(rows)
    exact_gain = by_name["scipy chi2.ppf exact Poisson"] / by_name["mch_indicators exact Poisson"]
    beta_gain = (
        by_name["statsmodels proportion_confint beta"] / by_name["mch_indicators Clopper-Pearson"]
    )
    print()
    print(
        f"exact Poisson speed-up over scipy: {exact_gain:.0f}x; "
        f"worst relative difference {worst:.1e}"
    )
    print(f"Clopper-Pearson against statsmodels beta: {beta_gain:.1f}x")
    print(
        f"peak memory / input size: Wilson {wilson_peak / input_bytes:.2f}, "
        f"exact Poisson {exact_peak / input_bytes:.2f}"
    )
    flags_mixes = {
        "mix 1 (births 500-40,000; deaths Poisson, 19 distinct)": bench_flags(
            proportion, ratio, deaths, births, repeats
        ),
    }
    # mix 2: denominators uniform in 1-20,000 and Binomial(n, 1 %) numerators: a few
    # hundred distinct counts, most above 20, so few strata are flagged
    births_2 = rng.integers(1, 20_001, size).astype(np.float64)
    events_2 = rng.binomial(births_2.astype(np.int64), 0.01).astype(np.float64)
    flags_mixes[
        f"mix 2 (births 1-20,000; Binomial(n, 1 %), {np.unique(events_2).size} distinct)"
    ] = bench_flags(proportion, ratio, events_2, births_2, repeats)
    print()
    print("reliability flags: time with flags / time without")
    for mix, timed in flags_mixes.items():
        wilson = timed["Wilson, flags"] / timed["Wilson, no flags"]
        exact = timed["exact Poisson, flags"] / timed["exact Poisson, no flags"]
        print(f"  {mix}: Wilson {wilson:.2f}x, exact Poisson {exact:.2f}x")
        for name, seconds in timed.items():
            print(f"    {name:<46} {seconds:>9.4f}")

    imports = bench_import(5 if args.quick else 15)
    print()
    print("fresh interpreter, median wall time (s): " + ", ".join(
        f"{name} {seconds:.3f}" for name, seconds in imports.items()))  # fmt: skip
    print(
        "import mch_indicators costs "
        f"{(imports['mch_indicators'] - imports['numpy']) * 1000:+.0f} ms against import numpy"
    )

    pooled = bench_pool(size, repeats)
    print()
    print(f"pooling {size:,} county-year-stratum rows into 30,000 county-years")
    for name, seconds in pooled:
        print(f"{name:<50} {seconds:>9.4f}")
    print(f"pool against plain pandas: {pooled[1][1] / pooled[0][1]:.2f}x the time")


if __name__ == "__main__":
    main()
