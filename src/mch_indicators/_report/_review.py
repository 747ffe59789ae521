"""The 同比、排名与达标 sheet: what an office writes about its latest year, per indicator.

One row per indicator and area (the table's areas, then the subtotals and the
total): the value with its interval, last year's value, the change (percent for
rates and ratios, points for proportions) with its interval and p-value and what
it means (上升, 下降, 无显著变化), the rank among the areas, and the target of the
chosen plan with 达标, 未达标 or 未能确定. The numbers are :func:`._analysis.annual_review`'s.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np

from mch_indicators._display import round_half_up
from mch_indicators._labels import column_label, label, status_text, unit_header
from mch_indicators._report._blocks import Block, needs_level_column, union_labels
from mch_indicators._report._sheet import Footer, SheetWriter, fill
from mch_indicators._report._sheets import (
    confidence_level,
    interval_cell,
    interval_text,
    marks_legend,
    number_format,
    plain,
    table_sheet,
    value_cell,
)

if TYPE_CHECKING:
    import pandas as pd

    from mch_indicators._model import Indicator

__all__ = ["review_sheet"]

_TARGET_FILLS = {"met": "E2EFDA", "not met": "F8CBAD", "not statistically clear": "FFF2CC"}
#: Columns after the labels, by their ``columns`` label (``ci`` is the interval's).
_KEYS = ("value", "ci", "previous", "change", "change_ci", "p_value", "change_status", "rank")
_TARGET_KEYS = ("target", "target_status")


def _change_format(kind: str, unit: str, decimals: int, lang: str) -> str:
    """``+12.3%`` for a percent change; ``+1.20个百分点`` for a difference of proportions."""
    if kind == "percent":
        return '+0.0"%";-0.0"%";0.0"%"'
    points = label("text", "points", lang) if unit == "percent" else unit_header(unit, lang)
    base = number_format(decimals)
    return f'+{base}"{points}";-{base}"{points}";{base}"{points}"'


def _places(record: Mapping[Any, Any], indicator: Indicator) -> int:
    return 1 if record.get("change_kind") == "percent" else indicator.decimals


def _change_interval(record: Mapping[Any, Any], indicator: Indicator, lang: str) -> str:
    low, high = float(record["change_lower"]), float(record["change_upper"])
    if not (np.isfinite(low) and np.isfinite(high)):
        return ""
    places = _places(record, indicator)
    suffix = "%" if record["change_kind"] == "percent" else ""
    text = [f"{float(round_half_up(v, places)):+.{places}f}{suffix}" for v in (low, high)]
    return label("text", "range", lang, lower=text[0], upper=text[1])


def _target_rule(target_id: str, lang: str) -> str:
    from mch_indicators._targets import builtin_targets

    found = next((t for t in builtin_targets() if t.id == target_id), None)
    if found is None:
        return ""
    year = label("text", "target_year", lang, year=found.year) if found.year else ""
    return found.rule_in(lang) + year


def _change_cells(
    writer: SheetWriter, row: int, column: int, record: Mapping[Any, Any], indicator: Indicator,
    lang: str,
) -> None:  # fmt: skip
    """Last year, the change and its interval, the p-value and what the change means."""
    previous = float(record.get("previous", np.nan))
    if previous == previous:
        cell = writer.put(row, column, float(round_half_up(previous, indicator.decimals)))
        cell.number_format = number_format(indicator.decimals)
    change = float(record.get("change", np.nan))
    kind = str(record.get("change_kind") or "")
    if not kind:
        return
    if np.isfinite(change):
        places = _places(record, indicator)
        cell = writer.put(row, column + 1, float(round_half_up(change, places)), measure=False)
        cell.number_format = _change_format(kind, indicator.unit, places, lang)
        suffix = "%" if kind == "percent" else label("text", "points", lang)
        writer.measure(column + 1, f"+{abs(change):.{places}f}{suffix}")
    interval_cell(writer, row, column + 2, _change_interval(record, indicator, lang))
    p_value = float(record.get("p_value", np.nan))
    if p_value == p_value:
        if p_value < 0.001:
            writer.put(row, column + 3, "<0.001")
        else:
            cell = writer.put(row, column + 3, float(round_half_up(p_value, 3)))
            cell.number_format = "0.000"
    status = str(record.get("change_status") or "")
    if status:
        writer.put(row, column + 4, status_text(status, lang))


def _rank_and_target(
    writer: SheetWriter, row: int, column: int, record: Mapping[Any, Any], lang: str
) -> None:
    rank, ranked = float(record.get("rank", np.nan)), float(record.get("ranked", np.nan))
    if rank == rank and ranked == ranked:
        cell = writer.put(row, column, int(rank), measure=False)
        cell.number_format = f'0"/{int(ranked)}"'
        writer.measure(column, f"{int(ranked)}/{int(ranked)}")
    target = str(record.get("target") or "")
    if target:
        writer.put(row, column + 1, _target_rule(target, lang))
        outcome = str(record.get("target_status") or "")
        cell = writer.put(row, column + 2, status_text(outcome, lang))
        if outcome in _TARGET_FILLS:
            cell.fill = fill(_TARGET_FILLS[outcome])


def _review_row(
    writer: SheetWriter, record: Mapping[Any, Any], labels: list[str], indicator: Indicator,
    lang: str, level: bool, fill_text: str | None,
) -> None:  # fmt: skip
    cells: list[Any] = [getattr(indicator.name, lang), unit_header(indicator.unit, lang)]
    if level:
        cells.append(fill_text or record["level"])
    filled = level
    for name in labels:
        value = plain(record.get(name))
        if value is None and fill_text and not filled:
            value, filled = fill_text, True
        cells.append(value)
    row = writer.row(cells)
    column = len(cells) + 1
    value_cell(writer, row, column, record, indicator, lang)
    interval_cell(writer, row, column + 1, interval_text(record, indicator, "lower", "upper"))
    _change_cells(writer, row, column + 2, record, indicator, lang)
    _rank_and_target(writer, row, column + 7, record, lang)


def _header(blocks: list[Block], lang: str, with_target: bool) -> list[str]:
    labels = union_labels(blocks)
    level = needs_level_column(blocks)
    ci = label("text", "ci", lang, level=confidence_level(blocks[0].frame))
    keys = [*_KEYS, *(_TARGET_KEYS if with_target else ())]
    return [
        column_label("name", lang),
        column_label("unit", lang),
        *([column_label("level", lang)] if level else []),
        *(column_label(c, lang) for c in labels),
        *(ci if k == "ci" else column_label(k, lang) for k in keys),
    ]


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
    header = _header(blocks, lang, plan_name is not None)
    lines = [label("text", "review_note", lang)]
    if plan_name is not None:
        lines.append(label("text", "review_note_plan", lang, plan=plan_name))

    def rows() -> None:
        for indicator in indicators:
            part = review[review["indicator"] == indicator.id]
            for record in part.to_dict("records"):
                fill_text = fills.get(str(record["level"]))
                _review_row(writer, record, labels, indicator, lang, level, fill_text)

    table_sheet(
        writer, label("text", "review_sheet", lang), header, [], footer=footer,
        label_columns=2 + len(labels) + int(level), caps={1: 24}, lang=lang, rows_of=rows,
        lines=lines, page_header=marks_legend(lang),
    )  # fmt: skip
