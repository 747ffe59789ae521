"""The sheets of an office's report, each written as the office head reads and prints it.

* a sheet per **domain**: one row per area and period (the table's rows, then the
  subtotals and the total, in bold), for each indicator its value and its interval;
  a value to read with care carries a mark and a fill (``*`` 数值不稳定, ``▲``
  超过任务数...), a value not computed says why (缺报, 已隐去...), and the legend is
  on the sheet;
* **同比、排名与达标**: the latest year's change from the year before with its test,
  the rank among the areas and the target of a chosen plan (:mod:`._analysis`);
* **数据核查**: the checks of the table (``CHECK_COLUMNS``) and the columns not used;
* **全部结果**, **标记说明**, **指标来源**: every value with its counts, the flags, and
  each definition with its sources (in Chinese under ``lang="zh"``).

Nothing here computes: values come rounded for display from :mod:`mch_indicators._display`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from mch_indicators._display import display_frame, format_number, round_half_up
from mch_indicators._labels import column_label, label, status_text, unit_header
from mch_indicators._report._blocks import (
    Block,
    indicators_of,
    needs_level_column,
    union_labels,
)
from mch_indicators._report._sheet import FILLS, Footer, SheetWriter, fill, print_ready
from mch_indicators.stats._flags import Flag

if TYPE_CHECKING:
    import pandas as pd

    from mch_indicators._catalog import Catalog
    from mch_indicators._model import Indicator

__all__ = [
    "MARKED_FLAGS",
    "checks_sheet",
    "details_sheet",
    "domain_sheet",
    "legend_sheet",
    "review_sheet",
    "sources_sheet",
]

#: Flags marked beside a value that is shown, in the order their marks are written.
MARKED_FLAGS = ("UNRELIABLE", "ABOVE_DENOMINATOR", "INCOMPLETE", "UNCLASSIFIED")
#: Flags that leave no value, the first of which a cell names.
EMPTY_FLAGS = ("SUPPRESSED", "INVALID", "ZERO_DENOMINATOR", "MISSING")
_TARGET_FILLS = {"met": "E2EFDA", "not met": "F8CBAD", "not statistically clear": "FFF2CC"}


def _mark(flag: str) -> str:
    return label("flags", flag, "en", "mark")


def _number_format(decimals: int, suffix: str = "") -> str:
    base = "0" if decimals == 0 else "0." + "0" * decimals
    return base + (f'"{suffix}"' if suffix else "")


def _flags(text: Any) -> list[str]:
    return [f for f in str(text or "").split("|") if f]


def _title_font(cell: Any) -> None:
    from openpyxl.styles import Alignment, Font

    cell.font = Font(bold=True, size=13)
    cell.alignment = Alignment(horizontal="left", vertical="center")


def _header_style(cell: Any) -> None:
    from openpyxl.styles import Alignment, Border, Font, Side

    thin = Side(style="thin", color="808080")
    cell.font = Font(bold=True)
    cell.alignment = Alignment(wrap_text=True, horizontal="center", vertical="center")
    cell.fill = fill(FILLS["header"])
    cell.border = Border(left=thin, right=thin, top=thin, bottom=thin)


def _note_row(writer: SheetWriter, text: str, width: int) -> int:
    """A line of notes across ``width`` columns, wrapped."""
    from openpyxl.styles import Alignment, Font

    number = writer.row([text], measure=False)
    cell = writer.sheet.cell(row=number, column=1)
    cell.font = Font(size=9, color="404040")
    cell.alignment = Alignment(wrap_text=True, vertical="top")
    if width > 1:
        writer.sheet.merge_cells(
            start_row=number, start_column=1, end_row=number, end_column=width
        )
    return number


def _title_rows(writer: SheetWriter, title: str, note: str, width: int) -> None:
    number = writer.row([title], measure=False)
    _title_font(writer.sheet.cell(row=number, column=1))
    if width > 1:
        writer.sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    writer.sheet.row_dimensions[1].height = 22
    _note_row(writer, note, width)


def _legend_line(lang: str) -> str:
    """The marks and fills of the domain sheets, in one line."""
    sep = "；" if lang == "zh" else "; "
    marks = [f"{_mark(f)} {label('flags', f, lang)}" for f in MARKED_FLAGS]
    return sep.join([*marks, label("text", "legend_fills", lang)])


# -- a domain ------------------------------------------------------------------------------


def _interval_level(frame: pd.DataFrame) -> int:
    if "confidence" in frame.columns and len(frame):
        return round(float(frame["confidence"].iloc[0]) * 100)
    return 95


def _limit_columns(frame: pd.DataFrame) -> tuple[str | None, str | None]:
    from mch_indicators._report._analysis import limit_pair

    return limit_pair(frame)


def value_cell(writer: SheetWriter, row: int, column: int, record: Any, indicator: Indicator,
               lang: str) -> None:  # fmt: skip
    """A value with its marks and fill, or the reason it is missing."""
    from openpyxl.styles import Font

    flags = _flags(record.get("flags", ""))
    value = float(record.get("value", np.nan))
    if value != value:
        reason = next((f for f in EMPTY_FLAGS if f in flags), None)
        if reason is not None:
            cell = writer.put(row, column, label("flags", reason, lang))
            cell.font = Font(italic=True, color="595959")
            cell.fill = fill(FILLS["not_computed"])
        return
    marks = "".join(_mark(f) for f in MARKED_FLAGS if f in flags)
    rounded = float(round_half_up(value, indicator.decimals))
    cell = writer.put(row, column, rounded, measure=False)
    cell.number_format = _number_format(indicator.decimals, marks)
    writer.measure(column, format_number(value, indicator.decimals) + marks)
    if "ABOVE_DENOMINATOR" in flags:
        cell.fill = fill(FILLS["above"])
    elif "UNRELIABLE" in flags:
        cell.fill = fill(FILLS["unreliable"])


def interval_text(record: Any, indicator: Indicator, lower: str | None, upper: str | None) -> str:
    """``0.18–39.92``: the interval rounded like its value; empty when there is none."""
    if lower is None or upper is None:
        return ""
    low, high = float(record.get(lower, np.nan)), float(record.get(upper, np.nan))
    if low != low or high != high:
        return ""
    d = indicator.decimals
    return f"{format_number(low, d)}–{format_number(high, d)}"


def _label_cells(block: Block, labels: list[str], key: tuple[Any, ...], level: bool) -> list[Any]:
    """The label cells of one row: its own labels, and the pooled text where its set has none."""
    own = dict(zip(block.labels, key, strict=True))
    cells: list[Any] = [block.name] if level else []
    filled = False
    for name in labels:
        if name in own:
            cells.append(_plain(own[name]))
        elif block.pooled and not filled and not level:
            cells.append(block.fill)
            filled = True
        else:
            cells.append(None)
    return cells


def _plain(value: Any) -> Any:
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float) and value != value:
        return None
    return value


def _rows_of(block: Block) -> list[tuple[tuple[Any, ...], dict[str, Any]]]:
    """(label key, {indicator id: record}) for each row of the block, in order."""
    records = block.frame.to_dict("records")
    rows: dict[tuple[Any, ...], dict[str, Any]] = {}
    for record in records:
        key = tuple(record[c] for c in block.labels)
        rows.setdefault(key, {})[str(record["indicator"])] = record
    return list(rows.items())


def _domain_header(
    writer: SheetWriter, labels: list[str], indicators: list[Indicator], level: bool,
    lang: str, ci_level: int,
) -> int:  # fmt: skip
    """Two header rows: label names (merged down), indicator names over value | interval."""
    sheet = writer.sheet
    first = writer.next_row
    names = ([column_label("level", lang)] if level else []) + [
        column_label(c, lang) for c in labels
    ]
    for position, name in enumerate(names, start=1):
        writer.put(first, position, name)
        sheet.merge_cells(start_row=first, start_column=position, end_row=first + 1,
                          end_column=position)  # fmt: skip
    start = len(names) + 1
    interval = label("text", "ci", lang, level=ci_level)
    wrapped = []
    for offset, indicator in enumerate(indicators):
        column = start + 2 * offset
        heading = header_with_unit_line(indicator, lang)
        writer.put(first, column, heading, measure=False)
        sheet.merge_cells(start_row=first, start_column=column, end_row=first,
                          end_column=column + 1)  # fmt: skip
        writer.put(first + 1, column, column_label("value", lang))
        writer.put(first + 1, column + 1, interval)
        wrapped.append((column, column + 1, heading))
    for row in (first, first + 1):
        for cell in writer.cells(row, start - 1 + 2 * len(indicators)):
            _header_style(cell)
    writer.next_row = first + 2
    return first


def header_with_unit_line(indicator: Indicator, lang: str) -> str:
    """``孕产妇死亡率(/10万)``: the indicator's name and unit, as a column heading."""
    from mch_indicators._display import header_with_unit

    return header_with_unit(indicator, lang)


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
    start = len(labels) + int(level) + 1
    width = start - 1 + 2 * len(indicators)
    _title_rows(writer, title, _legend_line(lang) + _interval_note(lang), width)
    parts = [b.frame[b.frame["indicator"].isin([i.id for i in indicators])] for b in blocks]
    ci_level = _interval_level(next((p for p in parts if len(p)), blocks[0].frame))
    header = _domain_header(writer, labels, indicators, level, lang, ci_level)
    pooled_rows: list[tuple[int, bool]] = []
    for block, part in zip(blocks, parts, strict=True):
        lower, upper = _limit_columns(part)
        shown = Block(block.name, part, block.labels, block.pooled, block.fill)
        for index, (key, records) in enumerate(_rows_of(shown)):
            row = writer.row(_label_cells(block, labels, key, level))
            for offset, indicator in enumerate(indicators):
                record = records.get(indicator.id)
                if record is not None:
                    column = start + 2 * offset
                    value_cell(writer, row, column, record, indicator, lang)
                    _interval_cell(
                        writer, row, column + 1, interval_text(record, indicator, lower, upper)
                    )
            if block.pooled:
                pooled_rows.append((row, index == 0))
    writer.fit_columns(body=header + 2)
    writer.grid(header + 2, width)
    _bold_rows(writer, pooled_rows, width)
    _heading_heights(writer, header, start, indicators, width, lang)
    writer.sheet.freeze_panes = writer.sheet.cell(row=header + 2, column=start)
    print_ready(writer.sheet, header_rows=header + 1, label_columns=start - 1, footer=footer)


def _interval_cell(writer: SheetWriter, row: int, column: int, text: str) -> None:
    from openpyxl.styles import Alignment, Font

    if text:
        cell = writer.put(row, column, text)
        cell.alignment = Alignment(horizontal="center")
        cell.font = Font(color="404040")


def _bold_rows(writer: SheetWriter, rows: list[tuple[int, bool]], width: int) -> None:
    """Pooled rows in bold, a line above the first of each set."""
    import copy

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


def _interval_note(lang: str) -> str:
    return label("text", "interval_note", lang)


def _heading_heights(
    writer: SheetWriter, header: int, start: int, indicators: list[Indicator], width: int,
    lang: str,
) -> None:  # fmt: skip
    """Rows tall enough for the wrapped indicator headings and the legend line."""
    headings = [
        (start + 2 * offset, start + 2 * offset + 1, header_with_unit_line(indicator, lang))
        for offset, indicator in enumerate(indicators)
    ]
    writer.wrap_height(header, headings)
    note = str(writer.sheet.cell(row=2, column=1).value or "")
    writer.wrap_height(2, [(1, max(width, 1), note)])


# -- the other sheets ----------------------------------------------------------------------


def _table_sheet(
    writer: SheetWriter,
    title: str,
    header: Sequence[str],
    rows: Sequence[Sequence[Any]],
    *,
    footer: Footer,
    label_columns: int = 1,
    caps: dict[int, float] | None = None,
    note: str | None = None,
) -> None:
    """A plain table: title, optional note, one header row, rows; printed like the others."""
    if note:
        _title_rows(writer, title, note, max(len(header), 1))
    else:
        _title_font(writer.sheet.cell(row=writer.row([title], measure=False), column=1))
    number = writer.row(list(header))
    for cell in writer.cells(number, len(header)):
        _header_style(cell)
    for row in rows:
        writer.row(list(row))
    writer.fit_columns(body=number + 1, caps=caps)
    writer.grid(number + 1, len(header))
    writer.sheet.freeze_panes = writer.sheet.cell(row=number + 1, column=1)
    print_ready(writer.sheet, header_rows=number, label_columns=label_columns, footer=footer)


def details_sheet(
    writer: SheetWriter, blocks: list[Block], lang: str, catalog: Catalog, footer: Footer
) -> None:
    """Every value with its counts, interval and flags, each set named."""
    import pandas as pd

    shown = []
    for block in blocks:
        table = display_frame(block.frame, lang, catalog=catalog)
        if len(blocks) > 1:
            table.insert(
                0, column_label("level", lang), block.fill if block.pooled else block.name
            )
        shown.append(table)
    table = pd.concat(shown, ignore_index=True) if len(shown) > 1 else shown[0]
    rows = [[_plain(v) for v in row] for row in table.itertuples(index=False)]
    labels = len(union_labels(blocks)) + int(len(blocks) > 1)
    _table_sheet(
        writer, label("text", "details_sheet", lang), [str(c) for c in table.columns], rows,
        footer=footer, label_columns=labels,
    )  # fmt: skip


def legend_sheet(writer: SheetWriter, lang: str, footer: Footer) -> None:
    """Each flag: its mark, its words, what it means, its id."""
    header = [label("text", "mark", lang), column_label("flags", lang),
              column_label("meaning", lang), "id"]  # fmt: skip
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
    _table_sheet(writer, label("text", "legend", lang), header, rows, footer=footer,
                 caps={3: 90})  # fmt: skip


def _sources_text(indicator: Indicator) -> tuple[str, str]:
    documents = "\n".join(s.document for s in indicator.sources)
    sections = "\n".join(s.section or "" for s in indicator.sources).strip("\n")
    return documents, sections


def sources_sheet(
    writer: SheetWriter, indicators: list[Indicator], lang: str, footer: Footer
) -> None:
    """Each indicator's definition, counts, sources and whether its definition was verified."""
    keys = ["id", "name", "unit", "kind", "numerator", "denominator", "definition", "document",
            "section", "status", "note"]  # fmt: skip
    header = [column_label(k, lang) for k in keys]
    rows = []
    for i in indicators:
        definition = (i.definition.zh or i.definition.en) if lang == "zh" else i.definition.en
        documents, sections = _sources_text(i)
        status = label("text", "verified" if i.verified else "unverified", lang)
        rows.append(
            [
                i.id, getattr(i.name, lang), unit_header(i.unit, lang),
                label("kinds", i.kind.value, lang), getattr(i.numerator.name, lang),
                getattr(i.denominator.name, lang), definition, documents, sections,
                status,
                i.note or "",
            ]
        )  # fmt: skip
    _table_sheet(
        writer, label("text", "sources_sheet", lang), header, rows, footer=footer,
        label_columns=2, caps={7: 50, 8: 60, 9: 16, 11: 50},
    )  # fmt: skip


def checks_sheet(writer: SheetWriter, checks: pd.DataFrame, lang: str, footer: Footer) -> None:
    """The checks of the office's table (``CHECK_COLUMNS``), or a line saying there are none."""
    keys = ["check", "check_unit", "period", "item", "reported", "expected", "message"]
    header = [column_label(k, lang) for k in keys]
    rows = [
        [
            label("checks", str(record["check"]), lang),
            _plain(record["unit"]),
            _plain(record["period"]),
            _plain(record["item"]),
            _plain(record["reported"]),
            _plain(record["expected"]),
            _plain(record[f"message_{lang}"]),
        ]
        for record in checks.to_dict("records")
    ]
    if not rows:
        rows = [[label("text", "no_checks", lang), None, None, None, None, None, None]]
    _table_sheet(writer, label("text", "checks_sheet", lang), header, rows, footer=footer,
                 caps={7: 70})  # fmt: skip


# -- 同比、排名与达标 ----------------------------------------------------------------------------


def _change_format(kind: str, unit: str, decimals: int, lang: str) -> str:
    if kind == "percent":
        return '+0.0"%";-0.0"%";0.0"%"'
    points = label("text", "points", lang) if unit == "percent" else unit_header(unit, lang)
    base = _number_format(decimals)
    return f'+{base}"{points}";-{base}"{points}";{base}"{points}"'


def _change_interval(record: Any, decimals: int, lang: str) -> str:
    low, high = float(record["change_lower"]), float(record["change_upper"])
    if not (np.isfinite(low) and np.isfinite(high)):
        return ""
    places = 1 if record["change_kind"] == "percent" else decimals
    suffix = "%" if record["change_kind"] == "percent" else ""
    text = [f"{float(round_half_up(v, places)):+.{places}f}{suffix}" for v in (low, high)]
    return label("text", "range", lang, lower=text[0], upper=text[1])


def _target_rule(target_id: str, lang: str) -> str:
    from mch_indicators._targets import builtin_targets

    found = next((t for t in builtin_targets() if t.id == target_id), None)
    if found is None:
        return ""
    rule = found.rule_in(lang)
    return rule + (label("text", "target_year", lang, year=found.year) if found.year else "")


def _review_row(
    writer: SheetWriter, record: Mapping[Any, Any], labels: list[str], indicator: Indicator,
    lang: str, level: bool, fill_text: str | None,
) -> None:  # fmt: skip
    cells: list[Any] = [getattr(indicator.name, lang), unit_header(indicator.unit, lang)]
    if level:
        cells.append(record["level"])
    filled = False
    for name in labels:
        value = _plain(record.get(name))
        if value is None and fill_text and not filled:
            value, filled = fill_text, True
        cells.append(value)
    row = writer.row(cells)
    column = len(cells) + 1
    value_cell(writer, row, column, record, indicator, lang)
    writer.put(row, column + 1, interval_text(record, indicator, "lower", "upper"))
    previous = float(record.get("previous", np.nan))
    if previous == previous:
        cell = writer.put(row, column + 2, float(round_half_up(previous, indicator.decimals)))
        cell.number_format = _number_format(indicator.decimals)
    change = float(record.get("change", np.nan))
    if np.isfinite(change) and record.get("change_kind"):
        kind = str(record["change_kind"])
        places = 1 if kind == "percent" else indicator.decimals
        cell = writer.put(row, column + 3, float(round_half_up(change, places)), measure=False)
        cell.number_format = _change_format(kind, indicator.unit, places, lang)
        writer.measure(
            column + 3, f"+{change:.{places}f}" + ("%" if kind == "percent" else "xxxxxx")
        )
    writer.put(
        row,
        column + 4,
        _change_interval(record, indicator.decimals, lang) if record.get("change_kind") else "",
    )
    p_value = float(record.get("p_value", np.nan))
    if p_value == p_value and record.get("change_status"):
        if p_value < 0.001:
            writer.put(row, column + 5, "<0.001")
        else:
            cell = writer.put(row, column + 5, float(round_half_up(p_value, 3)))
            cell.number_format = "0.000"
    status = str(record.get("change_status") or "")
    if status:
        writer.put(row, column + 6, status_text(status, lang))
    rank, ranked = float(record.get("rank", np.nan)), float(record.get("ranked", np.nan))
    if rank == rank and ranked == ranked:
        cell = writer.put(row, column + 7, int(rank), measure=False)
        cell.number_format = f'0"/{int(ranked)}"'
        writer.measure(column + 7, f"{int(ranked)}/{int(ranked)}")
    target = str(record.get("target") or "")
    if target:
        writer.put(row, column + 8, _target_rule(target, lang))
        outcome = str(record.get("target_status") or "")
        cell = writer.put(row, column + 9, status_text(outcome, lang))
        if outcome in _TARGET_FILLS:
            cell.fill = fill(_TARGET_FILLS[outcome])


def review_sheet(
    writer: SheetWriter,
    review: pd.DataFrame,
    blocks: list[Block],
    indicators: list[Indicator],
    *,
    lang: str,
    plan_name: str | None,
    footer: Footer,
) -> None:
    """The latest year of every area: value, change from last year, rank, target."""
    labels = union_labels(blocks)
    level = needs_level_column(blocks)
    fills = {b.name: (b.fill if b.pooled else None) for b in blocks}
    keys = ["value", "ci", "previous", "change", "change_ci", "p_value", "change_status", "rank",
            "target", "target_status"]  # fmt: skip
    header = [column_label("name", lang), column_label("unit", lang)]
    header += ([column_label("level", lang)] if level else []) + [
        column_label(c, lang) for c in labels
    ]
    ci_level = _interval_level(blocks[0].frame)
    header += [
        label("text", "ci", lang, level=ci_level) if k == "ci" else column_label(k, lang)
        for k in keys
    ]
    if plan_name is None:
        header = header[:-2]
    note = label("text", "review_note", lang)
    if plan_name is not None:
        note += label("text", "review_note_plan", lang, plan=plan_name)
    title = label("text", "review_sheet", lang)
    _title_rows(writer, title, note, len(header))
    number = writer.row(header)
    for cell in writer.cells(number, len(header)):
        _header_style(cell)
    for indicator in indicators:
        part = review[review["indicator"] == indicator.id]
        for record in part.to_dict("records"):
            _review_row(writer, record, labels, indicator, lang, level, fills.get(record["level"]))
    writer.fit_columns(body=number + 1, caps={1: 24})
    writer.grid(number + 1, len(header))
    writer.wrap_height(2, [(1, len(header), note)])
    writer.wrap_height(number, [(c, c, str(h)) for c, h in enumerate(header, start=1)])
    writer.sheet.freeze_panes = writer.sheet.cell(row=number + 1, column=3)
    print_ready(writer.sheet, header_rows=number, label_columns=2 + len(labels) + int(level),
                footer=footer)  # fmt: skip


def domain_indicators(blocks: list[Block], catalog: Catalog) -> list[Indicator]:
    """Every indicator of the blocks in the catalog's order (also the domains' order)."""
    return indicators_of(blocks, catalog)
