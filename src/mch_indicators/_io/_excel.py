"""Workbooks: ``.xlsx`` (and ``.xls``, ``.xlsm``, ``.ods``) read with python-calamine.

python-calamine (the optional ``excel`` extra) reads the cell values with a Rust
parser, several times faster than openpyxl on large sheets, and also reads the
legacy ``.xls`` that many information systems still export; pandas uses the
same library for ``read_excel(engine="calamine")``. The frame's index is the
row number shown by Excel, so messages point at the cell a person can find.
"""

from __future__ import annotations

import io
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from mch_indicators._errors import InvalidInputError, Words
from mch_indicators._io._bounds import (
    FIELD_LIMIT,
    ReadLimits,
    SheetFacts,
    check_size,
    column_letters,
    default_sheet,
    refuse_sheet_extent,
    scan_workbook,
)
from mch_indicators._labels import input_error

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["read_sheet", "sheet_names"]

EXTRA = "pip install 'mch-indicators[excel]'"
#: An OLE2 compound file (.xls, WPS .et, an encrypted .xlsx, a Word document...).
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
#: The stream an encrypted Office file keeps its key information in, as its directory names it.
_ENCRYPTED = "EncryptionInfo".encode("utf-16-le")


def _calamine() -> Any:
    try:
        import python_calamine
    except ImportError:
        raise input_error("needs_calamine", extra=EXTRA) from None
    return python_calamine


def _workbook(raw: bytes, name: str) -> Any:
    calamine = _calamine()
    try:
        return calamine.CalamineWorkbook.from_filelike(io.BytesIO(raw))
    except calamine.PasswordError:
        raise input_error("password_protected", name=name) from None
    except Exception as error:  # calamine's errors are not one class across versions
        if raw.startswith(_OLE):  # an old binary file: say what it may be and what to do
            if _ENCRYPTED in raw:  # an encrypted .xlsx is an OLE file holding the workbook
                raise input_error("password_protected", name=name) from None
            raise input_error("read_ole_unreadable", name=name, error=error) from None
        raise input_error("read_not_workbook", name=name, error=error) from None


def sheet_names(raw: bytes, name: str) -> list[str]:
    """The names of the sheets of a workbook, in order."""
    names: list[str] = list(_workbook(raw, name).sheet_names)
    return names


def _hidden(book: Any) -> list[bool]:
    """Whether each sheet is hidden, as the workbook says (all shown when it cannot say)."""
    try:
        return [str(m.visible).rsplit(".", 1)[-1] != "Visible" for m in book.sheets_metadata]
    except Exception:  # calamine's metadata are not one shape across versions
        return [False] * len(book.sheet_names)


def _default_sheet(book: Any, facts: SheetFacts) -> tuple[int, tuple[str, ...], tuple[str, ...]]:
    """The sheet read when none is named (the first visible), the hidden and visible others.

    The hidden sheets are those before it; the visible ones, the others left unread.

    The scan of a ``.xlsx`` chose it already (:attr:`SheetFacts.sheet`); other
    workbooks (``.xls``, ``.ods``) say which sheets are hidden through calamine.
    """
    if facts.sheet is not None:
        return facts.sheet, facts.hidden_sheets, facts.other_sheets
    return default_sheet(list(book.sheet_names), _hidden(book))


def _choose(book: Any, sheet: str | int | None, name: str) -> Any:
    names = list(book.sheet_names)
    if sheet is None:
        return book.get_sheet_by_index(0)
    if isinstance(sheet, int) and not isinstance(sheet, bool):
        if not 0 <= sheet < len(names):
            raise input_error("read_no_sheet_number", name=name, sheet=sheet, count=len(names))
        return book.get_sheet_by_index(sheet)
    if sheet not in names:
        listed = Words(", ".join(map(repr, names)), "、".join(f"“{n}”" for n in names))
        raise input_error("read_no_sheet", name=name, sheet=sheet, names=listed)
    return book.get_sheet_by_name(sheet)


def read_sheet(
    raw: bytes, name: str, sheet: str | int | None, limits: ReadLimits | None = None
) -> tuple[pd.DataFrame, str, SheetFacts, int]:
    """The cells of one sheet (index: Excel's row numbers), its name, facts, first column.

    The workbook is checked against ``limits`` first (:mod:`._bounds`); merged
    ranges are filled with the value of their first cell. Without ``sheet``, the
    first visible sheet is read, and the facts name the hidden sheets before it.
    """
    import pandas as pd

    chosen_limits = limits or ReadLimits()
    if raw.startswith(b"PK"):
        facts = scan_workbook(raw, name, sheet, chosen_limits)
    else:
        check_size(raw, name, chosen_limits)
        facts = SheetFacts()
    book = _workbook(raw, name)
    if sheet is None:  # the first visible sheet, as Excel opens the workbook
        sheet, passed, others = _default_sheet(book, facts)
        facts = replace(facts, sheet=sheet, hidden_sheets=passed, other_sheets=others)
    try:  # calamine parses a sheet's XML when the sheet is chosen, then its cells
        chosen = _choose(book, sheet, name)
        _refuse_extent(chosen, name, chosen_limits.cells)
        rows = chosen.to_python(skip_empty_area=True)
    except InvalidInputError:
        raise
    except Exception as error:  # calamine's errors are not one class across versions
        if sheet is None:
            raise input_error("read_first_sheet_unreadable", name=name, error=error) from None
        raise input_error("read_sheet_unreadable", name=name, sheet=sheet, error=error) from None
    first = int(chosen.start[0]) + 1 if rows and chosen.start is not None else 1
    first_column = int(chosen.start[1]) + 1 if rows and chosen.start is not None else 1
    _refuse_long_text(rows, name, first, first_column)
    cells = pd.DataFrame(rows, dtype=object)
    if facts.merged:
        cells = pd.DataFrame(_fill_merged(cells.to_numpy(dtype=object, copy=True), facts, first,
                                          first_column))  # fmt: skip
    cells.index = pd.RangeIndex(first, first + len(cells), name="row")
    return cells, str(chosen.name), facts, first_column


def _refuse_extent(chosen: Any, name: str, limit: int) -> None:
    """Refuse a sheet the engine found larger than ``limit`` cells, before any becomes Python.

    A ``.xlsx`` was measured by the scan already; an ``.xls`` (up to 65,536 × 256 cells
    from a few bytes) is measured here, from the extent the engine read.
    """
    try:
        rows, columns = int(chosen.height), int(chosen.width)
    except (AttributeError, TypeError, ValueError):  # pragma: no cover - older calamine
        return
    if rows * columns > limit:
        box = (1, 1, rows, columns)
        refuse_sheet_extent(name, "actual", box, limit)


def _refuse_long_text(rows: list[list[Any]], name: str, first: int, first_column: int) -> None:
    """Refuse a cell of text longer than :data:`FIELD_LIMIT`, naming it (as a text table's field).

    Excel holds 32,767 characters a cell; a longer text (50 MB in one cell of a hostile
    workbook) made every later step slow in proportion (matching it as a label: 20 s).
    """
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if type(value) is str and len(value) > FIELD_LIMIT:
                cell = f"{column_letters(first_column + c)}{first + r}"
                raise input_error("read_cell_too_long", name=name, cell=cell, limit=FIELD_LIMIT)


def _fill_merged(values: Any, facts: SheetFacts, first: int, first_column: int) -> Any:
    """Each merged range takes its first cell's value (an area label over its rows)."""
    rows, columns = values.shape
    for r1, c1, r2, c2 in facts.merged:
        top, left = r1 - first, c1 - first_column
        if not (0 <= top < rows and 0 <= left < columns):
            continue
        bottom, right = min(r2 - first, rows - 1), min(c2 - first_column, columns - 1)
        values[top : bottom + 1, left : right + 1] = values[top, left]
    return values
