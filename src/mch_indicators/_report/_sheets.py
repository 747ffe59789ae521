"""The sheets of an office's report, each written as the office head reads and prints it.

* a sheet per **domain**: one row per area and period (the table's rows, then the
  subtotals and the total, in bold), for each indicator its value and its interval;
  a value to read with care carries a mark and a fill (``*`` 数值不稳定, ``▲``
  超过任务数...), a value not computed says why (缺报, 已隐去...); the notes under the
  table and the header of every printed page explain the marks;
* **数据核查**: the checks of the table (``CHECK_COLUMNS``) and the columns not used;
* **全部结果**, **标记说明**, **指标来源**: every value with its counts, the flags, and
  each definition with its sources (in Chinese under ``lang="zh"``).

The change-and-rank sheet is :mod:`._review`. Nothing here computes: values come
rounded for display from :mod:`mch_indicators._display`.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from mch_indicators._display import display_frame, format_number, header_with_unit, round_half_up
from mch_indicators._labels import column_label, label, unit_header
from mch_indicators._report._blocks import Block, needs_level_column, union_labels
from mch_indicators._report._sheet import (
    FILLS,
    HEADER,
    INTERVAL,
    MISSING,
    NOTE,
    TITLE,
    Footer,
    SheetWriter,
    fill,
    print_ready,
)
from mch_indicators._views import note_text
from mch_indicators.stats import Flag

if TYPE_CHECKING:
    import pandas as pd

    from mch_indicators._catalog import Catalog
    from mch_indicators._model import Indicator, Source

__all__ = [
    "EMPTY_FLAGS",
    "MARKED_FLAGS",
    "checks_rows",
    "checks_sheet",
    "details_sheet",
    "domain_sheet",
    "header_row",
    "interval_text",
    "legend_sheet",
    "marks_legend",
    "notes",
    "plain",
    "sources_sheet",
    "table_sheet",
    "title_row",
    "value_cell",
]

#: Flags marked beside a value that is shown, in the order their marks are written.
MARKED_FLAGS = ("INCONSISTENT", "UNRELIABLE", "ABOVE_DENOMINATOR", "INCOMPLETE", "UNCLASSIFIED")
#: Flags that leave no value, the first of which the cell names.
EMPTY_FLAGS = ("SUPPRESSED", "INVALID", "ZERO_DENOMINATOR", "MISSING")


# -- styles --------------------------------------------------------------------------------


def number_format(decimals: int, suffix: str = "") -> str:
    """``0.00``, or ``0.00"*"`` with a mark the cell prints after the number."""
    base = "0" if decimals == 0 else "0." + "0" * decimals
    return base + (f'"{suffix}"' if suffix else "")


def title_row(writer: SheetWriter, title: str) -> None:
    """The sheet's title, in row 1 (printed on every page)."""
    number = writer.row([title], measure=False, style=TITLE)
    writer.sheet.row_dimensions[number].height = 22


def header_row(writer: SheetWriter, names: Sequence[str]) -> int:
    """A header row: bold, centred, wrapped, on a light fill, boxed; its number.

    The rows written after it are the table's (boxed cells as wide as the header).
    """
    number = writer.row(list(names), style=HEADER)
    writer.body(len(names))
    return number


def notes(writer: SheetWriter, lines: Sequence[str], width: int, lang: str) -> None:
    """``注：`` and one wrapped line per note under the table (after a blank row)."""
    writer.body(0)
    if not lines:
        return
    writer.row([], measure=False)
    for position, text in enumerate(lines):
        lead = label("text", "notes", lang) if position == 0 else ""
        number = writer.row([lead + text], measure=False, style=NOTE)
        span = max(width, 1)
        if span > 1:
            writer.sheet.merge_cells(start_row=number, start_column=1, end_row=number,
                                     end_column=span)  # fmt: skip
        writer.wrap_height(number, [(1, span, lead + text)], size=9)


def plain(value: Any) -> Any:
    """A cell's value as openpyxl takes it: numpy scalars as Python's, NaN as empty."""
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float) and value != value:
        return None
    return value


# -- values --------------------------------------------------------------------------------


def _mark(flag: str) -> str:
    return label("flags", flag, "en", "mark")


def marks_legend(lang: str) -> str:
    """``* 数值不稳定　▲ 超过任务数...``: the marks, for the header of every printed page."""
    sep = "　" if lang == "zh" else "   "
    return sep.join(f"{_mark(f)} {label('flags', f, lang)}" for f in MARKED_FLAGS)


def _flags(text: Any) -> list[str]:
    return [f for f in str(text or "").split("|") if f]


def value_cell(
    writer: SheetWriter, row: int, column: int, record: Mapping[Any, Any], indicator: Indicator,
    lang: str,
) -> None:  # fmt: skip
    """A value with its marks and fill, or the reason it is missing."""
    flags = _flags(record.get("flags", ""))
    value = float(record.get("value", np.nan))
    if value != value:
        reason = next((f for f in EMPTY_FLAGS if f in flags), None)
        if reason is not None:
            writer.put(row, column, label("flags", reason, lang), style=MISSING)
        return
    marks = "".join(_mark(f) for f in MARKED_FLAGS if f in flags)
    cell = writer.put(row, column, float(round_half_up(value, indicator.decimals)), measure=False)
    cell.number_format = number_format(indicator.decimals, marks)
    writer.measure(column, format_number(value, indicator.decimals) + marks)
    if "INCONSISTENT" in flags:
        cell.fill = fill(FILLS["inconsistent"])
    elif "ABOVE_DENOMINATOR" in flags:
        cell.fill = fill(FILLS["above"])
    elif "UNRELIABLE" in flags:
        cell.fill = fill(FILLS["unreliable"])


def interval_text(
    record: Mapping[Any, Any], indicator: Indicator, lower: str | None, upper: str | None
) -> str:
    """``0.18–39.92``: the interval rounded like its value; empty when there is none."""
    if lower is None or upper is None:
        return ""
    low, high = float(record.get(lower, np.nan)), float(record.get(upper, np.nan))
    if low != low or high != high:
        return ""
    d = indicator.decimals
    return f"{format_number(low, d)}–{format_number(high, d)}"


def interval_cell(writer: SheetWriter, row: int, column: int, text: str) -> None:
    """An interval, centred and a shade lighter than its value."""
    if text:
        writer.put(row, column, text, style=INTERVAL)


# -- a domain ------------------------------------------------------------------------------


def confidence_level(frame: pd.DataFrame) -> str:
    """The confidence level of the intervals shown, in percent: ``95``, ``99.8``.

    From the limit columns' names (``lower_99.8``), else the ``confidence`` column
    (``0.95`` or ``"95%"``), else 95.
    """
    from mch_indicators._report._analysis import limit_pair

    lower, _ = limit_pair(frame)
    if lower is not None and lower.startswith("lower_"):
        return lower.removeprefix("lower_")
    if "confidence" in frame.columns and len(frame):
        text = str(frame["confidence"].iloc[0]).split(",")[0].strip().rstrip("%")
        try:
            value = float(text)
        except ValueError:
            return "95"
        return f"{value * 100 if value <= 1 else value:g}"
    return "95"


def _label_cells(block: Block, labels: list[str], key: tuple[Any, ...], level: bool) -> list[Any]:
    """The label cells of one row: its own labels, and the pooled text where its set has none."""
    own = dict(zip(block.labels, key, strict=False))
    cells: list[Any] = [block.fill if block.pooled else block.name] if level else []
    filled = level
    for name in labels:
        if name in own:
            cells.append(plain(own[name]))
        elif block.pooled and not filled:
            cells.append(block.fill)
            filled = True
        else:
            cells.append(None)
    return cells


def _rows_of(
    frame: pd.DataFrame, labels: list[str]
) -> list[tuple[tuple[Any, ...], dict[str, Any]]]:
    """(label key, {indicator id: record}) for each row of a set, in order.

    Without labels (a Result's frame), the n-th value of each indicator makes row n.
    """
    rows: dict[tuple[Any, ...], dict[str, Any]] = {}
    seen: dict[str, int] = {}
    for record in frame.to_dict("records"):
        key_id = str(record["indicator"])
        if labels:
            key = tuple(record[c] for c in labels)
        else:
            key = (seen.get(key_id, 0),)
            seen[key_id] = key[0] + 1
        rows.setdefault(key, {})[key_id] = record
    return list(rows.items())


def _domain_header(
    writer: SheetWriter, names: list[str], indicators: list[Indicator], lang: str, level: str
) -> int:
    """Two header rows: label names (merged down), each indicator over value | interval."""
    sheet, first = writer.sheet, writer.next_row
    width = len(names) + 2 * len(indicators)
    for row in (first, first + 1):
        for cell in writer.cells(row, width):
            cell.style = HEADER
    for position, name in enumerate(names, start=1):
        writer.put(first, position, name)
        sheet.merge_cells(start_row=first, start_column=position, end_row=first + 1,
                          end_column=position)  # fmt: skip
    start = len(names) + 1
    interval = label("text", "ci", lang, level=level)
    for offset, indicator in enumerate(indicators):
        column = start + 2 * offset
        writer.put(first, column, header_with_unit(indicator, lang), measure=False)
        sheet.merge_cells(start_row=first, start_column=column, end_row=first,
                          end_column=column + 1)  # fmt: skip
        writer.put(first + 1, column, column_label("value", lang))
        writer.put(first + 1, column + 1, interval)
    writer.next_row = first + 2
    writer.body(width)
    return first


def _bold_rows(writer: SheetWriter, rows: list[tuple[int, bool]], width: int) -> None:
    """Pooled rows in bold, a line above the first of each set."""
    from openpyxl.styles import Side

    for row, first in rows:
        for cell in writer.cells(row, width):
            font = copy.copy(cell.font)
            font.bold = True
            cell.font = font
            if first:
                border = copy.copy(cell.border)
                border.top = Side(style="medium")
                cell.border = border


def _domain_rows(
    writer: SheetWriter, blocks: list[Block], indicators: list[Indicator], start: int,
    lang: str, level: bool,
) -> list[tuple[int, bool]]:  # fmt: skip
    """Every block's rows; the pooled rows' numbers (and whether each starts its block)."""
    from mch_indicators._report._analysis import limit_pair

    labels = union_labels(blocks)
    ids = [i.id for i in indicators]
    pooled: list[tuple[int, bool]] = []
    for block in blocks:
        part = block.frame[block.frame["indicator"].isin(ids)]
        lower, upper = limit_pair(part)
        for index, (key, records) in enumerate(_rows_of(part, block.labels)):
            row = writer.row(_label_cells(block, labels, key, level))
            for offset, indicator in enumerate(indicators):
                record = records.get(indicator.id)
                if record is not None:
                    column = start + 2 * offset
                    value_cell(writer, row, column, record, indicator, lang)
                    text = interval_text(record, indicator, lower, upper)
                    interval_cell(writer, row, column + 1, text)
            if block.pooled:
                pooled.append((row, index == 0))
    return pooled


def domain_notes(lang: str, level: str) -> list[str]:
    """What the notes under a domain sheet say: marks and fills; intervals and pooled rows."""
    sep = "；" if lang == "zh" else "; "
    marks = sep.join(f"{_mark(f)} {label('flags', f, lang)}" for f in MARKED_FLAGS)
    return [
        label(
            "text", "domain_marks", lang, marks=marks, fills=label("text", "legend_fills", lang)
        ),
        label("text", "interval_note", lang, level=level),
    ]


def domain_sheet(
    writer: SheetWriter,
    blocks: list[Block],
    indicators: list[Indicator],
    *,
    title: str,
    lang: str,
    footer: Footer,
) -> None:
    """One domain: a row per area and period of every block, value and interval per indicator."""
    labels = union_labels(blocks)
    level = needs_level_column(blocks)
    names = ([column_label("level", lang)] if level else []) + [
        column_label(c, lang) for c in labels
    ]
    start = len(names) + 1
    width = start - 1 + 2 * len(indicators)
    title_row(writer, title)
    ci_level = confidence_level(blocks[0].frame)
    header = _domain_header(writer, names, indicators, lang, ci_level)
    pooled = _domain_rows(writer, blocks, indicators, start, lang, level)
    writer.fit_columns(body=header + 2)
    _bold_rows(writer, pooled, width)
    headings = [
        (start + 2 * k, start + 2 * k + 1, header_with_unit(i, lang))
        for k, i in enumerate(indicators)
    ]
    writer.wrap_height(header, headings, size=11)
    notes(writer, domain_notes(lang, ci_level), width, lang)
    writer.sheet.freeze_panes = writer.sheet.cell(row=header + 2, column=start)
    print_ready(writer.sheet, header_rows=header + 1, label_columns=start - 1, footer=footer,
                header=marks_legend(lang))  # fmt: skip


# -- plain tables --------------------------------------------------------------------------


def table_sheet(
    writer: SheetWriter,
    title: str,
    header: Sequence[str],
    rows: Sequence[Sequence[Any]],
    *,
    footer: Footer,
    label_columns: int = 1,
    caps: dict[int, float] | None = None,
    lines: Sequence[str] = (),
    lang: str = "zh",
    rows_of: Callable[[], None] | None = None,
    page_header: str | None = None,
) -> int:
    """A plain table: title, one header row, rows, notes under it; printed like the others.

    ``rows_of``, when given, writes the rows itself (styled cells); ``page_header``
    is printed at the top of every page. Returns the header's row number.
    """
    title_row(writer, title)
    number = header_row(writer, header)
    for row in rows:
        writer.row(list(row))
    if rows_of is not None:
        rows_of()
    writer.fit_columns(body=number + 1, caps=caps)
    writer.wrap_height(number, [(c, c, str(h)) for c, h in enumerate(header, start=1)], size=11)
    notes(writer, lines, len(header), lang)
    writer.sheet.freeze_panes = writer.sheet.cell(row=number + 1, column=label_columns + 1)
    print_ready(writer.sheet, header_rows=number, label_columns=label_columns, footer=footer,
                header=page_header)  # fmt: skip
    return number


def details_sheet(
    writer: SheetWriter, blocks: list[Block], lang: str, catalog: Catalog, footer: Footer
) -> None:
    """Every value with its counts, interval and flags, each set named."""
    import pandas as pd

    shown = []
    for block in blocks:
        table = display_frame(block.frame, lang, catalog=catalog)
        if len(blocks) > 1:
            name = block.fill if block.pooled else block.name
            table.insert(0, column_label("level", lang), name)
        shown.append(table)
    table = pd.concat(shown, ignore_index=True) if len(shown) > 1 else shown[0]
    rows = [[plain(v) for v in row] for row in table.itertuples(index=False)]
    labels = len(union_labels(blocks)) + int(len(blocks) > 1)
    table_sheet(
        writer, label("text", "details_sheet", lang), [str(c) for c in table.columns], rows,
        footer=footer, label_columns=labels, lang=lang,
    )  # fmt: skip


def legend_sheet(writer: SheetWriter, lang: str, footer: Footer) -> None:
    """Each flag: its mark, its words, what it means, its id; and the fills."""
    keys = ("mark", "flags", "meaning", "id")
    header = [label("text", "mark", lang), *(column_label(k, lang) for k in keys[1:])]
    rows = [
        [
            _mark(f.name) if f.name in MARKED_FLAGS else "",
            label("flags", f.name, lang),
            label("flags", f.name, lang, "meaning"),
            f.name,
        ]
        for f in Flag
        if f.name
    ]
    rows.append(["", label("text", "fills", lang), label("text", "legend_fills", lang), ""])
    table_sheet(writer, label("text", "legend", lang), header, rows, footer=footer,
                caps={3: 80}, lang=lang)  # fmt: skip


def sources_sheet(
    writer: SheetWriter, indicators: list[Indicator], lang: str, footer: Footer
) -> None:
    """Each indicator's definition, counts, sources and whether its definition was verified."""
    keys = ["name", "unit", "numerator", "denominator", "definition", "sources", "status",
            "note", "id"]  # fmt: skip
    header = [column_label(k, lang) for k in keys]
    rows = []
    for i in indicators:
        definition = (i.definition.zh or i.definition.en) if lang == "zh" else i.definition.en
        status = label("text", "verified" if i.verified else "unverified", lang)
        rows.append(
            [
                getattr(i.name, lang), unit_header(i.unit, lang),
                getattr(i.numerator.name, lang), getattr(i.denominator.name, lang),
                definition, "\n".join(_source_text(s, lang) for s in i.sources), status,
                note_text(i, lang), i.id,
            ]
        )  # fmt: skip
    table_sheet(
        writer, label("text", "sources_sheet", lang), header, rows, footer=footer,
        label_columns=1, caps={1: 18, 3: 14, 4: 12, 5: 36, 6: 48, 8: 40, 9: 24},
        lines=[label("text", "sources_note", lang)], lang=lang,
    )  # fmt: skip


def _source_text(source: Source, lang: str) -> str:
    """A document and, when known, its section: ``《...》（主要目标）``."""
    if not source.section:
        return source.document
    return label("text", "source_section", lang, document=source.document, section=source.section)


def checks_rows(checks: pd.DataFrame, lang: str) -> tuple[list[str], list[list[Any]]]:
    """Header and rows of the checks as a report shows them (the sheet, a CSV report's file)."""
    keys = ["check", "check_unit", "period", "item", "reported", "expected", "message"]
    header = [column_label(k, lang) for k in keys]
    rows = [
        [
            label("check_names", str(record["check"]), lang),
            *(plain(record[k]) for k in ("unit", "period", "item", "reported", "expected")),
            plain(record[f"message_{lang}"]),
        ]
        for record in checks.to_dict("records")
    ]
    return header, rows


def checks_sheet(writer: SheetWriter, checks: pd.DataFrame, lang: str, footer: Footer) -> None:
    """The checks of the office's table (``CHECK_COLUMNS``), or a line saying there are none."""
    header, rows = checks_rows(checks, lang)
    if not rows:
        rows = [[label("text", "no_checks", lang), None, None, None, None, None, None]]
    table_sheet(writer, label("text", "checks_sheet", lang), header, rows, footer=footer,
                caps={1: 24, 7: 70}, lang=lang)  # fmt: skip
