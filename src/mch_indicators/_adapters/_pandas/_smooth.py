"""Empirical Bayes smoothing of the areas of a pandas DataFrame (one row per area).

One fit per group (``by``, e.g. the year); every row is kept, in order. The
statistics are :func:`mch_indicators.stats.smooth`'s; the crude rate's interval is
the indicator's own (:meth:`mch_indicators.Indicator.compute`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from mch_indicators._adapters._columns import Columns, resolve
from mch_indicators._adapters._pandas._columns import check_frame, group_codes
from mch_indicators._adapters._pandas._compare import target_value
from mch_indicators._adapters._pandas._index import index_as_columns, index_restored
from mch_indicators._adapters._pandas._labelled import analysis_columns
from mch_indicators._checks import attach
from mch_indicators._errors import InvalidInputError
from mch_indicators.stats import smooth as array_smooth
from mch_indicators.stats._smooth import MODELS

if TYPE_CHECKING:
    import pandas as pd

    from mch_indicators._model import Indicator
    from mch_indicators._targets import Target

__all__ = ["smooth"]

_PER_GROUP = ("mean", "dispersion", "between_sd", "p_value")


def _benchmark_value(benchmark: float | Target | None, indicator: Indicator) -> float | None:
    from mch_indicators._targets import Target

    if benchmark is None:
        return None
    if isinstance(benchmark, Target):
        return target_value(benchmark, indicator, "give its value as a number")
    if isinstance(benchmark, bool) or not isinstance(benchmark, int | float | np.number):
        raise InvalidInputError(
            f"benchmark must be a number in the indicator's unit or a Target, got {benchmark!r}"
        )
    return float(benchmark)


def smooth(
    frame: pd.DataFrame,
    indicator: str | Indicator,
    *,
    by: Columns = None,
    numerator: str | None = None,
    denominator: str | None = None,
    model: str | None = None,
    benchmark: float | Target | None = None,
    confidence: float = 0.95,
) -> pd.DataFrame:
    """Empirical Bayes smoothed rates of the areas: fit to rank and to map.

    A county with 800 births and 0–2 deaths ranks first or last by chance; its
    smoothed rate borrows strength from the other areas (Clayton & Kaldor's
    Poisson–gamma model for rates and ratios, the beta-binomial for proportions,
    fitted by maximum likelihood as R's SpatialEpi ``eBayes``). See
    :func:`mch_indicators.stats.smooth`.

    Parameters
    ----------
    frame : pandas.DataFrame
        One row per area (and group): the indicator's counts, found by the
        office's headers as :func:`mch_indicators.compute` finds them; total rows
        (合计...) are taken out and checked, never smoothed as an area.
    indicator : str or Indicator
        Decides the model (beta-binomial for proportions, Poisson–gamma
        otherwise), the multiplier and the crude interval's method.
    by : str or list of str, optional
        Groups smoothed separately (``"year"``): each group's rows are its areas.
    numerator, denominator : str, optional
        Count columns (default: the indicator's term ids).
    model : {"poisson-gamma", "beta-binomial"}, optional
        Override the indicator's model.
    benchmark : float or Target, optional
        In the indicator's unit: ``exceedance`` is the probability of a true
        rate above it. Default: each group's fitted overall rate.
    confidence : float, default 0.95
        Of the crude and the posterior intervals.

    Returns
    -------
    pandas.DataFrame
        The frame, every row in order, with ``crude``, ``crude_lower``,
        ``crude_upper`` (the indicator's interval), ``smoothed``,
        ``smoothed_lower``, ``smoothed_upper`` (posterior mean and equal-tailed
        interval), ``exceedance`` (posterior probability of a rate above
        ``benchmark``), ``benchmark``, ``weight`` (the crude rate's weight in the
        smoothed one), and per group ``model``, ``mean`` (the rate areas are
        shrunk towards), ``dispersion`` (φ̂), ``between_sd`` (the spread of the
        true rates), ``p_value`` (likelihood-ratio test of no variation beyond
        chance) and ``fit_note`` (why a group was not smoothed, or that φ̂ is on
        the boundary: no variation beyond chance, every area at the overall rate).
        Rows with missing counts get NaN. ``frame.attrs["confidence"]`` holds the
        level (for :func:`mch_indicators.plot.caterpillar`).

    Raises
    ------
    InvalidInputError
        Negative or non-whole counts (naming the row), a proportion's numerator
        above its denominator, an unknown column or model, a benchmark of the
        wrong kind.

    Examples
    --------
    >>> import pandas as pd, mch_indicators as mch
    >>> counties = pd.DataFrame({
    ...     "county": list("ABCDEFGH"),
    ...     "infant_deaths": [2, 14, 30, 5, 9, 41, 0, 12],
    ...     "live_births": [800, 3100, 9800, 1200, 4100, 9000, 600, 2500]})
    >>> out = mch.smooth(counties, "IMR")
    >>> out[["county", "crude", "smoothed"]].round(2).head(3).values.tolist()
    [['A', 2.5, 3.56], ['B', 4.52, 3.76], ['C', 3.06, 3.41]]
    >>> round(float(out["mean"].iloc[0]), 2), out["fit_note"].iloc[0]
    (3.62, '')
    """
    frame, moved = index_as_columns(check_frame(frame, "smooth"))
    chosen = resolve(indicator)
    columns = analysis_columns(frame, chosen, numerator, denominator, by)
    frame, keys, (x, n) = columns.frame, columns.keys, columns.counts()
    if model is not None and model not in MODELS:
        raise InvalidInputError(f"model must be one of {', '.join(MODELS)}, got {model!r}")
    kind = model or ("beta-binomial" if chosen.kind.family == "binomial" else "poisson-gamma")
    level = float(confidence)
    bench = _benchmark_value(benchmark, chosen)
    crude = chosen.compute(x, n, confidence=level, reliability=None)
    out = frame.copy()
    out["crude"] = np.asarray(crude.value, dtype=np.float64)
    out["crude_lower"] = np.asarray(crude.lower, dtype=np.float64)
    out["crude_upper"] = np.asarray(crude.upper, dtype=np.float64)
    smoothed = _smoothed_columns(x, n, frame, keys, kind, level, bench, float(chosen.scale))
    for name, values in smoothed.items():
        out[name] = values
    out.attrs["confidence"] = level
    return attach(index_restored(out, moved), columns.checks)


def _smoothed_columns(
    x: Any, n: Any, frame: pd.DataFrame, keys: list[str], model: str, level: float,
    benchmark: float | None, scale: float,
) -> dict[str, Any]:  # fmt: skip
    """The smoothing columns of every row, one fit per group."""
    codes, labels = group_codes(frame, keys)
    size = len(frame)
    names = ("smoothed", "smoothed_lower", "smoothed_upper", "exceedance", "benchmark",
             "weight", *_PER_GROUP)  # fmt: skip
    columns: dict[str, Any] = {name: np.full(size, np.nan) for name in names}
    columns["model"] = np.full(size, model, dtype=object)
    columns["fit_note"] = np.full(size, "", dtype=object)
    for group in range(len(labels)):
        rows = np.flatnonzero(codes == group)
        result = array_smooth(x[rows], n[rows], model=model, confidence=level,
                              benchmark=benchmark, multiplier=scale)  # fmt: skip
        for name, field in (("smoothed", "value"), ("smoothed_lower", "lower"),
                            ("smoothed_upper", "upper"), ("exceedance", "exceedance"),
                            ("weight", "weight")):  # fmt: skip
            columns[name][rows] = getattr(result, field)
        for name in (*_PER_GROUP, "benchmark"):
            columns[name][rows] = float(getattr(result, name))
        columns["fit_note"][rows] = str(result.reason)
    return columns
