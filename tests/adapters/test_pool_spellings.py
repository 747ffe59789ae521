"""``pool(by=...)``: a label's spellings are one group, named as the table first writes it.

An office's area labels are folded where the library compares them (two rows of one unit:
``城关镇`` and ``城關鎮``, a zero-width space, a trailing space); the ``by=`` keys of a pool
were not, so ``城关镇`` and ``城关镇\\u200b`` were pooled as two areas.
"""

from __future__ import annotations

import pandas as pd

import mch_indicators as mch

COUNTS = {"numerator": "deaths", "denominator": "births"}


def test_spellings_of_an_area_are_pooled_as_one_under_the_first() -> None:
    table = pd.DataFrame(
        {"地区": ["城关镇", "城关镇\u200b", "城關鎮 ", "石门镇"], "年份": [2021, 2022, 2023, 2024],
         "deaths": [1, 2, 3, 4], "births": [10, 20, 30, 40]}
    )  # fmt: skip
    out = mch.pool(table, "MMR", by="地区", **COUNTS)
    assert out["地区"].tolist() == ["城关镇", "石门镇"]
    assert out[["numerator", "denominator"]].values.tolist() == [[6.0, 60.0], [4.0, 40.0]]
    later = mch.pool(table.iloc[::-1], "MMR", by="地区", **COUNTS)
    assert later["地区"].tolist() == ["城關鎮 ", "石门镇"]  # the first written, as written


def test_a_wide_tables_area_spellings_are_pooled_as_one() -> None:
    table = pd.DataFrame(
        {"地区": ["城关镇", "城关镇\u200b", "石门镇"], "年份": [2023, 2024, 2024],
         "活产数": [100, 200, 400], "孕产妇死亡数": [1, 0, 1]}
    )  # fmt: skip
    out = mch.pool(table, by="地区")
    assert out["area"].tolist() == ["城关镇", "石门镇"]
    assert out["denominator"].tolist() == [300.0, 400.0]


def test_numbers_are_never_folded_and_missing_labels_stay_missing() -> None:
    table = pd.DataFrame(
        {"code": [110101, "110101", "110101 ", None], "deaths": [1, 2, 3, 4],
         "births": [10, 20, 30, 40]}
    )  # fmt: skip
    out = mch.pool(table, "MMR", by="code", **COUNTS)
    pooled = {repr(k): v for k, v in zip(out["code"], out["denominator"], strict=True)}
    assert pooled == {"110101": 10.0, "'110101'": 50.0, "nan": 40.0}
