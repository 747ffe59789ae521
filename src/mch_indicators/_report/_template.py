"""The blank workbook an office fills in, and that :func:`report` reads back as it is.

:func:`template` writes, for a set of indicators (``definitions/templates.toml``,
or those named), one wide sheet: a title row, a header row with the area and
period columns (``县区``, ``年份``) and one column per count the indicators need,
headed by the count's name in ``lang`` (``活产数``), grouped by domain; the areas
and the year filled in when given; every count cell checked by Excel as a whole
number of at least 0 (a planned or estimated count as any number of at least 0).
A second sheet, 说明 (Notes), says how to fill it in and gives each column's
definition and the indicators it serves. The sheets print like the report's.
"""

from __future__ import annotations

import datetime
import numbers
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from os import PathLike
from pathlib import Path
from types import MappingProxyType
from typing import IO, TYPE_CHECKING, Any

from mch_indicators._errors import DefinitionError, Words
from mch_indicators._labels import (
    Lang,
    check_lang,
    column_label,
    fields,
    input_error,
    joined,
    label,
    labels,
)
from mch_indicators._report._sheet import Footer, SheetWriter, print_ready

if TYPE_CHECKING:
    from mch_indicators._catalog import Catalog
    from mch_indicators._model import Indicator, Term

__all__ = ["TemplateSet", "template", "template_sets"]

#: Rows checked as counts below the header when no areas are given.
BLANK_ROWS = 200


@dataclass(frozen=True, slots=True)
class TemplateSet:
    """A named set of indicators a template is written for."""

    id: str
    en: str
    zh: str
    indicators: tuple[str, ...]


def _check_set(key: str, body: Any) -> TemplateSet:
    from mch_indicators._catalog import builtin_catalog

    where = f"templates.toml, set {key!r}"
    if not isinstance(body, Mapping) or set(body) != {"indicators"}:
        raise DefinitionError(f"{where}: expected one field, indicators")
    if key not in labels()["template_sets"]:
        raise DefinitionError(f"{where}: no name in labels.toml [template_sets]")
    ids = body["indicators"]
    if not isinstance(ids, list) or not ids or not all(isinstance(i, str) for i in ids):
        raise DefinitionError(f"{where}: indicators must be a non-empty list of ids")
    unknown = [i for i in ids if i not in builtin_catalog()]
    if unknown:
        raise DefinitionError(f"{where}: unknown indicators {unknown}")
    return TemplateSet(key, label("template_sets", key, "en"), label("template_sets", key, "zh"),
                       tuple(ids))  # fmt: skip


@cache
def template_sets() -> MappingProxyType[str, TemplateSet]:
    """The built-in sets of indicators (``definitions/templates.toml``, checked when read).

    Examples
    --------
    >>> sets = template_sets()
    >>> list(sets)
    ['county_annual', 'mortality']
    >>> sets["mortality"].zh, len(sets["county_annual"].indicators)
    ('孕产妇与儿童死亡', 18)
    """
    text = resources.files("mch_indicators.definitions").joinpath("templates.toml")
    data = tomllib.loads(text.read_text(encoding="utf-8"))
    if set(data) != {"sets"} or not isinstance(data["sets"], Mapping):
        raise DefinitionError("templates.toml: expected one table, [sets]")
    return MappingProxyType({k: _check_set(k, v) for k, v in data["sets"].items()})


def _indicators(
    catalog: Catalog, indicators: Sequence[str] | None, chosen_set: str
) -> list[Indicator]:
    if indicators:
        found = [catalog.get_indicator(key) for key in indicators]
    else:
        sets = template_sets()
        if chosen_set not in sets:
            raise input_error("unknown_template_set", name=chosen_set, known=Words.listing(sets))
        found = [catalog.get_indicator(key) for key in sets[chosen_set].indicators]
    not_computable = [i.id for i in found if not i.computable]
    if not_computable:
        raise input_error("not_counted", ids=", ".join(not_computable))
    order = {key: position for position, key in enumerate(catalog)}
    return sorted(dict.fromkeys(found), key=lambda i: order.get(i.id, len(order)))


def _terms(indicators: list[Indicator]) -> list[tuple[Term, list[Indicator]]]:
    """Each count the indicators need, once, in their order, with the indicators it serves."""
    served: dict[str, tuple[Term, list[Indicator]]] = {}
    for indicator in indicators:
        for term in (indicator.numerator, indicator.denominator):
            served.setdefault(term.id, (term, []))[1].append(indicator)
    return list(served.values())


def _area_field(level: str) -> str:
    areas = {f.id for f in fields() if f.role == "area"}
    if level not in areas:
        raise input_error("template_level", known=", ".join(sorted(areas)), level=level)
    return level


def _validation(lang: Lang, estimated: bool) -> Any:
    from openpyxl.worksheet.datavalidation import DataValidation

    kind = "decimal" if estimated else "whole"
    rule = DataValidation(type=kind, operator="greaterThanOrEqual", formula1="0",
                          allow_blank=True, showErrorMessage=True)  # fmt: skip
    rule.errorTitle = label("text", "template_error_title", lang)
    rule.error = label("text", "template_error_" + kind, lang)
    return rule


def _years(year: int | str | Sequence[int | str] | None) -> list[int]:
    """The years asked for, each read by the one year grammar (:func:`year_of`), sorted.

    ``2025``, ``"2025年"``, ``"二〇二五"`` or a list of such, as ``--year`` reads them:
    what one surface refuses (2100, ``True``, 2025.5), the other refuses too.
    """
    from mch_indicators._io._numbers import FIRST_YEAR, LAST_YEAR, year_of

    given: list[object] = []
    if year is not None:
        one = isinstance(year, str | numbers.Real)
        given = [year] if one else list(year) if isinstance(year, Iterable) else [year]
    years = []
    for value in given:
        found = year_of(value)
        if found is None:
            raise input_error("template_year", value=value, first=FIRST_YEAR, last=LAST_YEAR)
        years.append(found)
    if len(set(years)) != len(years):
        raise input_error("template_year_twice", years=years)
    return sorted(years)


def _counts_sheet(
    writer: SheetWriter, lang: Lang, level: str, terms: list[tuple[Term, list[Indicator]]],
    units: Sequence[str], years: list[int], footer: Footer,
) -> list[str]:  # fmt: skip
    from openpyxl.utils import get_column_letter

    from mch_indicators._report._sheets import header_row, title_row

    title = label("text", "template_title", lang)
    if years:
        span = str(years[0]) if len(years) == 1 else f"{years[0]}–{years[-1]}"
        title = label("text", "template_title_year", lang, year=span)
    title_row(writer, title)
    header = [column_label(level, lang), column_label("year", lang)]
    header += [getattr(term.name, lang) for term, _ in terms]
    number = header_row(writer, header)
    periods: list[int | None] = list(years) or [None]
    rows: list[list[Any]] = [[unit, y] for unit in units for y in periods]
    for row in rows:
        writer.row(row)
    last = number + max(len(rows), BLANK_ROWS)
    for estimated in (False, True):
        columns = [
            get_column_letter(3 + position)
            for position, (term, _) in enumerate(terms)
            if term.estimated is estimated
        ]
        if columns:
            rule = _validation(lang, estimated)
            for column in columns:
                rule.add(f"{column}{number + 1}:{column}{last}")
            writer.sheet.add_data_validation(rule)
    for column in range(3, len(header) + 1):
        writer.measure(column, "0000000")
    writer.fit_columns(body=number + 1, caps=dict.fromkeys(range(3, len(header) + 1), 14))
    writer.wrap_height(number, [(c, c, h) for c, h in enumerate(header, start=1)])
    writer.sheet.freeze_panes = writer.sheet.cell(row=number + 1, column=3)
    print_ready(writer.sheet, header_rows=number, label_columns=2, footer=footer,
                one_page_wide=False)  # fmt: skip
    return header


def _notes_sheet(
    writer: SheetWriter, lang: Lang, terms: list[tuple[Term, list[Indicator]]], footer: Footer
) -> None:
    from mch_indicators._report._sheets import table_sheet

    rows = []
    for term, served in terms:
        definition = (
            (term.definition.zh or term.definition.en) if lang == "zh" else term.definition.en
        )
        kind = label("text", "template_estimated" if term.estimated else "template_whole", lang)
        names = joined((getattr(i.name, lang) for i in served), lang)
        rows.append([getattr(term.name, lang), term.id, definition, kind, names])
    header = [
        column_label(k, lang) for k in ("column", "id", "definition", "value_kind", "used_by")
    ]
    table_sheet(
        writer, label("text", "template_notes_sheet", lang), header, rows, footer=footer,
        caps={1: 20, 2: 24, 3: 60, 5: 40}, lines=[label("text", "template_instructions", lang)],
        lang=lang,
    )  # fmt: skip


def template(
    path: str | PathLike[str] | IO[bytes],
    *,
    lang: str = "zh",
    indicators: Sequence[str] | None = None,
    indicator_set: str = "county_annual",
    units: Sequence[str] = (),
    year: int | str | Sequence[int | str] | None = None,
    level: str = "county",
    catalog: Catalog | None = None,
) -> list[str]:
    """Write the blank input workbook an office fills in; :func:`report` reads it back as it is.

    Parameters
    ----------
    path : path or binary file
        Where to write the ``.xlsx`` (needs openpyxl: the ``excel`` extra).
    lang : {"zh", "en"}, default "zh"
        Language of the headers (each count by its name: ``活产数``), the notes
        and the sheet names.
    indicators : sequence of str, optional
        The indicators to collect counts for (ids, names, aliases); default: the
        indicators of ``indicator_set``.
    indicator_set : str, default "county_annual"
        A set of ``definitions/templates.toml``: ``county_annual`` (the core
        indicators of a county's annual report) or ``mortality``.
    units : sequence of str
        The areas, one row each, written in the first column (``城关镇``...).
    year : int, str or sequence of them, optional
        The year, written in every row of ``units`` and in the title; several
        years give a row per area and year (last year's counts beside this
        year's make the report's change from last year). Read as a table's
        year cells and ``--year`` are (``2025``, ``"2025年"``, ``"二〇二五"``;
        1900 to 2099).
    level : str, default "county"
        The area level of the rows: ``county`` (县区), ``township`` (乡镇),
        ``prefecture``, ``province`` or ``area``.
    catalog : Catalog, optional
        Where indicators are looked up (default: the built-in catalog; your own
        definitions work too).

    Returns
    -------
    list of str
        The header written: the area and year columns, then each count.

    Examples
    --------
    >>> import io, mch_indicators as mch
    >>> buffer = io.BytesIO()
    >>> header = mch.template(buffer, indicator_set="mortality", units=["城关镇", "河口镇"],
    ...                       year=2025, level="township")
    >>> blank = mch.read_table(io.BytesIO(buffer.getvalue()))
    >>> list(blank.columns)[:5]
    ['乡镇', '年份', '孕产妇死亡数', '活产数', '新生儿死亡数']
    >>> blank[["乡镇", "年份"]].values.tolist()
    [['城关镇', 2025], ['河口镇', 2025]]
    """
    from mch_indicators._catalog import chosen_catalog
    from mch_indicators._report._write import _openpyxl, _save, sheet_title

    chosen = check_lang(lang)
    found = chosen_catalog(catalog)
    area = _area_field(level)
    years = _years(year)
    names = [str(u).strip() for u in units]
    if any(not n for n in names) or len(set(names)) != len(names):
        raise input_error("template_units")
    terms = _terms(_indicators(found, indicators, indicator_set))
    openpyxl = _openpyxl()
    book = openpyxl.Workbook()
    book.remove(book.active)
    used: set[str] = set()
    footer = Footer(None, datetime.date.today().isoformat(), chosen)
    counts = SheetWriter(
        book.create_sheet(sheet_title([label("text", "template_sheet", chosen)], used, chosen))
    )
    header = _counts_sheet(counts, chosen, area, terms, names, years, footer)
    notes_title = sheet_title([label("text", "template_notes_sheet", chosen)], used, chosen)
    notes = SheetWriter(book.create_sheet(notes_title))
    _notes_sheet(notes, chosen, terms, footer)
    _save(book, path if not isinstance(path, str | PathLike) else Path(path))
    return header
