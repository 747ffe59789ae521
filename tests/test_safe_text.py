"""The one formula-safe writer: text reaches .xlsx as string cells and CSV without a trigger."""

from __future__ import annotations

import csv
import io
import re
import sys

import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook

from mch_indicators._safe_text import (
    EXCEL_TEXT_LIMIT,
    TRIGGERS,
    csv_cell,
    csv_frame,
    csv_rows,
    header_footer_text,
    is_number_text,
    markdown_text,
    needs_escape,
    xlsx_row,
    xlsx_text,
    xlsx_value,
)
from strategies import hostile_texts


@pytest.mark.parametrize(
    "text",
    ["=1+1", '=HYPERLINK("http://x","y")', "+cmd|' /C calc'!A0", "@SUM(1)", "-2+3", "-", "\t=1",
     "\r=1", "=", "-inf", "+nan", "-1,234", "-\u0662", "+\u09e7.5", "-１２", "＝1+1", "＋1",
     "－2+3", "＠SUM(1)", "－１２"],
)  # fmt: skip
def test_formula_text_gets_an_apostrophe(text):
    """Another script's digits and full-width ones are no number a spreadsheet reads."""
    assert needs_escape(text)
    # a bare CR would split the row; a trigger after the line feed it becomes is escaped too
    assert csv_cell(text) == "'" + text.replace("\r", "\n").replace("\n=", "\n'=")
    assert csv_cell(text, escape=False) == text


@pytest.mark.parametrize("text", ["-12.5", "+3", "-0.50", "1e-5", "-1E+3", ".5", "-.5", "7."])
def test_negative_and_signed_numbers_stay_numbers(text):
    assert is_number_text(text) and not needs_escape(text)
    assert csv_cell(text) == text


@pytest.mark.parametrize("value", [-3, -2.5, 0, None, True, float("nan"), float("inf")])
def test_only_text_is_touched(value):
    assert csv_cell(value) is value


def test_a_number_a_spreadsheet_would_read_as_a_formula_is_written_as_text():
    assert csv_cell(float("-inf")) == "'-inf"


#: Texts made mostly of what matters here: triggers, separators, quotes, digits.
CELL_TEXTS = st.text(st.sampled_from([*TRIGGERS, ";", ",", '"', "'", "1", ".", "a", "甲", "\n"]))


@given(st.one_of(st.text(), CELL_TEXTS))
def test_escaped_text_never_starts_a_formula_and_keeps_the_text(text):
    cell = csv_cell(text)
    assert cell[:1] not in TRIGGERS or is_number_text(cell)
    same = text.replace("\r\n", "\n").replace("\r", "\n")
    pieces, originals = re.split("[;\n]", cell), re.split("[;\n]", same)
    assert len(pieces) == len(originals) and "\r" not in cell
    assert pieces[0] in (originals[0], "'" + originals[0])
    for piece, original in zip(pieces[1:], originals[1:], strict=True):
        assert piece.lstrip('"')[:1] not in TRIGGERS  # where ";" separates cells: text
        assert piece in (original, "'" + original)
    assert csv_cell(cell) == cell or cell[:1] == "'"  # escaping an escaped cell changes nothing


@example(rows=[["", '\r"=']]).via("found by the whole suite")
@example(rows=[["", ';"=']]).via("found by the whole suite")
@given(st.lists(st.lists(st.one_of(CELL_TEXTS, st.floats()), min_size=1, max_size=4)))
def test_csv_rows_opened_where_the_list_separator_is_a_semicolon_hold_no_formula(rows):
    """German or French Excel splits a CSV's lines at ``;``: no cell it makes may run."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(csv_rows(rows))
    for line in csv.reader(io.StringIO(buffer.getvalue()), delimiter=";"):
        assert all(cell[:1] not in TRIGGERS for cell in line[1:])
        assert not line or line[0][:1] not in TRIGGERS or is_number_text(line[0].split(",")[0])


@given(st.lists(st.lists(st.one_of(hostile_texts(), st.floats()), max_size=4)))
def test_csv_rows_through_the_csv_module_read_back_without_a_trigger(rows):
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(csv_rows(rows))
    assert len(list(csv.reader(io.StringIO(buffer.getvalue())))) == len(rows)  # no row split
    for row in csv.reader(io.StringIO(buffer.getvalue())):
        for cell in row:
            assert cell[:1] not in TRIGGERS or is_number_text(cell)


def test_csv_frame_escapes_text_cells_and_headers_not_numbers():
    pd = pytest.importorskip("pandas")
    frame = pd.DataFrame({"=area": ["@x", "甲县", None], "value": [-1.5, 2.0, 3.0]})
    out = csv_frame(frame)
    assert list(out.columns) == ["'=area", "value"]
    assert out["'=area"].tolist()[:2] == ["'@x", "甲县"] and out["value"].tolist() == [-1.5, 2, 3]
    assert list(frame.columns) == ["=area", "value"] and frame.iloc[0, 0] == "@x"  # untouched
    assert csv_frame(frame, escape=False) is frame


def test_csv_frame_writes_minus_infinity_as_csv_cell_does():
    """A float ``-inf`` (a numeric column's or a mixed one's) is escaped like csv_cell's."""
    pd = pytest.importorskip("pandas")
    frame = pd.DataFrame(
        {"value": [float("-inf"), 1.5, float("inf")], "mixed": [float("-inf"), "甲县", 2]}
    )
    out = csv_frame(frame)
    assert out["value"].tolist() == [csv_cell(float("-inf")), 1.5, float("inf")]
    assert out["mixed"].tolist() == ["'-inf", "甲县", 2]
    lines = out.to_csv(index=False).splitlines()
    assert lines[1] == "'-inf,'-inf" and lines[2] == "1.5,甲县"
    assert frame["value"].tolist()[0] == float("-inf")  # the frame given is untouched


@given(hostile_texts())
def test_xlsx_text_is_a_string_cell_whatever_it_starts_with(text):
    book = Workbook()
    cell = book.active["A1"]
    xlsx_text(cell, text)
    buffer = io.BytesIO()
    book.save(buffer)
    back = load_workbook(io.BytesIO(buffer.getvalue())).active["A1"]
    if text:
        assert back.data_type == "s"
        # XML reads a carriage return back as a line feed; the text is otherwise the same
        assert back.value == xlsx_value(text).replace("\r\n", "\n").replace("\r", "\n")


def test_xlsx_cleans_what_xml_cannot_hold_and_cuts_at_excels_limit():
    assert xlsx_value("a\x00b\x1fc\ud800d") == "a\ufffdb\ufffdc\ufffdd"
    assert xlsx_value("tab\tnew\nline") == "tab\tnew\nline"
    long = xlsx_value("字" * (EXCEL_TEXT_LIMIT + 10))
    assert len(long) == EXCEL_TEXT_LIMIT and long.endswith("…")


def test_xlsx_row_writes_numbers_as_numbers_and_skips_none():
    sheet = Workbook().active
    xlsx_row(sheet, 3, ["#N/A", -1.5, None, "=A1"])
    assert [(c.value, c.data_type) for c in sheet[3]] == [
        ("#N/A", "s"), (-1.5, "n"), (None, "n"), ("=A1", "s"),
    ]  # fmt: skip


def test_header_footer_text_cannot_smuggle_a_code():
    assert header_footer_text("&P&N报表") == "&&P&&N报表"
    assert len(header_footer_text("&" * 500)) <= 255


def test_the_module_is_standard_library_only():
    import test_layers

    outside = {
        t.removeprefix("external:")
        for t in test_layers.GRAPH["mch_indicators._safe_text"]
        if t.startswith("external:")
    }
    inside = {t for t in test_layers.GRAPH["mch_indicators._safe_text"] if "external:" not in t}
    assert outside <= set(sys.stdlib_module_names) | {"__future__"} and inside == set()


#: Text built of what Markdown reads as markup, with letters, digits, spaces and line ends.
_MARKDOWN_SOURCE = st.text(alphabet="\\`*_[]()<>#|~&!-+=.)1 \t\n\r:ab甲", max_size=40)
_ESCAPED = r"\\([!-/:-@\[-`{-~])"


@given(_MARKDOWN_SOURCE)
@example("[x](javascript:alert(1))\n# h\r- i\r\n1. j\n> q\n===")
def test_markdown_text_leaves_no_markup_and_keeps_the_text(text):
    out = markdown_text(text)
    assert not re.search(r"[`*_\[\]<>#|~&]", re.sub(_ESCAPED, "", out))  # every mark escaped
    assert not re.search(r"(?m)^ {0,3}(?:[-+=>]|[0-9]{1,9}[.)])", out)  # no list, quote, heading
    assert re.sub(_ESCAPED, r"\1", out) == text.replace("\r\n", "\n").replace("\r", "\n")
