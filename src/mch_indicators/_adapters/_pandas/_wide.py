"""Wide tables, many indicators: one row per area and period, one column per count.

An office's table has a column per count (活产数, 孕产妇死亡数, 产妇数...). Its
columns are matched to the catalog's terms (:mod:`._match`), every indicator
whose numerator and denominator are both present (or those asked for) is laid
out as a long table of counts (``indicator, numerator, denominator`` beside the
area and period labels), and the long-table paths compute or pool it. An
indicator never takes a count of another term than its definition's unless
the caller says so with ``allow_substitute``, which the result then records.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

import numpy as np

from mch_indicators._adapters._columns import resolve
from mch_indicators._adapters._pandas._columns import as_frame, check_whole, label_of, numbers
from mch_indicators._adapters._pandas._match import (
    ColumnMatch,
    indicator_label,
    match_columns,
    resolve_term,
    term_label,
)
from mch_indicators._adapters._pandas._office_rates import OfficeRate, office_rates
from mch_indicators._adapters._pandas._units import (
    Duplicates,
    Totals,
    check_unit_options,
    label_columns,
    office_units,
    year_columns,
)
from mch_indicators._checks import CheckRow, check_row, row_places
from mch_indicators._errors import InvalidInputError, MCHIndicatorsError
from mch_indicators._optional import pandas

if TYPE_CHECKING:
    import pandas as pd

    from mch_indicators._catalog import Catalog
    from mch_indicators._model import Indicator

__all__ = [
    "AS_UNITS",
    "Shape",
    "Substitutes",
    "UnitRules",
    "check_substitute",
    "located",
    "long_counts",
    "placed",
    "substitutes",
    "table_units",
    "to_wide",
    "with_place",
]

Shape = Literal["long", "wide"]
Substitutes = Mapping[str, str]


def substitutes(allow: Substitutes | None, catalog: Catalog) -> dict[str, str]:
    """``allow_substitute`` with every term resolved to its id (definition -> stand-in)."""
    resolved = {}
    for wanted, given in dict(allow or {}).items():
        resolved[resolve_term(str(wanted), catalog)] = resolve_term(str(given), catalog)
    return resolved


def check_substitute(
    indicator: Indicator,
    role: str,
    column: Hashable,
    given: str,
    allowed: Mapping[str, str],
    catalog: Catalog,
) -> str | None:
    """Refuse a column of another term than the definition's, unless allowed.

    Returns the text recorded in the result for an allowed substitution, None
    when the column holds the definition's own term.
    """
    term = getattr(indicator, role)
    if given == term.id:
        return None
    other = catalog.terms.get(given)
    other_label = term_label(other) if other is not None else given
    if allowed.get(term.id) == given:
        return f"{role} {term.id} <- {given} (column {column!r})"
    raise InvalidInputError(
        f"{role} column {column!r} holds {other_label}, but {indicator_label(indicator)} is "
        f"defined over {term_label(term)}; computing it over another count gives another "
        f"indicator. If that is what you mean, say so: allow_substitute="
        f"{{{term.id!r}: {given!r}}} (recorded in the result)",
        column=str(column),
    )


@dataclass(frozen=True, slots=True)
class _Plan:
    """What to lay out: each indicator with its two columns and a substitution note."""

    indicators: list[Indicator]
    columns: list[tuple[Hashable, Hashable]]
    notes: list[str]


def _plan(
    match: ColumnMatch,
    wanted: Sequence[str | Indicator] | None,
    allowed: Mapping[str, str],
    catalog: Catalog,
) -> _Plan:
    def column_for(term_id: str) -> tuple[Hashable | None, str]:
        stand_in = allowed.get(term_id)
        if stand_in is not None and stand_in in match.terms:
            return match.terms[stand_in], f"{term_id} <- {stand_in}"
        return match.terms.get(term_id), ""

    chosen = (
        [resolve(key, catalog) for key in wanted]
        if wanted is not None
        else [i for i in catalog.values() if i.computable]
    )
    plan = _Plan([], [], [])
    for indicator in chosen:
        num, num_note = column_for(indicator.numerator.id)
        den, den_note = column_for(indicator.denominator.id)
        if num is None or den is None:
            if wanted is None:
                continue
            missing = indicator.numerator if num is None else indicator.denominator
            raise InvalidInputError(
                f"{indicator_label(indicator)} needs {term_label(missing)}: no column of the "
                f"table matches it (say which with columns={{'<column>': {missing.id!r}}}); "
                f"matched: {', '.join(map(str, match.terms.values())) or 'nothing'}"
            )
        plan.indicators.append(indicator)
        plan.columns.append((num, den))
        notes = [f"numerator {num_note}"] * bool(num_note) + [f"denominator {den_note}"] * bool(
            den_note
        )
        plan.notes.append("; ".join(notes))
    if not plan.indicators:
        raise _nothing_computable(match)
    return plan


def _nothing_computable(match: ColumnMatch) -> InvalidInputError:
    """No indicator has both its counts: which columns matched, which did not, what to do.

    In both languages: an office's table whose header is not the table's (a cover
    sheet read first, a header the matcher does not know) says what it saw.
    """
    from mch_indicators._labels import Words, error_of, joined, words

    def listed(columns: Iterable[Hashable]) -> Words:
        return Words(*(joined(columns, lang, most=12) for lang in ("en", "zh")))

    matched, other = listed(match.terms.values()), listed(match.unmatched)
    error = error_of(InvalidInputError, "nothing_computable", matched=matched, other=other)
    # the command line has no columns= and no match_columns: it says its own advice
    error.command_line = words("nothing_computable_cli", matched=matched, other=other)
    return error


def with_place(
    error: MCHIndicatorsError, place: str | None, row: Hashable | None = None
) -> MCHIndicatorsError:
    """The same error about ``row`` (default: its own), its place (``石门县/2023``) in front.

    An error that already names its place keeps it (and is only moved to ``row``).
    """
    copy = type(error).__new__(type(error))
    copy.__dict__.update(error.__dict__)
    copy.args = error.args
    if row is not None:
        copy.row = row
    known = getattr(error, "place", None)
    if place and not known:
        copy.reason = f"{place}: {error.reason}"
        if error.reason_zh:
            copy.reason_zh = f"{place}：{error.reason_zh}"
        copy.args = (copy.reason,)
        copy.place = place  # type: ignore[attr-defined]
    shown = known or place
    if error.message is not None and row is None:  # its own words, the place after them
        copy.message = error.message + (f" [{place}]" if place and not known else "")
        return copy
    bare = copy.reason.removeprefix(f"{shown}: ") if shown else copy.reason
    where = f"row {copy.row!r}" + (f" ({shown})" if shown else "")
    column = f"column {copy.column!r}, " if copy.column is not None else ""
    copy.message = f"{column}{where}: {bare}" if copy.row is not None else None
    return copy


def placed(error: MCHIndicatorsError, frame: pd.DataFrame) -> MCHIndicatorsError:
    """``error`` about a row of ``frame``, with the row's area and period in front."""
    if error.row is None or getattr(error, "place", None):
        return error
    try:
        columns = list(match_columns(frame).fields.values())
        position = np.flatnonzero(frame.index == error.row)
    except (MCHIndicatorsError, TypeError, ValueError):
        return error
    if not columns or position.size != 1:
        return error
    return with_place(error, row_places(frame.iloc[[int(position[0])]], columns)[0])


@dataclass(frozen=True, slots=True)
class UnitRules:
    """How a table's rows become units: ``totals``, ``duplicates``, ``total_labels``."""

    totals: Totals = "check"
    duplicates: Duplicates = "error"
    total_labels: tuple[str, ...] = ()

    @classmethod
    def of(
        cls, totals: object = "check", duplicates: object = "error",
        total_labels: Iterable[str] | None = None,
    ) -> UnitRules:  # fmt: skip
        """Checked options (a :class:`InvalidInputError` for a value not documented)."""
        check_unit_options(totals, duplicates)
        if isinstance(total_labels, str):
            total_labels = [total_labels]
        return cls(totals, duplicates, tuple(str(t) for t in total_labels or ()))  # type: ignore[arg-type]


#: What the inner calls on a table already made of units use: nothing taken out again.
AS_UNITS = UnitRules("keep", "error")


def table_units(
    frame: pd.DataFrame,
    match: ColumnMatch,
    counts: Sequence[Hashable],
    rules: UnitRules,
    others: Sequence[Hashable] = (),
    *,
    strata: bool = False,
    sums: bool = True,
    compared: Sequence[Hashable] = (),
) -> tuple[pd.DataFrame, list[CheckRow]]:
    """The unit rows of a table by its matched area and period columns, and the checks.

    ``strata`` and ``sums`` are as in :func:`office_units`. Columns that match
    nothing (except ``indicator`` and the office's own rate columns, ``compared``
    with the recomputed rates) are listed in the checks.
    """
    areas, periods = label_columns(match)
    units, found = office_units(
        frame, areas=areas, periods=periods, counts=counts, others=others,
        totals=rules.totals, duplicates=rules.duplicates, total_labels=rules.total_labels,
        strata=strata, sums=sums, years=year_columns(match),
    )  # fmt: skip
    if rules is AS_UNITS or strata:
        return units, found
    unmatched = [
        check_row("unmatched_column", item=column)
        for column in match.unmatched
        if column != "indicator" and column not in [*others, *counts, *compared]
    ]
    return units, [*found, *unmatched]


def long_counts(
    frame: pd.DataFrame,
    wanted: Sequence[str | Indicator] | None = None,
    *,
    columns: Mapping[Hashable, str] | None = None,
    allow_substitute: Substitutes | None = None,
    catalog: Catalog | None = None,
    rules: UnitRules = AS_UNITS,
    compare: bool = False,
) -> tuple[pd.DataFrame, pd.DataFrame, list[str], list[CheckRow], list[OfficeRate]]:
    """A wide table as a long table of counts, its unit rows, each long row's place, the checks.

    The rows are first made units (:func:`table_units`: total rows out, one row
    per unit and period, by ``rules``); every count is checked to be whole
    unless its term is estimated (:func:`check_whole`).

    Columns of the long table: the label fields (renamed to their ids:
    ``county``, ``year``...), other text columns, then ``indicator``,
    ``numerator``, ``denominator`` (and ``substitution`` when
    ``allow_substitute`` is given); rows are input row by indicator. With
    ``compare``, the office's own rate columns of the indicators laid out
    (:func:`~._office_rates.office_rates`) are returned last, to be compared
    with the recomputed rates, instead of being listed as columns not used.
    """
    pd = pandas()
    from mch_indicators._catalog import chosen_catalog

    catalog = chosen_catalog(catalog)
    match = match_columns(frame, columns, catalog=catalog)
    allowed = substitutes(allow_substitute, catalog)
    plan = _plan(match, wanted, allowed, catalog)
    used = list(dict.fromkeys(c for pair in plan.columns for c in pair))
    fields_in_order = list(match.fields.values())
    rates = office_rates(frame, match.unmatched, plan.indicators, plan.columns) if compare else []
    compared = [rate.column for rate in rates]
    try:
        frame, checks = table_units(frame, match, used, rules, compared=compared)
    except MCHIndicatorsError as error:
        raise placed(error, frame) from None
    kept = [
        c
        for c in match.unmatched
        if not pd.api.types.is_numeric_dtype(frame[c].dtype) and c not in ["indicator", *compared]
    ]
    places = row_places(frame, fields_in_order) if fields_in_order else []
    terms = {column: term for term, column in match.terms.items()}
    counts = {}
    for column in used:
        try:
            counts[column] = numbers(frame, str(column))
            check_whole(frame, column, counts[column], catalog.terms.get(terms.get(column, "")))
        except MCHIndicatorsError as error:
            if error.row is None or not places:
                raise
            position = int(np.flatnonzero(frame.index == error.row)[0])
            raise with_place(error, places[position]) from None
    rows, k = len(frame), len(plan.indicators)
    out: dict[Hashable, Any] = {}
    for field_id, column in match.fields.items():
        out[field_id] = _label_values(frame[column]).take(np.repeat(np.arange(rows), k))
    for column in kept:
        out[column] = np.repeat(frame[column].to_numpy(), k)
    out["indicator"] = np.tile(np.array([i.id for i in plan.indicators], dtype=object), rows)
    out["numerator"] = np.column_stack([counts[num] for num, _ in plan.columns]).ravel()
    out["denominator"] = np.column_stack([counts[den] for _, den in plan.columns]).ravel()
    if allow_substitute is not None:
        out["substitution"] = np.tile(np.array(plan.notes, dtype=object), rows)
    long = pd.DataFrame(out, index=pd.RangeIndex(rows * k))
    return as_frame(long), frame, [place for place in places for _ in range(k)], checks, rates


def _label_values(labels: pd.Series[Any]) -> Any:
    """A label column's values, whole numbers kept whole.

    A column of codes or years with a blank cell is read as floats (``110101.0``);
    written out so, a code would no longer match the system it comes from. Floats
    that are all whole numbers become pandas' nullable integers (the blank a missing
    value); any other column is kept as it is.
    """
    pd = pandas()
    values = labels.array
    if not pd.api.types.is_float_dtype(labels.dtype):
        return values
    present = labels.dropna().to_numpy(dtype=np.float64)
    whole = bool(np.all(np.isfinite(present) & (present == np.round(present))))
    if present.size == 0 or not whole or np.abs(present).max() >= 2.0**53:
        return values
    return labels.astype("Int64").array


def to_wide(tidy: pd.DataFrame, indicators: int) -> pd.DataFrame:
    """A tidy result laid out by :func:`long_counts` with one column group per indicator.

    The index holds the label columns (or counts rows when there are none); the
    columns are a MultiIndex of (indicator, quantity): ``numerator``,
    ``denominator``, ``value``, the limits and ``flags``.
    """
    pd = pandas()
    start = list(tidy.columns).index("indicator")
    labels = list(tidy.columns[:start])
    quantities = [c for c in tidy.columns[start:] if c not in ("indicator", "unit")]
    rows = len(tidy) // indicators
    order = tidy["indicator"].iloc[:indicators].tolist()
    data = {}
    for j, indicator in enumerate(order):
        for quantity in quantities:
            data[(indicator, quantity)] = tidy[quantity].to_numpy().reshape(rows, indicators)[:, j]
    firsts = tidy.iloc[::indicators]
    index = (
        pd.MultiIndex.from_frame(firsts[labels])
        if len(labels) > 1
        else pd.Index(firsts[labels[0]])
        if labels
        else pd.RangeIndex(rows)
    )
    wide = pd.DataFrame(data, index=index)
    wide.columns = pd.MultiIndex.from_tuples(list(data), names=["indicator", None])
    return as_frame(wide)


def located(
    error: MCHIndicatorsError, frame: pd.DataFrame, places: list[str], k: int
) -> MCHIndicatorsError:
    """An error about a row of the long table, told about the input row and its place."""
    if error.row is None or not isinstance(error.row, int | np.integer) or not k:
        return error
    row = label_of(frame.index, int(error.row) // k)
    return with_place(error, places[int(error.row)] if places else None, row)
