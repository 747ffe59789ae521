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
    "inconsistent": "F4B6B6",
    "unreliable": "FFF2CC",
    "above": "FCE4D6",
    "not_computed": "EDEDED",
}
#: The named cell styles of a report, registered once per workbook: a cell takes one by
#: name (cheap), where setting a border or an alignment cell by cell costs a lookup each.
BODY, INTERVAL, WRAP, MISSING, HEADER, NOTE, TITLE = (
    "mch body",
    "mch interval",
    "mch wrap",
    "mch missing",
    "mch header",
    "mch note",
    "mch title",
)


def _named_styles() -> list[Any]:
    from openpyxl.styles import Alignment, Border, Font, NamedStyle, PatternFill, Side

    line = Side(style="thin", color="BFBFBF")
    box = Border(left=line, right=line, top=line, bottom=line)
    dark = Side(style="thin", color="808080")
    header_box = Border(left=dark, right=dark, top=dark, bottom=dark)
    top = Alignment(vertical="top")

    def solid(color: str) -> PatternFill:
        return PatternFill(fill_type="solid", start_color=color, end_color=color)

    def font(**changes: Any) -> Font:  # the workbook's own typeface, or a fallback is drawn
        return Font(**{"name": "Calibri", "size": 11, **changes})

    return [
        NamedStyle(BODY, border=box, alignment=top, font=font()),
        NamedStyle(
            INTERVAL,
            border=box,
            alignment=Alignment(horizontal="center", vertical="top"),
            font=font(color="404040"),
        ),
        NamedStyle(
            WRAP, border=box, alignment=Alignment(wrap_text=True, vertical="top"), font=font()
        ),
        NamedStyle(
            MISSING,
            border=box,
            alignment=top,
            font=font(italic=True, color="595959"),
            fill=solid(FILLS["not_computed"]),
        ),
        NamedStyle(
            HEADER,
            border=header_box,
            font=font(bold=True),
            fill=solid(FILLS["header"]),
            alignment=Alignment(wrap_text=True, horizontal="center", vertical="center"),
        ),
        NamedStyle(
            NOTE,
            font=font(size=9, color="404040"),
            alignment=Alignment(wrap_text=True, vertical="top"),
        ),
        NamedStyle(TITLE, font=font(bold=True, size=13), alignment=Alignment(vertical="center")),
    ]


def add_styles(book: Any) -> None:
    """Register the report's named styles in ``book`` (once)."""
    present = set(book.named_styles)
    for style in _named_styles():
        if style.name not in present:
            book.add_named_style(style)


@dataclass(frozen=True, slots=True)
class Footer:
    """What the footer of every printed page says: the source file and the date."""

    source: str | None
    date: str
    lang: str


@dataclass(slots=True)
class SheetWriter:
    """Rows into one openpyxl worksheet, remembering the widest cell of each column.

    Once :meth:`body` is called, every row written after it is a table row: its
    cells, ``1..width``, take the boxed body style.
    """

    sheet: Any
    widths: dict[int, float] = field(default_factory=dict)
    next_row: int = 1
    width: int = 0

    def __post_init__(self) -> None:
        add_styles(self.sheet.parent)

    def body(self, width: int) -> None:
        """Rows from now on are the table's: boxed cells ``1..width``."""
        self.width = width

    def row(self, values: Sequence[Any], *, measure: bool = True, style: str | None = None) -> int:
        """Write ``values`` as the next row (a table row: boxed); its row number."""
        number = self.next_row
        chosen = style or (BODY if self.width else None)
        if chosen is not None:
            for column in range(1, max(len(values), self.width) + 1):
                self.sheet.cell(row=number, column=column).style = chosen
        xlsx_row(self.sheet, number, values)
        self.next_row += 1
        if measure:
            for position, value in enumerate(values, start=1):
                self.measure(position, value)
        return number

    def put(
        self, row: int, column: int, value: Any, *, measure: bool = True, style: str | None = None
    ) -> Any:
        """Write one cell (text as a string cell), in ``style`` if given; the cell."""
        self.next_row = max(self.next_row, row + 1)
        cell = self.sheet.cell(row=row, column=column)
        if style is not None:
            cell.style = style
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
        the cap and its cells from row ``body`` on wrap their text (and the rows
        grow to hold them).
        """
        from openpyxl.utils import get_column_letter

        wrapped = []
        for column, measured in self.widths.items():
            cap = (caps or {}).get(column, MAX_WIDTH)
            width = max(MIN_WIDTH, measured + 2.0)
            self.sheet.column_dimensions[get_column_letter(column)].width = min(cap, width)
            if width > cap:
                wrapped.append(column)
                for row in range(body, self.next_row):
                    self.sheet.cell(row=row, column=column).style = WRAP
        if wrapped:
            self._fit_rows(body, wrapped)

    def _fit_rows(self, body: int, columns: list[int]) -> None:
        """Rows tall enough for their wrapped cells (spreadsheets do not always do it)."""
        for row in range(body, self.next_row):
            cells = [
                (c, c, str(value))
                for c in columns
                if (value := self.sheet.cell(row=row, column=c).value) is not None
            ]
            if cells:
                self.wrap_height(row, cells)

    def wrap_height(
        self, row: int, cells: Sequence[tuple[int, int, str]], *, size: float = 11.0
    ) -> None:
        """Make ``row`` tall enough for each (first column, last column, text) wrapped.

        Widths are in units of the default 11-point digit; text of ``size`` points
        takes proportionally less room.
        """
        from openpyxl.utils import get_column_letter

        lines = 1
        scale = size / 11.0
        for first, last, text in cells:
            room = sum(
                self.sheet.column_dimensions[get_column_letter(c)].width or MIN_WIDTH
                for c in range(first, last + 1)
            )
            need = sum(
                math.ceil(display_width(part) * scale / max(room - 1.0, 1.0)) or 1
                for part in text.split("\n")
            )
            lines = max(lines, need)
        self.sheet.row_dimensions[row].height = LINE_HEIGHT * scale * lines + 2.0


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


#: Points of an A4 landscape page inside the margins: width, and height left for rows.
PAGE_WIDTH, PAGE_HEIGHT = 784.0, 500.0
#: Points one unit of column width takes (about one digit of the default font).
POINTS_PER_WIDTH = 5.6
#: A last page holding less than this share of a page is folded into the others.
SPILL = 0.3


def pages_tall(sheet: Any, header_rows: int, widths: Sequence[float]) -> int:
    """How many pages tall the sheet prints on when fitted to one page wide.

    The rows' heights, at the scale that fits the columns on one page's width,
    filling pages that each repeat the header rows. A table that would spill a
    few rows onto a page of their own is kept on fewer pages, slightly smaller.
    """
    heights = [
        float(sheet.row_dimensions[row].height or LINE_HEIGHT)
        for row in range(1, int(sheet.max_row) + 1)
    ]
    scale = min(1.0, PAGE_WIDTH / max(sum(widths) * POINTS_PER_WIDTH, 1.0))
    head, body = sum(heights[:header_rows]), sum(heights[header_rows:])
    room = max(PAGE_HEIGHT / scale - head, LINE_HEIGHT)
    return max(1, math.ceil(body / room - SPILL))


def print_ready(
    sheet: Any,
    *,
    header_rows: int,
    label_columns: int,
    footer: Footer,
    header: str | None = None,
    one_page_wide: bool = True,
) -> None:
    """Landscape A4, one page wide, rows ``1..header_rows`` and the label columns on every page.

    The footer names the source file, the page and the date; ``header``, when
    given, is printed at the top of every page (the marks' legend). A form to be
    filled in by hand (``one_page_wide=False``) prints at full size instead, as
    many pages wide as it takes, its label columns on each.
    """
    from openpyxl.utils import get_column_letter

    setup = sheet.page_setup
    setup.orientation = "landscape"
    setup.paperSize = sheet.PAPERSIZE_A4
    if one_page_wide:
        setup.fitToWidth = 1
        widths = [d.width or MIN_WIDTH for d in sheet.column_dimensions.values()]
        setup.fitToHeight = pages_tall(sheet, header_rows, widths)
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
        if text:
            part.text = text
            part.size = 8
    if header:
        sheet.oddHeader.center.text = header_footer_text(header)
        sheet.oddHeader.center.size = 8
