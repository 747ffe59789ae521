"""The units of an office's table: total rows taken out and checked, one row per unit and period.

An office's table names its units (townships, counties) in area columns and
its periods in period columns (:func:`mch_indicators.match_columns` finds them).
Before anything is computed or pooled, :func:`office_units`:

- finds the **total rows**: by label (合计, 总计, 小计, 全县, 甲县合计, Total...;
  ``definitions/office_tables.toml`` plus ``total_labels=``), by a blank area
  cell on a row whose counts are the sum of its group's units, and by
  arithmetic alone (the first or last row of a period whose every count, in at
  least two columns, is the sum of the other rows; and, in a table of one area
  column whose period's rows fall wholly into blocks, each a row summing the two
  rows or more under or over it, those rows: townships over their villages, bold,
  without 小计). With ``totals="check"``
  (the default) they are taken out of the units and each is compared with the
  sum of its parts, column by column, every difference a row of the checks
  table; ``"drop"`` takes them out without comparing; ``"keep"`` keeps every
  row as a unit (the caller says the table has no total rows).
- takes out the **breakdown rows** (an area label starting 其中, "of which": a part
  of the row above, already counted in it) and the **comparison rows** (上年同期,
  去年同期, 增减, 同比...: another period's figures or their change), each named in the
  checks, never a unit nor a part of a total (``totals="keep"`` keeps them as it keeps
  every row).
- refuses **two tables one under the other** read as one (units, a 合计, more units of
  the same period and another 合计): whole-table totals each the sum of its own block,
  the last no closing total over all (:func:`_refuse_stacked`), naming both blocks;
  ``totals="drop"`` reads the blocks as groups of one table.
- refuses a **blank area or period** cell on a row that is no total, naming the row.
- refuses **two rows of one unit and period**, naming both by their labels, unless
  ``duplicates="sum"`` (then they are added up and the sum is a check).

A total row is at the level of its first area column that holds a total word
(or is blank): its parts are the unit rows that agree with it on the coarser
area columns, the period (a blank period: every period) and the other keys. A
subtotal word (小计) with no coarser area beside it sums the unit rows since the
previous total row. A total with no unit under it is the area itself (a county's
own series labelled 全县) and stays a unit, with a check saying so.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property, partial
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import numpy.typing as npt

from mch_indicators._adapters._pandas._columns import as_frame, label_of, numbers, pandas
from mch_indicators._adapters._spellings import respellings, spelling_key
from mch_indicators._checks import CheckRow, cell_text, check_row, place_text
from mch_indicators._errors import (
    DUPLICATES_SUM,
    TOTALS_DROP,
    Hint,
    InvalidInputError,
    MCHIndicatorsError,
    Words,
    row_names,
    row_span,
    words,
)
from mch_indicators._io._numbers import parse_years, year_texts
from mch_indicators._labels import error_of, fields
from mch_indicators._layout import (
    Layout,
    is_breakdown_label,
    is_comparison_label,
    is_subtotal_label,
    is_total_label,
    is_whole_total_label,
    layout,
)

if TYPE_CHECKING:
    import pandas as pd

    from mch_indicators._adapters._pandas._match import ColumnMatch
    from mch_indicators._catalog import Catalog

__all__ = [
    "BlankTotal",
    "Duplicates",
    "Totals",
    "blank_total_error",
    "blank_total_rows",
    "check_unit_options",
    "engine_blank_totals",
    "first_spellings",
    "label_columns",
    "office_units",
    "refuse_engine_totals",
    "respelt",
    "total_label_rows",
    "year_columns",
]

Totals = Literal["check", "drop", "keep"]
Duplicates = Literal["error", "sum"]
BoolArray = npt.NDArray[np.bool_]


def check_unit_options(totals: object, duplicates: object) -> None:
    """Refuse a ``totals`` or ``duplicates`` option that is not one of the documented values."""
    if totals not in ("check", "drop", "keep"):
        raise error_of(InvalidInputError, "totals_choice", value=totals)
    if duplicates not in ("error", "sum"):
        raise error_of(InvalidInputError, "duplicates_choice", value=duplicates)


def label_columns(match: ColumnMatch) -> tuple[list[Hashable], list[Hashable]]:
    """The area columns (coarsest first) and the period columns a match found."""
    areas = [match.fields[f.id] for f in fields() if f.role == "area" and f.id in match.fields]
    periods = [match.fields[f.id] for f in fields() if f.role == "period" and f.id in match.fields]
    return areas, periods


def _texts(series: pd.Series[Any]) -> npt.NDArray[np.object_]:
    """A label column as stripped text, ``""`` for a blank cell (factorized: one pass in C)."""
    pd = pandas()
    codes, uniques = pd.factorize(series, use_na_sentinel=True)
    shown = [cell_text(value) for value in uniques.tolist()] + [""]
    table = np.array(shown, dtype=object)
    return table[np.where(codes < 0, len(shown) - 1, codes)]


#: A total label a number, a boolean or a date can show as (``cell_text``, folded):
#: ``total_labels=["999999"]`` for a county code column whose total row is coded 999999.
_NUMBER_TEXT = re.compile(r"[0-9.e+\-:]+|nan|nat|inf|true|false")


def _coded(series: pd.Series[Any]) -> bool:
    """Whether a label column holds numbers or dates (codes of areas), not names."""
    types, dtype = pandas().api.types, series.dtype
    return bool(types.is_numeric_dtype(dtype) or types.is_datetime64_any_dtype(dtype))


def _named(frame: pd.DataFrame, areas: Sequence[Hashable]) -> bool:
    """Whether an area column holds names (text), not codes (:func:`_coded`)."""
    return any(not _coded(frame[c]) for c in areas)


def _any_total(frame: pd.DataFrame, areas: Sequence[Hashable], words: Layout) -> bool:
    """Whether any distinct label of the area columns is a total word or blank (a pass in C each).

    A column of numbers or dates holds no word, unless a total label is written as a
    number: it is not read (a Spark batch of 10,000 rows coded by 3,000 numeric areas
    spent most of its time here).
    """
    pd = pandas()
    numbers = any(_NUMBER_TEXT.fullmatch(word) for word in words.total_labels)
    for column in areas:
        if _coded(frame[column]) and not numbers:
            if frame[column].isna().any():  # a blank area cell: a total if it sums its units
                return True
            continue
        distinct = pd.unique(frame[column].to_numpy(dtype=object)).tolist()
        if any(
            not text
            or is_total_label(text, words)
            or is_breakdown_label(text, words)
            or is_comparison_label(text, words)
            for text in map(cell_text, distinct)
        ):
            return True
    return False


def year_columns(match: ColumnMatch) -> list[Hashable]:
    """The period column a match found for years (年份), if any: a date there is its year."""
    return [match.fields["year"]] if "year" in match.fields else []


@dataclass(frozen=True, slots=True)
class BlankTotal:
    """Where an engine looks for a row with a blank area cell that pandas takes out as a total.

    pandas (:func:`office_units` among strata) takes such a row out when its counts
    equal the sums of two units or more of its group and are not all zero: the unit
    rows (every area cell filled) that agree with it on the ``coarser`` area columns,
    the ``keys`` (a long table's ``indicator``, a standardisation's age bands) and the
    period columns ``filled`` on it (a blank period: every period). A row whose
    ``column`` is blank and whose ``coarser`` columns are filled is at this level; the
    period columns in ``blank`` are blank on it. An engine finds such a row in the
    engine (a sum by group, never the rows gathered) and refuses the table; another
    blank row is a stratum, counted as pandas counts it.
    """

    column: str
    areas: tuple[str, ...]
    coarser: tuple[str, ...]
    keys: tuple[str, ...]
    filled: tuple[str, ...]
    blank: tuple[str, ...]
    counts: tuple[str, str]

    @property
    def group(self) -> tuple[str, ...]:
        """The columns a blank row and its units agree on."""
        return (*self.coarser, *self.keys, *self.filled)


def _engine_columns(
    names: Sequence[str], counts: Iterable[str], keys: Sequence[str], catalog: Catalog | None
) -> tuple[list[str], list[str]] | None:
    """The area and period columns of an engine's frame, found by their headers as for pandas.

    The count columns and ``keys`` are left out, as :func:`unit_rows` leaves them out;
    None when the headers are ambiguous (the caller names its columns, as for pandas).
    """
    from mch_indicators._adapters._pandas._match import match_columns
    from mch_indicators._errors import MCHIndicatorsError

    left_out = {*counts, *keys}
    try:
        match = match_columns([n for n in names if n not in left_out], catalog=catalog)
    except MCHIndicatorsError:
        return None
    areas, periods = label_columns(match)
    return [str(a) for a in areas], [str(p) for p in periods]


def engine_blank_totals(
    names: Sequence[str],
    counts: tuple[str, str],
    catalog: Catalog | None = None,
    keys: Sequence[str] = (),
) -> list[BlankTotal]:
    """Each level and pattern of blank periods where a blank area cell may mark a total row.

    ``keys`` are the standardisation's age bands (and frequency); a long table's
    ``indicator`` column is a key too, as :func:`unit_rows` makes it. Period columns
    are few (年份, 季度): every pattern of them filled or blank is a level to look at.
    """
    found = _engine_columns(names, counts, keys, catalog)
    return [] if found is None else _blank_levels(*found, names, counts, keys)


def _blank_levels(
    areas: list[str],
    periods: list[str],
    names: Sequence[str],
    counts: tuple[str, str],
    keys: Sequence[str],
) -> list[BlankTotal]:
    """:func:`engine_blank_totals` of the area and period columns already found."""
    others = (*(["indicator"] if "indicator" in names else []), *keys)
    levels = []
    for level, column in enumerate(areas):
        for pattern in range(2 ** len(periods)):
            filled = tuple(p for i, p in enumerate(periods) if not pattern >> i & 1)
            blank = tuple(p for p in periods if p not in filled)
            levels.append(
                BlankTotal(
                    column, tuple(areas), tuple(areas[:level]), tuple(others), filled, blank,
                    counts,
                )
            )  # fmt: skip
    return levels


def blank_total_rows(part: pd.DataFrame, level: BlankTotal) -> pd.DataFrame:
    """A pandas part's rows as a search of ``level`` sums them (dask's partitions).

    Columns: the group's texts (``key0``... and ``all``, a blank ``""`` as pandas
    reads it), the two counts (0 where missing) and whether each is missing
    (``count0``, ``missing0``...), 1 (``units``, to count them by a sum), and whether
    the row is a unit (``unit``: every area filled) or a blank row at the level (``at``).
    """
    pd = pandas()
    texts = {c: _texts(part[c]) for c in {*level.areas, *level.group, *level.blank}}
    unit = np.ones(len(part), dtype=bool)
    for column in level.areas:
        unit &= texts[column] != ""
    at = texts[level.column] == ""
    for column in (*level.coarser, *level.filled):
        at &= texts[column] != ""
    for column in level.blank:
        at &= texts[column] == ""
    out: dict[str, Any] = {f"key{i}": texts[c] for i, c in enumerate(level.group)}
    out["all"] = np.full(len(part), "", dtype=object)
    for i, column in enumerate(level.counts):
        values = numbers(part, column)
        out[f"count{i}"] = np.nan_to_num(values, nan=0.0)
        out[f"missing{i}"] = np.isnan(values).astype(np.int64)
    out["units"] = np.ones(len(part), dtype=np.int64)
    out["unit"], out["at"] = unit, at
    return as_frame(pd.DataFrame(out, index=part.index))


def blank_total_error(level: BlankTotal, group: Sequence[object]) -> InvalidInputError:
    """The typed error for a blank-area row that sums its group's units, naming the column."""
    from mch_indicators._errors import Words, words

    shown = place_text(group)
    where = words("engine_blank_group", group=shown) if shown else Words("", "")
    return error_of(InvalidInputError, "engine_blank_total", column=level.column, where=where)


def refuse_engine_totals(
    names: Sequence[str],
    counts: Iterable[str],
    distinct: Callable[[str], Iterable[object]],
    catalog: Catalog | None = None,
    *,
    blank_total: Callable[[BlankTotal], Sequence[object] | None] | None = None,
    keys: Sequence[str] = (),
) -> None:
    """Refuse an engine's frame holding a row pandas would take out: 合计, 其中, 上年同期, blank.

    An engine (polars, pyarrow, DuckDB, dask, Spark) sums its rows where they are,
    with no pass that could take a total row out and check it as :func:`office_units`
    does for pandas: summed, 甲县 1/10, 乙县 3/30 and 合计 4/40 would pool to 8/80.
    The area columns are found by their headers as for pandas (the count columns
    and ``keys`` left out) and their distinct labels (``distinct(column)``, computed
    in the engine) are read by the one total rule (:func:`is_total_label`); a total
    label is a typed error naming the column and the label, in both languages. So is
    a breakdown (其中) or comparison (上年同期, 增减) label, which pandas takes out of
    the units too. With ``blank_total`` (the engine's search of one
    :class:`BlankTotal`, returning the group of a row found, or None) a row with a
    blank area cell whose counts are its group's sum is refused too
    (:func:`blank_total_error`).
    """
    counts = tuple(counts)
    found = _engine_columns(names, counts, keys, catalog)
    if found is None:
        return  # labels ambiguous by name: the caller names its columns (as for pandas)
    areas, periods = found
    words = layout()
    for column in areas:
        for text in map(cell_text, distinct(str(column))):
            if not text:
                continue
            if is_total_label(text, words):
                raise error_of(
                    InvalidInputError, "engine_total_row", column=str(column), label=text
                )
            for kind, test in (
                ("breakdown", is_breakdown_label),
                ("comparison", is_comparison_label),
            ):
                if test(text, words):
                    raise error_of(
                        InvalidInputError, f"engine_{kind}_row", column=str(column), label=text
                    )
    if blank_total is None or len(counts) != 2:
        return
    for level in _blank_levels(areas, periods, names, (counts[0], counts[1]), keys):
        group = blank_total(level)
        if group is not None:
            raise blank_total_error(level, group)


#: A label column's distinct texts and, per row, the position of its text among them.
Distinct = tuple[npt.NDArray[np.intp], list[str]]


def _distinct(texts: npt.NDArray[np.object_]) -> Distinct:
    """Each row's code among the column's distinct texts (one hashing pass in C)."""
    codes, uniques = pandas().factorize(texts)
    return codes, uniques.tolist()


def _per_row(
    texts: npt.NDArray[np.object_], test: Callable[[str], bool], distinct: Distinct | None = None
) -> BoolArray:
    """``test`` of each row's label, asked once per distinct label (``distinct``: of ``texts``)."""
    codes, uniques = _distinct(texts) if distinct is None else distinct
    return np.fromiter(map(test, uniques), dtype=bool, count=len(uniques))[codes]


def total_label_rows(frame: pd.DataFrame, catalog: Catalog | None = None) -> BoolArray:
    """Which rows of ``frame`` an area column labels as a total (合计, 全县, 甲县小计...).

    The area columns are found by their headers, as :func:`office_units` finds them;
    each distinct label is asked once. No area column: no row.

    Examples
    --------
    >>> import pandas as pd
    >>> total_label_rows(pd.DataFrame({"县区": ["甲县", "合计"], "活产数": [1, 1]})).tolist()
    [False, True]
    """
    from mch_indicators._adapters._pandas._match import match_columns

    found = np.zeros(len(frame), dtype=bool)
    try:
        areas, _ = label_columns(match_columns(frame, catalog=catalog))
    except MCHIndicatorsError:
        return found
    words = layout()
    for column in areas:
        found |= _per_row(_texts(frame[column]), partial(is_total_label, words=words))
    return found


def _classify(distinct: Distinct, words: Layout) -> tuple[BoolArray, BoolArray]:
    """Per row, whether its label is a total word, and whether it is a subtotal word."""
    codes, uniques = distinct
    total = np.fromiter((is_total_label(t, words) for t in uniques), bool, len(uniques))
    sub = np.fromiter((is_subtotal_label(t, words) for t in uniques), bool, len(uniques))
    return total[codes], (total & sub)[codes]


@dataclass
class _Table:
    """The label texts and counts of a table, and what each row turned out to be."""

    frame: pd.DataFrame
    areas: list[Hashable]
    periods: list[Hashable]
    others: list[Hashable]
    counts: list[Hashable]
    area_text: list[npt.NDArray[np.object_]]
    period_text: list[npt.NDArray[np.object_]]
    other_text: list[npt.NDArray[np.object_]]
    values: npt.NDArray[np.float64]
    area_distinct: list[Distinct]  # of each area column's texts (:func:`_distinct`)
    level: npt.NDArray[np.intp] = field(init=False)  # area level of a total, -1 for a unit
    subtotal: BoolArray = field(init=False)
    block_parts: dict[int, BoolArray] = field(init=False, default_factory=dict)
    # "label", "blank", "sum", "breakdown", "comparison" or "" (a unit)
    how: npt.NDArray[np.object_] = field(init=False)

    def __post_init__(self) -> None:
        rows = len(self.frame)
        self.level = np.full(rows, -1, dtype=np.intp)
        self.subtotal = np.zeros(rows, dtype=bool)
        self.how = np.full(rows, "", dtype=object)

    def row_name(self, position: int) -> Hashable:
        return label_of(self.frame.index, position)

    def unit_of(self, position: int) -> str:
        return place_text(t[position] for t in self.area_text)

    @cached_property
    def period_codes(self) -> npt.NDArray[np.intp] | None:
        """Each row's code of its period and other keys (:func:`_row_codes`), None without."""
        parts = [*self.other_text, *self.period_text]
        return _row_codes([_distinct(t)[0] for t in parts]) if parts else None

    def texts(self) -> tuple[list[npt.NDArray[np.object_]], ...]:
        """The texts of the area, the period and the other key columns."""
        return self.area_text, self.period_text, self.other_text

    def period_of(self, position: int) -> str:
        return place_text(t[position] for t in self.period_text)


def _read(
    frame: pd.DataFrame,
    areas: Sequence[Hashable],
    periods: Sequence[Hashable],
    others: Sequence[Hashable],
    counts: Sequence[Hashable],
    words: Layout,
) -> _Table:
    """The table's labels and counts; a comparison row's counts are not read (NaN).

    A comparison row (上年同期, 增减) is no unit: its changes may be negative or
    percentages (-145, -1.4), which no count may be, and it is taken out unread.
    """
    area_text = [_texts(frame[c]) for c in areas]
    distinct = [_distinct(texts) for texts in area_text]
    compared = np.zeros(len(frame), dtype=bool)
    for texts, found in zip(area_text, distinct, strict=True):
        compared |= _per_row(texts, lambda t: is_comparison_label(t, words), found)
    values = np.full((len(frame), len(counts)), np.nan)
    if counts and not compared.all():
        read = frame if not compared.any() else as_frame(frame[~compared])
        values[~compared] = np.column_stack([numbers(read, str(c)) for c in counts])
    return _Table(
        frame, list(areas), list(periods), list(others), list(counts), area_text,
        [_texts(frame[c]) for c in periods], [_texts(frame[c]) for c in others], values,
        distinct,
    )  # fmt: skip


def _by_label(table: _Table, words: Layout) -> None:
    """Mark breakdown (其中) and comparison (上年同期) rows, totals by their words, blanks."""
    labels = list(zip(table.area_text, table.area_distinct, strict=True))
    for how, test in (("breakdown", is_breakdown_label), ("comparison", is_comparison_label)):
        for texts, distinct in labels:
            fresh = (table.level < 0) & _per_row(texts, partial(test, words=words), distinct)
            table.level[fresh] = 0
            table.how[fresh] = how
    for level, distinct in enumerate(table.area_distinct):
        total, sub = _classify(distinct, words)
        fresh = (table.level < 0) & total
        table.level[fresh] = level
        table.how[fresh] = "label"
        table.subtotal |= fresh & sub
    for level, texts in enumerate(table.area_text):
        blank = (table.level < 0) & (texts == "")
        table.level[blank] = level
        table.how[blank] = "blank"


#: Rows taken out by their labels that are no totals: they end no subtotal's rows.
_NOT_TOTALS = ["breakdown", "comparison"]


def _group_key(table: _Table, level: int, position: int | None = None) -> Any:
    """Per row (or for one row), the tuple of coarser area labels, periods and other keys."""
    parts = [*table.area_text[:level], *table.other_text]
    if position is None:
        return list(zip(*parts, strict=True)) if parts else [()] * len(table.frame)
    return tuple(t[position] for t in parts)


def _parts(table: _Table, position: int, units: BoolArray) -> BoolArray:
    """The unit rows a total row sums."""
    if position in table.block_parts:
        return table.block_parts[position] & units
    level = int(table.level[position])
    mask = units.copy()
    for texts in [*table.area_text[:level], *table.other_text]:
        mask &= texts == texts[position]
    for texts in table.period_text:
        if texts[position]:
            mask &= texts == texts[position]
    if table.subtotal[position] and level == 0:  # 小计 alone: the rows since the last total
        return _subtotal_parts(table, position, mask)
    return mask


def _subtotal_parts(table: _Table, position: int, mask: BoolArray) -> BoolArray:
    """The units a 小计 with no area sums: in general those since the total row before it.

    When those are not its sum and the units up to the next total row are, those (a
    小计 written above its block, under a 合计 heading the table).
    """
    total = (table.level >= 0) & ~np.isin(table.how, _NOT_TOTALS)
    rows = np.arange(mask.size)
    earlier = np.flatnonzero(total & (rows < position))
    start = int(earlier[-1]) + 1 if earlier.size else 0
    before = mask & (rows >= start) & (rows < position)
    if _sums_match(table, position, before):
        return before
    later = np.flatnonzero(total & (rows > position))
    stop = int(later[0]) if later.size else mask.size
    after = mask & (rows > position) & (rows < stop)
    return after if _sums_match(table, position, after) else before


def _sums_match(table: _Table, position: int, parts: BoolArray | npt.NDArray[np.intp]) -> bool:
    """Whether a row's counts are the sum of ``parts`` (a mask, or rows) in every column.

    Some count not zero; no parts, no sum.
    """
    rows = np.flatnonzero(parts) if parts.dtype == np.bool_ else parts
    if not rows.size or not table.counts:
        return False
    row = table.values[position]
    return bool(np.all(row == table.values[rows].sum(axis=0)) and np.nansum(row) > 0)


def _other_units(table: _Table, rows: npt.NDArray[np.intp], end: int) -> int:
    """How many units the rows other than ``end`` are, when ``end``'s unit is not among them.

    Two rows of one unit (duplicates, or parts to be summed) are one unit; a row whose
    unit has another row is no total of the rest (0).
    """
    if not table.area_text:  # rows without an area: each row as it stands
        return int(rows.size) - 1
    names = list(zip(*(t[rows] for t in table.area_text), strict=True))
    mine = tuple(t[end] for t in table.area_text)
    others = [name for name, row in zip(names, rows.tolist(), strict=True) if row != end]
    return 0 if mine in others else len(set(others))


def _period_groups(table: _Table, rows: BoolArray) -> list[npt.NDArray[np.intp]]:
    """The positions of ``rows`` by period and other keys, each group in the table's order."""
    positions = np.flatnonzero(rows)
    if table.period_codes is None:
        return [positions] if positions.size else []
    codes = table.period_codes[positions]
    order = np.argsort(codes, kind="stable")
    bounds = np.flatnonzero(np.diff(codes[order])) + 1
    return np.split(positions[order], bounds)


def _by_sum(table: _Table) -> None:
    """Mark as totals the first or last row of a period whose counts sum two units or more.

    The others are counted as units, not rows: 甲县 equal to the two rows of 乙县 (its
    parts, summed with ``duplicates="sum"``) is a unit beside one other unit, no total.
    """
    if table.values.shape[1] < 2:
        return
    units = table.level < 0
    for rows in _period_groups(table, units):
        if rows.size < 3:
            continue
        block = table.values[rows]
        if np.isnan(block).any():
            continue
        sums = block.sum(axis=0)
        informative = np.count_nonzero(sums) >= 2
        for end in {int(rows[0]), int(rows[-1])}:
            if (
                informative
                and np.all(2 * table.values[end] == sums)
                and _other_units(table, rows, end) >= 2
            ):
                table.level[end], table.how[end] = 0, "sum"
                break


def _blocks(block: npt.NDArray[np.float64]) -> list[tuple[int, int]] | None:
    """The rows ``(head, end)`` of blocks each headed by a row summing the rows under it.

    ``block`` is a period's unit rows (counts, no NaN) in the table's order; each block
    is a head, then two rows or more whose counts sum to the head's in every column
    (two columns at least not zero), and the blocks take every row. None otherwise.
    A row of zeros after a block's sum is reached is its part (it could head none).
    """
    blocks: list[tuple[int, int]] = []
    head, rows = 0, block.shape[0]
    while head < rows:
        target = block[head]
        if np.count_nonzero(target) < 2:
            return None
        total = np.zeros_like(target)
        end = head + 1
        while end < rows and np.any(total != target) and np.all(total <= target):
            total = total + block[end]
            end += 1
        if end - head < 3 or np.any(total != target):
            return None
        while end < rows and not block[end].any():
            end += 1
        blocks.append((head, end))
        head = end
    return blocks if len(blocks) >= 2 else None


def _by_blocks(table: _Table, *, strata: bool = False) -> None:
    """Mark as subtotals the rows heading (or closing) blocks of the rows they sum.

    One area column with each township's row over its villages (or under them), no
    小计 written: when a period's unit rows fall wholly into two blocks or more, each a
    row summing two rows or more in every count, those rows are subtotals of their
    blocks (:func:`_blocks`; read in reverse for rows under their parts). Among
    ``strata`` a period whose rows repeat an area's name holds strata of that area
    (facilities, age bands), never such blocks: its rows are left as they are.
    """
    if table.values.shape[1] < 2 or len(table.area_text) != 1:
        return
    for rows in _period_groups(table, table.level < 0):
        block = table.values[rows]
        if rows.size < 6 or np.isnan(block).any():
            continue
        if strata and np.unique(_unit_key(table.area_text[0][rows])).size < rows.size:
            continue
        for order in (rows, rows[::-1]):
            found = _blocks(table.values[order])
            if found is None:
                continue
            for head, end in found:
                position = int(order[head])
                table.level[position], table.how[position] = 0, "block"
                table.block_parts[position] = np.zeros(len(table.frame), dtype=bool)
                table.block_parts[position][order[head + 1 : end]] = True
            break


def _resolve_blanks(table: _Table, *, strata: bool = False) -> None:
    """A blank area cell is a total when the row sums its group's units, else an error.

    Among ``strata`` a blank label that sums no units is a stratum like the others;
    it is a total when it sums two units or more.
    """
    units = table.level < 0
    blanks = np.flatnonzero(table.how == "blank")
    for position in blanks:
        parts = _parts(table, int(position), units)
        if _sums_match(table, int(position), parts) and (not strata or parts.sum() >= 2):
            continue
        block = _sums_block_above(table, int(position), parts, blanks) if strata else 0
        if strata and not block:
            table.level[position], table.how[position] = -1, ""
            continue
        column = table.areas[int(table.level[position])]
        raise _blank_error(table, int(position), column, block)


def _sums_block_above(
    table: _Table, position: int, parts: BoolArray, blanks: npt.NDArray[np.intp]
) -> int:
    """How many units above it a blank-area row sums in every count (two or more), else 0.

    The units of its group since the previous blank-area row: a subtotal with no
    label, or the total of a second table under the first. As a stratum it would be
    summed with the rows it sums; it is refused as a blank area cell is elsewhere.
    """
    before = blanks[blanks < position]
    start = int(before[-1]) if before.size else -1
    rows = np.flatnonzero(parts)
    block = rows[(rows > start) & (rows < position)]
    return int(block.size) if block.size >= 2 and _sums_match(table, position, block) else 0


def _blank_error(
    table: _Table, position: int, column: Hashable, block: int = 0
) -> InvalidInputError:
    """A row with no area name that is no total; ``block``: it sums that many rows above it."""
    shown = table.unit_of(position)
    where = f" ({shown} {table.period_of(position)})".rstrip() if shown else ""
    said = Words(where, where.replace(" (", "（").replace(")", "）") if where else "")
    key = "blank_area_subtotal" if block else "blank_area_cell"
    return error_of(
        InvalidInputError, key, where=said, units=block, column=str(column),
        row=table.row_name(position),
    )  # fmt: skip


def _blank_periods(table: _Table) -> None:
    for column, texts in zip(table.periods, table.period_text, strict=True):
        empty = (table.level < 0) & (texts == "")
        if empty.any():
            position = int(np.flatnonzero(empty)[0])
            raise InvalidInputError(
                f"the period cell is empty ({table.unit_of(position)}): every unit's row needs "
                "its period",
                column=str(column),
                row=table.row_name(position),
            )


def _check_total(table: _Table, position: int, units: BoolArray, parts: BoolArray) -> list[Any]:
    """The checks of one total row: what it is, and each column that disagrees.

    A total by its label is checked against its units (two rows of one unit, to be
    summed, are one); a total by its sums names the rows it sums.
    """
    code = {"label": "total_row", "block": "subtotal_row_sum"}.get(
        table.how[position], "total_row_sum"
    )
    rows = np.flatnonzero(parts)
    units_under = len(set(zip(*(t[rows] for t in table.area_text), strict=True))) or rows.size
    name = {
        "unit": table.unit_of(position) or "(blank)", "period": table.period_of(position),
        "row": table.row_name(position),
        "units": int(units_under) if code == "total_row" else int(rows.size),
    }  # fmt: skip
    found = [check_row(code, **name)]
    for column, reported, part_values in zip(
        table.counts, table.values[position], table.values[parts].T, strict=True
    ):
        if np.isnan(reported):
            continue
        if np.isnan(part_values).any():
            found.append(check_row("total_unchecked", item=column, reported=reported, **name))
            continue
        expected = float(part_values.sum())
        if expected != reported:
            found.append(
                check_row(
                    "total_mismatch", item=column, reported=reported, expected=expected, **name
                )
            )
    return found


def _check_breakdown(table: _Table, position: int, name: dict[str, Any]) -> list[Any]:
    """Each count of a breakdown (其中) row above that of the row it breaks down."""
    above = np.flatnonzero(~np.isin(table.how[:position], _NOT_TOTALS))
    if not above.size:
        return []
    parent = int(above[-1])
    found = []
    for column, part, whole in zip(
        table.counts, table.values[position], table.values[parent], strict=True
    ):
        if part > whole:  # NaN on either side compares False: nothing to say
            found.append(
                check_row(
                    "breakdown_larger", item=column, reported=part, expected=whole,
                    above=table.row_name(parent), **name,
                )
            )  # fmt: skip
    return found


def _refuse_stacked(table: _Table, words: Layout, hint: Hint | None) -> None:
    """Refuse two tables one under the other read as one: found by their totals' numbers.

    Units, a 合计, perhaps blank rows, then more units of the same period and another
    合计: both tables' units would be counted as one table's (16 deaths in 4,200 births
    for 11 in 3,000), each 合计 checked against all of them. Among the labelled total
    rows that sum the same units (:func:`_parts`: one level, group and period; 小计 is
    no such total), two or more are two tables when each equals, in every count, the
    sum of the units since the previous one, the last is not the sum of all the units
    above it (a closing total: one table), a total before the last names the whole
    table (合计, 总计, 全县; 甲县合计 and 乙县合计 name groups of one table:
    :func:`is_whole_total_label`), every unit under them is of one period and none is
    in two blocks (a unit in every block: blocks of months or quarters with no column
    saying which, summed over the year). Blank rows play no part: the numbers decide.
    ``hint`` is the setting the caller takes to read the blocks as one table's groups.
    """
    ends = np.flatnonzero((table.how == "label") & ~table.subtotal)
    if ends.size < 2 or not table.counts:
        return
    groups: dict[Hashable, list[int]] = {}
    for position in ends.tolist():
        level = int(table.level[position])
        period = tuple(texts[position] for texts in table.period_text)
        key = (level, _group_key(table, level, position), period)
        groups.setdefault(key, []).append(position)
    units = table.level < 0
    for positions in groups.values():
        if len(positions) >= 2:
            parts = np.flatnonzero(_parts(table, positions[0], units))
            _refuse_blocks(table, positions, parts, words, hint)


def _refuse_blocks(
    table: _Table, ends: list[int], units: npt.NDArray[np.intp], words: Layout, hint: Hint | None
) -> None:
    """:func:`_refuse_stacked` of the total rows ``ends`` of one group and their ``units``.

    The totals are under their blocks, or above them (合计 first, as statistical
    tables often write it); either way the total that could close (or open) the table
    is not the sum of all its units.
    """
    found = _blocks_under(table, ends, units) or _blocks_above(table, ends, units)
    if found is None:
        return
    blocks, above = found
    named = ends[1:] if above else ends[:-1]  # the totals that do not close the table
    texts = [table.area_text[int(table.level[end])][end] for end in named]
    if not any(is_whole_total_label(text, words) for text in texts):
        return
    rows = np.concatenate(blocks)
    if table.period_codes is not None and np.unique(table.period_codes[rows]).size > 1:
        return
    names = list(zip(*(_unit_key(t[rows]) for t in table.area_text), strict=True))
    owner = np.repeat(np.arange(len(blocks)), [b.size for b in blocks])
    seen: dict[Hashable, int] = {}
    for name, number in zip(names, owner.tolist(), strict=True):
        if seen.setdefault(name, number) != number:
            return  # a unit in two blocks: blocks of periods no column names
    pair = (
        ((ends[0], blocks[0]), (ends[1], blocks[1]))
        if above
        else ((ends[-2], blocks[-2]), (ends[-1], blocks[-1]))
    )
    raise _stacked_error(table, *pair, hint, above=above)


Blocks = tuple[list[npt.NDArray[np.intp]], bool]


def _blocks_under(table: _Table, ends: list[int], units: npt.NDArray[np.intp]) -> Blocks | None:
    """Each total's block of the units since the one before, if each total sums its own."""
    blocks, start = [], -1
    for end in ends:
        block = units[(units > start) & (units < end)]
        if not _sums_match(table, end, block):
            return None
        blocks.append(block)
        start = end
    if np.all(table.values[ends[-1]] == table.values[units[units < ends[-1]]].sum(axis=0)):
        return None  # a closing total over the blocks: one table
    return blocks, False


def _blocks_above(table: _Table, ends: list[int], units: npt.NDArray[np.intp]) -> Blocks | None:
    """Each total's block of the units up to the next one (totals above), if each sums its own."""
    if units[0] < ends[0]:
        return None  # units above the first total: not this layout
    blocks = []
    for end, stop in zip(ends, [*ends[1:], int(units[-1]) + 1], strict=True):
        block = units[(units > end) & (units < stop)]
        if not _sums_match(table, end, block):
            return None
        blocks.append(block)
    if np.all(table.values[ends[0]] == table.values[units[units > ends[0]]].sum(axis=0)):
        return None  # an opening total over the blocks: one table
    return blocks, True


def _stacked_error(
    table: _Table,
    first: tuple[int, npt.NDArray[np.intp]],
    second: tuple[int, npt.NDArray[np.intp]],
    hint: Hint | None,
    *,
    above: bool = False,
) -> InvalidInputError:
    """The error naming two tables' total rows (each with its block of units) and the rows.

    ``above``: the totals are written above their blocks.
    """
    said: dict[str, object] = {}
    for which, (end, units) in (("first", first), ("second", second)):
        start, last = table.row_name(int(units[0])), table.row_name(int(units[-1]))
        block = (
            words("stacked_block", units=int(units.size), rows=row_span(start, last))
            if units.size > 1
            else words("stacked_block_one", rows=row_names([start]))
        )
        said |= {
            f"{which}_total": table.unit_of(end), f"{which}_row": row_names([table.row_name(end)]),
            f"{which}_block": block,
        }  # fmt: skip
    period = table.period_of(second[0])
    said["period"] = Words(f" ({period})", f"（{period}）") if period else Words("", "")
    text = words("stacked_tables_above" if above else "stacked_tables", **said)
    error = InvalidInputError(text.en, reason_zh=text.zh, hint=hint, row=table.row_name(second[0]))
    error.place = place_text([table.unit_of(second[0]), period])  # type: ignore[attr-defined]
    return error


def _totals(table: _Table, totals: Totals) -> tuple[BoolArray, list[Any]]:
    """Which rows are units, and the checks of the total rows."""
    checks: list[Any] = []
    units = table.level < 0
    keep = units.copy()
    for position in np.flatnonzero(~units):
        name = {
            "unit": table.unit_of(int(position)), "period": table.period_of(int(position)),
            "row": table.row_name(int(position)),
        }  # fmt: skip
        if table.how[position] == "breakdown":
            checks.append(check_row("breakdown_row", **name))
            checks.extend(_check_breakdown(table, int(position), name))
            continue
        if table.how[position] == "comparison":
            checks.append(check_row("comparison_row", **name))
            continue
        parts = _parts(table, int(position), units)
        if not parts.any():  # 全县 over no units: the area itself
            keep[position] = True
            checks.append(check_row("total_alone", **name))
        elif totals == "drop":
            checks.append(check_row("total_dropped", **name))
        else:
            checks.extend(_check_total(table, int(position), units, parts))
    return keep, checks


def _duplicates(
    frame: pd.DataFrame,
    keys: list[Hashable],
    counts: list[Hashable],
    duplicates: Duplicates,
    texts: list[npt.NDArray[np.object_]],
) -> tuple[pd.DataFrame, list[Any]]:
    """One row per unit and period: an error naming two rows, or their sum when asked.

    Units are compared by their labels folded (:func:`_unit_key`): 城关镇 written again as
    ``城关　镇``, ``城關鎮`` or with full-width letters is the same unit, never a second one.
    """
    if not keys or len(frame) < 2:
        return frame, []
    codes = _row_codes([_unit_key(t) for t in texts])
    found = _first_repeat(codes)
    if found is None:
        return frame, []
    repeated, same = found
    first = int(same[0])
    # the unit and period as a row's place reads (甲县/2024): the message names it once
    shown = place_text(t[first] for t in texts)
    if duplicates == "error":
        rows = [label_of(frame.index, int(p)) for p in same[:2]]
        if rows[0] != rows[1]:
            error = error_of(
                InvalidInputError, "duplicate_rows", hint=DUPLICATES_SUM, row=rows[1],
                unit=shown, first=rows[0], second=rows[1],
            )  # fmt: skip
        else:
            error = error_of(  # rows named by one label: say where they stand instead
                InvalidInputError, "duplicate_rows_at", hint=DUPLICATES_SUM, row=rows[1],
                unit=shown, label=rows[0], first=int(same[0]), second=int(same[1]),
            )  # fmt: skip
        error.place = shown  # type: ignore[attr-defined]  # named: not put in front again
        raise error
    return _summed(frame, counts, codes, repeated, texts)


def _alike(
    frame: pd.DataFrame,
    keys: list[Hashable],
    texts: tuple[list[npt.NDArray[np.object_]], ...],
    counts: Sequence[Hashable],
) -> list[Any]:
    """A check naming strata to be pooled that no column but their counts tells apart.

    Rows of one unit and period are strata, summed (a facility, an age band, or an
    index of names tells them apart); rows alike in every other column too may be
    one row written twice. They are summed all the same (``pool`` of one indicator
    reads strata), and the first such unit is named (its first rows), with how many
    there are, so that a copy is seen. ``texts`` are the area, period and other
    ``keys`` columns' texts (:func:`_texts`).
    """
    if len(frame) < 2 or not keys:
        return []
    areas, periods, others = texts
    rest = [_codes_of(frame[c]) for c in frame.columns if c not in keys and c not in counts]
    if not pandas().api.types.is_integer_dtype(frame.index.dtype):
        rest.append(_codes_of(frame.index))
    codes = _row_codes([*(_unit_key(t) for t in (*areas, *periods, *others)), *rest])
    repeat = _first_repeat(codes)
    if repeat is None:
        return []
    repeated, same = repeat
    first = int(same[0])
    found = [label_of(frame.index, int(p)) for p in same[:5]]
    return [
        check_row(
            "strata_alike", unit=place_text(t[first] for t in areas),
            period=place_text(t[first] for t in periods),
            item=place_text(t[first] for t in others),
            rows=row_names(found, more=same.size > 5),
            times=same.size, groups=len(np.unique(codes[repeated])),
        )
    ]  # fmt: skip


def _first_repeat(codes: npt.NDArray[np.intp]) -> tuple[BoolArray, npt.NDArray[np.intp]] | None:
    """Rows whose code (:func:`_row_codes`) repeats, and the rows of the first such code.

    None when every code is one row's.
    """
    repeated = np.bincount(codes)[codes] > 1
    if not repeated.any():
        return None
    return repeated, np.flatnonzero(codes == codes[np.argmax(repeated)])


def _codes_of(values: Any) -> npt.NDArray[np.intp]:
    """Each value's code among the distinct values; by its text where values are unhashable."""
    pd = pandas()
    try:
        return np.asarray(pd.factorize(values)[0], dtype=np.intp)
    except TypeError:  # a list or a dict in a cell
        shown = np.array([repr(value) for value in values], dtype=object)
        return np.asarray(pd.factorize(shown)[0], dtype=np.intp)


def _row_codes(columns: Sequence[npt.NDArray[np.intp]]) -> npt.NDArray[np.intp]:
    """One code per distinct combination of the columns' codes, in order of first appearance."""
    factorize = pandas().factorize
    out = np.zeros(len(columns[0]), dtype=np.int64)
    for codes in columns:
        out, _ = factorize(out * (int(codes.max(initial=0)) + 2) + (codes + 1))
    return out


def _unit_key(texts: npt.NDArray[np.object_]) -> npt.NDArray[np.intp]:
    """Labels coded as one unit's spellings compare (the one text normaliser, each label once).

    Width, case, traditional characters and spaces beside a Chinese character fold:
    ``城关 镇``, ``城关\u3000镇``, ``城關鎮`` are ``城关镇``; ``ＣＧ镇`` is ``cg镇``. Rows
    of one folded label get one code; a blank cell is coded as ``""``.
    """
    pd = pandas()
    codes, uniques = pd.factorize(texts)
    spellings = np.array([spelling_key(str(u)) for u in [*uniques.tolist(), ""]], dtype=object)
    folded = np.asarray(pd.factorize(spellings)[0], dtype=np.intp)
    return folded[np.where(codes < 0, len(folded) - 1, codes)]


def first_spellings(frame: pd.DataFrame, columns: Sequence[Hashable]) -> pd.DataFrame:
    """``frame`` with each text label of ``columns`` written as the first of its spellings.

    Labels are folded as units' are (:func:`~mch_indicators._adapters._spellings.respellings`):
    ``城关镇``, ``城关镇\u200b`` (a zero-width space), ``城关镇 `` and ``城關鎮`` are one
    label, written as it is first written in the column. Only text is folded, never a
    number (a code ``110101`` stays apart from the text ``"110101"``); a missing label
    stays missing. The frame given is never modified; it is returned itself when
    nothing changes.
    """
    pd = pandas()
    found = {column: respellings(pd.unique(frame[column])) for column in columns}
    return respelt(frame, {column: mapping for column, mapping in found.items() if mapping})


def respelt(frame: pd.DataFrame, spellings: Mapping[Any, Mapping[str, str]]) -> pd.DataFrame:
    """``frame`` with the text labels of each column written as ``spellings`` says.

    ``spellings`` is ``{column: {spelling: written as}}``
    (:func:`~mch_indicators._adapters._spellings.respellings`); a column keeps its
    dtype, a value that is not text and a missing value stay as they are. The frame
    given is never modified; it is returned itself when nothing changes (a dask
    partition is written by the same function).
    """
    pd = pandas()
    changed = {}
    for column, mapping in spellings.items():
        if not mapping:
            continue
        codes, uniques = pd.factorize(frame[column])
        values = list(uniques)
        spelled = [mapping.get(v, v) if isinstance(v, str) else v for v in values]
        if spelled == values:
            continue
        written = np.array([*spelled, None], dtype=object)
        changed[column] = written[np.where(codes < 0, len(values), codes)]
    if not changed:
        return frame
    out = frame.copy()
    for column, column_values in changed.items():
        out[column] = pd.Series(column_values, index=frame.index, dtype=frame[column].dtype)
    return out


def _summed(
    frame: pd.DataFrame,
    counts: list[Hashable],
    codes: npt.NDArray[np.intp],
    repeated: BoolArray,
    texts: list[npt.NDArray[np.object_]],
) -> tuple[pd.DataFrame, list[Any]]:
    pd = pandas()
    checks = []
    firsts = pd.Series(np.arange(len(frame))).groupby(codes, sort=False).first().to_numpy()
    out = frame.iloc[np.sort(firsts)].copy()
    order = codes[np.sort(firsts)]
    for column in counts:
        values = pd.Series(numbers(frame, str(column)))
        sums = values.groupby(codes, sort=False).sum(min_count=1)
        missing = values.isna().groupby(codes, sort=False).any()
        sums[missing] = np.nan
        out[column] = sums.reindex(order).to_numpy()
    for code in np.unique(codes[repeated]):
        same = np.flatnonzero(codes == code)
        found = [label_of(frame.index, int(p)) for p in same]
        checks.append(
            check_row(
                "duplicate_summed", unit=texts[0][same[0]] if texts else "",
                period=" ".join(t[same[0]] for t in texts[1:]), rows=row_names(found),
                times=same.size,
            )
        )  # fmt: skip
    return as_frame(out), checks


def _years_as_numbers(
    frame: pd.DataFrame, periods: Sequence[Hashable], years: Sequence[Hashable] = ()
) -> pd.DataFrame:
    """``frame`` with each period column writing its years as text (2024年, 二〇二四) as numbers.

    A copy when a column changes (one year written two ways is then one period), the
    frame itself when none does; the years are read as a file's are (:func:`parse_years`).
    In a column of ``years`` (年份) a date is its year: a date cell, its text or its day
    number in a workbook (45292), beside 2024, are one period. A column with other
    periods too (``2024年第一季度``) stays text, its years written as digits
    (:func:`year_texts`): ``2024年`` and ``2024`` are one period there as well.
    """
    pd = pandas()
    changed = {}
    for column in periods:
        series = frame[column]
        if not pd.api.types.is_numeric_dtype(series.dtype):
            years_of: Any = parse_years(series, dates=column in years)
            if years_of is None:  # other periods too (2024年第一季度): kept as text
                years_of = year_texts(series, dates=column in years)
            if years_of is not None:
                changed[column] = years_of
    if not changed:
        return frame
    out = frame.copy()
    for column, values in changed.items():
        out[column] = values
    return out


def office_units(
    frame: pd.DataFrame,
    *,
    areas: Sequence[Hashable],
    periods: Sequence[Hashable],
    counts: Sequence[Hashable],
    others: Sequence[Hashable] = (),
    totals: Totals = "check",
    duplicates: Duplicates = "error",
    total_labels: Iterable[str] = (),
    strata: bool = False,
    sums: bool = True,
    years: Sequence[Hashable] = (),
) -> tuple[pd.DataFrame, list[CheckRow]]:
    """The unit rows of a table (totals out, one row per unit and period) and the checks.

    ``others`` are further key columns (a long table's ``indicator``). With
    ``strata`` (a frame of one indicator or a long table, whose rows may be
    strata of a unit: facilities, age bands), rows labelled as totals, and rows
    with a blank label summing two units or more of their group, are taken out;
    another blank label stays a stratum, and rows of one unit and period are
    strata, summed by the caller (never refused). With ``sums`` too (strata to be
    pooled) and areas named by text (not codes), subtotal rows heading blocks of the
    rows they sum (a township's row over its villages, :func:`_by_blocks`) are taken
    out as in a wide table, and rows that no column but their counts tells apart are
    named in a check (:func:`_alike`); no other stratum is judged by its sums (three
    strata where one equals the sum of the other two are common in small counts).
    Without ``strata`` and ``sums`` (a table of two count columns, where a row can
    equal the sum of others by chance) rows are judged by their labels only, a blank
    label staying a unit. ``years`` are the period columns of years
    (:func:`year_columns`), where a date is its year. The frame given is never
    modified; it is returned itself when nothing changes.
    """
    check_unit_options(totals, duplicates)
    if not areas and not periods:
        return frame, []
    frame = _years_as_numbers(frame, periods, years)
    words = layout().with_totals(total_labels) if total_labels else layout()
    # strata to pool, among named areas, are read for subtotal blocks and rows alike
    sums = sums and (not strata or _named(frame, areas))
    if strata and not sums and duplicates == "error" and not _any_total(frame, areas, words):
        return frame, []  # strata with no total label: nothing to do (no pass per row)
    table = _read(frame, areas, periods, others, counts, words)
    checks: list[Any] = []
    if totals == "keep":
        keep = np.ones(len(frame), dtype=bool)
        for column, texts in zip(table.areas, table.area_text, strict=True):
            if strata:
                break
            if (texts == "").any():
                raise _blank_error(table, int(np.flatnonzero(texts == "")[0]), column)
    else:
        _by_label(table, words)
        if strata:
            _resolve_blanks(table, strata=True)
            if sums:
                _by_blocks(table, strata=True)
        elif not sums:
            table.level[table.how == "blank"] = -1
        else:
            _resolve_blanks(table)
            _by_sum(table)
            _by_blocks(table)
        if totals == "check" and (sums or not strata):  # the caller's totals= lets it through
            _refuse_stacked(table, words, TOTALS_DROP if sums else None)
        keep, checks = _totals(table, totals)
    table.level[keep] = -1
    units = frame if keep.all() else as_frame(frame[keep])
    keys = [*areas, *periods, *others]
    key_texts = [t[keep] for t in (*table.area_text, *table.period_text, *table.other_text)]
    if strata and duplicates == "error":
        kept = tuple([t[keep] for t in part] for part in table.texts())
        return units, [*checks, *(_alike(units, keys, kept, counts) if sums else [])]
    _blank_periods(table)
    units, summed = _duplicates(units, keys, list(counts), duplicates, key_texts)
    return units, [*checks, *summed]
