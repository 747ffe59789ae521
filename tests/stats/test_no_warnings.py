"""No warning escapes a statistic, whatever counts it is handed (docs/bad-input.md).

Every public function of :mod:`mch_indicators.stats` (and the methods of what they
return) is driven with counts at the edges where arithmetic breaks (all zero, x = n,
2**53, subnormal denominators, a last year of 20,000 events in 10,000 births,
negative years) under ``warnings.simplefilter("error")``: each call either
refuses its input with a typed error or returns numbers, none of them infinite.
"""

from __future__ import annotations

import dataclasses
import os
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import mch_indicators as mch
from contract import promise
from mch_indicators import stats
from strategies import edge_count_pairs, edge_series

#: Examples per sweep; MCH_SWEEP_EXAMPLES=2000 searches longer (by hand, not in CI).
SWEEP = settings(max_examples=int(os.environ.get("MCH_SWEEP_EXAMPLES", "60")), deadline=None)


def numbers_in(result: Any) -> list[np.ndarray]:
    """The float arrays of a result (a dataclass, a tuple of arrays, an array)."""
    if dataclasses.is_dataclass(result):
        parts = [getattr(result, field.name) for field in dataclasses.fields(result)]
    elif isinstance(result, tuple | list):
        parts = list(result)
    else:
        parts = [result]
    arrays = [np.asarray(part) for part in parts if isinstance(part, np.ndarray | float)]
    return [a for a in arrays if a.dtype.kind == "f"]


def run(call: Callable[[], Any], *, infinite: Any = False) -> Any:
    """``call()`` with every warning an error; a typed error is an answer, as is a result.

    No number of the result is infinite, except where ``infinite`` (a mask) says the
    documentation promises it (the relative standard error of 0 events).
    """
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        try:
            result = call()
        except mch.MCHIndicatorsError:
            return None
    for array in numbers_in(result):
        wrong = np.isinf(array) & ~np.broadcast_to(infinite, array.shape)
        assert not wrong.any(), f"an infinite number in {type(result).__name__}"
    return result


ARRAYS: dict[str, Callable[[np.ndarray, np.ndarray], Any]] = {
    "proportion_ci": lambda x, n: stats.proportion_ci(x, n),
    "poisson_ci": lambda x, n: stats.poisson_ci(x),
    "proportion": lambda x, n: stats.proportion(x, n, on_invalid="flag"),
    "rate": lambda x, n: stats.rate(x, n, multiplier=1e9),
    "rse": lambda x, n: stats.relative_standard_error(x, n, binomial=False),
    "rse binomial": lambda x, n: stats.relative_standard_error(x, n, binomial=True),
    "isr": lambda x, n: stats.isr(x, n),
    "dsr": lambda x, n: stats.dsr(x[None, :], n[None, :], np.ones(x.size)),
    "expected_counts": lambda x, n: stats.expected_counts(n[None, :], x, n),
    "compare_rates": lambda x, n: stats.compare_rates(x, n, x[::-1], n[::-1]),
    "compare_proportions": lambda x, n: stats.compare_proportions(x, n, x[::-1], n[::-1]),
    "compare_to_benchmark": lambda x, n: stats.compare_to_benchmark(
        x, n, 1.0, statistic="rate", multiplier=1000.0
    ),
    "compare_to_benchmark counts": lambda x, n: stats.compare_to_benchmark(
        x, n, benchmark_counts=(x.sum(), n.sum())
    ),
}
FUNNELS = {
    "proportion": {"statistic": "proportion"},
    "ratio": {"statistic": "ratio", "ratio_type": "count"},
    "isr": {"statistic": "ratio", "ratio_type": "isr"},
}


@SWEEP
@given(st.sampled_from(sorted(ARRAYS)), edge_count_pairs())
def test_the_array_statistics_warn_about_nothing(name, pair):
    x, n = pair
    documented = (x == 0) & (n > 0) if name.startswith("rse") else False
    run(lambda: ARRAYS[name](x, n), infinite=documented)


@SWEEP
@given(st.sampled_from(sorted(FUNNELS)), edge_count_pairs(), st.sampled_from(["phe", "exact"]))
def test_funnels_warn_about_nothing(name, pair, method):
    x, n = pair
    options = FUNNELS[name]
    run(lambda: stats.funnel_limits(x, n, method=method, **options))
    run(lambda: stats.funnel_significance(x, n, statistic=options["statistic"]))
    dispersion = run(lambda: stats.funnel_dispersion(x, n, statistic=options["statistic"]))
    if dispersion is not None:
        run(lambda: dispersion.limits(np.array([1.0, 10.0, 1e6])))


@SWEEP
@given(edge_count_pairs(), st.sampled_from(["crude", "dsr"]), st.data())
def test_rate_funnels_warn_about_nothing(pair, rate_type, data):
    x, n = pair
    with np.errstate(all="ignore"):
        rates = x / n * 1e5
    given_rates = data.draw(st.sampled_from([rates, np.where(n > 0, rates, 5.0)]))
    options = {"rate": given_rates, "rate_type": rate_type}
    run(lambda: stats.funnel_limits(x, n, statistic="rate", years=3, **options))
    run(lambda: stats.funnel_significance(x, n, statistic="rate", **options))
    run(lambda: stats.funnel_points(x, given_rates, n, rate_type=rate_type, years=3))
    run(lambda: stats.funnel_dispersion(x, n, statistic="rate", **options))


@SWEEP
@given(edge_series(), st.sampled_from(["quasi", "none"]), st.sampled_from([0.95, 0.998]))
def test_trends_warn_about_nothing(series, dispersion, confidence):
    x, n, years = series
    for family in ("poisson", "binomial"):
        fitted = run(
            lambda family=family: stats.trend(
                x, n, years, family=family, dispersion=dispersion, confidence=confidence,
                min_points=3, multiplier=100_000,
            )
        )  # fmt: skip
        if fitted is None:
            continue
        run(lambda fitted=fitted: fitted.arr(form="compound"))
        run(lambda fitted=fitted: fitted.arr(confidence=0.9999))
        run(lambda fitted=fitted: fitted.projection(years[-1] + 10))
        run(lambda fitted=fitted: fitted.projection(years, confidence=0.9999))
        run(lambda fitted=fitted: fitted.prediction(years[-1] + 10))
        run(lambda fitted=fitted: fitted.prediction(years[-1] + 10, n[..., -1] + 1.0))


@SWEEP
@given(edge_series())
def test_annual_rates_warn_about_nothing(series):
    x, n, years = series
    with np.errstate(all="ignore"):
        values = (x / n)[0] * 1e5
    run(lambda: stats.arr(values[0], values[-1], years[0], years[-1], form="compound"))
    run(lambda: stats.arr_series(values, years))
    # a rise from a rate near 0 beyond the float range is -inf, as documented
    run(lambda: stats.percent_decline(values[0], values[-1]), infinite=True)
    run(lambda: stats.required_arr(values[-1], years[-1], values[0], years[-1] + 10))
    run(lambda: stats.projection(values[-1], years[-1], 50.0, years[-1] + 100, form="compound"))
    run(lambda: stats.annualize(x[0], months=np.full(x.shape[1], 3.0)))


def test_a_decline_from_a_tiny_rate_is_an_unbounded_rise_without_a_warning():
    # found by the sweep above: 1e10 / 4.57e-303 overflows the float range
    assert run(lambda: stats.percent_decline(4.57e-303, 1e10), infinite=True) == -np.inf


def test_a_trend_with_a_denominator_near_zero_has_no_interval_and_says_why():
    # found by the sweep above: the quasi-Poisson dispersion overflowed with a warning
    x = np.array([[0.0, 0.0, 9.0, 0.0, 0.0]])
    n = np.array([[1e4, 1e4, 1.33092662e-303, 1e4, 1e4]])
    fitted = run(lambda: stats.trend(x, n, np.arange(1990.0, 1995.0), dispersion="quasi"))
    assert np.isnan(fitted.slope[0]) and "too wide" in fitted.reason[0]


# -- the cases of issue 23 -----------------------------------------------------------------


@promise("edge-counts", "arrays")
def test_a_rate_funnel_of_areas_without_events_has_no_width_and_says_so():
    limits = run(
        lambda: stats.funnel_limits([0, 0, 0], [1000, 2000, 3000], statistic="rate",
                                    rate=[0.0, 0.0, 0.0], rate_type="crude", years=1)
    )  # fmt: skip
    assert limits.baseline == 0.0
    assert np.isnan(limits.lower).all() and np.isnan(limits.upper_x).all()
    assert "no events" in limits.reason
    plain = stats.funnel_limits([1, 0, 0], [1000, 2000, 3000], statistic="rate",
                                rate=[100.0, 0.0, 0.0], rate_type="crude", years=1)  # fmt: skip
    assert plain.reason == "" and np.isfinite(plain.lower).all()


@promise("edge-counts", "trends")
@promise("extreme-magnitudes", "trends")
def test_a_trend_whose_interval_overflows_cannot_be_calculated_and_says_why():
    fitted = run(lambda: stats.trend([1, 1, 1, 1, 20_000], [10_000] * 5, range(2016, 2021)))
    assert fitted.change.tolist() == "cannot be calculated"
    assert "too wide" in str(fitted.reason)
    assert np.isnan(fitted.apc) and np.isnan(fitted.apc_upper)
    plain = stats.trend([1, 1, 1, 1, 20_000], [10_000] * 5, range(2016, 2021), dispersion="none")
    assert plain.change.tolist() == "increasing" and np.isfinite(plain.apc_upper)


@promise("extreme-magnitudes", "trends")
def test_a_trend_line_that_would_overflow_is_refused_naming_the_year():
    fitted = stats.trend([40, 36, 35, 30, 29], [10_000] * 5, range(2019, 2024), multiplier=1e9)
    assert np.isfinite(fitted.projection(2030)).all()
    with pytest.raises(mch.InvalidInputError, match="10000"):
        fitted.projection(-10_000)
    assert np.isfinite(fitted.prediction(2030)).all()
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # it overflows: refused, and no warning escapes
        with pytest.raises(mch.InvalidInputError, match="in -10000"):
            fitted.prediction(-10_000)


def test_a_trend_multiplier_is_checked_like_every_multiplier():
    with pytest.raises(mch.InvalidInputError, match="multiplier"):
        stats.trend([40, 36, 35], [10_000] * 3, range(2019, 2022), multiplier=1e300)
