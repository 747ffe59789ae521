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

Only numpy is imported with this module; scipy is imported by the first
interval that needs it.

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
from mch_indicators.stats._estimates import Estimate, poisson_ci, proportion, proportion_ci, rate
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
