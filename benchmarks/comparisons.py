"""Time the comparisons: funnels for many areas, trends for many counties.

    python benchmarks/comparisons.py            # 100,000 areas; 3,000 counties x 10 years
    python benchmarks/comparisons.py --quick    # 10,000 areas; 300 counties (a smoke test)

* Funnel limits (PHE's 100-point grid, its bisection reproduced) and each area's
  significance, for proportions, ratios and rates, each in one call.
* Trends: :func:`mch_indicators.stats.trend` fits every county in one call; the peer
  is the plain loop a user would write, one ``statsmodels`` Poisson GLM per county
  (default tolerance). Both are checked to give the same slope, standard error and
  p-value to 1e-8 (relative).

Each row is the best of three runs after a warm-up (one run for the statsmodels loop).
Results are recorded in benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import time
import warnings
from typing import Any

import numpy as np
import scipy
import statsmodels
import statsmodels.api as sm

from _timing import best_of
from mch_indicators import stats


def funnels(areas: int, rng: np.random.Generator) -> list[tuple[str, float]]:
    n = rng.integers(500, 40_000, size=areas).astype(float)
    x = rng.binomial(n.astype(int), 0.97).astype(float)
    deaths = rng.poisson(n * 5e-3).astype(float)
    expected = n * 5e-3 * rng.uniform(0.8, 1.2, size=areas)
    rate = np.where(deaths > 0, deaths / n * 1e5, 0.0)
    rows = []
    for label, call in (
        ("proportion limits", lambda: stats.funnel_limits(x, n, statistic="proportion")),
        ("proportion significance",
         lambda: stats.funnel_significance(x, n, statistic="proportion")),
        ("ratio (isr) limits", lambda: stats.funnel_limits(
            deaths, expected, statistic="ratio", ratio_type="isr")),
        ("ratio significance",
         lambda: stats.funnel_significance(deaths, expected, statistic="ratio")),
        ("rate (crude) limits", lambda: stats.funnel_limits(
            deaths, n, rate=rate, statistic="rate", rate_type="crude", years=1)),
        ("rate significance", lambda: stats.funnel_significance(
            deaths, n, rate=rate, statistic="rate", rate_type="crude")),
        ("over-dispersion (additive, proportions)",
         lambda: stats.funnel_dispersion(x, n, statistic="proportion")),
    ):  # fmt: skip
        rows.append((label, best_of(call, 3)))
    return rows


def statsmodels_loop(
    x: np.ndarray, n: np.ndarray, years: np.ndarray, converge: bool
) -> np.ndarray:
    """One statsmodels Poisson GLM per county; ``converge`` refits from the estimate.

    statsmodels stops when the deviance changes by less than 1e-8 (relative) and takes
    its covariance from the weights of the step before: standard errors then differ
    from the maximum-likelihood ones by about 1e-6. One more step from its own estimate
    (``start_params``) gives them to 1e-12, which is what "the same numbers" needs.
    """
    design = sm.add_constant(years - years.mean())
    out = np.empty((x.shape[0], 3))
    for i in range(x.shape[0]):
        model = sm.GLM(x[i], design, family=sm.families.Poisson(), offset=np.log(n[i]))
        fit = model.fit()
        if converge:
            fit = model.fit(start_params=fit.params)
        out[i] = fit.params[1], fit.bse[1], fit.pvalues[1]
    return out


def trends(counties: int, rng: np.random.Generator) -> dict[str, Any]:
    years = np.arange(2015, 2025, dtype=float)
    n = rng.integers(2_000, 40_000, size=(counties, years.size)).astype(float)
    level = rng.uniform(2e-3, 8e-3, size=counties)[:, None]
    slope = rng.normal(-0.03, 0.04, size=counties)[:, None]
    x = rng.poisson(n * level * np.exp(slope * (years - years[0]))).astype(float)

    def ours() -> Any:
        return stats.trend(x, n, years, dispersion="none", min_points=3)

    ours_time = best_of(ours, 3)
    fit = ours()
    got = np.column_stack([fit.slope, fit.standard_error, fit.p_value])
    result: dict[str, Any] = {"ours": ours_time, "iterations": fit.iterations}
    for name, converge in (("peer", False), ("peer_converged", True)):
        start = time.perf_counter()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            peer = statsmodels_loop(x, n, years, converge)
        result[name] = time.perf_counter() - start
        result[f"{name}_worst"] = (np.abs(got - peer) / np.abs(peer)).max(axis=0)
    result["quasi"] = best_of(
        lambda: stats.trend(x, n, years, dispersion="quasi", min_points=3), 3
    )
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="10,000 areas, 300 counties")
    arguments = parser.parse_args()
    areas, counties = (10_000, 300) if arguments.quick else (100_000, 3_000)
    rng = np.random.default_rng(20261122)
    print(
        f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"numpy {np.__version__}, scipy {scipy.__version__}, statsmodels {statsmodels.__version__}"
    )
    print(f"\nFunnels for {areas:,} areas (one call each, best of 3):")
    for label, seconds in funnels(areas, rng):
        print(f"  {label:<42} {seconds * 1000:9.1f} ms")
    result = trends(counties, rng)
    print(f"\nTrends for {counties:,} counties x 10 years:")
    print(f"  mch_indicators stats.trend, one call         {result['ours'] * 1000:9.1f} ms "
          f"({result['iterations']} IRLS steps)")  # fmt: skip
    print(f"  same with dispersion='quasi'                 {result['quasi'] * 1000:9.1f} ms")
    for name, label in (("peer", "statsmodels GLM per county, default fit"),
                        ("peer_converged", "statsmodels GLM per county, converged")):  # fmt: skip
        slope, se, p = result[f"{name}_worst"]
        print(f"  {label:<44} {result[name] * 1000:9.1f} ms  "
              f"ratio {result[name] / result['ours']:7.1f}x  "
              f"worst difference: slope {slope:.1e}, SE {se:.1e}, p {p:.1e}")  # fmt: skip
    if max(result["peer_converged_worst"]) > 1e-8:
        raise SystemExit("trend results differ from converged statsmodels by more than 1e-8")


if __name__ == "__main__":
    main()
