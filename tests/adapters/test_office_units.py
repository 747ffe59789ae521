"""An office's table: total rows never counted as units, checked; one row per unit and period.

The numbers are checked against an independent computation: the exact Poisson
(Garwood) interval from scipy's chi-square quantiles on the counts of the units
alone (tolerance 1e-9 relative), the figures of issue 22 (1 maternal death in
10,555 live births: MMR 95 % CI 0.24–52.79; counted twice with its 合计 row,
1.15–34.22). Hypothesis adds total rows, duplicates, notes rows and merged cells
to random valid tables and checks the results unchanged or the error raised.
"""

from __future__ import annotations

import io

import numpy as np
import openpyxl
import pandas as pd
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from scipy import stats as scipy_stats

import mch_indicators as mch
from chinese import english_words
from contract import promise
from mch_indicators._errors import DUPLICATES_SUM


def garwood(x: float, n: float, scale: float = 100_000, level: float = 0.95) -> tuple[float, ...]:
    alpha = 1 - level
    low = scipy_stats.chi2.ppf(alpha / 2, 2 * x) / 2 if x > 0 else 0.0
    high = scipy_stats.chi2.ppf(1 - alpha / 2, 2 * (x + 1)) / 2
    return x / n * scale, low / n * scale, high / n * scale


def townships(total: str | None = "合计", total_births: int = 10555) -> pd.DataFrame:
    names = ["城关镇", "东乡", "西乡", "南乡", "北乡", "河口镇"]
    births = [2100, 1980, 1720, 1605, 1600, 1550]
    deaths = [1, 0, 0, 0, 0, 0]
    rows = [(n, 2024, b, d) for n, b, d in zip(names, births, deaths, strict=True)]
    if total is not None:
        rows.append((total, 2024, total_births, 1))
    return pd.DataFrame(rows, columns=["乡镇", "年份", "活产数", "孕产妇死亡数"])


def test_the_issue_county_is_one_death_in_10555_births_not_two_in_21110():
    pooled = mch.pool(townships(), "MMR", missing="skip")
    assert pooled[["numerator", "denominator", "units"]].iloc[0].tolist() == [1, 10555, 6]
    _, low, high = garwood(1, 10555)
    assert pooled["lower"].iloc[0] == pytest.approx(low, rel=1e-9)
    assert pooled["upper"].iloc[0] == pytest.approx(high, rel=1e-9)
    assert (round(low, 2), round(high, 2)) == (0.24, 52.79)
    kept = mch.pool(townships(), "MMR", totals="keep")
    assert kept[["numerator", "denominator"]].iloc[0].tolist() == [2, 21110]
    assert (round(kept["lower"].iloc[0], 2), round(kept["upper"].iloc[0], 2)) == (1.15, 34.22)


def test_a_total_that_agrees_is_listed_once_and_one_that_does_not_names_the_difference():
    agrees = mch.checks(mch.compute(townships()))
    assert agrees["check"].tolist() == ["total_row"]
    differs = mch.checks(mch.compute(townships(total_births=10556)))
    assert differs["check"].tolist() == ["total_row", "total_mismatch"]
    row = differs.iloc[1]
    assert (row["unit"], row["item"], row["reported"], row["expected"]) == (
        "合计", "活产数", 10556.0, 10555.0,
    )  # fmt: skip
    assert "差1" in row["message_zh"] and "difference 1" in row["message_en"]
    assert mch.checks(mch.compute(townships(), totals="drop"))["check"].tolist() == [
        "total_dropped"
    ]


@pytest.mark.parametrize("label", ["合计", "总计", "全县", "全 县 合 计", "Total", "ALL", "本县"])
def test_total_labels_by_word_and_by_the_callers_list(label):
    extra = ["本县"] if label == "本县" else None
    out = mch.compute(townships(total=label), total_labels=extra)
    assert len(out) == 6 and label not in out["township"].tolist()


def test_a_total_by_arithmetic_or_a_blank_label_is_taken_out():
    unlabelled = townships(total="河阳县")  # the county's own name over its townships
    assert len(mch.compute(unlabelled)) == 6
    assert mch.checks(mch.compute(unlabelled))["check"].tolist() == ["total_row_sum"]
    blank = townships(total=None)
    blank.loc[len(blank)] = [None, 2024, 10555, 1]
    assert len(mch.compute(blank)) == 6
    wrong = townships(total=None)
    wrong.loc[len(wrong)] = [None, 2024, 999, 0]
    with pytest.raises(
        mch.InvalidInputError, match=r"column '乡镇', row 6 \(2024\): the area cell is empty"
    ):
        mch.compute(wrong)


def test_subtotals_by_county_and_the_grand_total():
    table = pd.DataFrame(
        [
            ("甲县", "城关镇", 2024, 5200, 1), ("甲县", "东乡", 2024, 5355, 0),
            ("甲县", "小计", 2024, 10555, 1), ("乙县", "西乡", 2024, 3000, 0),
            ("乙县", "小计", 2024, 3001, 0), ("合计", None, 2024, 13555, 1),
        ],
        columns=["县区", "乡镇", "年份", "活产数", "孕产妇死亡数"],
    )  # fmt: skip
    out = mch.compute(table)
    assert out["township"].tolist() == ["城关镇", "东乡", "西乡"]
    found = mch.checks(out)
    mismatch = found[found["check"] == "total_mismatch"]
    assert mismatch[["unit", "reported", "expected"]].values.tolist() == [
        ["乙县/小计", 3001.0, 3000.0]
    ]
    sets = mch.report(table)
    assert sets["合计"]["denominator"].iloc[0] == 13555


@pytest.mark.parametrize("label", ["其中：河口村", " 其中 流动人口", "其中:河口村", "Of which: x"])
def test_a_breakdown_row_of_the_row_above_is_never_counted_again(label):
    # 其中 ("of which") is a part of the row above: 500 of 河口镇's 1550 births, already
    # counted there. Added as a unit it made the total 11,055 births and its 合计 row
    # "differ" by 500; the total is 1 death in 10,555 births.
    table = townships()
    table.loc[5.5] = [label, 2024, 500, 0]
    table = table.sort_index().reset_index(drop=True)
    out = mch.compute(table)
    assert label not in out["township"].tolist() and len(out) == 6
    found = mch.checks(out)
    assert found["check"].tolist() == ["breakdown_row", "total_row"]
    assert "其中" in found["message_zh"].iloc[0] and "of which" in found["message_en"].iloc[0]
    pooled = mch.pool(table, "MMR", missing="skip")
    assert pooled[["numerator", "denominator", "units"]].iloc[0].tolist() == [1, 10555, 6]
    sets = mch.report(table)
    assert sets["合计"]["denominator"].iloc[0] == 10555


def test_a_breakdown_row_larger_than_its_row_is_a_check():
    table = pd.DataFrame(
        [("城关镇", 2024, 5200, 1), ("其中：城关村", 2024, 5300, 0), ("东乡", 2024, 5355, 0)],
        columns=["乡镇", "年份", "活产数", "孕产妇死亡数"],
    )
    found = mch.checks(mch.compute(table))
    assert found["check"].tolist() == ["breakdown_row", "breakdown_larger"]
    row = found.iloc[1]
    assert (row["item"], row["reported"], row["expected"]) == ("活产数", 5300.0, 5200.0)
    assert row["message_zh"] == "行 1“其中：城关村”2024活产数为5,300，大于其所属的行 0的5,200"


def test_a_breakdown_row_does_not_end_the_rows_a_subtotal_sums():
    table = pd.DataFrame(
        [
            ("城关镇", 2024, 5200, 1), ("其中：城关村", 2024, 700, 0), ("东乡", 2024, 5355, 0),
            ("小计", 2024, 10555, 1),
        ],
        columns=["乡镇", "年份", "活产数", "孕产妇死亡数"],
    )  # fmt: skip
    found = mch.checks(mch.compute(table))
    assert found["check"].tolist() == ["breakdown_row", "total_row"]


def test_a_breakdown_row_among_strata_of_a_one_indicator_table_is_not_a_stratum():
    table = pd.DataFrame(
        {"县区": ["甲县", "其中：城区", "乙县"], "numerator": [3, 1, 2],
         "denominator": [1000, 300, 900]}
    )  # fmt: skip
    pooled = mch.pool(table, "IMR", numerator="numerator", denominator="denominator")
    assert pooled[["numerator", "denominator"]].iloc[0].tolist() == [5, 1900]


@pytest.mark.parametrize(
    "label",
    ["上年同期", "去年同期", "上年", "2023年同期", "同比增减",
     "增(减)", "增（+）减（-）", "±%", "本年比上年增减", "2023年1-6月同期", "上半年同期"],
)  # fmt: skip
def test_last_year_s_row_beside_this_year_s_units_is_no_unit(label):
    """An office's table puts last year's figures (上年同期, 去年同期) under this year's
    units, for comparison. That row was a unit named 上年同期: its births and deaths were
    added into this year's total (1 death in 10,555 births became 2 in 20,655) and it had
    a row of its own in the report, with no word. It is taken out of the units and named
    in the checks, in both languages."""
    table = pd.DataFrame(
        [("城关镇", 5200, 1), ("东乡", 5355, 0), (label, 10100, 1)],
        columns=["乡镇", "活产数", "孕产妇死亡数"],
    )
    out = mch.compute(table)
    assert out["township"].tolist() == ["城关镇", "东乡"]
    found = mch.checks(out)
    assert found["check"].tolist() == ["comparison_row"]
    assert "上年同期" in found["message_zh"].iloc[0] and "last year" in found["message_en"].iloc[0]
    pooled = mch.pool(table, ["MMR"])
    assert pooled[["numerator", "denominator", "units"]].iloc[0].tolist() == [1, 10555, 2]
    sets = mch.report(table)
    assert sets["合计"]["denominator"].iloc[0] == 10555


def test_a_comparison_block_under_the_total_is_read_as_the_office_means_it():
    """合计, then 上年同期 and 增减 (the change, negative where the count fell): the change
    was a unit with negative counts (refused as such), and without it 上年同期 a unit."""
    table = pd.DataFrame(
        [
            ("城关镇", 5200, 1), ("东乡", 5355, 0), ("合计", 10555, 1),
            ("上年同期", 10700, 2), ("增减", -145, -1), ("增减（%）", -1.4, -50.0),
        ],
        columns=["乡镇", "活产数", "孕产妇死亡数"],
    )  # fmt: skip
    found = mch.checks(mch.compute(table))
    assert found["check"].tolist() == ["total_row", *["comparison_row"] * 3]
    pooled = mch.pool(table, ["MMR"])
    assert pooled[["numerator", "denominator", "units"]].iloc[0].tolist() == [1, 10555, 2]


def test_a_township_whose_name_only_contains_a_comparison_word_is_a_unit():
    table = pd.DataFrame(
        [("城关镇", 5200, 1), ("同心乡", 5355, 0)], columns=["乡镇", "活产数", "孕产妇死亡数"]
    )
    assert mch.compute(table)["township"].tolist() == ["城关镇", "同心乡"]


VILLAGES = [("东村", 100, 1, 1), ("西村", 200, 2, 1), ("南村", 250, 2, 1), ("北村", 250, 2, 0)]


@pytest.mark.parametrize("where", ["above", "below"])
def test_township_rows_summing_their_villages_without_a_word_are_subtotals(where):
    """One area column, each township's row (bold in the office's workbook, no 小计 in
    it) over or under its villages: the townships were units beside their villages, and
    every total counted each birth twice (14 infant deaths in 1,600 births for 7 in 800),
    with no word. When the rows of a period fall wholly into such blocks, two at least,
    each township summing its two villages or more in every count, the townships are
    subtotals: taken out of the units and named."""
    first = [("城关镇", 300, 3, 2), *VILLAGES[:2]]
    second = [("河口镇", 500, 4, 1), *VILLAGES[2:]]
    if where == "below":
        first, second = first[1:] + first[:1], second[1:] + second[:1]
    table = pd.DataFrame(first + second, columns=["乡镇", "活产数", "婴儿死亡数", "新生儿死亡数"])
    out = mch.compute(table)
    assert sorted(set(out["township"])) == sorted(v[0] for v in VILLAGES)
    found = mch.checks(out)
    assert found["check"].tolist() == ["subtotal_row_sum"] * 2
    assert "2" in found["message_zh"].iloc[0] and "小计" in found["message_zh"].iloc[0]
    pooled = mch.pool(table, ["IMR"])
    assert pooled[["numerator", "denominator", "units"]].iloc[0].tolist() == [7, 800, 4]


@pytest.mark.parametrize("where", ["above", "below"])
def test_township_rows_are_subtotals_when_one_indicator_is_pooled_by_name(where):
    """``pool(table, "IMR")`` reads the rows as strata: it summed each township with its
    villages (14 infant deaths in 1,600 births for 7 in 800) where ``pool(table)`` took
    the townships out. Strata to be pooled lose their subtotal blocks too; a stratum
    that only happens to sum two others is no block and stays."""
    first = [("城关镇", 300, 3, 2), *VILLAGES[:2]]
    second = [("河口镇", 500, 4, 1), *VILLAGES[2:]]
    if where == "below":
        first, second = first[1:] + first[:1], second[1:] + second[:1]
    table = pd.DataFrame(first + second, columns=["乡镇", "活产数", "婴儿死亡数", "新生儿死亡数"])
    pooled = mch.pool(table, "IMR", numerator="婴儿死亡数", denominator="活产数")
    assert pooled[["numerator", "denominator", "units"]].iloc[0].tolist() == [7, 800, 4]
    assert mch.checks(pooled)["check"].tolist() == ["subtotal_row_sum"] * 2
    kept = mch.pool(table, "IMR", numerator="婴儿死亡数", denominator="活产数", totals="keep")
    assert kept[["numerator", "denominator"]].iloc[0].tolist() == [14, 1600]
    strata = table.assign(活产数=[300, 100, 190, 500, 250, 250])  # one block only: strata
    assert mch.pool(strata, "IMR", numerator="婴儿死亡数", denominator="活产数")[
        "numerator"
    ].tolist() == [14]


def test_a_row_that_happens_to_sum_the_next_two_is_still_a_unit():
    table = pd.DataFrame(
        [("城关镇", 300, 3, 2), *VILLAGES[:2], ("河口镇", 480, 4, 1), *VILLAGES[2:]],
        columns=["乡镇", "活产数", "婴儿死亡数", "新生儿死亡数"],
    )
    out = mch.compute(table)
    assert len(set(out["township"])) == 6 and mch.checks(out).empty


def test_a_total_with_no_units_under_it_is_the_area_itself():
    series = pd.DataFrame(
        {"县区": ["全县"] * 3, "年份": [2022, 2023, 2024], "活产数": [9000, 9100, 8800],
         "孕产妇死亡数": [1, 0, 2]}
    )  # fmt: skip
    out = mch.compute(series)
    assert out["year"].tolist() == [2022, 2023, 2024]
    assert set(mch.checks(out)["check"]) == {"total_alone"}


def test_two_rows_of_one_unit_and_period_are_an_error_unless_summed_on_request():
    table = pd.DataFrame(
        {"县区": ["甲县", "乙县", "甲县"], "年份": [2024] * 3, "活产数": [6000, 7000, 6800],
         "孕产妇死亡数": [0, 1, 1]}
    )  # fmt: skip
    for call in (mch.compute, mch.pool, mch.report):
        with pytest.raises(mch.InvalidInputError, match="two rows for 甲县/2024: rows 0 and 2"):
            call(table)
    with pytest.raises(mch.InvalidInputError, match="rows 0 and 2") as caught:
        mch.funnel(table, "MMR")
    assert caught.value.hint == DUPLICATES_SUM  # the setting, said once: no inline spellings
    assert str(caught.value).endswith("; " + DUPLICATES_SUM.python())
    assert caught.value.reason_zh == "甲县/2024有两行：第0行和第2行"
    with pytest.raises(mch.InvalidInputError, match="rows 0 and 2"):
        mch.compare(table, "MMR", benchmark=10.0)
    summed = mch.compute(table, duplicates="sum")
    assert summed["denominator"].tolist() == [12800.0, 7000.0]
    found = mch.checks(summed)
    assert found["check"].tolist() == ["duplicate_summed"]
    assert "0, 2" in found["message_en"].iloc[0]


def test_a_unit_equal_to_the_parts_of_a_summed_unit_is_no_total():
    """With duplicates="sum", 甲县 (1000 births, 1 death) equal to the two rows of 乙县
    (900 + 100, 0 + 1) was taken for a total row "holding the sum of the other 2 rows" and
    left out: the report's total was 乙县 alone, 1 death in 1,000. Rows of one unit are one
    unit: 甲县 stays, the total is 2 in 2,000, and the 合计 row is checked against 2 units."""
    table = pd.DataFrame(
        {"县区": ["甲县", "乙县", "乙县", "合计"], "年份": [2024] * 4,
         "活产数": [1000, 900, 100, 2000], "孕产妇死亡数": [1, 0, 1, 2]}
    )  # fmt: skip
    out = mch.compute(table, duplicates="sum")  # the office's wide table, as report reads it
    assert out["county"].tolist() == ["甲县", "乙县"]
    assert out["denominator"].tolist() == [1000.0, 1000.0]
    pooled = mch.pool(table, by="年份", duplicates="sum")
    assert pooled[["numerator", "denominator"]].to_numpy().tolist() == [[2.0, 2000.0]]
    found = mch.checks(out).set_index("check")
    assert list(found.index) == ["total_row", "duplicate_summed"]
    assert found.loc["total_row", "message_zh"].endswith("已与2个单位之和核对")


@pytest.mark.parametrize(
    "again",
    ["城关 镇", "城关\u3000镇", "城關鎮", " 城关镇\u3000",
     "城关镇\u200b", "\ufeff城关镇", "城\u00ad关镇", "城关\u2060镇"],
)  # fmt: skip
def test_a_unit_written_again_in_another_spelling_is_a_duplicate_not_a_second_unit(again):
    """城关镇 written again with a space inside, a full-width space or traditional
    characters was a second unit: its births counted twice in the total, with no word.
    So was one with an invisible character: a zero-width space pasted from a web system
    (城关镇 + U+200B), or the byte-order mark of a second CSV export appended to the first
    (U+FEFF at the start of its first row). Units compare by their folded labels (the one
    normaliser drops invisible format characters): two rows of one unit now, refused
    unless summed on request."""
    table = pd.DataFrame(
        {"乡镇": ["城关镇", again, "河口镇"], "年份": [2024] * 3,
         "活产数": [1000, 800, 500], "孕产妇死亡数": [1, 0, 0]}
    )  # fmt: skip
    with pytest.raises(mch.InvalidInputError, match="two rows for 城关镇/2024: rows 0 and 1"):
        mch.compute(table)
    summed = mch.pool(table, by="年份", duplicates="sum")
    assert summed[["denominator", "units"]].to_numpy().tolist() == [[2300.0, 2.0]]


def test_a_total_label_with_an_invisible_character_is_a_total():
    """``合计\u200b`` (a zero-width space after it) was a unit of its own, summed with the
    others when its counts are not exactly their sum (a total off by a typo is found by
    its label only)."""
    table = pd.DataFrame(
        {"乡镇": ["城关镇", "河口镇", "合计\u200b"], "年份": [2024] * 3,
         "活产数": [1000, 500, 1490], "孕产妇死亡数": [1, 0, 1]}
    )  # fmt: skip
    pooled = mch.pool(table, by="年份")
    assert pooled[["numerator", "denominator", "units"]].to_numpy().tolist() == [
        [1.0, 1500.0, 2.0]
    ]
    assert "total_mismatch" in mch.checks(pooled)["check"].tolist()


def test_blank_labels_and_notes_rows_are_typed_errors_never_type_errors():
    table = pd.DataFrame({"县区": ["甲县", np.nan], "年份": [2024, 2024], "活产数": [100, 50],
                          "孕产妇死亡数": [0, 0]})  # fmt: skip
    with pytest.raises(mch.InvalidInputError, match="area cell is empty"):
        mch.report(table)
    no_year = pd.DataFrame({"县区": ["甲县", "乙县"], "年份": [2024, None], "活产数": [100, 50],
                            "孕产妇死亡数": [0, 0]})  # fmt: skip
    with pytest.raises(mch.InvalidInputError, match="period cell is empty"):
        mch.compute(no_year)


def test_counts_must_be_whole_with_a_hint_for_a_dot_between_thousands():
    table = townships(total=None).astype({"活产数": "float64"})
    table.loc[2, "活产数"] = 26.954
    with pytest.raises(mch.InvalidInputError, match="26,954 written with a dot") as caught:
        mch.compute(table)
    assert "row 2" in str(caught.value) and "西乡/2024" in str(caught.value)
    with pytest.raises(mch.InvalidInputError, match="not a whole number"):
        mch.pool(table, "MMR")
    coverage = pd.DataFrame({"两癌筛查人数": [980], "两癌筛查任务数": [1000.5]})
    assert mch.compute(coverage, "两癌筛查覆盖率")["value"].iloc[0] == pytest.approx(97.95, 1e-3)


def test_consistency_rules_flag_the_values_and_name_the_row():
    table = pd.DataFrame(
        {"乡镇": ["甲乡", "乙乡"], "年份": [2024, 2024], "新生儿死亡数": [5, 1],
         "婴儿死亡数": [3, 2], "5岁以下儿童死亡数": [2, 3], "活产数": [900, 800]}
    )  # fmt: skip
    found = mch.validate(table)
    assert found["item"].tolist() == [
        "neonatal_within_infant_deaths", "infant_within_under5_deaths",
    ]  # fmt: skip
    assert found["message_zh"].iloc[0].startswith("行 0：甲乡2024不符合“新生儿死亡数≤婴儿死亡数”")
    out = mch.compute(table)
    flagged = out[out["flags"].astype(str).str.contains("INCONSISTENT")]
    assert flagged["township"].unique().tolist() == ["甲乡"]
    assert "INCONSISTENT" not in "".join(mch.compute(table, rules=False)["flags"].astype(str))


def test_early_neonatal_deaths_are_within_neonatal_deaths():
    table = pd.DataFrame({"乡镇": ["甲乡", "乙乡"], "年份": [2024, 2024],
                          "早期新生儿死亡数": [4, 1], "新生儿死亡数": [3, 1]})  # fmt: skip
    found = mch.validate(table)
    assert found["item"].tolist() == ["early_neonatal_within_neonatal_deaths"]
    assert found["unit"].tolist() == ["甲乡"]


@promise("inconsistent-counts", "text")
def test_a_users_rules_file_is_checked_and_added(tmp_path):
    mine = tmp_path / "mine.toml"
    mine.write_text(
        '[[rule]]\nid = "births_above_deaths"\n'
        'name = { en = "deaths < births", zh = "死亡<活产" }\n'
        'left = ["infant_deaths"]\noperator = "<"\nright = ["live_births"]\n',
        encoding="utf-8",
    )
    table = pd.DataFrame({"乡镇": ["甲乡"], "年份": [2024], "婴儿死亡数": [9], "活产数": [9]})
    assert mch.validate(table, rules=mine)["item"].tolist() == ["births_above_deaths"]
    bad = tmp_path / "bad.toml"
    bad.write_text('[[rule]]\nid = "x"\nname = { en = "x", zh = "x" }\nleft = ["deaths"]\n'
                   'operator = "<="\nright = ["live_births"]\n', encoding="utf-8")  # fmt: skip
    with pytest.raises(mch.DefinitionError, match="'deaths', not terms of the catalog"):
        mch.validate(table, rules=bad)
    evil = tmp_path / "evil.toml"
    evil.write_text('[[rule]]\nid = "x"\nname = { en = "x", zh = "x" }\nleft = ["live_births"]\n'
                    'operator = "__import__(\'os\')"\nright = ["live_births"]\n',
                    encoding="utf-8")  # fmt: skip
    with pytest.raises(mch.DefinitionError, match="operator must be one of"):
        mch.validate(table, rules=evil)


def test_every_entry_point_takes_the_offices_headers():
    years = list(range(2020, 2025))
    table = pd.DataFrame(
        {"乡镇": [t for t in "甲乙丙" for _ in years], "年份": years * 3,
         "婴儿死亡数": [9, 8, 8, 7, 6, 5, 5, 6, 5, 5, 3, 4, 3, 3, 2],
         "活产数": [1000] * 15}
    )  # fmt: skip
    names = {"乡镇": "township", "年份": "year", "婴儿死亡数": "infant_deaths",
             "活产数": "live_births"}  # fmt: skip
    english = table.rename(columns=names)
    for by in ("乡镇", "township"):
        zh = mch.trend(table, "IMR", by=by)
        assert zh["apc"].tolist() == pytest.approx(mch.trend(english, "IMR", by="township")["apc"])
    line = mch.trend_line(table, "IMR", by="乡镇", lang="zh")
    assert list(line.columns[:3]) == ["乡镇", "年份", "拟合值"]
    last = table[table["年份"] == 2024]
    assert mch.funnel(last, "IMR").points["significance"].notna().all()
    assert mch.compare(last, "IMR", benchmark="total")["comparison"].notna().all()
    headers = mch.compute(table, "IMR", lang="zh").columns.tolist()
    assert headers == [
        "乡镇",
        "年份",
        "指标",
        "分子",
        "分母",
        "数值",
        "下限",
        "上限",
        "单位",
        "标记",
    ]


def test_checks_travel_with_the_frame_and_never_break_pandas():
    import copy
    import pickle

    out = mch.compute(townships(total_births=10556))
    found = mch.checks(out)
    for moved in (pickle.loads(pickle.dumps(out)), copy.deepcopy(out), out.copy(), out.head(3)):
        pd.testing.assert_frame_equal(mch.checks(moved), found)
    both = pd.concat([out, out])  # pandas compares attrs: the checks table compares by rows
    pd.testing.assert_frame_equal(mch.checks(both), found)
    assert mch.checks(pd.DataFrame({"a": [1]})).empty
    assert list(mch.checks(out).columns) == [
        "check", "unit", "period", "item", "reported", "expected", "message_zh", "message_en",
    ]  # fmt: skip


# -- generated tables ---------------------------------------------------------------------

NAMES = ["城关镇", "东乡", "西乡", "南乡", "北乡", "河口镇", "新村乡", "石门镇"]


@st.composite
def office_tables(draw: st.DrawFn) -> pd.DataFrame:
    units = draw(st.integers(3, 6))
    years = draw(st.lists(st.integers(2018, 2024), min_size=1, max_size=3, unique=True))
    rows = []
    for year in sorted(years):
        for name in NAMES[:units]:
            births = draw(st.integers(1, 5000))
            deaths = draw(st.integers(0, min(births, 30)))
            facility = draw(st.integers(0, births))
            rows.append((name, year, births, deaths, facility))
    table = pd.DataFrame(
        rows, columns=["乡镇", "年份", "活产数", "孕产妇死亡数", "住院分娩活产数"]
    )
    counts = table[["活产数", "孕产妇死亡数", "住院分娩活产数"]].to_numpy()
    for year in years:  # no unit that is by chance the sum of the others
        block = counts[(table["年份"] == year).to_numpy()]
        assume(not (2 * block == block.sum(axis=0)).all(axis=1).any())
    return table


def with_totals(table: pd.DataFrame, label: str, where: str) -> pd.DataFrame:
    parts = []
    for year, block in table.groupby("年份", sort=False):
        sums = block[["活产数", "孕产妇死亡数", "住院分娩活产数"]].sum()
        total = pd.DataFrame([[label, year, *sums.tolist()]], columns=table.columns)
        parts.append(pd.concat([total, block] if where == "top" else [block, total]))
    return pd.concat(parts, ignore_index=True)


def same(a: pd.DataFrame, b: pd.DataFrame) -> None:
    columns = ["township", "year", "indicator", "numerator", "denominator", "value", "lower",
               "upper"]  # fmt: skip
    pd.testing.assert_frame_equal(
        a[columns].reset_index(drop=True), b[columns].reset_index(drop=True)
    )


@settings(deadline=None, max_examples=15, suppress_health_check=[HealthCheck.filter_too_much])
@given(office_tables(), st.sampled_from(["合计", "总计", "全县", "Total", ""]),
       st.sampled_from(["top", "bottom"]))  # fmt: skip
def test_added_total_rows_change_nothing_but_the_checks(table, label, where):
    expected = mch.compute(table)
    got = mch.compute(with_totals(table, label, where))
    same(expected, got)
    assert set(mch.checks(got)["check"]) <= {"total_row", "total_row_sum"}
    pooled = mch.pool(with_totals(table, label, where), by="年份")
    pd.testing.assert_frame_equal(
        pooled.drop(columns="units"), mch.pool(table, by="年份").drop(columns="units")
    )


@settings(deadline=None, max_examples=15, suppress_health_check=[HealthCheck.filter_too_much])
@given(office_tables(), st.data())
def test_a_duplicated_row_is_an_error_naming_it_or_summed_when_asked(table, data):
    position = data.draw(st.integers(0, len(table) - 1))
    doubled = pd.concat([table, table.iloc[[position]]], ignore_index=True)
    with pytest.raises(mch.InvalidInputError, match=f"rows {position} and {len(table)}"):
        mch.compute(doubled)
    summed = mch.compute(doubled, duplicates="sum")
    twice = table.copy()
    twice.loc[position, ["活产数", "孕产妇死亡数", "住院分娩活产数"]] *= 2
    same(mch.compute(twice), summed)


@settings(deadline=None, max_examples=15, suppress_health_check=[HealthCheck.filter_too_much])
@given(
    office_tables(),
    st.sampled_from(["注：数据为初步统计", "填表人：张三", "审核人", "填报日期：2025-01-10"]),
)
def test_notes_rows_under_a_csv_change_nothing(table, note):
    text = table.to_csv(index=False) + f"{note},,,,\n填表人：李四,,审核人：王五,,\n"
    got = mch.read_table(io.BytesIO(text.encode("gbk")))
    same(mch.compute(table), mch.compute(got))
    assert mch.checks(got)["check"].tolist() == ["notes_rows"]


@settings(deadline=None, max_examples=10, suppress_health_check=[HealthCheck.filter_too_much])
@given(office_tables())
def test_merged_area_cells_in_a_workbook_change_nothing(table):
    ordered = table.sort_values(["乡镇", "年份"], kind="stable").reset_index(drop=True)
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(ordered.columns.tolist())
    for row in ordered.itertuples(index=False):
        sheet.append(list(row))
    first = 2
    for _, block in ordered.groupby("乡镇", sort=False):
        last = first + len(block) - 1
        if last > first:
            sheet.merge_cells(f"A{first}:A{last}")
        first = last + 1
    buffer = io.BytesIO()
    book.save(buffer)
    got = mch.read_table(io.BytesIO(buffer.getvalue()))
    same(mch.compute(ordered), mch.compute(got))


def test_numeric_area_codes_are_not_read_for_total_words(monkeypatch):
    """A column of numbers or dates holds no total word: it is not read at all (each
    Spark batch of a table coded by numeric areas had spent most of its time here); a
    text column still is."""
    from mch_indicators._adapters._pandas import _units

    words = _units.layout()
    numeric = pd.DataFrame({"county": np.arange(3000) % 300, "day": pd.Timestamp("2024-01-01")})

    def unread(*args, **kwargs):
        raise AssertionError("a label of a numeric column was read")

    monkeypatch.setattr(_units, "is_total_label", unread)
    assert not _units._any_total(numeric, ["county", "day"], words)
    monkeypatch.undo()
    text = pd.DataFrame({"county": ["甲县", "乙县", "合计"]})
    assert _units._any_total(text, ["county"], words)
    assert not _units._any_total(text.iloc[:2], ["county"], words)


def test_each_distinct_area_label_is_shown_as_text_once(monkeypatch):
    """``_any_total`` showed each distinct label as text twice (once to see it blank, once
    for the total words): once now."""
    from mch_indicators._adapters._pandas import _units

    shown: list[object] = []
    original = _units.cell_text

    def counted(value: object) -> str:
        shown.append(value)
        return original(value)

    monkeypatch.setattr(_units, "cell_text", counted)
    text = pd.DataFrame({"county": ["甲县", "乙县", "甲县", "丙县"]})
    assert not _units._any_total(text, ["county"], _units.layout())
    assert sorted(shown) == sorted(["甲县", "乙县", "丙县"])


@pytest.mark.parametrize("dtype", ["int64", "float64", "Int64"])
def test_a_total_label_written_as_a_number_is_found_in_a_column_of_codes(dtype):
    """A county code column whose total row is coded 999999 (``total_labels=``): the
    numeric column is read for that label, so the total row is no unit."""
    frame = pd.DataFrame({
        "county": pd.array([110101, 110102, 999999], dtype=dtype), "year": 2024,
        "maternal_deaths": [1, 2, 3], "live_births": [1000, 2000, 3000],
    })  # fmt: skip
    out = mch.compute(frame, "mmr", total_labels=["999999"])
    assert out["county"].tolist() == [110101, 110102]
    assert out["numerator"].tolist() == [1, 2]
    # without the label a code is a unit like any other
    assert len(mch.compute(frame, "mmr")) == 3


@pytest.mark.parametrize("area", [[110101.0, 110102.0, np.nan], ["甲乡", "乙乡", None]],
                         ids=["codes read as floats", "names"])  # fmt: skip
def test_a_blank_area_summing_its_units_is_no_stratum_of_a_one_indicator_table(area):
    """A one-indicator table's total row with an empty area cell: ``pool`` added it to its
    units (6 deaths in 6,000 births, a narrower interval than 3 in 3,000 gives), and
    ``compute`` returned it as a unit; a blank label that sums nothing stays a stratum."""
    frame = pd.DataFrame({"county": area, "year": 2024, "maternal_deaths": [1, 2, 3],
                          "live_births": [1000, 2000, 3000]})  # fmt: skip
    pooled = mch.pool(frame, "mmr", by="year")
    assert pooled[["numerator", "denominator"]].values.tolist() == [[3, 3000]]
    out = mch.compute(frame, "mmr")
    assert out["numerator"].tolist() == [1, 2]
    assert mch.checks(out)["check"].tolist() == ["total_row_sum"]
    stratum = frame.assign(maternal_deaths=[1, 2, 4])  # sums nothing: a stratum
    assert mch.pool(stratum, "mmr", by="year")["numerator"].tolist() == [7]


def test_area_codes_and_years_read_as_floats_come_back_whole(tmp_path):
    """A code column with a blank cell is read as floats (110101.0): results keep the
    codes whole (nullable integers), so they still match the system they come from."""
    text = "区县,年份,活产数,孕产妇死亡数\n110101,2024,1000,1\n110102,2024,2000,0\n,2024,3000,1\n"
    (tmp_path / "counts.csv").write_text(text, encoding="utf-8")
    table = mch.read_table(tmp_path / "counts.csv")
    assert table["区县"].dtype == np.float64
    out = mch.compute(table, indicators=["MMR"])
    assert out["county"].tolist() == [110101, 110102]
    assert str(out["county"].dtype) == "Int64"
    assert out.to_csv(index=False).splitlines()[1].startswith("110101,2024,")
    assert table["区县"].dtype == np.float64  # the caller's table is left as it was


def test_fractional_labels_are_left_as_they_are():
    frame = pd.DataFrame(
        {"区县": [1.5, 2.0], "年份": [2024, 2024], "活产数": [1000, 2000], "孕产妇死亡数": [1, 0]}
    )
    out = mch.compute(frame, indicators=["MMR"])
    assert out["county"].tolist() == [1.5, 2.0]


@pytest.mark.parametrize(
    "header", ["县区代码", "区县代码", "行政区划代码", "区划代码", "地区编码"]
)
def test_a_table_whose_areas_are_codes_has_them_as_its_area_column(header):
    frame = pd.DataFrame({header: [110101, 110102], "年份": [2024, 2024],
                          "活产数": [1000, 2000], "孕产妇死亡数": [1, 0]})  # fmt: skip
    found = mch.match_columns(frame)
    area = next(field for field, column in found.fields.items() if column == header)
    assert area == ("county" if "县" in header else "area") and not found.unmatched
    out = mch.compute(frame, indicators=["MMR"])
    assert out[area].tolist() == [110101, 110102]
    assert mch.report(frame)[label_of_level(area)]["denominator"].tolist() == [1000.0, 2000.0]


def label_of_level(field: str) -> str:
    from mch_indicators._labels import label

    return label("fields", field, "zh")


def test_an_area_code_beside_the_area_names_is_left_out_not_a_second_area():
    frame = pd.DataFrame(
        {"县区代码": [110101, 110102], "县区": ["甲县", "乙县"], "年份": [2024, 2024],
         "活产数": [1000, 2000], "孕产妇死亡数": [1, 0]}
    )  # fmt: skip
    found = mch.match_columns(frame)
    assert found.fields == {"county": "县区", "year": "年份"}
    assert found.unmatched == ("县区代码",)


def test_two_area_code_columns_are_refused_as_two_columns_of_one_count():
    # The refusal of two columns of one target, untested for the area codes' second match.
    frame = pd.DataFrame(
        {"地区编码": [110101, 110102], "区划代码": [110101, 110102], "年份": [2024, 2024],
         "活产数": [1000, 2000], "孕产妇死亡数": [1, 0]}
    )  # fmt: skip
    for surface in (mch.match_columns, mch.compute, mch.report):
        with pytest.raises(
            mch.InvalidInputError, match="columns '地区编码' and '区划代码' both match 'area'"
        ) as error:
            surface(frame)  # fmt: skip
        assert "“地区编码”和“区划代码”两列都对应 area" in (error.value.reason_zh or "")
    chosen = mch.match_columns(frame, columns={"区划代码": "area"})  # the one said wins
    assert chosen.fields["area"] == "区划代码" and chosen.unmatched == ("地区编码",)
    beside_names = frame.assign(地区名称=["甲", "乙"])  # names: the codes are left out
    assert mch.match_columns(beside_names).unmatched == ("地区编码", "区划代码")


def test_a_count_named_by_a_header_of_two_rows_is_its_term_in_either_order():
    # numerator="死亡数婴儿" (死亡数 over 婴儿: infant deaths) computed the maternal
    # mortality ratio from infant deaths without a word; headed 婴儿死亡数 it was refused.
    text = "县区,死亡数,,活产数\n,孕产妇,婴儿,\n甲县,1,30,9800\n乙县,0,20,5000\n"
    table = mch.read_table(io.StringIO(text))
    assert mch.match_columns(table).terms["infant_deaths"] == "死亡数婴儿"
    with pytest.raises(mch.InvalidInputError, match=r"'死亡数婴儿' holds 婴儿死亡数 \(infant_"):
        mch.compute(table, "MMR", numerator="死亡数婴儿")
    allowed = mch.compute(table, "MMR", numerator="死亡数婴儿",
                          allow_substitute={"maternal_deaths": "infant_deaths"})  # fmt: skip
    assert allowed["numerator"].tolist() == [30, 20] and allowed["substitution"].all()
    own = mch.compute(table, "MMR", numerator="死亡数孕产妇")
    assert own["numerator"].tolist() == [1, 0] and "substitution" not in own


def test_the_record_sets_know_the_area_code_spellings():
    from mch_indicators.records._schema import builtin_record_sets

    for schema in builtin_record_sets().values():
        names = schema.vocabulary()["area"]
        assert {"县区代码", "区县代码", "行政区划代码", "区划代码"} <= set(names), schema.id


@pytest.mark.parametrize(
    ("option", "english", "chinese"),
    [
        ({"totals": "x"}, "totals must be 'check', 'drop' or 'keep', got 'x'", "totals 应为"),
        ({"duplicates": "x"}, "duplicates must be 'error' or 'sum', got 'x'", "duplicates 应为"),
    ],
)
def test_an_unknown_totals_or_duplicates_choice_is_refused_in_both_languages(
    option, english, chinese
):
    from mch_indicators._cli._words import describe_error

    for call in (mch.compute, mch.pool):
        with pytest.raises(mch.InvalidInputError) as caught:
            call(townships(), "MMR", **option)
        assert str(caught.value) == english
        assert caught.value.reason_zh.startswith(chinese)
        assert describe_error(caught.value, None, "zh") == caught.value.reason_zh


@pytest.mark.parametrize(
    "second",
    [45292, "2024-06-30", 2024, "2024年"],
    ids=["day-number", "date-text", "year-number", "year-text"],
)
def test_a_year_column_of_dates_and_numbers_is_one_year(second):
    """A workbook's 年份 written as a date cell (2024-01-01) in one row and as the same
    day's number in Excel (45292), or the year 2024, in another gave two periods: two
    rows, and two pooled years. In a year column a date is its year."""
    import datetime as dt

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["县区", "年份", "活产数", "孕产妇死亡数"])
    sheet.append(["甲县", dt.datetime(2024, 1, 1), 1000, 1])
    sheet.append(["乙县", second, 3000, 2])
    sheet.append(["丙县", dt.datetime(1905, 7, 16), 500, 0])  # 2024 in a date format
    buffer = io.BytesIO()
    book.save(buffer)
    table = mch.read_table(io.BytesIO(buffer.getvalue()))
    assert mch.compute(table)["year"].tolist() == [2024, 2024, 2024]
    pooled = mch.pool(table, "MMR", by="年份", numerator="孕产妇死亡数", denominator="活产数")
    assert pooled[["年份", "numerator", "denominator"]].values.tolist() == [[2024, 3, 4500]]
    report = mch.report(table)
    assert report["合计"]["year"].drop_duplicates().tolist() == [2024]


def test_a_date_column_that_is_no_year_column_keeps_its_dates():
    """Only the year column reads a date as its year: 填报日期 stays as written."""
    table = pd.DataFrame({"县区": ["甲县", "乙县"], "年份": [2024, 2024],
                          "填报日期": ["2024-01-05", "2024-02-01"],
                          "活产数": [1000, 3000], "孕产妇死亡数": [1, 2]})  # fmt: skip
    read = mch.read_table(io.BytesIO(table.to_csv(index=False).encode()))
    assert read["填报日期"].tolist() == ["2024-01-05", "2024-02-01"]


def test_strata_alike_in_every_label_are_summed_and_named_once():
    """``pool`` of one indicator sums rows of one county and year (strata). Two rows that
    no other column tells apart may be one row written twice: they are still summed, and
    the first such county is named in the checks with how many there are; rows told
    apart by a facility column are strata, no check."""
    table = pd.DataFrame({"县区": ["甲县", "甲县", "乙县", "乙县", "丙县"], "年份": 2024,
                          "孕产妇死亡数": [1, 1, 0, 0, 2],
                          "活产数": [100, 100, 50, 50, 300]})  # fmt: skip
    keywords = {"numerator": "孕产妇死亡数", "denominator": "活产数"}
    pooled = mch.pool(table, "MMR", **keywords)
    assert pooled[["numerator", "denominator"]].iloc[0].tolist() == [4, 600]
    found = mch.checks(pooled)
    assert found["check"].tolist() == ["strata_alike"]
    assert found[["unit", "period"]].iloc[0].tolist() == ["甲县", "2024"]
    assert "2" in found["message_en"].iloc[0] and "甲县" in found["message_zh"].iloc[0]
    assert not english_words(found["message_zh"].iloc[0])
    told_apart = table.assign(机构=["一院", "二院", "一院", "二院", "一院"])
    assert mch.checks(mch.pool(told_apart, "MMR", **keywords)).empty
    assert mch.checks(mch.compute(table, "MMR", **keywords)).empty  # nothing summed


@pytest.mark.parametrize("facility", [False, True])
def test_strata_that_repeat_an_area_are_never_read_as_subtotal_blocks(facility):
    """Among strata to pool, a block is read only where every row names its own area: a
    county's first stratum equal to the sum of its next two (or of a stratum of the next
    county) was taken out as a subtotal, 甲县 3/320 becoming 1/120."""
    table = pd.DataFrame({"县区": ["甲县", "甲县", "乙县", "丙县", "丙县", "丙县"], "年份": 2024,
                          "活产数": [200, 120, 80, 300, 100, 200],
                          "孕产妇死亡数": [2, 1, 1, 3, 1, 2]})  # fmt: skip
    if facility:
        table = table.assign(县区=["甲县"] * 3 + ["乙县"] * 3, 机构=["妇幼", "一院", "二院"] * 2)
    keywords = {"numerator": "孕产妇死亡数", "denominator": "活产数"}
    pooled = mch.pool(table, "MMR", **keywords)
    assert pooled[["numerator", "denominator"]].iloc[0].tolist() == [10, 1000]
    assert "subtotal_row_sum" not in set(mch.checks(pooled)["check"])


def test_strata_alike_name_unit_period_and_indicator_apart_and_read_any_cell():
    """A second area column is part of the unit, a long table's indicator is the item
    (not an English word in the zh period), and a cell holding a list is compared by
    its text, never a pandas TypeError."""
    table = pd.DataFrame({"县区": ["甲县", "甲县", "乙县"], "乡镇": ["城关镇", "城关镇", "石门镇"],
                          "年份": 2024, "活产数": [200, 200, 80], "孕产妇死亡数": [2, 2, 1],
                          "备注": [[1], [1], [2]]})  # fmt: skip
    pooled = mch.pool(table, "MMR", numerator="孕产妇死亡数", denominator="活产数")
    assert pooled[["numerator", "denominator"]].iloc[0].tolist() == [5, 480]
    found = mch.checks(pooled)
    assert found[["check", "unit", "period"]].values.tolist() == [
        ["strata_alike", "甲县/城关镇", "2024"]
    ]
    long = pd.DataFrame({"县区": ["甲县", "甲县", "乙县"], "年份": 2024, "indicator": "MMR",
                         "numerator": [1, 1, 2], "denominator": [100, 100, 300]})  # fmt: skip
    found = mch.checks(mch.pool(long))
    assert found[["unit", "period", "item"]].values.tolist() == [["甲县", "2024", "MMR"]]
    assert "MMR" not in found["message_zh"].iloc[0]
    named = long.set_index(pd.Index(["一院", "二院", "一院"]))  # an index of names tells apart
    assert mch.checks(mch.pool(named)).empty
