"""A workbook's XML parts are scanned in time linear in their size, whatever they hold.

The scan (``_io._bounds``) reads a workbook's parts with regular expressions before the
engine does. Each hostile part below (a megabyte of tag starts without their ``>``, one
tag with a hundred thousand attributes, a word without ``=``, formulas outside any cell)
took one of them quadratic time: minutes to hours a part, a process a county office
could not stop (``<sheet `` repeated over 42 kB: 2.3 s; over 1 MB: about 20 minutes).
No time is measured here: scanned in linear time each takes milliseconds, and a
quadratic pattern would hold the suite up until CI's time limit fails it.
"""

from __future__ import annotations

import io
import zipfile

import pytest

from mch_indicators import InvalidInputError
from mch_indicators._io import _bounds

MB = 1_000_000


def _times(piece: bytes, size: int = MB) -> bytes:
    return piece * (size // len(piece))


SHEETS = {
    "cell tags without their end": _times(b"<c"),
    "row tags without their end": _times(b"<row"),
    "one cell tag, many references": b"<c " + _times(b'r="A1" ') + b"/>",
    "one row tag, many numbers": b"<row " + _times(b'r="1" ') + b"/>",
    "merged cells without their end": _times(b"<mergeCell "),
    "a merged reference never closed": b"<mergeCell " + _times(b'ref="A1 '),
    "columns without their end": _times(b"<col "),
    "formulas in no cell": _times(b"<f"),
    "one formula cell, values never closed": b'<c r="A1"><f>1</f>' + _times(b"<v>") + b"</c>",
    "a word without =": b"<row " + _times(b"a"),
    "error cells, formulas without their end": _times(b'<c r="A1" t="e"><f '),
    "one error cell, its formula never closed": b'<c r="A1" t="e"><f>' + _times(b"x"),
}
STYLES = {
    "number formats, one tag": b"<numFmt " + _times(b'numFmtId="1" ') + b">",
    "number formats without their end": _times(b'<numFmt numFmtId="1" '),
    "cell formats never closed": _times(b"<cellXfs>"),
    "styles without their end": b"<cellXfs>" + _times(b"<xf "),
    "a format code of brackets": b'<numFmt numFmtId="170" formatCode="' + _times(b"[") + b'"/>',
}


@pytest.mark.parametrize("part", SHEETS.values(), ids=SHEETS.keys())
def test_a_hostile_sheet_is_scanned_in_linear_time(part: bytes) -> None:
    _bounds._extent(part)
    _bounds._filled_extent(part)
    assert _bounds._uncalculated(part) in (None, "A1")
    _bounds._hidden_rows(part + b' hidden="1"')
    _bounds._hidden_columns(part)
    _bounds._percent_cells(part, {1})
    assert len(_bounds._error_cells(part + b' t="e"')) <= len(part)


@pytest.mark.parametrize("part", STYLES.values(), ids=STYLES.keys())
def test_hostile_styles_are_scanned_in_linear_time(part: bytes) -> None:
    assert _bounds._percent_styles(part) <= {0, 1}


def _workbook(parts: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as book:
        for name, data in parts.items():
            book.writestr(name, data)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("member", "part"),
    [
        ("xl/workbook.xml", _times(b"<sheet ")),
        ("xl/_rels/workbook.xml.rels", b"<sheet/>" + _times(b"<Relationship ")),
        ("xl/workbook.xml", b"<sheet " + _times(b"x")),
    ],
    ids=["sheets without their end", "relationships without their end", "a name without ="],
)
def test_a_hostile_workbook_part_is_scanned_in_linear_time(member: str, part: bytes) -> None:
    parts = {"xl/workbook.xml": b"<workbook/>", "xl/_rels/workbook.xml.rels": b"", member: part}
    try:
        facts = _bounds.scan_workbook(_workbook(parts), "hostile.xlsx", None, _bounds.ReadLimits())
    except InvalidInputError:
        return
    assert facts.merged == ()


def test_the_scan_still_reads_what_excel_writes() -> None:
    """The linear patterns find what the old ones found in the parts Excel writes."""
    sheet = (
        b'<sheetData><row r="2" spans="1:3" hidden="1"><c r="B2" s="1"><v>0.5</v></c>'
        b'<c r="C2"/><c r="D2" t="str"><f>A1</f><v></v></c></row>'
        b'<row r="7"><c r="E7"><f>B2*2</f></c></row></sheetData>'
        b'<mergeCells count="1"><mergeCell ref="A1:C1"/></mergeCells>'
        b'<cols><col min="4" max="5" width="9" hidden="1"/></cols>'
    )
    assert _bounds._extent(sheet) == (2, 2, 7, 5)
    assert _bounds._filled_extent(sheet) == (2, 2, 7, 5)
    assert _bounds._uncalculated(sheet) == "E7"  # D2: a text formula's empty value is kept
    assert _bounds._hidden_rows(sheet) == {2}
    assert _bounds._hidden_columns(sheet) == [4, 5]
    styles = (
        b'<numFmts count="2"><numFmt numFmtId="170" formatCode="0.0&quot;%&quot;"/>'
        b'<numFmt numFmtId="171" formatCode="0.00%"/></numFmts>'
        b'<cellXfs count="3"><xf numFmtId="0"/><xf numFmtId="171" applyNumberFormat="1"/>'
        b'<xf numFmtId="170"/></cellXfs>'
    )
    assert _bounds._percent_styles(styles) == {1}
    assert _bounds._percent_cells(sheet, {1}) == [(2, 2)]


@pytest.mark.parametrize(
    "text",
    [_times(b"a"), _times(b"a:"), _times(b'a= "')],
    ids=["a word", "names with colons", "values never closed"],
)
def test_a_tag_s_attributes_are_read_in_linear_time(text: bytes) -> None:
    assert len(_bounds._attrs(b" " + text)) <= 1
