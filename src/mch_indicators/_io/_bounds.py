"""A workbook looked at before the Excel engine sees it: its size, its extent, its layout.

A ``.xlsx`` file is a zip archive of XML parts. Before python-calamine reads
one (it allocates the whole rectangle from the first cell to the last, so one
cell at ``XFD1048576`` asks for 512 GiB and aborts the process), its zip
directory is read and every member the engine will inflate is checked against
:class:`ReadLimits`: its declared size, the total, and its compression ratio;
then those members are inflated here, bounded by their declared sizes (a
member whose data inflates to more than it declares fails its CRC check and is
refused), and the chosen sheet's XML is scanned, linearly, with regular
expressions (no XML parser, so no entity expansion) for:

- its declared extent (``<dimension ref>``) and its actual one (the first and
  last rows and columns holding a value: a row or a cell with a style and nothing in
  it, as some programs write down to row 1,048,576, holds none and the engine skips
  it), each refused above ``limits.cells``;
- merged ranges (filled by the reader), hidden rows and columns (reported);
- formula cells without a cached value (a workbook written by a program and
  never calculated: refused, naming the cell);
- number cells whose style formats them as a percentage (marked, so that a
  count column can refuse them);
- cells holding an Excel error (#DIV/0!, #REF!: the engine reads them as empty),
  named in the checks and marked, so that a count column refuses them.

Without a sheet named, the first *visible* sheet is read (a hidden sheet in front,
an old year's or a lookup table, is never read unasked): the scan chooses it, the
reader opens the sheet the scan chose, and the hidden sheets passed over are named.

``.ods`` archives get the zip checks and their sheets' extent, repeated rows and cells
counted (:func:`_refuse_ods_extent`); ``.xls`` files their size, then the extent the
engine found, before any cell becomes a Python value.
"""

from __future__ import annotations

import html
import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field

from mch_indicators._errors import words
from mch_indicators._labels import input_error

__all__ = [
    "FIELD_LIMIT",
    "HIDDEN_STATES",
    "ReadLimits",
    "SheetFacts",
    "check_size",
    "column_letters",
    "column_number",
    "default_sheet",
    "refuse_sheet_extent",
    "scan_workbook",
]


#: The longest field or cell read: the csv module's own limit (128 KB), held on every line of
#: a text table and every cell of a workbook (Excel itself holds 32,767 characters a cell).
FIELD_LIMIT = 131_072


@dataclass(frozen=True, slots=True)
class ReadLimits:
    """How large a workbook :func:`~mch_indicators.read_table` reads; beyond, a typed error.

    The defaults hold any real office file with room to spare (a county's
    workbook has thousands of cells; a national table of 3,000 counties over
    ten years and 60 counts has 1.8 million).

    Attributes
    ----------
    cells : int, default 5,000,000
        Cells in a sheet's extent (rows × columns from its first cell to its
        last), declared or actual.
    member_bytes : int, default 200,000,000
        Bytes one part of a workbook inflates to.
    total_bytes : int, default 200,000,000
        Bytes the parts read together inflate to.
    ratio : int, default 200
        Inflated size over compressed size of a part larger than 1 MB
        (office sheets compress 5 to 30 times; zip bombs thousands of times).
    file_bytes : int, default 200,000,000
        Bytes of the file itself.
    columns : int, default 16,384
        Fields on a line of a text table (Excel's own limit of columns).
    """

    cells: int = 5_000_000
    member_bytes: int = 200_000_000
    total_bytes: int = 200_000_000
    ratio: int = 200
    file_bytes: int = 200_000_000
    columns: int = 16_384

    def __post_init__(self) -> None:
        for name in ("cells", "member_bytes", "total_bytes", "ratio", "file_bytes", "columns"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise input_error("read_limit_whole", field=name)


@dataclass(frozen=True, slots=True)
class SheetFacts:
    """What the scan found in a sheet (rows and columns numbered as Excel does, from 1)."""

    merged: tuple[
        tuple[int, int, int, int], ...
    ] = ()  # (first row, first col, last row, last col)
    hidden_rows: tuple[int, ...] = ()
    hidden_columns: tuple[int, ...] = ()
    percent_cells: tuple[tuple[int, int], ...] = ()  # (row, column)
    error_cells: tuple[tuple[int, int, str], ...] = ()  # (row, column, #DIV/0!...)
    merged_refs: tuple[str, ...] = field(default=())
    sheet: int | None = None  # the position of the sheet read, when the scan chose it
    hidden_sheets: tuple[str, ...] = ()  # hidden sheets passed over to reach it
    other_sheets: tuple[str, ...] = ()  # visible sheets not read (none was named)


# Linear in the part, whatever it holds: a tag's text is matched by [^<>] (a tag without
# its ">" ends at the next "<", so no two starts scan the same bytes), an attribute name
# only from its first letter, and no pattern backtracks over a run it has scanned
# (tests/io/test_workbook_limits.py times none, but counts the steps of each on hostile parts).
_SHEET = re.compile(rb"<(?:\w+:)?sheet\b([^<>]*)>")
_ATTR = re.compile(rb'(?<![\w:])([\w:]++)\s*+=\s*+"([^"]*+)"')
_REL = re.compile(rb"<(?:\w+:)?Relationship\b([^<>]*)>")
_DIMENSION = re.compile(rb'<(?:\w+:)?dimension\b[^<>]*?\bref="([^"<>]+)"')
_ROW_NUMBER = re.compile(rb'<(?:\w+:)?row\b[^<>]*?\br="(\d+)"')
_CELL_COLUMN = re.compile(rb'<(?:\w+:)?c\b[^<>]*?\br="([A-Z]{1,4})\d+"')
# the forms Excel, WPS, LibreOffice and openpyxl write (r first): one pass, no backtracking
_ROW_FAST = re.compile(rb'<row r="(\d+)"')
_CELL_FAST = re.compile(rb'<c r="([A-Z]{1,4})')
_ROW_TAG = re.compile(rb"<(?:\w+:)?row\b[^<>]*>")
# what follows a cell's start tag when it holds something: a value, an inline string or a
# formula (see _filled_extent)
_CELL_CONTENT = re.compile(rb"\s*+<(?:\w+:)?(?:v|is|f)\b")
_CELL_REF = re.compile(rb'(?<![\w:])r\s*+=\s*+"([A-Z]{1,4})([0-9]+)"')
_MERGE = re.compile(rb'<(?:\w+:)?mergeCell\b[^<>]*?\bref="([^"<>]+)"')
_COL = re.compile(rb"<(?:\w+:)?col\b([^<>]*)>")
_FORMULA = re.compile(rb"<(?:\w+:)?f\b")
_VALUE_START = re.compile(rb"<(?:\w+:)?v>")
_VALUE_END = re.compile(rb"</(?:\w+:)?v>")
# an error cell's value right after its start tag, at most 32 bytes (#DIV/0!, #REF!...)
_ERROR_VALUE = re.compile(
    rb"\s*+(?:<(?:\w+:)?f\b[^<>]*+(?:/>|>[^<]*+</(?:\w+:)?f>)\s*+)?"
    rb"<(?:\w+:)?v>([^<]{0,32})</"
)
_CELL_START = re.compile(rb"<(?:\w+:)?c\b([^<>]*)>")
_REF = re.compile(r"^\$?([A-Z]{1,4})\$?(\d+)$")
_NUMFMT = re.compile(rb"<(?:\w+:)?numFmt\b([^<>]*)>")
_CELLXFS_START = re.compile(rb"<(?:\w+:)?cellXfs\b[^<>]*>")
_CELLXFS_END = re.compile(rb"</(?:\w+:)?cellXfs>")
_XF = re.compile(rb"<(?:\w+:)?xf\b([^<>]*)>")
_QUOTED = re.compile(r'"[^"]*"|\[[^\]\[]*\]|\\.')
_PERCENT_BUILTIN = {9, 10}


def check_size(raw: bytes, name: str, limits: ReadLimits) -> None:
    """Refuse a file larger than ``limits.file_bytes``."""
    if len(raw) > limits.file_bytes:
        raise input_error("read_file_too_big", name=name, size=len(raw), limit=limits.file_bytes)


def column_number(letters: str) -> int:
    """Excel's column number of ``letters`` (``A`` is 1, ``XFD`` 16384)."""
    number = 0
    for letter in letters:
        number = number * 26 + (ord(letter) - 64)
    return number


def column_letters(number: int) -> str:
    """Excel's letters of column ``number`` (1 is ``A``, 16384 ``XFD``).

    Examples
    --------
    >>> column_letters(1), column_letters(28), column_letters(16384)
    ('A', 'AB', 'XFD')
    """
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _cell(ref: str) -> tuple[int, int]:
    found = _REF.match(ref.strip().upper())
    if found is None:
        raise ValueError(ref)
    return int(found[2]), column_number(found[1])


def _attrs(text: bytes) -> dict[str, str]:
    """The attributes of an XML tag (bytes a damaged part spoils read as U+FFFD)."""
    return {
        k.decode(errors="replace").split(":")[-1]: html.unescape(v.decode(errors="replace"))
        for k, v in _ATTR.findall(text)
    }


def _check_directory(book: zipfile.ZipFile, name: str, limits: ReadLimits) -> None:
    members = book.infolist()
    if len(members) > 10_000:
        raise input_error("read_too_many_parts", name=name, parts=len(members))
    total = 0
    for member in members:
        size = member.file_size
        total += size
        if size > limits.member_bytes:
            raise input_error(
                "read_part_too_big", name=name, part=member.filename, size=size,
                limit=limits.member_bytes,
            )  # fmt: skip
        packed = max(member.compress_size, 1)
        if size > 1_000_000 and size > limits.ratio * packed:
            raise input_error(
                "read_zip_bomb", name=name, part=member.filename, times=size // packed,
                packed=member.compress_size, size=size, ratio=limits.ratio,
            )  # fmt: skip
    if total > limits.total_bytes:
        raise input_error("read_workbook_too_big", name=name, size=total, limit=limits.total_bytes)


def _inflate(book: zipfile.ZipFile, member: str, name: str) -> bytes:
    """A member's bytes, no more than it declares (a lying member fails its CRC check)."""
    try:
        info = book.getinfo(member)
        with book.open(info) as stream:
            data = stream.read(info.file_size + 1)
    except KeyError:
        return b""
    except (zipfile.BadZipFile, OSError, EOFError, RuntimeError, NotImplementedError) as error:
        raise input_error("read_part_unreadable", name=name, part=member, error=error) from None
    except Exception as error:  # zlib.error and friends: a damaged archive
        raise input_error("read_part_damaged", name=name, part=member, error=error) from None
    return data


#: the states of a sheet that Excel does not show (``<sheet state="hidden">``)
HIDDEN_STATES = frozenset({"hidden", "veryHidden"})


def default_sheet(
    names: list[str], hidden: list[bool]
) -> tuple[int, tuple[str, ...], tuple[str, ...]]:
    """The sheet read when none is named, the hidden sheets before it, the visible others.

    The first sheet not hidden; the first sheet when every sheet is hidden (a workbook
    Excel would not open). The others are the visible sheets left unread.

    Examples
    --------
    >>> default_sheet(["old", "2024", "乡镇"], [True, False, False])
    (1, ('old',), ('乡镇',))
    >>> default_sheet(["a"], [True]), default_sheet([], [])
    ((0, (), ()), (0, (), ()))
    """
    position = next((i for i, h in enumerate(hidden) if not h), 0)
    visible = tuple(n for n, h in zip(names, hidden, strict=False) if not h)
    return position, tuple(names[:position]), visible[1:]


def _sheet_path(
    book: zipfile.ZipFile, sheet: str | int | None, name: str
) -> tuple[str | None, int | None, tuple[str, ...], tuple[str, ...]]:
    """The chosen sheet's XML path, its position, the hidden and visible sheets not read.

    The hidden sheets passed over and the other visible sheets left unread are
    named only when no sheet was named.

    By name or position as calamine chooses it; without one, the first visible sheet.
    """
    workbook = _inflate(book, "xl/workbook.xml", name)
    rels = _inflate(book, "xl/_rels/workbook.xml.rels", name)
    sheets = [_attrs(found) for found in _SHEET.findall(workbook)]
    targets = {a.get("Id", ""): a.get("Target", "") for a in map(_attrs, _REL.findall(rels))}
    if not sheets:
        return None, None, (), ()
    passed: tuple[str, ...] = ()
    others: tuple[str, ...] = ()
    if sheet is None:
        hidden = [s.get("state") in HIDDEN_STATES for s in sheets]
        position, passed, others = default_sheet([s.get("name", "") for s in sheets], hidden)
    elif isinstance(sheet, int) and not isinstance(sheet, bool):
        if not 0 <= sheet < len(sheets):
            return None, None, (), ()  # calamine's own message names the sheets
        position = sheet
    else:
        matches = [i for i, s in enumerate(sheets) if s.get("name") == sheet]
        if not matches:
            return None, None, (), ()
        position = matches[0]
    target = targets.get(sheets[position].get("id", ""), "")
    if not target:
        return None, position, passed, others
    path = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
    return path, position, passed, others


def _percent_styles(styles: bytes) -> set[int]:
    """Indexes of the cell styles that format a number as a percentage."""
    formats = [_attrs(tag) for tag in _NUMFMT.findall(styles)]
    custom = {
        int(number)
        for number, code in ((f.get("numFmtId", ""), f.get("formatCode", "")) for f in formats)
        if number.isdigit() and "%" in _QUOTED.sub("", code)
    }
    percent = _PERCENT_BUILTIN | custom
    start = _CELLXFS_START.search(styles)
    end = None if start is None else _CELLXFS_END.search(styles, start.end())
    if start is None or end is None:
        return set()
    styles_of = [
        _attrs(xf).get("numFmtId", "0") for xf in _XF.findall(styles[start.end() : end.start()])
    ]
    return {i for i, number in enumerate(styles_of) if number.isdigit() and int(number) in percent}


def _extent(sheet: bytes) -> tuple[int, int, int, int] | None:
    """(first row, first column, last row, last column) of the cells present, or None."""
    rows = [int(r) for r in _ROW_FAST.findall(sheet)] or [
        int(r) for r in _ROW_NUMBER.findall(sheet)
    ]
    columns = {c.decode() for c in set(_CELL_FAST.findall(sheet))} or {
        c.decode() for c in set(_CELL_COLUMN.findall(sheet))
    }
    if not rows or not columns:
        return None
    numbers = [column_number(c) for c in columns]
    return min(rows), min(numbers), max(rows), max(numbers)


def _filled_extent(sheet: bytes) -> tuple[int, int, int, int] | None:
    """:func:`_extent` of the cells that hold something, in one pass and constant memory.

    Asked only when the extent of every row and cell tag is over the limit: a sheet
    with a few rows of data and a million empty, styled rows is read as the engine
    reads it (it skips cells without a value).
    """
    box: list[int] | None = None
    for found in _CELL_START.finditer(sheet):
        ref = _CELL_REF.search(found[1])
        if found[1].endswith(b"/") or ref is None or not _CELL_CONTENT.match(sheet, found.end()):
            continue  # <c .../>: nothing in it
        row, column = int(ref[2]), column_number(ref[1].decode())
        if box is None:
            box = [row, column, row, column]
            continue
        box[0], box[1] = min(box[0], row), min(box[1], column)
        box[2], box[3] = max(box[2], row), max(box[3], column)
    return None if box is None else (box[0], box[1], box[2], box[3])


def _over(box: tuple[int, int, int, int], limit: int) -> bool:
    return (box[2] - box[0] + 1) * (box[3] - box[1] + 1) > limit


def refuse_sheet_extent(name: str, what: str, box: tuple[int, int, int, int], limit: int) -> None:
    """Refuse a sheet whose extent ``box`` holds over ``limit`` cells (declared or actual)."""
    rows, columns = box[2] - box[0] + 1, box[3] - box[1] + 1
    if rows * columns > limit:
        raise input_error(
            "read_sheet_extent", name=name, what=words(f"read_extent_{what}"), rows=rows,
            columns=columns, cells=rows * columns, limit=limit,
        )  # fmt: skip


def _cells_of(sheet: bytes) -> Iterator[tuple[int, bytes, int]]:
    """Each cell start tag: (position, attributes, end of the tag)."""
    for found in _CELL_START.finditer(sheet):
        yield found.start(), found[1], found.end()


def _uncalculated(sheet: bytes) -> str | None:
    """The first formula cell with no cached value, or None.

    Linear in the sheet: a formula's cell start is looked for back to the end of the
    cell checked last (none there: the formula is in that cell, or in none), its end
    once, and a formula inside a cell already checked is passed over.
    """
    checked = 0  # where the sheet is known: up to the end of the last cell checked
    for formula in _FORMULA.finditer(sheet):
        if formula.start() < checked:
            continue
        start = sheet.rfind(b"<c", checked, formula.start())
        checked = formula.start()
        if start < 0:
            continue
        end = sheet.find(b"</c>", formula.end())
        if end < 0:
            return None  # no later formula has an end either
        checked = end
        cell = sheet[start:end]
        if not _has_value(cell):
            return _attrs(cell[: cell.find(b">") + 1]).get("r", "?")
    return None


def _has_value(cell: bytes) -> bool:
    """Whether a formula cell holds its cached value (a text formula's may be empty)."""
    start = _VALUE_START.search(cell)
    end = None if start is None else _VALUE_END.search(cell, start.end())
    if start is None or end is None:
        return False
    return bool(cell[start.end() : end.start()].strip()) or b't="str"' in cell


def _percent_cells(sheet: bytes, styles: set[int]) -> list[tuple[int, int]]:
    cells = []
    for _, text, _ in _cells_of(sheet):
        attrs = _attrs(text)
        style = attrs.get("s", "0")
        if style.isdigit() and int(style) in styles and attrs.get("t", "n") == "n":
            try:
                cells.append(_cell(attrs.get("r", "")))
            except ValueError:
                continue
    return cells


def _error_cells(sheet: bytes) -> list[tuple[int, int, str]]:
    """Cells holding an Excel error (``t="e"``: #DIV/0!, #REF!...), which engines read as empty.

    Linear in the sheet: each cell's start tag once, an error's value matched where its
    tag ends, over a bounded length.
    """
    if b"t=" not in sheet or b'"e"' not in sheet:
        return []
    cells = []
    for _, text, end in _cells_of(sheet):
        attrs = _attrs(text)
        if attrs.get("t") != "e" or text.rstrip().endswith(b"/"):
            continue
        try:
            row, column = _cell(attrs.get("r", ""))
        except ValueError:
            continue
        found = _ERROR_VALUE.match(sheet, end)
        shown = found[1].decode("utf-8", "replace").strip() if found else ""
        cells.append((row, column, shown or "#?"))
    return cells


def _hidden_rows(sheet: bytes) -> set[int]:
    if b"hidden=" not in sheet:
        return set()
    hidden = set()
    for tag in _ROW_TAG.findall(sheet):
        if b"hidden=" in tag:
            attrs = _attrs(tag)
            if attrs.get("hidden") in ("1", "true") and attrs.get("r", "").isdigit():
                hidden.add(int(attrs["r"]))
    return hidden


def _hidden_columns(sheet: bytes) -> list[int]:
    hidden: list[int] = []
    for text in _COL.findall(sheet):
        attrs = _attrs(text)
        if attrs.get("hidden") in ("1", "true"):
            first, last = int(attrs.get("min", "0")), int(attrs.get("max", "0"))
            hidden.extend(range(first, min(last, 16384) + 1))
    return hidden


#: An OpenDocument table, row or cell start tag (a row or cell may repeat: one tag
#: for a million rows), or a row's end; one pass over the part, no backtracking. An
#: attribute's quoted value may hold ``>`` (a formula): the tag ends outside quotes.
_ODS_TAG = re.compile(
    rb"<(?:\w+:)?(table-row|table-cell|covered-table-cell|table)(?=[\s/>])"
    rb"""((?:[^<>"']++|"[^"]*+"|'[^']*+')*+)>"""
    rb"|</(?:\w+:)?table-row>"
)
#: A repeat count, its value in double or single quotes (XML allows both).
_REPEATED = re.compile(rb"""number-(rows|columns)-repeated\s*+=\s*+(?:"([0-9]++)"|'([0-9]++)')""")


def _refuse_ods_extent(content: bytes, name: str, limit: int) -> None:
    """Refuse an ``.ods`` whose sheets hold more than ``limit`` cells, repeats counted.

    OpenDocument writes a run of equal rows or cells once, with a repeat count: a 1 KB
    file can say "this row of 16,384 ones, a million times", which the engine expands
    into every cell (20 million cells took 2.5 GB and 20 s; 16 billion abort). Each
    table's extent is counted from its rows and cells that hold something (a value type
    or content: LibreOffice's empty styled runs to row 1,048,576 hold nothing), in one
    pass, without expanding a repeat.
    """
    rows = columns = 0  # the current table's extent: rows to its last filled, widest row
    row = 0  # rows of the current table so far
    repeat = width = column = 0  # the current row's repeat count, its filled width, position
    filled = False
    for found in _ODS_TAG.finditer(content):
        tag, attributes = found[1], found[2] or b""
        if tag == b"table":
            refuse_sheet_extent(name, "actual", (1, 1, max(rows, 1), max(columns, 1)), limit)
            rows = columns = row = 0
        elif tag == b"table-row":
            repeat, width, column, filled = _repeat(attributes, b"rows"), 0, 0, False
            if attributes.endswith(b"/"):
                row += repeat
        elif tag is None:  # a row's end
            row += repeat
            if filled:
                rows, columns = row, max(columns, width)
                refuse_sheet_extent(name, "actual", (1, 1, rows, columns), limit)
        else:
            count = _repeat(attributes, b"columns")
            column += count
            empty = attributes.endswith(b"/") and b"value-type" not in attributes
            if not empty:
                filled, width = True, column
    refuse_sheet_extent(name, "actual", (1, 1, max(rows, 1), max(columns, 1)), limit)


def _repeat(attributes: bytes, what: bytes) -> int:
    """A row's or cell's repeat count (1 when it has none)."""
    for kind, double, single in _REPEATED.findall(attributes):
        number = double or single
        if kind == what:  # 19 digits or more: more than any limit, never parsed whole
            return max(int(number), 1) if len(number) < 19 else 10**18
    return 1


def scan_workbook(
    raw: bytes, name: str, sheet: str | int | None, limits: ReadLimits
) -> SheetFacts:
    """Check a zip workbook against ``limits`` and scan the chosen sheet (see the module)."""
    check_size(raw, name, limits)
    try:
        book = zipfile.ZipFile(io.BytesIO(raw))
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        raise input_error("read_not_workbook", name=name, error=error) from None
    with book:
        _check_directory(book, name, limits)
        if "xl/workbook.xml" not in book.namelist():
            if "content.xml" in book.namelist():  # .ods: the engine opens every sheet
                _refuse_ods_extent(_inflate(book, "content.xml", name), name, limits.cells)
            return SheetFacts()  # .ods and others: the zip checks and the extent only
        path, position, passed, others = _sheet_path(book, sheet, name)
        if path is None:
            return SheetFacts(sheet=position, hidden_sheets=passed, other_sheets=others)
        for part in ("xl/sharedStrings.xml", "xl/workbook.xml"):
            _inflate(book, part, name)  # checked whole: the engine reads them
        data = _inflate(book, path, name)
        styles = _percent_styles(_inflate(book, "xl/styles.xml", name))
    declared = _DIMENSION.search(data[:4096])
    if declared is not None:
        refs = declared[1].decode().split(":")
        try:
            corners = [_cell(ref) for ref in refs]
        except ValueError:
            corners = []
        if corners:
            first, last = corners[0], corners[-1]
            refuse_sheet_extent(name, "declared", (*first, *last), limits.cells)
    actual = _extent(data)
    if actual is not None and _over(actual, limits.cells):
        actual = _filled_extent(data)  # empty styled rows and cells do not count
    if actual is not None:
        refuse_sheet_extent(name, "actual", actual, limits.cells)
    uncalculated = _uncalculated(data)
    if uncalculated is not None:
        raise input_error("formula_not_calculated", name=name, cell=uncalculated)
    merged, refs = [], []
    for ref in _MERGE.findall(data):
        text = ref.decode()
        try:
            corners = [_cell(part) for part in text.split(":")]
        except ValueError:
            continue
        (r1, c1), (r2, c2) = corners[0], corners[-1]
        merged.append((r1, c1, r2, c2))
        refs.append(text)
    rows = _hidden_rows(data)
    return SheetFacts(
        merged=tuple(merged),
        hidden_rows=tuple(sorted(rows)),
        hidden_columns=tuple(_hidden_columns(data)),
        percent_cells=tuple(_percent_cells(data, styles)) if styles else (),
        error_cells=tuple(_error_cells(data)),
        merged_refs=tuple(refs),
        sheet=position,
        hidden_sheets=passed,
        other_sheets=others,
    )
