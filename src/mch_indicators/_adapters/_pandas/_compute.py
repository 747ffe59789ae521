"""pandas in, pandas out: compute an indicator on every row of a DataFrame.

Output frames are tidy: the input's index and its other columns first, then
``indicator, numerator, denominator, value, lower, upper, unit, flags`` (limits
suffixed ``_95``, ``_99.8``... when several levels are asked for). The input
frame is never modified.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Hashable, Mapping, Sequence
from functools import cache
from typing import TYPE_CHECKING, Any, Unpack

import numpy as np
import numpy.typing as npt

from mch_indicators._adapters._columns import count_columns, require, resolve
from mch_indicators._adapters._pandas._columns import (
    LabelCodes,
    check_count_range,
    check_frame,
    check_whole,
    flag_column,
    flag_masks,
    frame_of,
    label_of,
    numbers,
    reasons_in,
    result_columns,
    text_array,
)
from mch_indicators._adapters._pandas._index import index_as_columns, index_restored
from mch_indicators._adapters._pandas._office_rates import (
    OfficeRate,
    compare_office_rates,
    places_of,
)
from mch_indicators._adapters._pandas._units import Duplicates, Totals
from mch_indicators._adapters._pandas._validate import RulesArg
from mch_indicators._adapters._pandas._wide import (
    AS_UNITS,
    Shape,
    Substitutes,
    UnitRules,
    check_substitute,
    located,
    long_counts,
    placed,
    substitutes,
    table_units,
    to_wide,
)
from mch_indicators._checks import attach, checks_of, source_of
from mch_indicators._compute import compute_owned
from mch_indicators._display import in_language
from mch_indicators._errors import (
    ON_INVALID_FLAG,
    InvalidInputError,
    MCHIndicatorsError,
    UnknownIndicatorError,
)
from mch_indicators._labels import check_lang
from mch_indicators._optional import pandas
from mch_indicators._options import ComputeOptions, Options
from mch_indicators._result import limit_columns
from mch_indicators.stats import Flag

if TYPE_CHECKING:
    import pandas as pd

    from mch_indicators._catalog import Catalog
    from mch_indicators._model import Indicator
    from mch_indicators._result import Result

__all__ = [
    "compute_frame",
    "compute_long",
    "compute_rows",
    "compute_rows_frame",
    "compute_wide",
    "indicator_columns",
    "single_columns",
    "wide_layout",
]

FloatArray = npt.NDArray[np.float64]


def compute_rows(
    indicator: Indicator,
    x: FloatArray,
    n: FloatArray,
    options: Options,
    index: pd.Index[Any],
    headers: tuple[str, str] = ("numerator", "denominator"),
    frame: pd.DataFrame | None = None,
) -> tuple[Result, dict[str, FloatArray]]:
    """:func:`compute_owned` on rows of a table; an invalid row is named by its label.

    A numerator above the denominator of a proportion is found by computing with
    ``on_invalid="flag"``; when the options say ``"raise"``, the error then names
    the first such row by its index label (a county, a line of a file). Counts out
    of range, or not whole, are named the same way, in the table's ``headers``
    of the numerator and the denominator. Returns the Result and its value
    and limit arrays for the caller's table (see :func:`compute_owned`). The
    ``frame`` the columns come from, when given, says which cells a workbook marked
    (percent-formatted, Excel errors): a count there is refused.
    """
    check_count_range(x, index, headers[0])
    check_count_range(n, index, headers[1], denominator=True)
    check_whole(frame, headers[0], x, indicator.numerator, index)
    check_whole(frame, headers[1], n, indicator.denominator, index)
    flagged = dataclasses.replace(options, on_invalid="flag")
    result, owned = compute_owned(indicator, x, n, flagged)
    if options.on_invalid == "raise":
        invalid = np.flatnonzero(result.has_flag(Flag.INVALID))
        if invalid.size:
            first = int(invalid[0])
            row = label_of(index, first)
            others = invalid.size - 1
            more = f" (and {others} more row{'s' if others > 1 else ''})" if others else ""
            more_zh = f"（另有 {others} 行）" if others else ""
            reason = (
                f"numerator {x[first]:g} exceeds denominator {n[first]:g}, impossible for the "
                f"proportion {indicator.id}{more}"
            )
            raise InvalidInputError(
                reason,
                row=row,
                message=f"row {row!r}: {reason}",
                reason_zh=f"分子 {x[first]:g} 大于分母 {n[first]:g}，{indicator.name.zh}为构成比，"
                f"不可能如此{more_zh}",
                hint=ON_INVALID_FLAG,
            )
    return result, owned


@cache
def _builtin_labels() -> tuple[tuple[str, ...], tuple[str, ...]]:
    from mch_indicators.units import names

    return tuple(_builtin()), names()


def _long_labels(catalog: Catalog | None) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Categories of a long table's label columns: every indicator of the catalog, every unit.

    Fixed before any row is seen, so that every partition of a dask or Spark
    frame (and its meta frame) gets the same dtype.
    """
    if catalog is None:
        return _builtin_labels()
    from mch_indicators.units import names

    return tuple(catalog), names()


def compute_long(
    indicators: Sequence[Hashable],
    x: FloatArray,
    n: FloatArray,
    options: Options,
    index: pd.Index[Any],
    catalog: Catalog | None = None,
    *,
    lean: bool = False,
    headers: tuple[str, str] = ("numerator", "denominator"),
) -> dict[str, Any]:
    """Compute each indicator of a long table on its rows; columns in row order.

    ``headers`` are the table's headers of the counts, named in errors.
    """
    pd = pandas()
    codes, keys = pd.factorize(pd.Series(indicators, dtype=object), use_na_sentinel=True)
    if (codes < 0).any():
        row = label_of(index, int(np.flatnonzero(codes < 0)[0]))
        raise InvalidInputError(
            "the indicator is empty", column="indicator", row=row,
            message=f"column 'indicator' is empty at row {row!r}",
        )  # fmt: skip
    labels = LabelCodes(x.size, *_long_labels(catalog))
    limits = [name for pair in limit_columns(options.confidence) for name in pair]
    names = ["value", *limits] if lean else ["numerator", "denominator", "value", *limits]
    columns: dict[str, Any] = {name: np.full(x.size, np.nan) for name in names}
    reasons: npt.NDArray[Any] | None = None
    for code, key in enumerate(keys):
        rows = np.flatnonzero(codes == code)
        try:
            chosen = resolve(str(key), catalog)
        except UnknownIndicatorError as error:
            raise UnknownIndicatorError(
                error.key, error.suggestions, shared=error.shared, column="indicator",
                row=label_of(index, int(rows[0])),
            ) from None  # fmt: skip
        try:
            result, _ = compute_rows(chosen, x[rows], n[rows], options, index[rows], headers)
        except InvalidInputError as error:
            if error.row is not None:
                raise
            raise InvalidInputError(f"indicator {key!r}: {error}") from None
        labels.fill(result, rows)
        for name, values in result_columns(result, lean=lean).items():
            if name in {"indicator", "unit", "flags"}:
                continue
            if name == "suppressed_because":
                reasons = np.full(x.size, "", dtype=object) if reasons is None else reasons
                reasons[rows] = np.asarray(values, dtype=object)
                continue
            columns[name][rows] = values
    return _in_order(columns, labels, options, reasons, lean)


def _in_order(
    numbers: dict[str, FloatArray],
    labels: LabelCodes,
    options: Options,
    reasons: npt.NDArray[Any] | None,
    lean: bool,
) -> dict[str, Any]:
    """The columns of a long table in the order of :func:`result_columns`."""
    columns: dict[str, Any] = {} if lean else {"indicator": labels.column("indicator")}
    if not lean:
        columns["numerator"] = numbers.pop("numerator")
        columns["denominator"] = numbers.pop("denominator")
    columns.update(numbers)
    if not lean:
        columns["unit"] = labels.column("unit")
    columns["flags"] = labels.column("flags")
    if options.suppress is not None:
        columns["suppressed_because"] = text_array([] if reasons is None else list(reasons))
    return columns


def single_columns(
    frame: pd.DataFrame,
    indicator: Indicator,
    numerator: str | None,
    denominator: str | None,
    allow_substitute: Substitutes | None,
    catalog: Catalog | None,
) -> tuple[str, str, str]:
    """The count columns of one indicator, checked against its terms; and the substitution note.

    A named column whose header is another term's (产妇数 for live births) is
    refused unless ``allow_substitute`` allows it; an unnamed one is the column
    headed by the term's id, else by any of its names or aliases.
    """
    from mch_indicators._adapters._pandas._match import header_target, match_columns

    chosen_catalog = catalog if catalog is not None else _builtin()
    allowed = substitutes(allow_substitute, chosen_catalog)
    named = {"numerator": numerator, "denominator": denominator}
    found: dict[str, str] = {}
    notes = []
    matched: dict[str, Hashable] | None = None
    for role, column in named.items():
        term = getattr(indicator, role)
        stand_in = allowed.get(term.id)
        if column is None and stand_in is None and term.id in frame.columns:
            column = term.id
        elif column is None:  # by the term's names and aliases, or its allowed stand-in
            if matched is None:
                matched = match_columns(frame, catalog=chosen_catalog).terms
            if stand_in is not None and stand_in in matched:
                column = str(matched[stand_in])
            elif term.id in frame.columns or term.id not in matched:
                column = term.id
            else:
                column = str(matched[term.id])
        require(frame, [column], f"{role} column", _why(indicator, role, named[role]))
        given = header_target(column, chosen_catalog, frame) if column != term.id else term.id
        given = given or term.id
        if given in chosen_catalog.terms:
            note = check_substitute(indicator, role, column, given, allowed, chosen_catalog)
            if note:
                notes.append(note)
        found[role] = column
    return found["numerator"], found["denominator"], "; ".join(notes)


def _why(indicator: Indicator, role: str, given: str | None) -> str:
    if given is not None:
        return ""
    term = getattr(indicator, role)
    return (
        f" (the {role} term of {indicator.id}: no column is headed {term.id!r}, "
        f"{term.name.zh!r} or one of its aliases; name your column with {role}=)"
    )


def _builtin() -> Catalog:
    from mch_indicators._catalog import builtin_catalog

    return builtin_catalog()


def indicator_columns(
    frame: pd.DataFrame,
    indicator: Indicator | None,
    numerator: str | None,
    denominator: str | None,
    allow_substitute: Substitutes | None = None,
    catalog: Catalog | None = None,
) -> tuple[str, str, str]:
    """The count columns of one indicator (:func:`single_columns`), or of a long table.

    A long table (no ``indicator``) has ``numerator``/``denominator`` columns, or the
    ones named; it substitutes nothing, so its note is empty.
    """
    if indicator is None:
        return (*count_columns(frame, None, numerator, denominator), "")
    return single_columns(frame, indicator, numerator, denominator, allow_substitute, catalog)


def wide_layout(
    frame: pd.DataFrame,
    indicator: str | Indicator | Sequence[str | Indicator] | None,
    indicators: Sequence[str | Indicator] | None,
) -> tuple[str | Indicator | None, Sequence[str | Indicator] | None, bool]:
    """``(indicator, indicators, wide)``: a list given as ``indicator`` moves to ``indicators``.

    A table is wide (one column per count) when indicators are listed, or when it
    names no indicator and has no ``indicator`` column (it is not a long table).
    """
    if isinstance(indicator, Sequence) and not isinstance(indicator, str):
        indicators, indicator = indicator, None
    wide = indicators is not None or (indicator is None and "indicator" not in frame.columns)
    return indicator, indicators, wide


def compute_frame(
    frame: pd.DataFrame,
    indicator: str | Indicator | Sequence[str | Indicator] | None = None,
    *,
    numerator: str | None = None,
    denominator: str | None = None,
    indicators: Sequence[str | Indicator] | None = None,
    columns: Mapping[Hashable, str] | None = None,
    allow_substitute: Substitutes | None = None,
    shape: Shape = "long",
    catalog: Catalog | None = None,
    lean: bool = False,
    totals: Totals = "check",
    duplicates: Duplicates = "error",
    total_labels: Sequence[str] | None = None,
    rules: RulesArg | bool = True,
    lang: str = "en",
    **options: Unpack[ComputeOptions],
) -> pd.DataFrame:
    """Compute indicators on the rows of a DataFrame: one, a long table's, or a wide table's.

    Parameters
    ----------
    frame : pandas.DataFrame
        One row per stratum. Three layouts: counts of one ``indicator``; a long
        table with an ``indicator`` column (and ``numerator``, ``denominator``);
        or a wide table with one column per count (活产数, 孕产妇死亡数...), from
        which many indicators are computed (see :func:`mch_indicators.match_columns`).
    indicator : str or Indicator, optional
        The indicator of every row (a list means ``indicators=``). Without it,
        a frame with an ``indicator`` column is a long table, any other a wide one.
    numerator, denominator : str, optional
        Count columns of one indicator; by default the column headed by the
        term's id (``infant_deaths``), name or alias (``婴儿死亡数``). A column
        headed by another term (``产妇数`` for live births) is refused unless
        ``allow_substitute`` says so.
    indicators : sequence, optional
        Wide table: the indicators to compute (default: every indicator whose
        numerator and denominator columns are present).
    columns : mapping, optional
        Wide table: ``{column: term}`` for headers the names do not give.
    allow_substitute : mapping, optional
        ``{definition_term: stand_in_term}``, e.g. ``{"live_births":
        "women_delivered"}``: use a count of another term, recorded in a
        ``substitution`` column.
    shape : {"long", "wide"}, default "long"
        Wide table: one row per area, period and indicator, or one row per area
        and period with a column group per indicator.
    catalog : Catalog, optional
        Where indicator keys are looked up (default: the built-in catalog); pass
        ``mch.catalog.merged(mch.load_definitions("mine.toml"))`` for your own.
    lean : bool, default False
        Keep only the result columns (``value``, the limits and ``flags``)
        after the frame's other columns: no ``indicator``, ``numerator``,
        ``denominator`` or ``unit`` repeated on every row (a long table keeps
        its own ``indicator`` column). Select the columns to carry
        (``frame[["county", "year", "deaths", "births"]]``) for the leanest output.
    totals : {"check", "drop", "keep"}, default "check"
        Total rows of an office's table (合计, 总计, 小计, 全县, Total...; a
        blank area cell or a row that sums the others): ``"check"`` takes them
        out of the units and compares each with the sum of its parts (every
        difference listed in :func:`mch_indicators.checks`); ``"drop"`` takes
        them out without comparing; ``"keep"`` counts every row as a unit.
        Rows are told apart by the area and period columns the table has
        (县区, 乡镇, 年份, county, year...; see :func:`mch_indicators.match_columns`).
    duplicates : {"error", "sum"}, default "error"
        Two rows of one unit and period (and indicator) are an error naming
        both; ``"sum"`` adds them up (listed in the checks).
    total_labels : sequence of str, optional
        More labels that mark a total row, besides those of
        ``definitions/office_tables.toml``.
    rules : bool, path or sequence, default True
        Wide table: consistency rules over the counts of each row
        (:func:`mch_indicators.validate`). Values whose counts break one are
        flagged ``INCONSISTENT`` (and the rule listed in the checks). True: the
        built-in rules; a path (or list) adds your rules files; False: none.
    lang : {"en", "zh"}, default "en"
        The language of the result's column headers (``"zh"``: 县区, 年份, 指标, 分子,
        分母, 数值, 下限, 上限, 单位, 标记), for a table to show, and of why a row was
        suppressed (``隐去原因``: 分子 2 < 3（ONS规则：少于3例）).
    **options
        The compute options (:class:`~mch_indicators.ComputeOptions`).

    Returns
    -------
    pandas.DataFrame
        One indicator or a long table: the input's index and its other columns,
        then ``indicator, numerator, denominator, value, lower, upper, unit,
        flags``. A wide table: the area and period columns (by their field ids,
        ``county``, ``year``) and other text columns, then the same.
        ``indicator``, ``unit`` and ``flags`` are categoricals with categories
        fixed in advance (so that dask partitions and Parquet files agree; the
        codes of ``flags`` are the :class:`~mch_indicators.Flag` masks).

        The data checks (total rows, duplicates summed, unmatched columns, and
        those of :func:`mch_indicators.read_table`) are :func:`mch_indicators.checks`
        of the result.

    Raises
    ------
    InvalidInputError
        A missing or non-numeric count column, a count that is not whole (of
        a term not estimated), a numerator above the denominator of a
        proportion, a count of another term than the definition's (naming
        both terms), a blank area or period cell, or two rows of one unit and
        period (naming both rows by their labels).

    Examples
    --------
    >>> import pandas as pd, mch_indicators as mch
    >>> counts = pd.DataFrame({"county": ["A", "B"], "infant_deaths": [12, 3],
    ...                        "live_births": [4210, 980]})
    >>> out = mch.compute(counts, "infant_mortality_rate")
    >>> out[["county", "value", "flags"]].round(2).to_dict("list")
    {'county': ['A', 'B'], 'value': [2.85, 3.06], 'flags': ['UNRELIABLE', 'UNRELIABLE']}
    >>> chinese = pd.DataFrame({"县区": ["A"], "早孕建册人数": [917], "产妇数": [990]})
    >>> try:
    ...     mch.compute(chinese, "早孕建册率", denominator="产妇数")
    ... except mch.InvalidInputError as error:
    ...     print(error.reason.split(";")[0])  # doctest: +NORMALIZE_WHITESPACE
    denominator column '产妇数' holds 产妇数 (women_delivered),
    but 早孕建册率 (early_pregnancy_registration_rate_cn) is defined over 活产数 (live_births)
    >>> allowed = {"live_births": "women_delivered"}
    >>> out = mch.compute(chinese, "早孕建册率", denominator="产妇数", allow_substitute=allowed)
    >>> out["value"].round(2).tolist(), out["substitution"].iloc[0]
    ([92.63], "denominator live_births <- women_delivered (column '产妇数')")
    """
    frame, moved = index_as_columns(check_frame(frame, "compute"), catalog)
    chosen_lang = check_lang(lang)
    unit_rules = UnitRules.of(totals, duplicates, total_labels)
    indicator, indicators, wide = wide_layout(frame, indicator, indicators)
    if wide:
        if numerator is not None or denominator is not None:
            raise InvalidInputError(
                "numerator= and denominator= name the columns of one indicator; for a wide "
                "table use columns={column: term}"
            )
        out = compute_wide(
            frame, indicators, columns, allow_substitute, shape, catalog, lean, unit_rules,
            rules, options,
        )  # fmt: skip
    else:
        out = compute_rows_frame(
            frame, indicator, numerator, denominator, allow_substitute, catalog, lean,
            unit_rules, Options.from_keywords(options),
        )  # fmt: skip
        out = index_restored(out, moved)
    if chosen_lang != "en":  # why a row was suppressed, in the language of the headers
        rule = Options.from_keywords(options).suppress
        out = reasons_in(out, rule, catalog or _builtin(), chosen_lang)
    return in_language(out, chosen_lang)


def compute_rows_frame(
    frame: pd.DataFrame,
    indicator: str | Indicator | None,
    numerator: str | None,
    denominator: str | None,
    allow_substitute: Substitutes | None,
    catalog: Catalog | None,
    lean: bool,
    rules: UnitRules,
    checked: Options,
) -> pd.DataFrame:
    """:func:`compute_frame` on a one-indicator or long table, its rows made units by ``rules``."""
    chosen = None if indicator is None else resolve(indicator, catalog)
    num, den, note = indicator_columns(
        frame, chosen, numerator, denominator, allow_substitute, catalog
    )
    source = frame
    frame, found = unit_rows(frame, num, den, rules, catalog)
    try:
        x, n = numbers(frame, num), numbers(frame, den)
        if chosen is None:
            columns_out = compute_long(
                frame["indicator"].tolist(), x, n, checked, frame.index, catalog, lean=lean,
                headers=(str(num), str(den)),
            )  # fmt: skip
        else:
            result, owned = compute_rows(
                chosen, x, n, checked, frame.index, (str(num), str(den)), frame
            )
            columns_out = result_columns(result, lean=lean, owned=owned)
    except MCHIndicatorsError as error:
        raise placed(error, frame) from None
    if allow_substitute is not None:
        columns_out["substitution"] = text_array([note] * len(frame))
    kept = [c for c in frame.columns if c not in {num, den, "indicator"}]
    if chosen is None and lean:
        kept.append("indicator")
    clash = [c for c in kept if c in columns_out]
    if clash:
        raise InvalidInputError(
            f"column {clash[0]!r} of the frame would be overwritten by a result column; "
            "rename it or leave it out"
        )
    # one constructor call: labels stay categoricals, nothing is inferred per row
    return attach(frame_of(frame[kept], columns_out, frame.index), checks_of(source), found)


def _flag_inconsistent(
    tidy: pd.DataFrame,
    units: pd.DataFrame,
    k: int,
    columns: Mapping[Hashable, str] | None,
    rules: RulesArg | bool,
    catalog: Catalog | None,
) -> list[Any]:
    """Flag ``INCONSISTENT`` the values whose counts break a consistency rule; the checks.

    ``tidy`` holds ``k`` rows (indicators) per unit row, in order; it is changed
    in place (a frame this call made).
    """
    from mch_indicators._adapters._pandas._match import match_columns
    from mch_indicators._adapters._pandas._validate import violations
    from mch_indicators._validation import rules_for

    if rules is False or not k or not len(units):
        return []
    chosen = catalog if catalog is not None else _builtin()
    given = None if rules is True else rules
    found, terms_of_row = violations(
        units, match_columns(units, columns, catalog=chosen), rules_for(given, chosen), chosen
    )
    if not terms_of_row or "flags" not in tidy.columns:
        return found
    order = [chosen.get_indicator(str(i)) for i in tidy["indicator"].iloc[:k].tolist()]
    masks = flag_masks(tidy["flags"])
    for position, terms in terms_of_row.items():
        for j, indicator in enumerate(order):
            if indicator.numerator.id in terms or indicator.denominator.id in terms:
                masks[position * k + j] |= Flag.INCONSISTENT
    tidy["flags"] = flag_column(masks)
    return found


def _office_rates(
    frame: pd.DataFrame,
    rates: Sequence[OfficeRate],
    columns: Mapping[Hashable, str] | None,
    catalog: Catalog | None,
) -> list[Any]:
    """The office's own rate columns compared with the rates of each row's counts."""
    from mch_indicators._adapters._pandas._match import match_columns
    from mch_indicators._adapters._pandas._units import label_columns

    if not rates:
        return []
    areas, periods = label_columns(match_columns(frame, columns, catalog=catalog))
    return compare_office_rates(frame, rates, places_of(frame, areas, periods))


def unit_rows(
    frame: pd.DataFrame,
    num: str,
    den: str,
    rules: UnitRules,
    catalog: Catalog | None,
    keys: Sequence[str] = (),
    *,
    pooled: bool = False,
) -> tuple[pd.DataFrame, list[Any]]:
    """The unit rows of a one-indicator or long table (:func:`table_units`), and the checks.

    The area and period columns are found by their headers; a long table's
    ``indicator`` column is a key too, and so are ``keys`` (a standardisation's age
    bands: a total row sums the units of its own band). Nothing happens to a table
    without them. Rows to be ``pooled`` lose their subtotal blocks too (a township's
    row over its villages, :func:`office_units`).
    """
    from mch_indicators._adapters._pandas._match import match_columns

    if rules is AS_UNITS:
        return frame, []
    others = [*(["indicator"] if "indicator" in frame.columns else []), *keys]
    named = {num, den, *keys}
    try:
        match = match_columns([c for c in frame.columns if c not in named], catalog=catalog)
    except MCHIndicatorsError:
        return frame, []  # labels ambiguous by name: the caller names its columns
    return table_units(frame, match, [num, den], rules, others, strata=True, sums=pooled)


def compute_wide(
    frame: pd.DataFrame,
    indicators: Sequence[str | Indicator] | None,
    columns: Mapping[Hashable, str] | None,
    allow_substitute: Substitutes | None,
    shape: Shape,
    catalog: Catalog | None,
    lean: bool,
    unit_rules: UnitRules,
    rules: RulesArg | bool,
    options: ComputeOptions,
) -> pd.DataFrame:
    """:func:`compute_frame` on a wide table (one column per count): one tidy result.

    The frame has one row per area (and period), one column per count, headed by
    the terms' names, ids or aliases in either language (活产数, 活产婴儿数,
    live_births...); area and period columns (县区, 年份...) are recognised.

    Parameters
    ----------
    frame, indicators, columns, allow_substitute, shape, catalog, lean, rules
        As :func:`compute_frame` takes them (its keywords are the one declaration).
    unit_rules : UnitRules
        Total rows and duplicates (``totals=``, ``duplicates=``, ``total_labels=``
        of :func:`compute_frame`).
    options : ComputeOptions
        The compute options as given, checked here.

    Returns
    -------
    pandas.DataFrame
        ``shape="long"``: one row per area, period and indicator (area and period
        columns named by their field ids, ``county``, ``year``...; then
        ``indicator, numerator, denominator, value, lower, upper, unit, flags``);
        ``"wide"``: one row per area and period, a column group per indicator.

    Examples
    --------
    >>> import pandas as pd, mch_indicators as mch
    >>> table = pd.DataFrame({"县区": ["河阳县", "石门县"], "年份": [2024, 2024],
    ...                       "活产数": [13957, 4210], "孕产妇死亡数": [1, 0],
    ...                       "早孕建册人数": [12950, 3801]})
    >>> out = mch.compute(table)
    >>> out[["county", "year", "indicator", "value"]].round(2)
      county  year                             indicator  value
    0    河阳县  2024              maternal_mortality_ratio   7.16
    1    河阳县  2024  early_pregnancy_registration_rate_cn  92.78
    2    石门县  2024              maternal_mortality_ratio   0.00
    3    石门县  2024  early_pregnancy_registration_rate_cn  90.29
    """
    if shape not in ("long", "wide"):
        raise InvalidInputError(f"shape must be 'long' or 'wide', got {shape!r}")
    long, units, places, found, rates = long_counts(
        frame, indicators, columns=columns, allow_substitute=allow_substitute, catalog=catalog,
        rules=unit_rules, compare=True,
    )  # fmt: skip
    k = len(long) // max(len(units), 1) if len(units) else 0
    try:
        tidy = compute_rows_frame(
            long, None, None, None, None, catalog, lean, AS_UNITS,
            Options.from_keywords(options),
        )  # fmt: skip
    except MCHIndicatorsError as error:
        raise located(error, units, places, k) from None
    broken = _flag_inconsistent(tidy, units, k, columns, rules, catalog)
    found = [*found, *broken, *_office_rates(frame, rates, columns, catalog)]
    if "substitution" in tidy.columns:
        tidy = tidy[[c for c in tidy.columns if c != "substitution"] + ["substitution"]]
    out = to_wide(tidy, k) if shape == "wide" and k else tidy
    return attach(out, checks_of(frame), found, source=source_of(frame))
