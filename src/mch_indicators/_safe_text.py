"""Text written to spreadsheets (and Markdown) never runs: one module for every writer of them.

A spreadsheet program reads a cell that begins with ``=`` (and in a CSV also ``+``,
``-``, ``@``, a tab or a carriage return, and Chinese or Japanese Excel their full-width
forms ``＝``, ``＋``, ``－``, ``＠``) as a formula: an area label
``=HYPERLINK("http://x","y")`` in an office's table would become a live link in its
report, ``+cmd|' /C calc'!A0`` a command. Every writer of the package calls this
module, and nothing else decides how text reaches a cell:

* **.xlsx** (:func:`xlsx_text`, :func:`xlsx_row`, :func:`xlsx_rows`): every text is a string cell,
  whatever it begins with (openpyxl would make ``=1+1`` a formula and ``#N/A`` an
  error value); characters XML cannot hold (control characters, lone surrogates)
  become U+FFFD, and a text longer than Excel's 32,767 characters is cut there with
  ``…``. Numbers stay numbers.
* **CSV** (:func:`csv_cell`, :func:`csv_rows`, :func:`csv_frame`): a text beginning
  with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return (or ``＝``, ``＋``, ``－``,
  ``＠``) gets a leading
  apostrophe, as OWASP's *CSV Injection* page recommends; the ``csv`` module quotes
  separators and quotes. Numbers, and texts that are plain decimal numbers
  (``-0.50``, ``+3``, ``1e-5``), are left alone: a negative number is a number.
  A carriage return inside a text becomes a line feed, which every writer quotes
  (a bare one, unquoted, would start a new row whose first cell is the rest).
  Where the list separator is ``;`` (German, French, Spanish... Excel), a spreadsheet
  splits an unquoted ``a;=1+1`` into ``a`` and ``=1+1``, and a quote inside such a piece
  quotes nothing, so a line feed in it starts a row: a trigger after a ``;`` or a line
  feed gets its apostrophe too (``a;'=1+1``).
  ``escape=False`` is for a CSV read by a program, not opened in a spreadsheet.
* **headers and footers** (:func:`header_footer_text`): ``&`` starts a code there
  (``&P`` is the page number), so a file name's ``&`` is doubled.
* **Markdown** (:func:`markdown_text`): a field another system renders as Markdown (a FHIR
  Measure's ``description`` and ``guidance``) gets plain text with every character
  Markdown reads as markup backslash-escaped, so a definition's ``[x](javascript:...)``,
  ``<script>``, ``|`` or a line ``# heading`` shows as written, never as a link, HTML, a
  table or a heading.

Standard library only; the writers hand their openpyxl cells and pandas frames in.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

__all__ = [
    "EXCEL_TEXT_LIMIT",
    "TRIGGERS",
    "csv_cell",
    "csv_cells",
    "csv_frame",
    "csv_rows",
    "header_footer_text",
    "is_number_text",
    "markdown_text",
    "needs_escape",
    "xlsx_row",
    "xlsx_rows",
    "xlsx_text",
    "xlsx_value",
]

#: First characters that make a spreadsheet read a CSV cell as a formula (OWASP), and their
#: full-width forms, which Chinese and Japanese Excel read as the ASCII ones (``＝1+1`` is
#: a formula there, as an office's input method writes it).
TRIGGERS: tuple[str, ...] = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")
#: The longest text an Excel cell holds.
EXCEL_TEXT_LIMIT = 32_767
#: Header and footer sections hold at most 255 characters, codes included.
_HEADER_FOOTER_LIMIT = 255

_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
# What XML 1.0 cannot carry: C0 controls other than tab, line feed and carriage
# return; lone surrogates; U+FFFE and U+FFFF.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_REPLACEMENT = "\ufffd"
#: A trigger after a ``;`` or a line feed: where ``;`` is the list separator, a cell's start.
#: (quotes first too: written doubled, ``""=`` reads as an empty quoted text, then ``=``)
_AFTER_SEPARATOR = re.compile('([;\n])(?="*[=+\\-@\t＝＋－＠])')


def is_number_text(text: str) -> bool:
    """Whether ``text`` is a plain decimal number a spreadsheet reads as one.

    Examples
    --------
    >>> [is_number_text(t) for t in ["-0.50", "+3", "1e-5", "-1+2", "-inf", "1,234"]]
    [True, True, True, False, False, False]
    """
    return _NUMBER.fullmatch(text) is not None


def needs_escape(text: str) -> bool:
    """Whether a CSV cell holding ``text`` would be read as a formula.

    Examples
    --------
    >>> needs_escape("=1+1"), needs_escape("@SUM(1)"), needs_escape("-12.5"), needs_escape("甲县")
    (True, True, False, False)
    """
    return text[:1] in TRIGGERS and text != "" and not is_number_text(text)


def csv_cell(value: Any, *, escape: bool = True) -> Any:
    """A value as a CSV writer should receive it: formula text made plain text.

    Only text changes, and a number whose written form a spreadsheet cannot read
    as one (``-inf``); other numbers, booleans and ``None`` are returned as they are.

    Examples
    --------
    >>> print(csv_cell('=HYPERLINK("http://x","y")'))
    '=HYPERLINK("http://x","y")
    >>> csv_cell("-12.5"), csv_cell(-3), csv_cell("+cmd", escape=False)
    ('-12.5', -3, '+cmd')
    """
    if not escape:
        return value
    if isinstance(value, str):
        text = _escaped(value)
        if "\r" in text:  # a bare carriage return ends a row where the writer would not quote it
            text = text.replace("\r\n", "\n").replace("\r", "\n")
        return _escaped_pieces(text) if ";" in text or "\n" in text else text
    if isinstance(value, float) and value == float("-inf"):
        return "'-inf"
    return value


def _escaped(text: str) -> str:
    return "'" + text if needs_escape(text) else text


def _escaped_pieces(text: str) -> str:
    """``text`` with an apostrophe after each ``;`` or line feed that a trigger follows.

    Such a piece is escaped even when it is a number: where ``;`` splits the line (and a
    quote inside a field quotes nothing), the piece runs on into the next cells.

    Examples
    --------
    >>> print(_escaped_pieces('-2;=1+1;-2;甲;"@x'))
    -2;'=1+1;'-2;甲;'"@x
    """
    return _AFTER_SEPARATOR.sub(r"\1'", text)


def csv_cells(values: Iterable[Any], *, escape: bool = True) -> list[Any]:
    """:func:`csv_cell` of each value."""
    if not escape:
        return list(values)
    return [csv_cell(value) for value in values]


def csv_rows(rows: Iterable[Sequence[Any]], *, escape: bool = True) -> Iterator[list[Any]]:
    """Rows for :func:`csv.writer`, each cell through :func:`csv_cell`.

    Examples
    --------
    >>> import csv, io
    >>> out = io.StringIO()
    >>> csv.writer(out).writerows(csv_rows([["@SUM(1)", -1.5, "-2"]]))
    >>> out.getvalue().splitlines()
    ["'@SUM(1),-1.5,-2"]
    """
    for row in rows:
        yield csv_cells(row, escape=escape)


def csv_frame(frame: Any, *, escape: bool = True) -> Any:
    """A pandas DataFrame whose text cells and headers are safe for CSV (numbers untouched).

    Only the columns that are not numeric are looked at, and only their cells
    beginning with a trigger character are changed, as :func:`csv_cell` changes them
    (a float ``-inf``, numeric column or not, too); ``frame`` itself is not.

    Examples
    --------
    >>> import pandas as pd
    >>> frame = pd.DataFrame({"area": ["=1+1", "甲县"], "@x": [-1.5, 2.0]})
    >>> csv_frame(frame).to_dict("list")
    {'area': ["'=1+1", '甲县'], "'@x": [-1.5, 2.0]}
    """
    if not escape:
        return frame
    out = frame.copy()
    names = list(out.columns)
    if any(_may_change(name) for name in names):
        out.columns = csv_cells(names)
    for position in range(out.shape[1]):
        column = out.iloc[:, position]
        kind = column.dtype.kind
        if kind in "biuc" or (kind == "f" and not (column == _MINUS_INFINITY).any()):
            continue
        values = column.tolist()
        if any(_may_change(v) for v in values):
            out.isetitem(position, csv_cells(values))
    return out


_MINUS_INFINITY = float("-inf")


def _may_change(value: Any) -> bool:
    """Whether :func:`csv_cell` may change ``value`` (a quick test before the exact one)."""
    if isinstance(value, float):
        return value == _MINUS_INFINITY
    if not isinstance(value, str):
        return False
    return value[:1] in TRIGGERS or "\r" in value or "\n" in value or ";" in value


def xlsx_value(value: Any) -> Any:
    """A value as an ``.xlsx`` cell can hold it: text cleaned for XML and cut to Excel's limit.

    Examples
    --------
    >>> xlsx_value("a" + chr(1) + "b") == "a" + chr(0xFFFD) + "b", xlsx_value(3)
    (True, 3)
    >>> len(xlsx_value("x" * 40_000))
    32767
    """
    if not isinstance(value, str):
        return value
    text = _NOT_XML.sub(_REPLACEMENT, value)
    if len(text) > EXCEL_TEXT_LIMIT:
        text = text[: EXCEL_TEXT_LIMIT - 1] + "…"
    return text


def xlsx_text(cell: Any, value: Any) -> None:
    """Put ``value`` in an openpyxl ``cell``; text always as a string cell, never a formula.

    Examples
    --------
    >>> from openpyxl import Workbook
    >>> cell = Workbook().active["A1"]
    >>> xlsx_text(cell, "=1+1")
    >>> cell.value, cell.data_type
    ('=1+1', 's')
    """
    cleaned = xlsx_value(value)
    cell.value = cleaned
    if isinstance(cleaned, str):
        cell.data_type = "s"


def xlsx_row(sheet: Any, number: int, values: Sequence[Any]) -> None:
    """Write ``values`` into row ``number`` of an openpyxl worksheet, text as string cells.

    ``None`` leaves its cell empty.

    Examples
    --------
    >>> from openpyxl import Workbook
    >>> sheet = Workbook().active
    >>> xlsx_row(sheet, 1, ["=1+1", 2.5, None, "#N/A"])
    >>> [(c.value, c.data_type) for c in sheet[1]]
    [('=1+1', 's'), (2.5, 'n'), (None, 'n'), ('#N/A', 's')]
    """
    for position, value in enumerate(values, start=1):
        if value is not None:
            xlsx_text(sheet.cell(row=number, column=position), value)


def xlsx_rows(sheet: Any, rows: Iterable[Sequence[Any]], start: int = 1) -> int:
    """Write ``rows`` from row ``start`` on (:func:`xlsx_row`); the next free row's number."""
    number = start
    for row in rows:
        xlsx_row(sheet, number, row)
        number += 1
    return number


def header_footer_text(text: str) -> str:
    """Text for a page header or footer: ``&`` doubled, cleaned, within 255 characters.

    Examples
    --------
    >>> header_footer_text("R&D 报表.xlsx")
    'R&&D 报表.xlsx'
    """
    cleaned = _NOT_XML.sub(_REPLACEMENT, text).replace("&", "&&")
    if len(cleaned) > _HEADER_FOOTER_LIMIT // 3:
        cleaned = cleaned[: _HEADER_FOOTER_LIMIT // 3 - 1].rstrip("&") + "…"
    return cleaned


#: What Markdown reads as markup anywhere in a line: CommonMark's emphasis, code, links,
#: images, raw HTML and autolinks, headings, and GitHub's tables and strikethrough.
_MARKDOWN_INLINE = re.compile(r"([\\`*_\[\]<>#|~&])")
#: What starts a block at a line's start: a list item, a block quote, a heading's underline.
_MARKDOWN_BLOCK = re.compile(r"(?m)^( {0,3})([-+=>])")
#: An ordered list item at a line's start (``1.``, ``2)``).
_MARKDOWN_NUMBERED = re.compile(r"(?m)^( {0,3}[0-9]{1,9})([.)])")


def markdown_text(text: str) -> str:
    r"""Plain ``text`` for a field rendered as Markdown: no character of it is markup.

    Each character Markdown reads as markup is backslash-escaped (CommonMark escapes
    any ASCII punctuation so), and a line that would start a list, a quote or a heading
    has its first mark escaped; line ends become line feeds.

    Examples
    --------
    >>> print(markdown_text("[x](javascript:alert(1)) <b>a|b</b>\n# h\n- i\n1. j"))
    \[x\](javascript:alert(1)) \<b\>a\|b\</b\>
    \# h
    \- i
    1\. j
    >>> markdown_text("孕产妇死亡数/活产数×100,000")
    '孕产妇死亡数/活产数×100,000'
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _MARKDOWN_INLINE.sub(r"\\\1", text)
    text = _MARKDOWN_BLOCK.sub(r"\1\\\2", text)
    return _MARKDOWN_NUMBERED.sub(r"\1\\\2", text)
