"""A row named by its label cells: one convention, one home (``_checks.place_text``).

Messages name a row by its area and period cells joined by ``/``. A blank cell is left
out, never shown as an empty part: ``合计/2024``, not ``合计//2024`` nor ``2024/``. The
total-row checks kept a blank period cell (``'合计' 2024/``); the error places of a
wide table kept blank cells too; validation, office-rate checks and chart labels
dropped them. Each surface is read here on a row with a blank cell.
"""

from __future__ import annotations

import pandas as pd
import pytest

import mch_indicators as mch
from mch_indicators._adapters._pandas._match import match_columns
from mch_indicators._adapters._pandas._validate import violations
from mch_indicators._catalog import chosen_catalog
from mch_indicators._checks import place_text, row_places
from mch_indicators._validation import rules_for
from mch_indicators.plot._common import frame_and_areas


def test_a_blank_cell_is_left_out_of_a_place() -> None:
    frame = pd.DataFrame(
        {"县区": ["河阳县", "合计", None], "乡镇": [None] * 3, "年份": [2024.0, 2024, None]}
    )
    assert row_places(frame, ["县区", "乡镇", "年份"]) == ["河阳县/2024", "合计/2024", ""]
    assert row_places(frame, []) == ["", "", ""]
    assert place_text([" 城关镇 ", "", float("nan"), 2024.0]) == "城关镇/2024"


def _quarters() -> pd.DataFrame:
    """Two counties' first quarter, and their total with its quarter cell left blank."""
    return pd.DataFrame(
        {"县区": ["河阳县", "石门县", "合计"], "年份": [2024] * 3, "季度": [1, 1, None],
         "活产数": [1000, 3000, 4001], "婴儿死亡数": [3, 6, 9]}
    )  # fmt: skip


def test_a_total_rows_check_names_its_period_without_the_blank_cell() -> None:
    found = mch.checks(mch.compute(_quarters()))
    mismatch = found[found["check"] == "total_mismatch"].iloc[0]
    assert (mismatch["unit"], mismatch["period"]) == ("合计", "2024")
    assert "'合计' 2024 gives 活产数 4,001" in mismatch["message_en"]
    assert "2024/" not in mismatch["message_en"] + mismatch["message_zh"]


def test_an_office_rate_check_names_a_total_row_without_its_blank_cell() -> None:
    table = _quarters().assign(**{"婴儿死亡率(‰)": [3.0, 2.0, 2.5]})
    found = mch.checks(mch.compute(table))
    differs = found[found["check"] == "office_rate_differs"].iloc[0]
    assert (differs["unit"], differs["period"]) == ("合计", "2024")
    assert "“合计”2024" in differs["message_zh"]
    assert "2024/" not in differs["message_en"] + differs["message_zh"]


def test_a_validation_names_a_row_without_its_blank_cell() -> None:
    # Units never have a blank label (the table's rows are refused first); the rows
    # handed to the rule check are named as every other message names them.
    units = pd.DataFrame(
        {"县区": ["河阳县"], "乡镇": [None], "年份": [2024], "季度": [None],
         "新生儿死亡数": [5], "婴儿死亡数": [3], "活产数": [900]}
    )  # fmt: skip
    catalog = chosen_catalog(None)
    match = match_columns(units, catalog=catalog)
    found, _ = violations(units, match, rules_for(None, catalog), catalog)
    assert [(row[1], row[2]) for row in found] == [("河阳县", "2024")]
    assert "河阳县2024不符合" in found[0][6]


def test_an_error_about_a_row_names_it_without_its_blank_cell() -> None:
    table = pd.DataFrame(
        {"县区": ["河阳县", "河阳县", "河阳县"], "乡镇": ["城关镇", "石门镇", None],
         "年份": [2024] * 3, "活产数": [100, 200, 301], "孕产妇死亡数": [0, 0, 0]}
    )  # fmt: skip
    with pytest.raises(mch.InvalidInputError) as error:
        mch.compute(table)
    assert "row 2 (河阳县/2024)" in str(error.value)


def test_a_chart_names_a_row_without_its_blank_cell() -> None:
    table = pd.DataFrame(
        {"县区": ["河阳县", "河阳县"], "乡镇": ["城关镇", "石门镇"], "年份": [2024] * 2,
         "活产数": [1000, 3000], "婴儿死亡数": [3, 6]}
    )  # fmt: skip
    result = mch.compute(table, "IMR")
    result.loc[1, "乡镇"] = None  # the county's own row, drawn beside its township
    _, names = frame_and_areas(result, None, "IMR", "plot.caterpillar")
    assert names == ["河阳县/城关镇", "河阳县"]
