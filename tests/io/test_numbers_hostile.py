"""A bad number cell is described in time linear in its length, whatever it holds.

``underflows`` (asked by ``describe_bad_number`` of every refused cell) read a cell with a
pattern that tried each digit of a long run as the digit other than 0: a megabyte of
digits ending in a letter took hours. No time is measured here: read in linear time the
cell takes milliseconds, and a quadratic pattern would hold the suite up until CI's time
limit fails it.
"""

from __future__ import annotations

from mch_indicators._io._numbers import describe_bad_number, underflows

MB = 1_000_000


def test_a_megabyte_of_digits_then_a_letter_is_described() -> None:
    cell = "1" * MB + "x"
    assert not underflows(cell)
    assert describe_bad_number(cell) is not None


def test_underflows_still_reads_its_numbers() -> None:
    assert underflows("0." + "0" * 400 + "1")
    assert underflows("1,5e-400", decimal=",")
    assert not underflows("0.000")
    assert not underflows("0e-400")
    assert not underflows("1e-300")
