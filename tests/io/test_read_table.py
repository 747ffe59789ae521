"""``read_table``: rows labelled by their line, one grammar of numbers, clear refusals."""

from __future__ import annotations

import io

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

import mch_indicators as mch
from contract import promise
from mch_indicators._io._numbers import describe_bad_number, parse_numbers
from mch_indicators._render import describe


def _read(text: str, **options) -> pd.DataFrame:
    return mch.read_table(io.StringIO(text), **options)


@promise("missing", "text")
@pytest.mark.parametrize(
    ("cell", "value"),
    [
        ("26,954", 26954.0),
        ("1,234,567", 1234567.0),
        (" 7.42 ", 7.42),
        ("+3", 3.0),
        (".5", 0.5),
        ("1e3", 1000.0),
        ("NA", np.nan),
        ("", np.nan),
        ("—", np.nan),
    ],
)
def test_cells_that_are_numbers(cell, value):
    values, bad = parse_numbers(pd.Series([cell]))
    assert not bad[0]
    np.testing.assert_equal(values[0], value)


@promise("infinite", "text")
@pytest.mark.parametrize("cell", ["9,5", "1,2,3", "12,34", "1,2345", "abc", "1.2.3", "--5", "inf"])
def test_cells_that_are_not(cell):
    _, bad = parse_numbers(pd.Series([cell]))
    assert bad[0]


@pytest.mark.parametrize(
    ("cell", "decimal"),
    [("1e-400", "."), ("0." + "0" * 400 + "1", "."), ("0," + "0" * 400 + "1", ","),
     ("1,5e-400", ",")],
)  # fmt: skip
def test_a_number_too_small_for_a_float_is_said_so_never_too_large(cell, decimal):
    # "0.000…1" (400 zeros) was refused as "too large a number (403 characters)".
    values, bad = parse_numbers(pd.Series([cell, "0", "0e-400", "0.000"]), decimal=decimal)
    assert bad.tolist() == [True, False, False, False]
    assert np.isnan(values[0]) and values[1:].tolist() == [0.0, 0.0, 0.0]
    said = describe_bad_number(cell, decimal)
    assert said.en.endswith("is too small a number (it would read as 0)")
    assert said.zh.endswith("太小（会读作 0）")


@pytest.mark.parametrize("storage", ["python", "pyarrow"])
def test_digits_are_ascii_or_full_width_whatever_holds_the_strings(storage):
    # \d read Arabic-Indic, Bengali and Devanagari digits as numbers (Python's re).
    pytest.importorskip(storage if storage == "pyarrow" else "pandas")
    cells = ["٢", "০", "१२", "٣.٥", "2٠", "２６，９５４", "26,954", "7", "1e٣"]
    with pd.option_context("mode.string_storage", storage):
        for given in (pd.Series(cells, dtype=object), pd.Series(cells, dtype="string")):
            values, bad = parse_numbers(given)
            assert bad.tolist() == [True] * 5 + [False] * 3 + [True]
            assert values[5:8].tolist() == [26954.0, 26954.0, 7.0]
    assert describe_bad_number("٢").en == "'٢' is not a number: write its digits as 0-9"
    table = _read("area,births\nA,٢\n")
    with pytest.raises(mch.InvalidInputError, match="write its digits as 0-9"):
        mch.compute(table.assign(deaths=1), "MMR", numerator="deaths", denominator="births")


def test_a_decimal_comma_only_when_asked():
    values, bad = parse_numbers(pd.Series(["9,5", "1.234,5"]), decimal=",")
    assert values.tolist() == [9.5, 1234.5] and not bad.any()


@given(st.integers(0, 10**12))
def test_grouped_thousands_read_back_exactly(number):
    values, bad = parse_numbers(pd.Series([f"{number:,}"]))
    assert not bad[0] and values[0] == number


def test_rows_are_labelled_by_their_line_and_numbers_parsed():
    frame = _read(
        'county,code,year,deaths,births\nA,010101,2024,1,"13,957"\nB,010102,2024,NA,8120\n'
    )
    assert frame.index.name == "line" and frame.index.tolist() == [2, 3]
    assert frame["code"].tolist() == ["010101", "010102"]  # codes keep their zeros
    assert frame["year"].dtype == np.int64 and frame["births"].tolist() == [13957, 8120]
    assert np.isnan(frame.loc[3, "deaths"])


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "empty file"),
        ("a,b,a\n1,2,3\n", "names column 'a' twice"),
        ("a,b\n1,2,3\n", ":2: expected 2 fields as in the header, saw 3"),
        ("a,b,c\n1,2\n", ":2: expected 3 fields as in the header"),
    ],
)
def test_bad_files_are_refused_naming_the_line(text, message):
    with pytest.raises(mch.InvalidInputError, match=message):
        _read(text)


def test_a_byte_order_mark_is_not_part_of_the_first_header():
    frame = mch.read_table(io.BytesIO("\ufeffindicator,numerator\nMMR,1\n".encode()))
    assert frame.columns.tolist() == ["indicator", "numerator"]


def test_errors_in_computing_a_table_name_the_line_and_column():
    frame = _read("indicator,numerator,denominator\nMMR,1,100\nIMR,abc,100\n")
    with pytest.raises(mch.InvalidInputError) as caught:
        mch.compute(frame)
    assert (caught.value.row, caught.value.column) == (3, "numerator")
    assert caught.value.reason == "'abc' is not a number"
    frame = _read("indicator,numerator,denominator\n住院分娩率,5,10\n住院分娩率,11,10\n")
    with pytest.raises(mch.InvalidInputError, match="row 3: numerator 11 exceeds") as caught:
        mch.compute(frame)
    assert caught.value.row == 3
    frame = _read("indicator,numerator,denominator\nMMR,1,100\nfoo,1,100\n")
    with pytest.raises(mch.UnknownIndicatorError) as unknown:
        mch.compute(frame)
    assert (unknown.value.row, unknown.value.column) == (3, "indicator")


def test_one_description_serves_the_command_line_and_the_docs():
    mmr = mch.get("MMR")
    text, page = describe(mmr), describe(mmr, format="markdown")
    for fact in ("孕产妇死亡率", "per 100,000", "SDG 3.1.1", "live births", "活产数"):
        assert fact in text and fact in page
    assert page.startswith("# Maternal mortality ratio · 孕产妇死亡率")
    assert "| field | value |" in page  # key/value tables have a real header row
