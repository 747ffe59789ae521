"""The statistics of mch_indicators, on plain arrays: no catalog, no pandas, no pint.

Arrays in, arrays out, in the style of statsmodels' ``stats`` and
PHEindicatormethods: one function per statistic, the method chosen by name.
Everything else in the library (an indicator's :meth:`~mch_indicators.Indicator.compute`,
the pandas, xarray and dask adapters, the command line) calls these same
functions, so every surface gives the same numbers.

Intervals
    :func:`proportion_ci`, :func:`poisson_ci`; with values and flags,
    :func:`proportion` and :func:`rate` (an :class:`Estimate`).
Flags and small numbers
    :class:`Flag`, :func:`flag_labels`, :class:`Reliability`, :class:`Suppression`,
    :func:`relative_standard_error`.
Standardisation
    :func:`dsr`, :func:`isr`, :func:`expected_counts` (a :class:`Standardised`).
Trends
    :func:`trend` (log-linear Poisson or logistic fits of the counts, a :class:`Trend`),
    :func:`arr`, :func:`arr_series`, :func:`percent_decline`, :func:`required_arr`,
    :func:`projection`, :func:`annualize`; :func:`joinpoint` (segments joined at estimated
    years, APC and AAPC, as NCI's Joinpoint, a :class:`Joinpoint`), :func:`default_max_joinpoints`.
Small areas
    :func:`smooth` (empirical Bayes rates, a :class:`Smoothed`).
Decomposition
    :func:`decompose` (Kitagawa, Das Gupta: composition and rate effects),
    :func:`decompose_factors` (Das Gupta's P factors), a :class:`Decomposition`.
Comparisons
    :func:`funnel_limits`, :func:`funnel_significance`, :func:`funnel_points`,
    :func:`funnel_dispersion`; :func:`compare_to_benchmark`, :func:`compare_rates`,
    :func:`compare_proportions`.

Only numpy is imported with this module, and each name's own module the first
time the name is used (so a computation does not load the trend fits, and the
exact limits of whole counts need no scipy).

Examples
--------
>>> from mch_indicators import stats
>>> lower, upper = stats.proportion_ci(9856, 12345)
>>> round(float(lower), 6), round(float(upper), 6)
(0.79121, 0.805364)
>>> lower, upper = stats.poisson_ci(2)
>>> round(float(lower), 4), round(float(upper), 4)
(0.2422, 7.2247)
"""

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from mch_indicators.stats._annual import (
        annualize,
        arr,
        arr_series,
        percent_decline,
        projection,
        required_arr,
    )
    from mch_indicators.stats._compare import (
        Assessment,
        BenchmarkComparison,
        Comparison,
        ProportionComparison,
        RateComparison,
        compare_proportions,
        compare_rates,
        compare_to_benchmark,
    )
    from mch_indicators.stats._decompose import Decomposition, decompose, decompose_factors
    from mch_indicators.stats._dispersion import Dispersion, funnel_dispersion
    from mch_indicators.stats._estimates import (
        Estimate,
        poisson_ci,
        proportion,
        proportion_ci,
        rate,
    )
    from mch_indicators.stats._flags import Flag, flag_labels
    from mch_indicators.stats._funnels import (
        FunnelLimits,
        FunnelPoints,
        FunnelSignificance,
        Significance,
        funnel_limits,
        funnel_points,
        funnel_significance,
    )
    from mch_indicators.stats._intervals import METHODS, IntervalMethod
    from mch_indicators.stats._joinpoint import Joinpoint, default_max_joinpoints, joinpoint
    from mch_indicators.stats._reliability import Reliability, Suppression, relative_standard_error
    from mch_indicators.stats._smooth import Smoothed, smooth
    from mch_indicators.stats._standardise import Standardised, dsr, expected_counts, isr
    from mch_indicators.stats._trend import Change, Trend, trend

__all__ = [
    "METHODS",
    "Assessment",
    "BenchmarkComparison",
    "Change",
    "Comparison",
    "Decomposition",
    "Dispersion",
    "Estimate",
    "Flag",
    "FunnelLimits",
    "FunnelPoints",
    "FunnelSignificance",
    "IntervalMethod",
    "Joinpoint",
    "ProportionComparison",
    "RateComparison",
    "Reliability",
    "Significance",
    "Smoothed",
    "Standardised",
    "Suppression",
    "Trend",
    "annualize",
    "arr",
    "arr_series",
    "compare_proportions",
    "compare_rates",
    "compare_to_benchmark",
    "decompose",
    "decompose_factors",
    "default_max_joinpoints",
    "dsr",
    "expected_counts",
    "flag_labels",
    "funnel_dispersion",
    "funnel_limits",
    "funnel_points",
    "funnel_significance",
    "isr",
    "joinpoint",
    "percent_decline",
    "poisson_ci",
    "projection",
    "proportion",
    "proportion_ci",
    "rate",
    "relative_standard_error",
    "required_arr",
    "smooth",
    "trend",
]

# name -> the module it lives in; imported on first access (PEP 562)
_LAZY = {
    "annualize": "_annual",
    "arr": "_annual",
    "arr_series": "_annual",
    "percent_decline": "_annual",
    "projection": "_annual",
    "required_arr": "_annual",
    "Assessment": "_compare",
    "BenchmarkComparison": "_compare",
    "Comparison": "_compare",
    "ProportionComparison": "_compare",
    "RateComparison": "_compare",
    "compare_proportions": "_compare",
    "compare_rates": "_compare",
    "compare_to_benchmark": "_compare",
    "Decomposition": "_decompose",
    "decompose": "_decompose",
    "decompose_factors": "_decompose",
    "Dispersion": "_dispersion",
    "funnel_dispersion": "_dispersion",
    "Estimate": "_estimates",
    "poisson_ci": "_estimates",
    "proportion": "_estimates",
    "proportion_ci": "_estimates",
    "rate": "_estimates",
    "Flag": "_flags",
    "flag_labels": "_flags",
    "FunnelLimits": "_funnels",
    "FunnelPoints": "_funnels",
    "FunnelSignificance": "_funnels",
    "Significance": "_funnels",
    "funnel_limits": "_funnels",
    "funnel_points": "_funnels",
    "funnel_significance": "_funnels",
    "METHODS": "_intervals",
    "IntervalMethod": "_intervals",
    "Joinpoint": "_joinpoint",
    "default_max_joinpoints": "_joinpoint",
    "joinpoint": "_joinpoint",
    "Reliability": "_reliability",
    "Suppression": "_reliability",
    "relative_standard_error": "_reliability",
    "Smoothed": "_smooth",
    "smooth": "_smooth",
    "Standardised": "_standardise",
    "dsr": "_standardise",
    "expected_counts": "_standardise",
    "isr": "_standardise",
    "Change": "_trend",
    "Trend": "_trend",
    "trend": "_trend",
}


def __getattr__(name: str) -> object:
    from mch_indicators._lazy import lazy_attribute

    return lazy_attribute(__name__, _LAZY, name, globals())


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
