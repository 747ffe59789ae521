"""Which rows a chart draws and what it calls them, from a result of ``compute`` as it comes.

``mch.compute(office_table)`` returns one row per area, period and indicator, over an
index of row numbers. A chart of one indicator drew every row on one axis (a MMR per
100,000 beside an IMR per 1,000, ranked together, under the title of one) and named
each bar by its row number; it now draws the chosen indicator's rows, refuses to guess
which, and names each row by its area columns.
"""

from __future__ import annotations

import pandas as pd
import pytest

import mch_indicators as mch
from chinese import english_words
from mch_indicators.plot._common import frame_and_areas


def _office() -> pd.DataFrame:
    return pd.DataFrame(
        {"县区": ["甲县", "乙县", "丙县"], "年份": [2024] * 3, "活产数": [1000, 3000, 4100],
         "婴儿死亡数": [3, 6, 9], "孕产妇死亡数": [0, 1, 0]}
    )  # fmt: skip


def _ticks(ax: object) -> list[str]:
    return [t.get_text() for t in ax.get_yticklabels()]  # type: ignore[attr-defined]


def test_a_chart_of_one_indicator_draws_its_rows_named_by_area() -> None:
    result = mch.compute(_office())
    ax = mch.plot.caterpillar(result, indicator="IMR")
    # 3 ‰, 2 ‰, 9 / 4,100 = 2.195 ‰: highest at the top, only the IMR's three rows
    assert _ticks(ax) == ["乙县", "丙县", "甲县"]
    assert ax.get_xlim()[1] < 20  # the MMR's 33.3 per 100,000 is not on the axis


def test_several_indicators_and_none_chosen_is_an_error_in_both_languages() -> None:
    with pytest.raises(mch.InvalidInputError, match="draws one indicator") as error:
        mch.plot.caterpillar(mch.compute(_office()))
    reason = error.value.reason_zh or ""
    assert "每次只画一项指标" in reason and "indicator=" in reason
    held = ("maternal_mortality_ratio", "infant_mortality_rate", "plot.caterpillar")
    assert english_words(reason, *held, "indicator=") == []


def test_an_indicator_the_frame_does_not_hold_is_an_error() -> None:
    with pytest.raises(mch.InvalidInputError, match="neonatal_mortality_rate is not") as error:
        mch.plot.caterpillar(mch.compute(_office()), indicator="NMR")
    assert "表中没有" in (error.value.reason_zh or "")


def test_an_area_over_several_years_is_named_with_its_year() -> None:
    table = pd.concat([_office(), _office().assign(年份=2023)], ignore_index=True)
    result = mch.compute(table)
    frame, names = frame_and_areas(result, None, "IMR", "plot.caterpillar")
    assert frame["indicator"].unique().tolist() == ["infant_mortality_rate"]
    assert names == ["甲县 2024", "乙县 2024", "丙县 2024", "甲县 2023", "乙县 2023", "丙县 2023"]


def test_a_selection_of_a_result_keeps_its_area_names() -> None:
    result = mch.compute(_office())
    chosen = result[result["indicator"] == "infant_mortality_rate"]  # index 1, 3, 5
    assert _ticks(mch.plot.caterpillar(chosen)) == ["乙县", "丙县", "甲县"]


def test_an_index_of_names_or_a_label_still_names_the_rows() -> None:
    result = mch.compute(_office(), "IMR").set_index("县区")
    assert _ticks(mch.plot.caterpillar(result)) == ["乙县", "丙县", "甲县"]
    plain = mch.compute(_office(), "IMR").assign(code=["a", "b", "c"])
    assert _ticks(mch.plot.caterpillar(plain, label="code")) == ["b", "c", "a"]


def test_a_result_of_arrays_has_only_its_row_numbers() -> None:
    ax = mch.plot.caterpillar(mch.get("IMR").compute([3, 4], [1000, 2000]))
    assert _ticks(ax) == ["1", "0"]


def test_a_trend_of_one_county_draws_the_indicator_asked_for() -> None:
    years = pd.concat([_office().assign(年份=y) for y in (2022, 2023, 2024)], ignore_index=True)
    county = mch.compute(years[years["县区"] == "甲县"])
    ax = mch.plot.trend(county, indicator="IMR")
    assert len(ax.lines[0].get_xdata()) == 3
    with pytest.raises(mch.InvalidInputError, match=r"plot\.trend draws one indicator"):
        mch.plot.trend(county)


def test_a_frame_written_by_hand_names_its_indicator_as_it_likes() -> None:
    frame = pd.DataFrame(
        {"county": ["A", "B"], "indicator": ["IMR", "IMR"], "value": [3.0, 2.0],
         "lower": [1.0, 1.0], "upper": [5.0, 4.0]}
    )  # fmt: skip
    assert _ticks(mch.plot.caterpillar(frame, indicator="infant_mortality_rate")) == ["B", "A"]
    own = frame.assign(indicator="我的指标")
    assert _ticks(mch.plot.caterpillar(own, indicator="IMR")) == ["B", "A"]
    with pytest.raises(mch.InvalidInputError, match="is not in the frame"):
        mch.plot.caterpillar(frame, indicator="MMR")
