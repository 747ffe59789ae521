"""The catalog as a spreadsheet: indicators, terms, targets and the file's description.

The sheets hold plain rows built here; openpyxl (the ``xlsx`` extra) only
writes them, and is imported when a workbook is written.
"""

from __future__ import annotations

from collections.abc import Sequence
from os import PathLike
from typing import Any

from mch_indicators._catalog import Catalog
from mch_indicators._labels import cannot_write, input_error
from mch_indicators._safe_text import xlsx_rows
from mch_indicators.export._csv import flatten, indicator_table, merge_columns
from mch_indicators.export._json import select, targets_of
from mch_indicators.export._normal import SCHEMA_VERSION, generator, terms_of

__all__ = ["sheets", "write_xlsx"]

Sheet = tuple[list[str], list[list[Any]]]


def _table(records: list[dict[str, Any]]) -> Sheet:
    header = merge_columns(records)
    return header, [[record.get(column) for column in header] for record in records]


def sheets(catalog: Catalog | None = None, ids: Sequence[str] | None = None) -> dict[str, Sheet]:
    """The workbook as plain data: sheet name -> (header, rows).

    Examples
    --------
    >>> from mch_indicators.export._xlsx import sheets
    >>> book = sheets(ids=["stillbirth_rate"])
    >>> list(book), book["terms"][1][0][0]
    (['indicators', 'terms', 'targets', 'about'], 'stillbirths_28w')
    """
    indicators = select(catalog, ids)
    terms = [flatten(term.model_dump(mode="json")) for term in terms_of(indicators)]
    targets = [
        {"plan": t.plan.id, "plan.en": t.plan.name.en, "plan.zh": t.plan.name.zh}
        | flatten(t.model_dump(mode="json", exclude={"plan"}))
        for t in targets_of(indicators)
    ]
    about: Sheet = (
        ["key", "value"],
        [
            ["schema_version", SCHEMA_VERSION],
            ["generator", generator()],
            ["indicators", len(indicators)],
        ],
    )
    return {
        "indicators": indicator_table(catalog, [i.id for i in indicators]),
        "terms": _table(terms),
        "targets": _table(targets),
        "about": about,
    }


def write_xlsx(
    path: str | PathLike[str],
    catalog: Catalog | None = None,
    ids: Sequence[str] | None = None,
) -> None:
    """Write :func:`sheets` to an ``.xlsx`` file (needs openpyxl: the ``xlsx`` extra).

    Without openpyxl, an :class:`~mch_indicators.InvalidInputError` says how to install it
    (in English and Chinese), as every writer of a workbook does.

    Every text is a string cell, never a formula, whatever it begins with (a
    user definition named ``=1+1`` stays that text; :mod:`mch_indicators._safe_text`).
    """
    try:
        from openpyxl import Workbook
    except ImportError:
        raise input_error("needs_openpyxl", extra="pip install 'mch-indicators[xlsx]'") from None
    book = Workbook()
    book.remove(book.active)
    for name, (header, rows) in sheets(catalog, ids).items():
        sheet = book.create_sheet(name)
        xlsx_rows(sheet, [header, *rows])
        sheet.freeze_panes = "B2"
    try:
        book.save(path)
    except OSError as error:  # a missing folder, no permission: OutputError naming the file
        raise cannot_write(path, error) from None
