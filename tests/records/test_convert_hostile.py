"""A register's number text is read in time linear in its length, on pandas too.

``read_number`` tested each cell with ``[0-9]+[.]?[0-9]*``: pandas runs it with Python's
``re``, which split a long run of digits at every digit (a megabyte of digits then a
letter took hours). No time is measured here: read in linear time the cell takes
milliseconds, and a quadratic pattern would hold the suite up until CI's time limit
fails it.
"""

from __future__ import annotations

import narwhals as nw
import pandas as pd

from mch_indicators.records._convert import read_number

MB = 1_000_000


def test_a_megabyte_of_digits_then_a_letter_on_pandas() -> None:
    with pd.option_context("mode.string_storage", "python"):  # pandas without pyarrow
        _read()
    _read()


def _read() -> None:
    frame = nw.from_native(pd.DataFrame({"n": ["1" * MB + "x", "12.5", ".5", "3.", "1e3"]}))
    number, bad = read_number("n")
    out = frame.select(number.alias("number"), bad.alias("bad"))
    assert out["bad"].to_list() == [True, False, False, False, False]
    assert out["number"].to_list()[1:] == [12.5, 0.5, 3.0, 1000.0]
