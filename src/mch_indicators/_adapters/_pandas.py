"""pandas in, pandas out: compute, pool and standardise from DataFrame columns.

Every function checks its columns first (missing, non-numeric, boolean: an
``InvalidInputError`` naming the column) and never modifies the input frame.
Output frames are tidy: one row per stratum or group, the grouping columns
first, then ``indicator, numerator, denominator, value, lower, upper, unit,
flags`` (limits suffixed ``_95``, ``_99.8``... when several levels are asked for).
"""

from __future__ import annotations

import difflib
from collections.abc import Hashable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Literal, cast

import numpy as np
import numpy.typing as npt

from mch_indicators._core import flag_labels
from mch_indicators._core._standardize import (
    direct_standardise,
    expected_counts,
    indirect_standardise,
)
from mch_indicators._errors import InvalidInputError
from mch_indicators._model import DEFAULT_RELIABILITY, Indicator
from mch_indicators._result import Result, limit_columns
from mch_indicators._standards import StandardPopulation, normalize_band, standard_population

if TYPE_CHECKING:
    import pandas as pd

    from mch_indicators._core import Reliability, Suppression

__all__ = ["compute_frame", "dsr", "isr", "pool"]

FloatArray = npt.NDArray[np.float64]
Columns = str | Sequence[str] | None

_SCALE_UNIT = {
    1: "fraction",
    100: "percent",
    1000: "per_1k",
    10_000: "per_10k",
    100_000: "per_100k",
}


def _pandas() -> Any:
    try:
        import pandas as pd
    except ImportError:  # pragma: no cover - depends on the environment
        raise ImportError("tables need pandas: pip install 'mch-indicators[pandas]'") from None
    return pd


def _frame(obj: Any) -> pd.DataFrame:
    """``obj`` typed as a DataFrame (pandas is imported lazily, so calls return Any)."""
    return cast("pd.DataFrame", obj)


def _as_list(columns: Columns) -> list[str]:
    if columns is None:
        return []
    return [columns] if isinstance(columns, str) else list(columns)


def _check_frame(frame: object, function: str) -> pd.DataFrame:
    pd = _pandas()
    if not isinstance(frame, pd.DataFrame):
        raise InvalidInputError(
            f"{function}() needs a pandas DataFrame, got {type(frame).__name__}; for arrays "
            "use Indicator.compute(numerator, denominator)"
        )
    return _frame(frame)


def _require(
    frame: pd.DataFrame, columns: Sequence[str], role: str = "column", why: str = ""
) -> None:
    """Raise naming the first of ``columns`` missing from ``frame``, with the closest match."""
    for column in columns:
        if column not in frame.columns:
            close = difflib.get_close_matches(str(column), [str(c) for c in frame.columns], n=1)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            raise InvalidInputError(
                f"{role} {column!r} is not in the frame{why}{hint} (columns: "
                f"{', '.join(map(str, frame.columns))})"
            )


def _numbers(frame: pd.DataFrame, column: str) -> FloatArray:
    """A count column as float64 (missing values as NaN), or a clear error."""
    pd = _pandas()
    series = frame[column]
    if isinstance(series, pd.DataFrame):
        raise InvalidInputError(f"column {column!r} appears more than once in the frame")
    dtype = series.dtype
    if pd.api.types.is_bool_dtype(dtype) or not pd.api.types.is_numeric_dtype(dtype):
        converted = pd.to_numeric(series, errors="coerce")
        bad = series[(converted.isna() & series.notna()) | series.map(_is_bool)].head(1)
        example = ""
        if len(bad):
            where = bad.index[0]
            where = where.item() if hasattr(where, "item") else where  # numpy -> Python
            example = f"; row {where!r} holds {bad.iloc[0]!r}"
        raise InvalidInputError(
            f"column {column!r} is not numeric (dtype {dtype}){example}; convert it with "
            "pandas.to_numeric first"
        )
    values: FloatArray = series.to_numpy(dtype=np.float64, na_value=np.nan)
    return values


def _is_bool(value: object) -> bool:
    return isinstance(value, bool | np.bool_)


def _flag_column(flags: npt.NDArray[np.uint16]) -> npt.NDArray[np.object_]:
    """Readable flag labels for many rows: each distinct mask is labelled once."""
    distinct, positions = np.unique(flags.ravel(), return_inverse=True)
    labels = np.array(flag_labels(distinct), dtype=object)
    return labels[positions.ravel()]


def _result_columns(result: Result) -> dict[str, npt.NDArray[Any] | list[Any]]:
    """value, limits, unit and flags of a flat Result as columns."""
    columns: dict[str, Any] = {
        "indicator": np.full(result.size, result.indicator.id, dtype=object),
        "numerator": result.numerator.ravel(),
        "denominator": result.denominator.ravel(),
        "value": result.value.ravel(),
    }
    for i, (low, high) in enumerate(limit_columns(result.confidence)):
        columns[low] = result._lower[i].ravel()
        columns[high] = result._upper[i].ravel()
    columns["unit"] = np.full(result.size, result.unit, dtype=object)
    columns["flags"] = _flag_column(result.flags)
    if result.suppression is not None:
        columns["suppressed_because"] = np.array(result.reasons, dtype=object)
    return columns


def _resolve(indicator: str | Indicator) -> Indicator:
    from mch_indicators._catalog import builtin_catalog

    return builtin_catalog().get_indicator(indicator)


def _count_columns(
    frame: pd.DataFrame,
    indicator: Indicator | None,
    numerator: str | None,
    denominator: str | None,
) -> tuple[str, str]:
    if indicator is None:
        num, den = numerator or "numerator", denominator or "denominator"
        _require(frame, ["indicator"], "column")
    else:
        num = numerator or indicator.numerator.id
        den = denominator or indicator.denominator.id
    for role, column, default in (
        ("numerator", num, numerator is None),
        ("denominator", den, denominator is None),
    ):
        why = (
            f" (the {role} term of {indicator.id}; name your column with {role}=)"
            if default and indicator is not None
            else ""
        )
        _require(frame, [column], f"{role} column", why)
    return num, den


def _compute_long(
    indicators: Sequence[Hashable],
    x: FloatArray,
    n: FloatArray,
    options: Mapping[str, Any],
) -> dict[str, Any]:
    """Compute each indicator of a long table on its rows; columns in row order."""
    pd = _pandas()
    codes, keys = pd.factorize(pd.Series(indicators, dtype=object), use_na_sentinel=True)
    if (codes < 0).any():
        row = int(np.flatnonzero(codes < 0)[0])
        raise InvalidInputError(f"column 'indicator' is empty at position {row}")
    columns: dict[str, Any] = {}
    for code, key in enumerate(keys):
        rows = np.flatnonzero(codes == code)
        try:
            result = _resolve(str(key)).compute(x[rows], n[rows], **options)
        except InvalidInputError as error:
            raise InvalidInputError(f"indicator {key!r}: {error}") from None
        for name, values in _result_columns(result).items():
            if name not in columns:  # numbers start as NaN, labels as ""
                numeric = np.asarray(values).dtype.kind == "f"
                columns[name] = np.full(
                    x.size, np.nan if numeric else "", dtype=None if numeric else object
                )
            columns[name][rows] = values
    return columns


def _options(
    confidence: float | Sequence[float],
    method: str | None,
    on_invalid: Literal["raise", "flag"],
    reliability: Reliability | None,
    suppress: Suppression | str | None,
) -> dict[str, Any]:
    return {
        "confidence": confidence,
        "method": method,
        "on_invalid": on_invalid,
        "reliability": reliability,
        "suppress": suppress,
    }


def compute_frame(
    frame: pd.DataFrame,
    indicator: str | Indicator | None = None,
    *,
    numerator: str | None = None,
    denominator: str | None = None,
    confidence: float | Sequence[float] = 0.95,
    method: str | None = None,
    on_invalid: Literal["raise", "flag"] = "raise",
    reliability: Reliability | None = DEFAULT_RELIABILITY,
    suppress: Suppression | str | None = None,
) -> pd.DataFrame:
    """Compute an indicator on every row of a DataFrame; a tidy frame out.

    Parameters
    ----------
    frame : pandas.DataFrame
        One row per stratum. Its index and every column other than the counts
        (and ``indicator``) are kept, in front.
    indicator : str or Indicator, optional
        The indicator of every row. Without it the frame is a long table with
        an ``indicator`` column, and each indicator is computed on its rows.
    numerator, denominator : str, optional
        Count columns; by default the indicator's term ids (``infant_deaths``
        and ``live_births`` for the infant mortality rate), or ``numerator``
        and ``denominator`` for a long table.
    confidence, method, on_invalid, reliability, suppress
        As for :meth:`Indicator.compute`.

    Returns
    -------
    pandas.DataFrame
        The kept columns, then ``indicator, numerator, denominator, value,
        lower, upper, unit, flags``, with the input's index.

    Examples
    --------
    >>> import pandas as pd, mch_indicators as mch
    >>> counts = pd.DataFrame({"county": ["A", "B"], "infant_deaths": [12, 3],
    ...                        "live_births": [4210, 980]})
    >>> out = mch.compute(counts, "infant_mortality_rate")
    >>> out[["county", "value", "flags"]].round(2).to_dict("list")
    {'county': ['A', 'B'], 'value': [2.85, 3.06], 'flags': ['UNRELIABLE', 'UNRELIABLE']}
    """
    frame = _check_frame(frame, "compute")
    pd = _pandas()
    chosen = None if indicator is None else _resolve(indicator)
    num, den = _count_columns(frame, chosen, numerator, denominator)
    x, n = _numbers(frame, num), _numbers(frame, den)
    options = _options(confidence, method, on_invalid, reliability, suppress)
    if chosen is None:
        columns = _compute_long(frame["indicator"].tolist(), x, n, options)
    else:
        columns = _result_columns(chosen.compute(x, n, **options))
    kept = [c for c in frame.columns if c not in {num, den, "indicator"}]
    out = pd.DataFrame(columns, index=frame.index)
    return _frame(pd.concat([frame[kept], out], axis=1) if kept else out)


# -- pooling -------------------------------------------------------------------------


def _check_numeric(frame: pd.DataFrame, column: str) -> None:
    """Raise for a non-numeric count column without converting (or copying) it."""
    pd = _pandas()
    dtype = frame[column].dtype if column in frame.columns else None
    if (
        dtype is None
        or pd.api.types.is_bool_dtype(dtype)
        or not pd.api.types.is_numeric_dtype(dtype)
    ):
        _numbers(frame, column)  # raises with the offending row


def _group_sums(frame: pd.DataFrame, keys: list[str], counts: list[str]) -> pd.DataFrame:
    """Sums of ``counts`` by ``keys``; a missing count makes its group's sum NaN.

    The counts are summed in place by pandas (no float copy of a large frame);
    the result is float64.
    """
    for column in counts:
        _check_numeric(frame, column)
    if not keys:
        sums = frame[counts].sum().to_frame().T.astype(np.float64)
        for column in counts:
            if frame[column].hasnans:
                sums[column] = np.nan
        return _frame(sums)
    grouped = frame.groupby(keys, sort=True, observed=True, dropna=False)
    sums = grouped[counts].sum().astype(np.float64)
    for column in counts:
        if frame[column].hasnans:  # propagate missing counts, as summing by hand would
            missing = frame[column].isna().groupby([frame[k] for k in keys], observed=True,
                                                   dropna=False, sort=True).any()  # fmt: skip
            sums.loc[missing.to_numpy(), column] = np.nan
    return _frame(sums.reset_index())


def _rolling(
    sums: pd.DataFrame, keys: list[str], over: str, window: int, counts: list[str]
) -> pd.DataFrame:
    """Sums over ``window`` consecutive values of ``over`` within the other keys."""
    others = [k for k in keys if k != over]
    steps = _numbers(sums, over)
    if np.any(np.isnan(steps)) or np.any(steps != np.round(steps)):
        raise InvalidInputError(f"column {over!r} must hold whole numbers (years) to roll over")
    ordered = sums.sort_values([*others, over], kind="stable").reset_index(drop=True)
    group = ordered.groupby(others, sort=False, observed=True, dropna=False) if others else None
    rolled = {}
    for column in counts:
        series = ordered[column]
        rolled[column] = (
            group[column].rolling(window, min_periods=window).sum().reset_index(drop=True)
            if group is not None
            else series.rolling(window, min_periods=window).sum()
        )
    first = group[over].shift(window - 1) if group is not None else ordered[over].shift(window - 1)
    complete = ((ordered[over] - first) == window - 1).to_numpy()  # False where first is NaN
    out = ordered[keys].copy()
    start = (ordered[over] - (window - 1)).astype("int64").astype(str)
    out.insert(len(keys), "period", start + "–" + ordered[over].astype("int64").astype(str))
    for column in counts:
        out[column] = np.asarray(rolled[column], dtype=np.float64)
    return out[complete].reset_index(drop=True)


def _pool_keys(
    frame: pd.DataFrame,
    chosen: Indicator | None,
    by: Columns,
    over: str | None,
    window: int | None,
) -> list[str]:
    """Grouping columns of a pool: ``by``, then ``over``, then ``indicator`` for long tables."""
    keys = _as_list(by)
    if (over is None) != (window is None):
        raise InvalidInputError("rolling windows need both over= (a year column) and window=")
    if over is not None and over not in keys:
        keys = [*keys, over]
    if window is not None and (not isinstance(window, int) or window < 1):
        raise InvalidInputError(f"window must be a whole number of periods >= 1, got {window!r}")
    if chosen is None and "indicator" not in keys:
        keys = [*keys, "indicator"]
    _require(frame, keys, "grouping column")
    return keys


def pool(
    frame: pd.DataFrame,
    indicator: str | Indicator | None = None,
    *,
    numerator: str | None = None,
    denominator: str | None = None,
    by: Columns = None,
    over: str | None = None,
    window: int | None = None,
    confidence: float | Sequence[float] = 0.95,
    method: str | None = None,
    on_invalid: Literal["raise", "flag"] = "raise",
    reliability: Reliability | None = DEFAULT_RELIABILITY,
    suppress: Suppression | str | None = None,
) -> pd.DataFrame:
    """Pool strata by summing numerators and denominators, then compute.

    Rates are never averaged: the counts of the strata of each group are summed
    and the indicator (with its interval and flags) is computed on the sums, so
    a county with 1 death in 100 births and one with 50 in 10,000 pool to 51 in
    10,100. This is the right rule for every kind: a coverage sums its planned
    denominators, a density its populations.

    Parameters
    ----------
    frame : pandas.DataFrame
        Counts, one row per stratum (county-year, age band...).
    indicator : str or Indicator, optional
        The indicator; without it the frame is a long table with an
        ``indicator`` column and each indicator is pooled separately.
    numerator, denominator : str, optional
        Count columns (default: the indicator's term ids, or ``numerator`` and
        ``denominator`` for a long table).
    by : str or list of str, optional
        Grouping columns (county → city: ``by="city"``); None pools all rows.
    over, window : str and int, optional
        Rolling pooled windows: ``over="year", window=3`` sums each run of 3
        consecutive years within the ``by`` groups (``over`` is added to them);
        rows with a year missing in the window are left out.
    confidence, method, on_invalid, reliability, suppress
        As for :meth:`Indicator.compute`, applied to the pooled counts.

    Returns
    -------
    pandas.DataFrame
        One row per group: the ``by`` columns (and ``period`` for windows),
        ``indicator, numerator, denominator, value, lower, upper, unit, flags``.
        A missing count in any stratum makes its group NaN, flagged MISSING.
        Given a dask DataFrame, :func:`mch_indicators.pool` returns a lazy one.

    Examples
    --------
    >>> import pandas as pd, mch_indicators as mch
    >>> counts = pd.DataFrame({"city": ["X", "X", "Y"], "county": ["a", "b", "c"],
    ...                        "deaths": [1, 2, 0], "births": [9000, 17954, 5000]})
    >>> out = mch.pool(counts, "MMR", numerator="deaths", denominator="births", by="city")
    >>> out[["city", "numerator", "denominator"]].to_dict("list")
    {'city': ['X', 'Y'], 'numerator': [3.0, 0.0], 'denominator': [26954.0, 5000.0]}
    >>> out["value"].round(2).tolist()
    [11.13, 0.0]
    """
    frame = _check_frame(frame, "pool")
    pd = _pandas()
    chosen = None if indicator is None else _resolve(indicator)
    num, den = _count_columns(frame, chosen, numerator, denominator)
    keys = _pool_keys(frame, chosen, by, over, window)
    if num in keys or den in keys:
        raise InvalidInputError("a count column cannot also be a grouping column")
    if chosen is None:  # "MMR" and "maternal_mortality_ratio" are one group
        ids = {key: _resolve(str(key)).id for key in frame["indicator"].dropna().unique()}
        frame = frame.assign(indicator=frame["indicator"].map(ids))
    sums = _group_sums(frame, keys, [num, den])
    if over is not None and window is not None:
        sums = _rolling(sums, keys, over, window, [num, den])
    x, n = sums[num].to_numpy(dtype=np.float64), sums[den].to_numpy(dtype=np.float64)
    options = _options(confidence, method, on_invalid, reliability, suppress)
    if chosen is None:
        columns = _compute_long(sums["indicator"].tolist(), x, n, options)
    else:
        columns = _result_columns(chosen.compute(x, n, **options))
    front = [k for k in sums.columns if k not in {num, den, "indicator"}]
    return _frame(pd.concat([sums[front], pd.DataFrame(columns, index=sums.index)], axis=1))


# -- standardisation -----------------------------------------------------------------


def _groups(frame: pd.DataFrame, keys: list[str]) -> tuple[npt.NDArray[np.intp], pd.DataFrame]:
    """Group number of each row and one row of key values per group (sorted)."""
    pd = _pandas()
    if not keys:
        return np.zeros(len(frame), dtype=np.intp), pd.DataFrame(index=range(1))
    codes = frame.groupby(keys, sort=True, observed=True, dropna=False).ngroup().to_numpy()
    first = pd.Series(np.arange(len(frame))).groupby(codes).first().to_numpy()
    labels = frame[keys].iloc[first].reset_index(drop=True)
    return codes.astype(np.intp), labels


def _unit_of(multiplier: float) -> str:
    unit = _SCALE_UNIT.get(int(multiplier)) if float(multiplier).is_integer() else None
    if unit is None:
        raise InvalidInputError(
            f"multiplier must be one of {', '.join(map(str, _SCALE_UNIT))}, got {multiplier!r}"
        )
    return unit


def _limits(
    levels: tuple[float, ...], lower: FloatArray, upper: FloatArray
) -> dict[str, FloatArray]:
    columns = {}
    for i, (low, high) in enumerate(limit_columns(levels)):
        columns[low], columns[high] = lower[i], upper[i]
    return columns


def _standard_weights(
    frame: pd.DataFrame,
    standard: str | StandardPopulation | Mapping[str, float],
    bands: list[str],
    subset: bool,
) -> tuple[FloatArray, str]:
    """Weights of ``bands`` from a shipped standard, a mapping, or a column of the frame."""
    if isinstance(standard, str) and standard in frame.columns:
        weights = _numbers(frame, standard)
        by_band: dict[str, float] = {}
        for band, weight in zip(frame["__band__"], weights, strict=True):
            if by_band.setdefault(band, weight) != weight:
                raise InvalidInputError(
                    f"column {standard!r} gives two standard weights for age band {band!r}"
                )
        return np.array([by_band[b] for b in bands]), standard
    if isinstance(standard, Mapping):
        named = StandardPopulation(
            id="user_standard",
            name="standard given in the call",
            source="the caller",
            bands=tuple(str(b) for b in standard),
            weights=tuple(float(w) for w in standard.values()),
        )
        return named.weights_for(bands, subset=subset), named.id
    chosen = standard_population(standard)
    return chosen.weights_for(bands, subset=subset), chosen.id


def dsr(
    frame: pd.DataFrame,
    *,
    count: str,
    population: str,
    age: str,
    standard: str | StandardPopulation | Mapping[str, float],
    by: Columns = None,
    confidence: float | Sequence[float] = 0.95,
    multiplier: float = 100_000,
    frequency: str | None = None,
    subset: bool = False,
) -> pd.DataFrame:
    """Directly age-standardised rates with Dobson intervals, as PHE computes them.

    DSR = Σ wᵢ xᵢ / nᵢ / Σ wᵢ × multiplier; the limits scale Byar's limits of the
    total count O by √(var / O) (Dobson et al. 1991). Like PHEindicatormethods,
    a group with fewer than 10 events gets no value (NaN, flagged SUPPRESSED).

    Parameters
    ----------
    frame : pandas.DataFrame
        One row per group and age band (a missing count counts as 0).
    count, population, age : str
        Columns of the events, the population and the age-band label.
    standard : str, StandardPopulation or mapping
        A shipped standard (``"esp_2013"``, ``"who_2000_2025"``, ``"segi_1960"``,
        ``"china_2000"``...; see :func:`standard_population`), a column of the
        frame holding each band's weight, or a ``{band: weight}`` mapping. Bands
        are matched by label, never by position.
    by : str or list of str, optional
        Grouping columns; one rate per group.
    confidence : float or sequence of float, default 0.95
    multiplier : {1, 100, 1000, 10000, 100000}, default 100000
    frequency : str, optional
        For non-independent events: the column giving how many events each
        counted individual had; ``count`` then counts individuals per frequency,
        and the variance is widened as in PHEindicatormethods 2.1.
    subset : bool, default False
        Standardise to the bands present when the data cover only some of the
        standard's (women 15–49); otherwise a missing band is an error.

    Returns
    -------
    pandas.DataFrame
        One row per group: the ``by`` columns, ``total_count``, ``total_pop``,
        ``value``, ``lower``, ``upper``, ``unit``, ``standard``, ``method``, ``flags``.

    Examples
    --------
    >>> import pandas as pd, mch_indicators as mch
    >>> bands = ["15-19", "20-24", "25-29", "30-34", "35-39", "40-44"]
    >>> data = pd.DataFrame({"age": bands, "events": [14, 31, 45, 38, 22, 9],
    ...                      "pop": [5210, 6020, 6480, 6900, 6100, 5800]})
    >>> out = mch.dsr(data, count="events", population="pop", age="age",
    ...               standard="esp_2013", subset=True)
    >>> out[["total_count", "value", "lower", "upper"]].round(4).iloc[0].tolist()
    [159.0, 419.0737, 356.2111, 489.7974]
    """
    frame = _check_frame(frame, "dsr")
    pd = _pandas()
    keys = _as_list(by)
    named = [count, population, age, *keys, *([frequency] if frequency else [])]
    _require(frame, named)
    levels = _levels(confidence)
    unit = _unit_of(multiplier)
    work = pd.DataFrame({"__band__": [normalize_band(b) for b in frame[age]]}, index=frame.index)
    codes, labels = _groups(frame, keys)
    band_names = list(dict.fromkeys(work["__band__"]))
    if isinstance(standard, str) and standard in frame.columns:
        work[standard] = frame[standard]
    weights, standard_id = _standard_weights(work, standard, band_names, subset)
    band_index = {b: i for i, b in enumerate(band_names)}
    bands = np.array([band_index[b] for b in work["__band__"]], dtype=np.intp)
    x, n = _numbers(frame, count), _numbers(frame, population)
    groups = len(labels)
    if frequency is None:
        cells = codes * len(band_names) + bands
        _no_duplicates(frame, cells, keys, age)
        counts = np.zeros((groups, len(band_names)))
        np.add.at(counts, (codes, bands), np.nan_to_num(x, nan=0.0))
        freqs = None
    else:
        f = _numbers(frame, frequency)
        freqs, f_index = np.unique(f, return_inverse=True)
        _no_duplicates(frame, (codes * len(band_names) + bands) * freqs.size + f_index, keys, age)
        counts = np.zeros((groups, len(band_names), freqs.size))
        np.add.at(counts, (codes, bands, f_index), np.nan_to_num(x, nan=0.0))
    populations = np.full((groups, len(band_names)), np.nan)
    populations[codes, bands] = n
    core = direct_standardise(
        counts, populations, weights, levels=levels, multiplier=float(multiplier),
        frequencies=freqs,
    )  # fmt: skip
    out = labels.copy()
    out["total_count"] = core.observed
    out["total_pop"] = core.population
    out["value"] = core.value
    for name, values in _limits(levels, core.lower, core.upper).items():
        out[name] = values
    out["unit"] = unit
    out["standard"] = standard_id
    out["method"] = "Dobson" if freqs is None else "Dobson, non-independent events"
    out["flags"] = _flag_column(core.flags)
    return out


def _no_duplicates(
    frame: pd.DataFrame, cells: npt.NDArray[np.intp], keys: list[str], age: str
) -> None:
    _, first, counts = np.unique(cells, return_index=True, return_counts=True)
    if (counts > 1).any():
        row = frame.iloc[int(first[np.argmax(counts > 1)])]
        where = ", ".join(f"{k}={row[k]!r}" for k in [*keys, age])
        raise InvalidInputError(
            f"two rows for the same group and age band ({where}); sum them first or add "
            "the column that tells them apart to by="
        )


def _levels(confidence: float | Sequence[float]) -> tuple[float, ...]:
    from mch_indicators._core import check_confidence

    return check_confidence(confidence)


def isr(
    frame: pd.DataFrame,
    *,
    count: str,
    population: str,
    reference_count: str,
    reference_population: str,
    by: Columns = None,
    kind: Literal["ratio", "rate"] = "ratio",
    confidence: float | Sequence[float] = 0.95,
    refvalue: float = 1.0,
    multiplier: float = 100_000,
) -> pd.DataFrame:
    """Indirectly standardised ratios (observed / expected) or rates.

    Expected events are Σ nᵢ Xᵢ / Nᵢ over the age bands of each group, with the
    reference events Xᵢ and population Nᵢ of each band given on its row. The
    ratio is O / E × ``refvalue`` (100 gives an SMR × 100); the rate is
    O / E × ΣX / ΣN × ``multiplier``. Limits are exact below 10 observed
    events and Byar's from 10, as PHEindicatormethods computes them.

    Returns
    -------
    pandas.DataFrame
        One row per group: the ``by`` columns, ``observed``, ``expected``,
        ``value``, ``lower``, ``upper``, ``unit``, ``method``, ``flags``.

    Examples
    --------
    >>> import pandas as pd, mch_indicators as mch
    >>> data = pd.DataFrame({"deaths": [3, 9], "pop": [1000, 2000],
    ...                      "ref_deaths": [200, 900], "ref_pop": [100000, 150000]})
    >>> out = mch.isr(data, count="deaths", population="pop",
    ...               reference_count="ref_deaths", reference_population="ref_pop")
    >>> out[["observed", "expected", "value"]].round(3).iloc[0].tolist()
    [12.0, 14.0, 0.857]
    """
    frame = _check_frame(frame, "isr")
    keys = _as_list(by)
    _require(frame, [count, population, reference_count, reference_population, *keys])
    if kind not in ("ratio", "rate"):
        raise InvalidInputError(f"kind must be 'ratio' or 'rate', got {kind!r}")
    levels = _levels(confidence)
    codes, labels = _groups(frame, keys)
    groups = len(labels)
    x = _numbers(frame, count)
    expected_rows = expected_counts(
        _numbers(frame, population),
        _numbers(frame, reference_count),
        _numbers(frame, reference_population),
    )
    observed = np.bincount(codes, weights=np.nan_to_num(x, nan=0.0), minlength=groups).astype(
        np.float64
    )
    expected = np.bincount(codes, weights=expected_rows, minlength=groups).astype(np.float64)
    if kind == "ratio":
        scale: FloatArray | float = float(refvalue)
        unit = "fraction" if refvalue == 1 else "per_100" if refvalue == 100 else None
        if unit is None:
            raise InvalidInputError(f"refvalue must be 1 or 100 for a ratio, got {refvalue!r}")
    else:
        unit = _unit_of(multiplier)
        ref_x = np.bincount(codes, weights=np.nan_to_num(_numbers(frame, reference_count)),
                            minlength=groups)  # fmt: skip
        ref_n = np.bincount(codes, weights=_numbers(frame, reference_population),
                            minlength=groups)  # fmt: skip
        scale = ref_x / ref_n * float(multiplier)
    core = indirect_standardise(observed, expected, levels=levels, scale=scale)
    out = labels.copy()
    out["observed"] = core.observed
    out["expected"] = core.expected
    out["value"] = core.value
    for name, values in _limits(levels, core.lower, core.upper).items():
        out[name] = values
    out["unit"] = unit
    out["method"] = np.where(core.observed < 10, "exact", "Byar")
    out["flags"] = _flag_column(core.flags)
    return out
