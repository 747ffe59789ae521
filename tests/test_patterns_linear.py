"""Age bands, row labels and target wordings are read in time linear in their length.

Each hostile text below (a megabyte of spaces or digits, trailing points never ended)
took one of these readers' patterns quadratic time: a pattern tried at every character
of a long run and scanning the rest of the run each time (hours a text). No time is
measured here: read in linear time each takes milliseconds, and a quadratic pattern
would hold the suite up until CI's time limit fails it.
"""

from __future__ import annotations

import pytest

from mch_indicators._layout import fold_label
from mch_indicators._standards import normalize_band
from mch_indicators._targets import comparator_from_wording

MB = 1_000_000


@pytest.mark.parametrize("space", [" ", "\n", "\t"])
def test_an_age_band_with_a_megabyte_of_spaces(space: str) -> None:
    band = normalize_band("1" + space * MB + "x")
    assert band == ("1x" if space == " " else "1" + space * MB + "x")  # as before: " " only


def test_age_bands_read_as_before() -> None:
    bands = ["0–4", "5 to 9", "85 and over", "85+", "1-4岁", "15 - 19 years", "y y", "a / to b"]
    assert [normalize_band(b) for b in bands] == [
        "0-4",
        "5-9",
        "85+",
        "85+",
        "1-4",
        "15-19",
        "",
        "a/-b",
    ]


def test_a_label_with_a_megabyte_of_points_then_a_letter() -> None:
    assert fold_label("." * MB + "x") == "." * MB + "x"
    assert fold_label(" 合 计： ") == "合计"


@pytest.mark.parametrize(
    "wording", ["1" * MB, "1" + " " * MB, "1." * (MB // 2), "1" + " " * MB + "%" + " " * MB]
)
def test_a_target_wording_with_a_megabyte_of_digits_or_spaces(wording: str) -> None:
    assert comparator_from_wording(wording) is None


def test_target_wordings_read_as_before() -> None:
    assert comparator_from_wording("降至 .5‰ 以下") == "at_most"
    assert comparator_from_wording("90%以上") == "at_least"
    assert comparator_from_wording("50/10万活产及以下") == "at_most"
