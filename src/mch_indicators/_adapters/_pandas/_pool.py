"""Pooling strata of a pandas DataFrame: sum the counts by group, then compute.

Rates are never averaged. The group sums are pandas' own (count columns are
checked, not copied); the interval work is on the small table of sums.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Literal, Unpack

import numpy as np

from mch_indicators._adapters._columns import (
    Columns,
    as_list,
    refuse_count_keys,
    require,
    resolve,
)
from mch_indicators._adapters._counts import LARGEST_INTEGER
from mch_indicators._adapters._keywords import PoolKeywords, options_of
from mch_indicators._adapters._pandas._columns import (
    as_frame,
    check_frame,
    check_whole,
    flag_column,
    flag_masks,
    is_number_column,
    label_of,
    numbers,
)
from mch_indicators._adapters._pandas._compute import indicator_columns, unit_rows, wide_layout
from mch_indicators._adapters._pandas._index import index_as_columns
from mch_indicators._adapters._pandas._units import Duplicates, Totals, first_spellings
from mch_indicators._adapters._pandas._wide import UnitRules
from mch_indicators._adapters._sums import POOLED, UNITS, Pooling, Sums, finish
from mch_indicators._checks import attach, checks_of
from mch_indicators._errors import (
    ON_INVALID_LEAVE_OUT,
    InvalidInputError,
    MCHIndicatorsError,
    UnknownIndicatorError,
)
from mch_indicators._optional import pandas
from mch_indicators._options import ComputeOptions, Options
from mch_indicators.stats import Flag

if TYPE_CHECKING:
    import pandas as pd

    from mch_indicators._catalog import Catalog
    from mch_indicators._model import Indicator

__all__ = [
    "Missing",
    "canonical_ids",
    "engine_pooling",
    "group_sums",
    "left_out",
    "pool",
    "pool_keys",
    "weighted",
    "widened",
]


def group_sums(
    frame: pd.DataFrame, keys: list[str], counts: list[str], *, sizes: str | None = None
) -> pd.DataFrame:
    """Sums of ``counts`` by ``keys``; a missing count makes its group's sum NaN.

    Every row's count is checked first (:func:`summable`). The counts are summed
    in place by pandas (no float copy of a large frame) when they are float64 or
    integers; narrower floats (float32, float16) are summed in float64, never in
    their own precision. The result is float64. ``sizes`` names a column for the
    rows in each group.
    """
    frame = summable(frame, counts)
    if not keys:
        sums = frame[counts].sum().to_frame().T.astype(np.float64)
        for column in counts:
            if frame[column].hasnans:
                sums[column] = np.nan
        if sizes is not None:
            sums[sizes] = float(len(frame))
        return as_frame(sums)
    grouped = frame.groupby(keys, sort=True, observed=True, dropna=False)
    sums = grouped[counts].sum().astype(np.float64)
    if sizes is not None:
        sums[sizes] = grouped.size().to_numpy(dtype=np.float64)
    for column in counts:
        if frame[column].hasnans:  # propagate missing counts, as summing by hand would
            missing = frame[column].isna().groupby([frame[k] for k in keys], observed=True,
                                                   dropna=False, sort=True).any()  # fmt: skip
            sums.loc[missing.to_numpy(), column] = np.nan
    return as_frame(sums.reset_index())


def summable(frame: pd.DataFrame, counts: list[str]) -> pd.DataFrame:
    """``frame`` with count columns that can be summed: every row checked by the count rules.

    A row that is negative, infinite or above 2**53 is refused by its label
    before any sum could hide it (5 and -1 must not pool to 4); text is read
    with the grammar of numbers (summing text would join it); floats narrower
    than float64 are widened (:func:`widened`), and integers whose sum could pass
    the int64 range are summed in float64 (an integer sum would wrap around).
    Numeric columns in range are checked with two reductions, not copied.
    """
    changed: dict[str, Any] = {}
    for column in counts:
        series = frame[column]
        if not is_number_column(series):
            changed[column] = numbers(frame, column)  # text read, or refused by its row
            continue
        if not series.notna().any():
            continue
        whole = series.dtype.kind in "iu"  # compared as Python numbers: exact, no casts
        low, high = ((int if whole else float)(bound) for bound in (series.min(), series.max()))
        if not (low >= 0 and high <= LARGEST_INTEGER):
            numbers(frame, column)  # raises, naming the first row out of range
        if whole and high * len(series) > np.iinfo(np.int64).max:
            changed[column] = series.astype(np.float64)
    return widened(as_frame(frame.assign(**changed)) if changed else frame, counts)


def widened(frame: pd.DataFrame, counts: list[str]) -> pd.DataFrame:
    """``frame`` with its float count columns narrower than float64 cast to float64.

    float32 cannot hold 16,777,217 births: sums in it drop counts silently.
    """
    narrow = {
        column: "float64"
        for column in counts
        if frame[column].dtype.kind == "f" and frame[column].dtype != np.float64
    }
    return frame.astype(narrow) if narrow else frame


def pool_keys(
    frame: pd.DataFrame,
    chosen: Indicator | None,
    by: Columns,
    over: str | None,
    window: int | None,
    counts: tuple[str, str],
) -> list[str]:
    """Grouping columns of a pool: ``by``, then ``over``, then ``indicator`` for long tables.

    None of them may be one of the ``counts`` columns.
    """
    keys = as_list(by)
    refuse_count_keys(keys, counts)
    if (over is None) != (window is None):
        raise InvalidInputError("rolling windows need both over= (a year column) and window=")
    if over is not None and over not in keys:
        keys = [*keys, over]
    if window is not None and (
        isinstance(window, bool) or not isinstance(window, int) or window < 1
    ):
        raise InvalidInputError(f"window must be a whole number of periods >= 1, got {window!r}")
    if chosen is None and "indicator" not in keys:
        keys = [*keys, "indicator"]
    require(frame, keys, "grouping column")
    return keys


Missing = Literal["propagate", "skip"]


def _bounded(frame: pd.DataFrame, chosen: Indicator | None, catalog: Catalog | None) -> Any:
    """Per row, whether its indicator is a proportion (numerator never above denominator)."""
    if chosen is not None:
        return chosen.kind.family == "binomial"
    kinds = {
        key: resolve(str(key), catalog).kind.family == "binomial"
        for key in frame["indicator"].dropna().unique()
    }
    return frame["indicator"].map(kinds).fillna(False).to_numpy(dtype=bool)


def left_out(
    frame: pd.DataFrame,
    chosen: Indicator | None,
    num: str,
    den: str,
    missing: Missing,
    options: Options,
    catalog: Catalog | None,
) -> Any:
    """Rows left out of the sums, or None when none can be.

    Those are missing counts under ``missing="skip"``, and rows whose numerator
    exceeds the denominator of a proportion (an error naming the first unless
    ``on_invalid="flag"``).
    """
    bounded = _bounded(frame, chosen, catalog)
    if missing == "propagate" and not np.any(bounded):
        return None
    x, n = numbers(frame, num), numbers(frame, den)
    out = (np.isnan(x) | np.isnan(n)) if missing == "skip" else np.zeros(len(frame), bool)
    with np.errstate(invalid="ignore"):
        invalid = bounded & (x > n)
    if invalid.any() and options.on_invalid == "raise":
        first = int(np.flatnonzero(invalid)[0])
        row = label_of(frame.index, first)
        reason = (
            f"numerator {x[first]:g} exceeds denominator {n[first]:g}, impossible for a "
            "proportion; it cannot be pooled"
        )
        raise InvalidInputError(
            reason, row=row, message=f"row {row!r}: {reason}",
            reason_zh=f"分子 {x[first]:g} 大于分母 {n[first]:g}，构成比不可能如此，无法汇总",
            hint=ON_INVALID_LEAVE_OUT,
        )  # fmt: skip
    return out | invalid


def weighted(frame: pd.DataFrame, num: str, den: str, excluded: Any) -> pd.DataFrame:
    """The rows with a mark of 1 if summed (:data:`POOLED`), and 0 counts where left out."""
    kept = np.ones(len(frame), dtype=bool) if excluded is None else ~excluded
    return as_frame(
        frame.assign(
            **{
                num: np.where(kept, numbers(frame, num), 0.0),
                den: np.where(kept, numbers(frame, den), 0.0),
                POOLED: kept.astype(np.float64),
            }
        )
    )


def pool(
    frame: pd.DataFrame,
    indicator: str | Indicator | Sequence[str | Indicator] | None = None,
    *,
    numerator: str | None = None,
    denominator: str | None = None,
    by: Columns = None,
    over: str | None = None,
    window: int | None = None,
    missing: Missing = "propagate",
    indicators: Sequence[str | Indicator] | None = None,
    columns: Mapping[Hashable, str] | None = None,
    allow_substitute: Mapping[str, str] | None = None,
    catalog: Catalog | None = None,
    split_out: int | None = None,
    totals: Totals = "check",
    duplicates: Duplicates = "error",
    total_labels: Sequence[str] | None = None,
    **options: Unpack[ComputeOptions],
) -> pd.DataFrame:
    """Pool strata by summing numerators and denominators, then compute.

    Rates are never averaged: the counts of the strata of each group are summed
    and the indicator (with its interval and flags) is computed on the sums, so
    a county with 1 death in 100 births and one with 50 in 10,000 pool to 51 in
    10,100. This is the right rule for every kind: a coverage sums its planned
    denominators, a density its populations.

    Parameters
    ----------
    frame : pandas.DataFrame or dask DataFrame
        Counts, one row per stratum (county-year, age band...): of one
        indicator, a long table with an ``indicator`` column, or a wide table
        with a column per count (as :func:`mch_indicators.compute` takes them).
    indicator : str or Indicator, optional
        The indicator; without it the frame is a long table with an
        ``indicator`` column (each indicator pooled separately) or a wide one.
    numerator, denominator : str, optional
        Count columns (default: the indicator's term ids, or ``numerator`` and
        ``denominator`` for a long table).
    by : str or list of str, optional
        Grouping columns (county → city: ``by="city"``); None pools all rows.
        For a wide table, a header (``"地市"``) or its field id (``"prefecture"``).
    over, window : str and int, optional
        Rolling pooled windows: ``over="year", window=3`` sums each run of 3
        consecutive years within the ``by`` groups (``over`` is added to them);
        rows with a year missing in the window are left out.
    missing : {"propagate", "skip"}, default "propagate"
        A unit (row) that did not report a count: ``"propagate"`` makes its
        group's value NaN (flagged MISSING); ``"skip"`` pools the units that
        reported, and flags the group INCOMPLETE.
    indicators, columns, allow_substitute
        For a wide table, as in :func:`mch_indicators.compute`.
    catalog : Catalog, optional
        Where indicator keys are looked up (default: the built-in catalog).
    split_out : int, optional
        For a dask DataFrame: how many partitions the sums by group are spread
        over (default: dask's choice from the number of partitions and keys).
        A pandas frame is pooled into one frame and ignores it.
    totals, duplicates, total_labels
        Total rows (合计, 小计, 全县...) and two rows of one unit and period, as
        in :func:`mch_indicators.compute`: by default a total row is never
        summed as a unit (it is checked against the sum of its parts, see
        :func:`mch_indicators.checks`), and in a wide table duplicates are an
        error naming both rows. A one-indicator or long table holds strata:
        rows of one area and period (facilities, age bands) are summed, and only
        labelled totals (合计, 小计...), blank-area rows summing their group, and
        subtotal rows heading blocks of the rows they sum are taken out.
    **options
        The compute options (:class:`~mch_indicators.ComputeOptions`), applied to
        the pooled counts. A unit whose numerator exceeds the denominator of a
        proportion is an error naming it, or with ``on_invalid="flag"`` is left
        out of the sums (INCOMPLETE), never summed.

    Returns
    -------
    pandas.DataFrame
        One row per group: the ``by`` columns (and ``period`` for windows),
        ``indicator, numerator, denominator, value, lower, upper, unit, flags``,
        then ``units`` (rows in the group) and ``units_pooled`` (rows summed).
        ``flags`` is the categorical of :func:`mch_indicators.compute`.
        Given a dask DataFrame, :func:`mch_indicators.pool` returns a lazy one
        (its rows in dask's order of the groups, not sorted; ``missing="skip"``
        and wide tables are for pandas), and a Spark DataFrame a lazy Spark one.

    Examples
    --------
    >>> import pandas as pd, mch_indicators as mch
    >>> counts = pd.DataFrame({"city": ["X", "X", "Y"], "county": ["a", "b", "c"],
    ...                        "deaths": [1, 2, 0], "births": [9000, 17954, 5000]})
    >>> out = mch.pool(counts, "MMR", numerator="deaths", denominator="births", by="city")
    >>> out[["city", "numerator", "denominator", "units"]].to_dict("list")
    ... # doctest: +NORMALIZE_WHITESPACE
    {'city': ['X', 'Y'], 'numerator': [3.0, 0.0], 'denominator': [26954.0, 5000.0],
     'units': [2, 1]}
    >>> out["value"].round(2).tolist()
    [11.13, 0.0]
    >>> counts.loc[1, "deaths"] = None  # county b did not report
    >>> skipped = mch.pool(counts, "MMR", numerator="deaths", denominator="births",
    ...                    by="city", missing="skip")
    >>> skipped[["city", "denominator", "units", "units_pooled", "flags"]].iloc[0].to_dict()
    ... # doctest: +NORMALIZE_WHITESPACE
    {'city': 'X', 'denominator': 9000.0, 'units': 2, 'units_pooled': 1,
     'flags': 'UNRELIABLE|INCOMPLETE'}
    """
    frame = index_as_columns(check_frame(frame, "pool"), catalog)[0]
    if missing not in ("propagate", "skip"):
        raise InvalidInputError(f"missing must be 'propagate' or 'skip', got {missing!r}")
    rules = UnitRules.of(totals, duplicates, total_labels)
    indicator, indicators, wide = wide_layout(frame, indicator, indicators)
    if wide:
        return _pool_wide(
            frame, indicators, by=by, over=over, window=window, missing=missing,
            columns=columns, allow_substitute=allow_substitute, catalog=catalog, rules=rules,
            **options,
        )  # fmt: skip
    checked = Options.from_keywords(options)
    chosen = None if indicator is None else resolve(indicator, catalog)
    num, den, note = indicator_columns(
        frame, chosen, numerator, denominator, allow_substitute, catalog
    )
    source = frame
    frame, found = unit_rows(frame, num, den, rules, catalog, pooled=True)
    out = _pool_rows(frame, chosen, num, den, by, over, window, missing, checked, catalog)
    out = as_frame(out.assign(substitution=note)) if allow_substitute is not None else out
    return attach(out, checks_of(source), found)


def _pool_rows(
    frame: pd.DataFrame,
    chosen: Indicator | None,
    num: str,
    den: str,
    by: Columns,
    over: str | None,
    window: int | None,
    missing: Missing,
    checked: Options,
    catalog: Catalog | None,
) -> pd.DataFrame:
    """Pool the unit rows of a one-indicator or long table."""
    keys = pool_keys(frame, chosen, by, over, window, (num, den))
    frame = first_spellings(frame, as_list(by))  # 城关镇 and 城关镇\u200b: one group
    if chosen is None:  # "MMR" and "maternal_mortality_ratio" are one group
        frame = frame.assign(indicator=canonical_ids(frame, catalog))
    try:
        whole_counts(frame, chosen, num, den, catalog)
        excluded = left_out(frame, chosen, num, den, missing, checked, catalog)
    except MCHIndicatorsError as error:
        from mch_indicators._adapters._pandas._wide import placed

        raise placed(error, frame) from None
    if excluded is None or not excluded.any():
        table = group_sums(frame, keys, [num, den], sizes=UNITS)  # every row counts: no copy
    else:
        table = group_sums(weighted(frame, num, den, excluded), keys, [num, den, POOLED],
                           sizes=UNITS)  # fmt: skip
    sums = Sums.from_table(table, keys, num, den)
    return finish(sums, chosen, checked, catalog, over=over, window=window)


def engine_pooling(
    columns: pd.DataFrame, indicator: str | Indicator | None, keywords: PoolKeywords
) -> Pooling:
    """A pool of an engine's frame (dask, Spark), planned on an empty frame of its columns.

    The count columns are found and the keys checked as :func:`pool` does it.
    """
    options = options_of(keywords)
    catalog = keywords.get("catalog")
    chosen = None if indicator is None else resolve(indicator, catalog)
    num, den, _ = indicator_columns(
        columns, chosen, keywords.get("numerator"), keywords.get("denominator"), catalog=catalog
    )
    over, window = keywords.get("over"), keywords.get("window")
    keys = pool_keys(columns, chosen, keywords.get("by"), over, window, (num, den))
    return Pooling(chosen, num, den, keys, options, catalog, over, window)


def whole_counts(
    frame: pd.DataFrame, chosen: Indicator | None, num: str, den: str, catalog: Catalog | None
) -> None:
    """Refuse a count that is not whole before it is summed (naming its row, not its group)."""
    if chosen is not None:
        pairs = [(chosen, np.ones(len(frame), dtype=bool))]
    else:
        column = frame["indicator"]
        pairs = [
            (resolve(str(key), catalog), (column == key).to_numpy(dtype=bool))
            for key in column.dropna().unique()
        ]
    for indicator, rows in pairs:
        for column_name, term in ((num, indicator.numerator), (den, indicator.denominator)):
            values = numbers(frame, column_name)
            check_whole(frame, column_name, np.where(rows, values, 0.0), term)


def _pool_wide(
    frame: pd.DataFrame,
    indicators: Sequence[str | Indicator] | None,
    *,
    by: Columns,
    over: str | None,
    window: int | None,
    missing: Missing,
    columns: Mapping[Hashable, str] | None,
    allow_substitute: Mapping[str, str] | None,
    catalog: Catalog | None,
    rules: UnitRules,
    **options: Unpack[ComputeOptions],
) -> pd.DataFrame:
    """Pool a wide table: laid out long (area and period columns by field id), then pooled."""
    from mch_indicators._adapters._pandas._match import match_columns
    from mch_indicators._adapters._pandas._wide import located, long_counts

    renamed = {str(c): f for f, c in match_columns(frame, columns, catalog=catalog).fields.items()}
    keys = [renamed.get(k, k) for k in as_list(by)]
    long, units, places, found, _ = long_counts(
        frame, indicators, columns=columns, allow_substitute=allow_substitute, catalog=catalog,
        rules=rules,
    )  # fmt: skip
    try:
        out = _pool_rows(
            long, None, "numerator", "denominator", keys or None,
            renamed.get(over, over) if over else None, window, missing,
            Options.from_keywords(options), catalog,
        )  # fmt: skip
    except MCHIndicatorsError as error:
        raise located(error, units, places, len(long) // max(len(units), 1)) from None
    rolled = (renamed.get(over, over), window) if over and window else None
    out = _mark_inconsistent(out, long, units, [*keys, "indicator"], columns, catalog, rolled)
    return attach(out, checks_of(frame), found)


def _mark_inconsistent(
    out: pd.DataFrame,
    long: pd.DataFrame,
    units: pd.DataFrame,
    keys: list[str],
    columns: Mapping[Hashable, str] | None,
    catalog: Catalog | None,
    rolled: tuple[str, int] | None = None,
) -> pd.DataFrame:
    """Flag ``INCONSISTENT`` the pooled groups that summed a unit breaking a consistency rule.

    A unit's values are flagged so by :func:`compute` (新生儿死亡数 above 婴儿死亡数); its
    counts are summed into its group as they are, so the group's value says so too, as
    INCOMPLETE says a unit was left out. ``long`` holds ``k`` rows (indicators) per row
    of ``units``, in order; ``keys`` are the pooled groups' columns. ``rolled`` (the
    ``over`` column and the window) marks each window whose years hold such a unit's year
    (a window's row holds its last year in ``over``).
    """
    from mch_indicators._adapters._pandas._match import match_columns
    from mch_indicators._adapters._pandas._validate import violations
    from mch_indicators._catalog import chosen_catalog
    from mch_indicators._validation import rules_for

    if not len(units) or not len(out) or "flags" not in out.columns:
        return out
    found = chosen_catalog(catalog)
    match = match_columns(units, columns, catalog=found)
    _, terms_of_row = violations(units, match, rules_for(None, found), found)
    if not terms_of_row:
        return out
    k = len(long) // len(units)
    indicators = [found.get_indicator(str(i)) for i in long["indicator"].iloc[:k].tolist()]
    broken = np.zeros(len(long), dtype=bool)
    for position, terms in terms_of_row.items():
        for j, indicator in enumerate(indicators):
            if indicator.numerator.id in terms or indicator.denominator.id in terms:
                broken[position * k + j] = True
    # only the rows summed: not a missing count, nor a proportion's numerator above its
    # denominator (left out, INCOMPLETE)
    x, n = numbers(long, "numerator"), numbers(long, "denominator")
    bounded = np.tile([i.kind.family == "binomial" for i in indicators], len(units))
    with np.errstate(invalid="ignore"):
        broken &= ~np.isnan(x) & ~np.isnan(n) & ~(bounded & (x > n))
    if not broken.any():
        return out
    if rolled is not None:  # each window ending in one of the window's years after it
        over, window = rolled
        years = long.loc[broken, keys].assign(**{over: numbers(long, over, counts=False)[broken]})
        keys = [*keys, over]
        marked = pandas().concat([years.assign(**{over: years[over] + i}) for i in range(window)])
        out_keys = out[keys].assign(**{over: numbers(out, over, counts=False)})
    else:
        marked, out_keys = long.loc[broken, keys], out[keys]
    marked = marked.drop_duplicates().assign(__inconsistent=True)
    joined = out_keys.merge(marked, how="left", on=keys)["__inconsistent"]
    hit = joined.notna().to_numpy()  # marked rows hold True, the rest NaN
    masks = flag_masks(out["flags"])
    masks[hit] |= int(Flag.INCONSISTENT)
    return as_frame(out.assign(flags=flag_column(masks)))


def canonical_ids(frame: pd.DataFrame, catalog: Catalog | None = None) -> pd.Series[Any]:
    """The ``indicator`` column with every key replaced by its indicator's id."""
    column = frame["indicator"]
    ids = {}
    for key in column.dropna().unique():
        try:
            ids[key] = resolve(str(key), catalog).id
        except UnknownIndicatorError as error:
            first = int(np.flatnonzero((column == key).to_numpy())[0])
            raise UnknownIndicatorError(
                error.key, error.suggestions, shared=error.shared, column="indicator",
                row=label_of(frame.index, first),
            ) from None  # fmt: skip
    return column.map(ids)
