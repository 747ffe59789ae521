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


# -- OpenDocument: a row or a cell repeated, one tag for millions of cells ------------------


MANIFEST = (
    '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest='
    '"urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"><manifest:file-entry '
    'manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
    '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
    "</manifest:manifest>"
)


def ods(rows: str) -> bytes:
    """An ``.ods`` whose one table has a header row and then ``rows`` (content.xml)."""
    content = (
        '<?xml version="1.0" encoding="UTF-8"?><office:document-content '
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        '<office:body><office:spreadsheet><table:table table:name="S">'
        '<table:table-column table:number-columns-repeated="2"/>'
        '<table:table-row><table:table-cell office:value-type="string"><text:p>县区</text:p>'
        '</table:table-cell><table:table-cell office:value-type="string"><text:p>活产数</text:p>'
        f"</table:table-cell></table:table-row>{rows}"
        "</table:table></office:spreadsheet></office:body></office:document-content>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as book:
        book.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        book.writestr("content.xml", content, compress_type=zipfile.ZIP_DEFLATED)
        book.writestr("META-INF/manifest.xml", MANIFEST)
    return buffer.getvalue()


def _repeated(rows: str, columns: int, *, value: bool = True) -> str:
    kind = 'office:value-type="float" office:value="1" ' if value else ""
    return (
        f'<table:table-row table:number-rows-repeated="{rows}"><table:table-cell {kind}'
        f'table:number-columns-repeated="{columns}"/></table:table-row>'
    )


@pytest.mark.parametrize(
    ("rows", "columns", "said"),
    [
        ("20000", 1000, "20,001 rows by 1,000 columns"),  # 20 M cells: 2.5 GB, 20 s
        ("1000000", 16384, "1,000,001 rows by 16,384 columns"),  # 16 billion: no memory holds it
        ("9" * 30, 2, "cells), more than the limit"),  # a repeat no integer type holds
    ],
)
def test_an_ods_of_repeated_rows_is_refused_before_the_engine(rows, columns, said) -> None:
    """One ``.ods`` tag can repeat a row of values a million times: the engine expanded
    every cell (a 1 KB file took 2.5 GB and 20 s at 20 M cells). The scan counts the
    repeats without expanding them and refuses the extent, naming the limit."""
    import mch_indicators as mch

    with pytest.raises(InvalidInputError, match="actual extent") as caught:
        mch.read_table(io.BytesIO(ods(_repeated(rows, columns))))
    assert said in caught.value.reason and "ReadLimits.cells" in caught.value.reason
    assert "超过上限" in caught.value.reason_zh


@pytest.mark.parametrize(
    "hide",
    [
        ('table:formula="of:=[.A1]&gt;0" ', "{}"),  # escaped: always seen
        ('table:formula="of:=[.A1]>0" ', "{}"),  # a '>' inside a value: XML allows it
        ("", "{}'"),  # the repeat count in single quotes
    ],
)
def test_an_ods_repeat_cannot_hide_behind_an_attribute_or_its_quotes(hide) -> None:
    """The scan read a tag up to its first ``>``, and a repeat count only in double
    quotes: a formula holding ``>`` before the count, or the count written in single
    quotes (both valid XML), hid 20 million cells from the scan that refuses them before
    the engine runs (the engine's own extent caught them later)."""
    import zipfile

    import mch_indicators as mch
    from mch_indicators._io._bounds import _refuse_ods_extent

    before, quoted = hide
    rows = _repeated("20000", 1000)
    rows = rows.replace("<table:table-row ", f"<table:table-row {before}")
    if quoted.endswith("'"):
        rows = rows.replace('number-rows-repeated="20000"', "number-rows-repeated='20000'")
        rows = rows.replace('columns-repeated="1000"', "columns-repeated='1000'")
    content = zipfile.ZipFile(io.BytesIO(ods(rows))).read("content.xml")
    with pytest.raises(InvalidInputError, match="actual extent"):
        _refuse_ods_extent(content, "hidden.ods", 5_000_000)
    with pytest.raises(InvalidInputError, match="actual extent"):
        mch.read_table(io.BytesIO(ods(rows)))


def test_an_ods_with_libreoffice_s_empty_runs_is_read() -> None:
    """LibreOffice writes the empty rest of a sheet as repeated empty rows and cells."""
    import mch_indicators as mch

    rows = '<table:table-row><table:table-cell office:value-type="string"><text:p>甲县</text:p>'
    rows += '</table:table-cell><table:table-cell office:value-type="float" office:value="9">'
    rows += "<text:p>9</text:p></table:table-cell></table:table-row>"
    rows += _repeated("1048574", 1024, value=False)
    frame = mch.read_table(io.BytesIO(ods(rows)))
    assert frame["县区"].tolist() == ["甲县"] and frame["活产数"].tolist() == [9]
    with pytest.raises(InvalidInputError, match="actual extent is 2 rows by 2 columns"):
        mch.read_table(io.BytesIO(ods(rows)), limits=mch.ReadLimits(cells=3))


# -- one cell of 50 MB ----------------------------------------------------------------------


def _with_cell(text: str) -> bytes:
    """A workbook whose A3 holds ``text`` (written into the sheet's XML, as a program may)."""
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    book.active.append(["县区", "活产数", "婴儿死亡数"])
    book.active.append(["甲县", 1000, 5])
    plain = io.BytesIO()
    book.save(plain)
    row = f'<row r="3"><c r="A3" t="inlineStr"><is><t>{text}</t></is></c><c r="B3"><v>1</v></c>'
    buffer = io.BytesIO()
    with zipfile.ZipFile(plain) as source, zipfile.ZipFile(buffer, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b"</sheetData>", row.encode() + b"</sheetData>")
            target.writestr(item.filename, data, compress_type=zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


def test_a_cell_longer_than_a_text_field_may_be_is_refused_naming_it() -> None:
    """A 50 MB cell took 26 s to read and compute (every label step in proportion to
    it); no office keeps one (Excel holds 32,767 characters). A cell over the 128 KB a
    text table's field may hold is refused, naming it, in English and Chinese."""
    import mch_indicators as mch

    with pytest.raises(InvalidInputError) as caught:
        mch.read_table(io.BytesIO(_with_cell("县" * 200_000)))
    assert "cell A3 holds a text longer than 131,072 characters" in caught.value.reason
    assert "单元格 A3 的文字超过 131,072 个字符" in caught.value.reason_zh
    frame = mch.read_table(io.BytesIO(_with_cell("县" * 32_767)))
    assert frame["县区"].str.len().tolist() == [2, 32_767]
