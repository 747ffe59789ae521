"""Data checks: what the library found in an office's table and did about it, in one table.

A county office's file says more than its counts: a 合计 row (the office's own
total, checked against the sum of its parts and never counted as a unit), rows
above the header and notes below the table (skipped), hidden rows and columns,
merged cells (filled), two rows for one unit and period (summed only when asked),
columns that match no count, rows that break a consistency rule. Each finding is
a row of a *checks table* with the columns of :data:`CHECK_COLUMNS`, its message
in Chinese and English from ``definitions/labels.toml`` (section ``checks``).

Where the checks travel
-----------------------
The checks of a table ride on the frame the library returns, in
``frame.attrs`` under :data:`ATTRS_KEY`, as an immutable :class:`CheckTable`
(not a DataFrame: pandas compares and deep-copies ``attrs`` on every operation,
and a DataFrame there makes ``pd.concat`` fail on its ambiguous truth value; a
:class:`CheckTable` compares by its rows and copies as itself). So the checks of
:func:`~mch_indicators.read_table` reach :func:`~mch_indicators.compute` with the
frame, and :func:`checks` reads them back as a DataFrame from any result:
``mch.checks(mch.compute(mch.read_table("本县.xlsx")))``. A frame built some
other way simply has no checks (an empty table), never stale ones of another file.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from mch_indicators._errors import Words, row_names
from mch_indicators._labels import label, labels

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "ATTRS_KEY",
    "CHECK_COLUMNS",
    "ERROR_KEY",
    "PERCENT_KEY",
    "SOURCE_KEY",
    "CellMarks",
    "CheckRow",
    "CheckTable",
    "attach",
    "cell_text",
    "check_row",
    "checks",
    "checks_of",
    "place_text",
    "row_places",
    "source_of",
]

#: The columns of every checks table (the report's 数据核查 sheet writes them).
CHECK_COLUMNS = (
    "check",
    "unit",
    "period",
    "item",
    "reported",
    "expected",
    "message_zh",
    "message_en",
)
#: Where a frame keeps its checks.
ATTRS_KEY = "mch_indicators.checks"
#: Where a frame read from a file keeps which read it came from (a token of its own,
#: kept by the parts of the frame): checks about one item yield to each other only
#: within one source (:func:`_yielded`), never across two files' tables added together.
SOURCE_KEY = "mch_indicators.source"

CheckRow = tuple[str, str, str, str, float, float, str, str]
#: Where a frame read from a workbook lists its percent-formatted number cells
#: (:class:`CellMarks`), so that a count column can refuse them.
PERCENT_KEY = "mch_indicators.percent_cells"
#: Where a frame read from a workbook lists its cells holding an Excel error (#DIV/0!,
#: #REF!...), which the engine reads as empty, so that a count column can refuse them.
ERROR_KEY = "mch_indicators.error_cells"


@dataclass(frozen=True, slots=True)
class CellMarks:
    """Cells a reader marked, as ``(column, row labels)`` pairs; immutable, copied as itself."""

    cells: tuple[tuple[Hashable, tuple[Hashable, ...]], ...] = ()

    def get(self, column: Hashable) -> tuple[Hashable, ...]:
        """The rows marked in ``column``."""
        for name, rows in self.cells:
            if name == column:
                return rows
        return ()

    def __deepcopy__(self, memo: dict[int, Any]) -> CellMarks:
        return self

    def __copy__(self) -> CellMarks:
        return self


def cell_text(value: object) -> str:
    """A cell or label as a message and a key show it: ``""`` for blank, ``2024`` not ``2024.0``.

    Examples
    --------
    >>> cell_text(None), cell_text(float("nan")), cell_text(2024.0), cell_text(" 甲县 ")
    ('', '', '2024', '甲县')
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


_text = cell_text


def place_text(cells: Iterable[object]) -> str:
    """A row's place as every message and chart names it: its label cells joined by ``/``.

    The one convention for a row named by its area and period cells (a check, a
    validation, an office-rate check, an error's place, a chart's label): each
    cell shown as :func:`cell_text` shows it, and a blank cell left out, so that
    a user recognises the row (``城关镇/2024``, never ``城关镇//2024``).

    Examples
    --------
    >>> place_text(["城关镇", None, 2024.0]), place_text(["", float("nan")])
    ('城关镇/2024', '')
    """
    return "/".join(text for text in map(cell_text, cells) if text)


def row_places(frame: pd.DataFrame, columns: Sequence[Hashable]) -> list[str]:
    """:func:`place_text` of each row of ``frame`` over ``columns`` (``""`` each without any).

    Examples
    --------
    >>> import pandas as pd
    >>> frame = pd.DataFrame({"县区": ["河阳县", "合计"], "乡镇": ["城关镇", None],
    ...                       "年份": [2024, 2024]})
    >>> row_places(frame, ["县区", "乡镇", "年份"])
    ['河阳县/城关镇/2024', '合计/2024']
    """
    if not columns:
        return [""] * len(frame)
    cells = [frame[column].tolist() for column in columns]
    return [place_text(row) for row in zip(*cells, strict=True)]


def _number(value: object) -> float:
    if value is None:
        return math.nan
    try:
        return float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return math.nan


def _shown(value: object) -> str:
    """A count as a message shows it: ``10,555`` (whole), ``26.954`` (not whole)."""
    number = _number(value)
    if math.isnan(number):
        return _text(value)
    return f"{number:,.0f}" if number.is_integer() else f"{number:,g}"


def check_row(
    code: str,
    *,
    unit: object = "",
    period: object = "",
    item: object = "",
    reported: object = None,
    expected: object = None,
    count: object = None,
    **values: object,
) -> CheckRow:
    """One row of a checks table, its messages from ``labels.toml`` ``[checks.<code>]``.

    The templates may use ``{unit}``, ``{period}``, ``{item}``, ``{reported}``,
    ``{expected}``, ``{difference}`` and the ``values`` given; a value given as
    ``{"zh": ..., "en": ...}`` is put in each language's message in its own words.
    ``row`` and ``above`` (a row's label) and ``rows`` (a list of labels) are named
    as :func:`~mch_indicators._errors.row_names` names rows: ``第14行`` for a line of
    a file, ``行 14`` for another row number.
    ``count`` is how many lines, rows or columns the message names: one takes the
    entry's ``one`` message where it has one (``line 1 ... was skipped``).

    Examples
    --------
    >>> row = check_row("total_mismatch", unit="合计", period=2024, item="活产数",
    ...                 reported=10556, expected=10555, row=14, units=12)
    >>> row[:6]
    ('total_mismatch', '合计', '2024', '活产数', 10556.0, 10555.0)
    >>> row[6]
    '行 14“合计”2024活产数为10,556，12个单位之和为10,555（差1）'
    """
    given, wanted = _number(reported), _number(expected)
    values = {key: _named_rows(key, value) for key, value in values.items()}
    fill = {
        "unit": _text(unit),
        "period": _text(period),
        "item": _text(item),
        "reported": _shown(reported),
        "expected": _shown(expected),
        "difference": _shown(given - wanted),
    }
    words = {
        lang: {
            **fill,
            **{key: _text(_in(value, lang)) for key, value in values.items()},
        }
        for lang in ("zh", "en")
    }  # fmt: skip
    one = "one" if count == 1 and "one" in labels()["checks"].get(code, {}) else None
    return (
        code,
        fill["unit"],
        fill["period"],
        fill["item"],
        given,
        wanted,
        label("checks", code, "zh", one, **words["zh"]),
        label("checks", code, "en", one, **words["en"]),
    )


def _named_rows(key: str, value: object) -> object:
    """``row``, ``above`` (a row's label) and ``rows`` (a list of them) as messages name rows.

    Other values, and ``rows`` given as text (a span of lines: ``2–4``), are kept.
    """
    if key in ("row", "above"):
        return row_names([value])
    if key == "rows" and isinstance(value, list | tuple):
        return row_names(value)
    return value


def _in(value: object, lang: str) -> object:
    """``value`` in ``lang``: one of its languages when it is said in both."""
    if isinstance(value, Words):
        return value.said_in(lang)
    return value[lang] if isinstance(value, Mapping) else value


@dataclass(frozen=True, slots=True)
class CheckTable:
    """The checks of a table: rows of :data:`CHECK_COLUMNS`, immutable.

    Kept in ``frame.attrs``; equal when the rows are; copied (and deep-copied)
    as itself, so that pandas' copying of ``attrs`` costs nothing.
    """

    rows: tuple[CheckRow, ...] = ()
    #: Each row's sources (:data:`SOURCE_KEY`, space-separated), ``""`` where not known;
    #: shorter than ``rows`` when the last rows have none.
    sources: tuple[str, ...] = ()

    def __deepcopy__(self, memo: dict[int, Any]) -> CheckTable:
        return self

    def __copy__(self) -> CheckTable:
        return self

    def __len__(self) -> int:
        return len(self.rows)

    def __add__(self, other: CheckTable | Iterable[CheckRow]) -> CheckTable:
        """These rows, then those of ``other`` not among them.

        Rows are looked up by hash: a sheet of 16,384 columns not used has as many
        rows, and each was compared with every row before it.
        """
        return self.plus(other)

    def plus(self, other: CheckTable | Iterable[CheckRow], source: str = "") -> CheckTable:
        """``self + other``, the rows of ``other`` found in ``source`` when it has none."""
        pairs: Iterable[tuple[CheckRow, str]] = (
            zip(other.rows, other.sources_in_full(), strict=True)
            if isinstance(other, CheckTable)
            else ((row, source) for row in other)
        )
        rows, sources = list(self.rows), list(self.sources_in_full())
        at = {row: i for i, row in enumerate(rows)}
        for row, found_in in pairs:
            if row in at:  # one finding kept once, with every source it was found in
                sources[at[row]] = _both(sources[at[row]], found_in)
            else:
                at[row] = len(rows)
                rows.append(row)
                sources.append(found_in)
        return _yielded(tuple(rows), tuple(sources))

    def sources_in_full(self) -> tuple[str, ...]:
        """Each row's source, ``""`` where not known."""
        return self.sources + ("",) * (len(self.rows) - len(self.sources))

    def to_frame(self) -> pd.DataFrame:
        """The rows as a DataFrame with the columns of :data:`CHECK_COLUMNS`."""
        import pandas as pd

        frame = pd.DataFrame(list(self.rows), columns=list(CHECK_COLUMNS))
        return frame.astype({"reported": "float64", "expected": "float64"})


#: A check that a part of a table (a chunk of a streamed file) found, which another
#: part's check about the same item overrules: "the column agrees" yields to a difference.
_YIELDS_TO = {"office_rate_agrees": "office_rate_differs"}


def _both(first: str, second: str) -> str:
    """The sources of a finding found in ``first`` and in ``second`` (``""``: one unknown)."""
    if not first or not second:
        return ""  # found where the source is not known: it yields to none
    return " ".join(dict.fromkeys([*first.split(), *second.split()]))


def _yielded(rows: tuple[CheckRow, ...], sources: tuple[str, ...]) -> CheckTable:
    """``rows`` without those another row about their item overrules (:data:`_YIELDS_TO`).

    A row yields only to rows of its own sources (parts of the same file read): two
    files' tables added together each keep their own finding about a column of the
    same name, and a finding of two files yields only when both overrule it. A row
    whose source is not known (``""``) yields to none.
    """
    overruled = {
        (code, row[3], token)
        for row, source in zip(rows, sources, strict=True)
        for code, by in _YIELDS_TO.items()
        if row[0] == by
        for token in source.split()
    }
    if not overruled:
        return CheckTable(rows, sources)
    kept = [
        (row, source)
        for row, source in zip(rows, sources, strict=True)
        if not source or not all((row[0], row[3], token) in overruled for token in source.split())
    ]
    return CheckTable(tuple(r for r, _ in kept), tuple(s for _, s in kept))


def checks_of(frame: object) -> CheckTable:
    """The :class:`CheckTable` a frame carries (empty when it has none)."""
    attrs = getattr(frame, "attrs", None)
    found = attrs.get(ATTRS_KEY) if isinstance(attrs, Mapping) else None
    return found if isinstance(found, CheckTable) else CheckTable()


def source_of(frame: object) -> str:
    """The source a frame read from a file carries (:data:`SOURCE_KEY`), else ``""``."""
    attrs = getattr(frame, "attrs", None)
    found = attrs.get(SOURCE_KEY) if isinstance(attrs, Mapping) else None
    return found if isinstance(found, str) else ""


def attach(
    frame: pd.DataFrame, *tables: CheckTable | Iterable[CheckRow], source: str = ""
) -> pd.DataFrame:
    """``frame`` with ``tables`` added to its checks (set on ``frame`` itself; return it).

    Rows given as such (not a :class:`CheckTable`) were found in ``source``
    (:func:`source_of` the table they were found in). Call it on a frame the
    library has just made, never on the caller's own.
    """
    combined = checks_of(frame)
    for table in tables:
        combined = combined.plus(table, source)
    if len(combined):
        frame.attrs[ATTRS_KEY] = combined
    return frame


def checks(result: object) -> pd.DataFrame:
    """The data checks of a table read or computed by mch_indicators, as a DataFrame.

    Parameters
    ----------
    result : DataFrame or mapping of DataFrames
        What :func:`~mch_indicators.read_table`, :func:`~mch_indicators.compute`,
        :func:`~mch_indicators.pool`, :func:`~mch_indicators.validate` or
        :func:`~mch_indicators.report` returned (a report's sets are combined).

    Returns
    -------
    pandas.DataFrame
        One row per finding: ``check`` (its code: ``total_row``,
        ``total_mismatch``, ``duplicate_summed``, ``rule_violation``,
        ``rows_above_header``, ``notes_rows``, ``hidden_sheets``, ``other_sheets``,
        ``hidden_rows``, ``hidden_columns``, ``merged_cells``, ``unmatched_column``...),
        ``unit`` and ``period`` (as the table writes them), ``item`` (a column
        or a rule), ``reported`` and ``expected`` (numbers where the check has
        them, NaN otherwise), ``message_zh`` and ``message_en``. Empty when
        nothing was found, or when the frame was not made by the library.

    Examples
    --------
    >>> import pandas as pd, mch_indicators as mch
    >>> table = pd.DataFrame({"乡镇": ["甲乡", "乙乡", "合计"], "年份": [2024] * 3,
    ...                       "活产数": [5200, 5355, 10556], "孕产妇死亡数": [1, 0, 1]})
    >>> out = mch.compute(table)
    >>> out["township"].tolist()
    ['甲乡', '乙乡']
    >>> found = mch.checks(out)
    >>> found[["check", "unit", "item", "reported", "expected"]].values.tolist()
    ... # doctest: +NORMALIZE_WHITESPACE
    [['total_row', '合计', '', nan, nan],
     ['total_mismatch', '合计', '活产数', 10556.0, 10555.0]]
    """
    if isinstance(result, Mapping):
        combined = CheckTable()
        for item in result.values():
            combined = combined + checks_of(item)
        return combined.to_frame()
    return checks_of(result).to_frame()
