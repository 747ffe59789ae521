"""A worksheet as an office prints it: widths by display width, titles repeated, a footer.

Every sheet of a report or a template is written through :class:`SheetWriter`:
rows go in through :func:`mch_indicators._safe_text.xlsx_row` (no text becomes
a formula), column widths are measured in display columns (a Chinese character
is two, :func:`mch_indicators._display.display_width`), and :func:`print_ready`
sets what Excel and WPS print: landscape A4, one page wide, the title and header
rows and the label columns repeated on every page, and a footer with the source
file, the date and the page number.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from mch_indicators._display import display_width
from mch_indicators._labels import label
from mch_indicators._safe_text import header_footer_text, xlsx_row, xlsx_text

__all__ = ["Footer", "SheetWriter", "print_ready"]

#: Widths in Excel's units (about one digit of the default font).
MIN_WIDTH = 6.0
MAX_WIDTH = 48.0
#: Height of one line of 11-point text, in points.
LINE_HEIGHT = 15.0

FILLS: dict[str, str] = {
    "header": "DDEBF7",
    "unreliable": "FFF2CC",
    "above": "FCE4D6",
    "not_computed": "EDEDED",
    "pooled": "F2F2F2",
}


@dataclass(frozen=True, slots=True)
class Footer:
    """What the footer of every printed page says: the source file and the date."""

    source: str | None
    date: str
    lang: str


@dataclass(slots=True)
class SheetWriter:
    """Rows into one openpyxl worksheet, remembering the widest cell of each column."""

    sheet: Any
    widths: dict[int, float] = field(default_factory=dict)
    next_row: int = 1

    def row(self, values: Sequence[Any], *, measure: bool = True) -> int:
        """Write ``values`` as the next row; its row number."""
        number = self.next_row
        xlsx_row(self.sheet, number, values)
        self.next_row += 1
        if measure:
            for position, value in enumerate(values, start=1):
                self.measure(position, value)
        return number

    def put(self, row: int, column: int, value: Any, *, measure: bool = True) -> Any:
        """Write one cell (text as a string cell); the cell."""
        self.next_row = max(self.next_row, row + 1)
        cell = self.sheet.cell(row=row, column=column)
        xlsx_text(cell, value)
        if measure:
            self.measure(column, value)
        return cell

    def cells(self, row: int, width: int) -> list[Any]:
        """The first ``width`` cells of ``row``."""
        return [self.sheet.cell(row=row, column=c) for c in range(1, width + 1)]

    def measure(self, column: int, value: Any, extra: int = 0) -> None:
        """Remember ``value``'s display width for ``column``."""
        if value is None:
            return
        text = value if isinstance(value, str) else _number_text(value)
        longest = max((display_width(line) for line in text.split("\n")), default=0)
        self.widths[column] = max(self.widths.get(column, 0.0), float(longest + extra))

    def fit_columns(self, *, body: int, caps: dict[int, float] | None = None) -> None:
        """Set each column's width from the widest cell measured (with a margin).

        A column wider than its cap (``caps``, else :data:`MAX_WIDTH`) is set to
        the cap and its cells from row ``body`` on wrap their text.
        """
        from openpyxl.styles import Alignment
        from openpyxl.utils import get_column_letter

        for column, measured in self.widths.items():
            cap = (caps or {}).get(column, MAX_WIDTH)
            width = max(MIN_WIDTH, measured + 2.0)
            self.sheet.column_dimensions[get_column_letter(column)].width = min(cap, width)
            if width > cap:
                for row in range(body, self.next_row):
                    cell = self.sheet.cell(row=row, column=column)
                    cell.alignment = Alignment(wrap_text=True, vertical="top")

    def grid(self, first: int, width: int) -> None:
        """Thin grey lines round every cell of rows ``first`` on, columns ``1..width``."""
        from openpyxl.styles import Border, Side

        line = Side(style="thin", color="BFBFBF")
        border = Border(left=line, right=line, top=line, bottom=line)
        for row in range(first, self.next_row):
            for column in range(1, width + 1):
                cell = self.sheet.cell(row=row, column=column)
                if cell.border.top.style is None:
                    cell.border = border

    def wrap_height(self, row: int, cells: Sequence[tuple[int, int, str]]) -> None:
        """Make ``row`` tall enough for each (first column, last column, text) wrapped."""
        from openpyxl.utils import get_column_letter

        lines = 1
        for first, last, text in cells:
            room = sum(
                self.sheet.column_dimensions[get_column_letter(c)].width or MIN_WIDTH
                for c in range(first, last + 1)
            )
            lines = max(lines, math.ceil(display_width(text) / max(room - 1.0, 1.0)))
        self.sheet.row_dimensions[row].height = LINE_HEIGHT * lines


def _number_text(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.2f}"
    return str(value)


def fill(color: str) -> Any:
    """A solid fill of ``color`` (hex RGB)."""
    from openpyxl.styles import PatternFill

    return PatternFill(fill_type="solid", start_color=color, end_color=color)


def footer_texts(footer: Footer) -> tuple[str, str, str]:
    """Left, centre and right footer: source file, page n of N, date (codes kept, text escaped)."""
    lang = footer.lang
    left = ""
    if footer.source:
        left = label("text", "footer_source", lang, file=header_footer_text(footer.source))
    centre = label("text", "footer_page", lang)
    right = label("text", "footer_date", lang, date=header_footer_text(footer.date))
    return left, centre, right


def print_ready(
    sheet: Any,
    *,
    header_rows: int,
    label_columns: int,
    footer: Footer,
) -> None:
    """Landscape A4, one page wide, rows ``1..header_rows`` and the label columns on every page."""
    from openpyxl.utils import get_column_letter

    setup = sheet.page_setup
    setup.orientation = "landscape"
    setup.paperSize = sheet.PAPERSIZE_A4
    setup.fitToWidth = 1
    setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_options.horizontalCentered = True
    margins = sheet.page_margins
    margins.left = margins.right = 0.4
    margins.top, margins.bottom = 0.5, 0.6
    margins.header, margins.footer = 0.2, 0.25
    if header_rows:
        sheet.print_title_rows = f"1:{header_rows}"
    if label_columns:
        sheet.print_title_cols = f"A:{get_column_letter(label_columns)}"
    left, centre, right = footer_texts(footer)
    for part, text in zip(
        (sheet.oddFooter.left, sheet.oddFooter.center, sheet.oddFooter.right),
        (left, centre, right),
        strict=True,
    ):
        part.text = text
        part.size = 8
