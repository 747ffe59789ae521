"""The report an office head reads: marks, one column order, checks once, widths, print setup,
Chinese sources, and the change from last year, rank and target by the library's own tests."""

from __future__ import annotations

import datetime
import io
import itertools

import numpy as np
import openpyxl
import pandas as pd
import pytest

import mch_indicators as mch
from mch_indicators import stats
from mch_indicators._checks import CHECK_COLUMNS
from mch_indicators._display import display_width
from mch_indicators._labels import fields, label
from mch_indicators._report._write import SHEET_NAME_LIMIT, sheet_title


def two_years() -> pd.DataFrame:
    """Three counties, two years: small death counts, a coverage above its task, a note column."""
    return pd.DataFrame(
        {
            "县区": [
                "甲县",
                "甲县",
                "乙县",
                "乙县",
                "长长长长长长长长长长县",
                "长长长长长长长长长长县",
            ],
            "年份": [2023, 2024] * 3,
            "活产数": [12000, 11800, 8000, 8100, 3000, 2900],
            "孕产妇死亡数": [3, 1, 2, 2, 0, 1],
            "早孕建册人数": [10500, 10900, 7000, 7300, 2500, 2600],
            "任务数": [5000, 5000, 3000, 3000, 1000, 1000],
            "两癌筛查人数": [4800, 5200, 2900, 2950, 990, 1010],
            "备注": ["", "迟报", "", "", "", ""],
        }
    )


@pytest.fixture(scope="module")
def book(tmp_path_factory):
    path = tmp_path_factory.mktemp("report") / "报表.xlsx"
    sets = mch.report(two_years(), path, plan="healthy_china_2030")
    return sets, openpyxl.load_workbook(path), path


def values(sheet) -> list[list[object]]:
    return [[c.value for c in row] for row in sheet.iter_rows()]


def test_every_sheet_prints_landscape_one_page_wide_with_titles_and_a_footer(book):
    _, workbook, _ = book
    today = datetime.date.today().isoformat()
    for sheet in workbook.worksheets:
        setup = sheet.page_setup
        assert setup.orientation == "landscape" and int(setup.paperSize) == 9  # A4
        assert setup.fitToWidth == 1 and sheet.sheet_properties.pageSetUpPr.fitToPage
        assert sheet.print_title_rows and sheet.print_title_rows.startswith("$1:")
        assert sheet.print_title_cols and sheet.print_title_cols.startswith("$A:")
        footer = sheet.oddFooter
        assert "&P" in footer.center.text and "&N" in footer.center.text
        assert today in footer.right.text
        assert footer.left.text is None or "来源" in footer.left.text
    mortality = workbook["死亡与妊娠结局"]
    assert mortality.print_title_rows == "$1:$3" and mortality.print_title_cols == "$A:$B"
    assert "* 数值不稳定" in mortality.oddHeader.center.text


def test_the_footer_names_the_source_file(tmp_path):
    source = tmp_path / "本县2024年.csv"
    two_years().to_csv(source, index=False, encoding="gbk")
    mch.report(source, tmp_path / "r.xlsx")
    sheet = openpyxl.load_workbook(tmp_path / "r.xlsx").worksheets[0]
    assert sheet.oddFooter.left.text == "来源：本县2024年.csv"


def test_domain_sheets_mark_values_to_read_with_care_and_give_the_interval(book):
    sets, workbook, _ = book
    sheet = workbook["死亡与妊娠结局"]
    header = [c.value for c in sheet[2]]
    assert header[:4] == ["县区", "年份", "孕产妇死亡率（/10万）", None]
    assert [c.value for c in sheet[3]][2:4] == ["数值", "95%置信区间"]
    first = sheet.cell(row=4, column=3)
    rows = sets["县区"]
    mmr = rows[rows["indicator"] == "maternal_mortality_ratio"].iloc[0]
    assert "UNRELIABLE" in mmr["flags"]
    assert first.value == round(mmr["value"], 2) and first.number_format == '0.00"*"'
    assert first.fill.fgColor.rgb.endswith("FFF2CC")
    assert sheet.cell(row=4, column=4).value == f"{mmr['lower']:.2f}–{mmr['upper']:.2f}"
    women = workbook["妇女保健"]
    above = [c for c in women["C"] if c.number_format.endswith('"▲"')]
    assert len(above) == 3  # 甲县 2024 (5200/5000), 长...县 2024 (1010/1000), 合计 2024
    assert all(c.fill.fgColor.rgb.endswith("FCE4D6") for c in above)


def test_values_not_computed_say_why(tmp_path):
    table = two_years().drop(columns=["备注"])
    table.loc[0, "孕产妇死亡数"] = None
    out = mch.compute(table, suppress="ons")
    path = tmp_path / "r.xlsx"
    mch.to_excel(out, path)
    cells = list(
        itertools.chain.from_iterable(values(openpyxl.load_workbook(path)["死亡与妊娠结局"]))
    )
    assert "缺报" in cells and "已隐去" in cells
    shown = [c for c in cells if isinstance(c, float)]
    suppressed = out[out["flags"].str.contains("SUPPRESSED")]
    assert not set(np.round(suppressed["numerator"].dropna(), 2)) & set(shown) - {0.0}


def test_pooled_rows_follow_in_bold_with_what_they_are(book):
    _, workbook, _ = book
    sheet = workbook["死亡与妊娠结局"]
    labels = [(r[0], r[1]) for r in values(sheet)[3:11]]
    assert labels[-2:] == [("合计", 2023), ("合计", 2024)]
    total = next(row for row in sheet.iter_rows(min_row=4) if row[0].value == "合计")
    assert all(c.font.b for c in total[:4])


def test_every_sheet_shows_indicators_in_the_catalogs_order(book):
    sets, workbook, _ = book
    order = list(mch.catalog)
    assert sets["合计"]["indicator"].tolist() != sorted(
        sets["合计"]["indicator"], key=order.index
    )  # pool sorts by id; the report must not follow it
    for sheet in workbook.worksheets[:3]:
        names = [c.value for c in sheet[2] if c.value and "(" in str(c.value)]
        ids = [next(i.id for i in mch.catalog.values() if str(n).startswith(i.name.zh + "("))
               for n in names]  # fmt: skip
        assert ids == sorted(ids, key=order.index)
    details = pd.DataFrame(
        values(workbook["全部结果"])[2:], columns=values(workbook["全部结果"])[1]
    )
    for _, part in details.groupby(["汇总层级", "县区", "年份"], dropna=False, sort=False):
        ids = [next(i.id for i in mch.catalog.values() if i.name.zh == n) for n in part["指标"]]
        assert ids == sorted(ids, key=order.index)


def test_unmatched_columns_are_listed_once_in_the_checks_sheet(book):
    sets, workbook, _ = book
    assert sets.checks[["check", "item"]].values.tolist() == [["unmatched_column", "备注"]]
    found = {s.title for s in workbook.worksheets for row in values(s) if "迟报" in row}
    named = {s.title for s in workbook.worksheets for row in values(s)[2:] if "备注" in row}
    assert found == set() and named == {"数据核查"}  # the column's name, once; its text, never


def test_the_checks_sheet_writes_a_checks_frame(tmp_path):
    checks = pd.DataFrame(
        [
            [
                "total",
                "甲县",
                2024,
                "活产数",
                100.0,
                120.0,
                "合计行与各单位之和不符",
                "total differs",
            ]
        ],
        columns=list(CHECK_COLUMNS),
    )
    out = mch.compute(two_years().iloc[:, :4])
    for lang, message in (("zh", "合计行与各单位之和不符"), ("en", "total differs")):
        buffer = io.BytesIO()
        mch.to_excel(out, buffer, checks=checks, lang=lang)
        sheet = openpyxl.load_workbook(io.BytesIO(buffer.getvalue()))[
            label("text", "checks_sheet", lang)
        ]
        assert values(sheet)[2][1:] == ["甲县", 2024, "活产数", 100, 120, message]
    buffer = io.BytesIO()
    mch.to_excel(out, buffer)
    sheet = openpyxl.load_workbook(io.BytesIO(buffer.getvalue()))["数据核查"]
    assert values(sheet)[2][0] == "未发现数据问题。"
    with pytest.raises(mch.InvalidInputError, match="the columns check, unit"):
        mch.to_excel(out, io.BytesIO(), checks=checks.drop(columns=["message_en"]))


def test_widths_are_measured_in_display_columns(book):
    _, workbook, _ = book
    sheet = workbook["死亡与妊娠结局"]
    longest = display_width("长长长长长长长长长长县")
    assert longest == 22 and sheet.column_dimensions["A"].width >= longest
    assert sheet.column_dimensions["B"].width < longest / 2  # 年份: numbers, not Chinese


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_sheet_names_are_whole_and_within_excels_limit(lang):
    used: set[str] = set()
    names = [label("domains", d.value, lang, "sheet") for d in mch.Domain]
    keys = ("review_sheet", "checks_sheet", "details_sheet", "legend", "sources_sheet")
    names += [label("text", k, lang) for k in keys]
    titles = [sheet_title([n], used, lang) for n in names]
    assert titles == names  # nothing cut, nothing renamed
    assert all(len(t) <= SHEET_NAME_LIMIT for t in titles)
    assert len({t.casefold() for t in titles}) == len(titles)


@pytest.mark.parametrize(("lang", "second"), [("zh", "（2）"), ("en", "(2)")])
def test_a_sheet_name_used_twice_is_numbered_in_the_brackets_of_its_language(lang, second):
    used: set[str] = set()
    name = label("domains", "mortality", lang, "sheet")
    assert sheet_title([name], used, lang) == name
    assert sheet_title([name], used, lang) == name + second
    long = "妇" * 40 if lang == "zh" else "x" * 40
    first, again = sheet_title([long], used, lang), sheet_title([long], used, lang)
    assert len(first) == len(again) == SHEET_NAME_LIMIT and again.endswith(second)
    book = openpyxl.Workbook()
    assert book.create_sheet(again).title == again  # openpyxl takes it: within Excel's limit


def test_english_report_sheet_names_and_headers(tmp_path):
    path = tmp_path / "report.xlsx"
    mch.report(two_years(), path, lang="en")
    workbook = openpyxl.load_workbook(path)
    assert workbook.sheetnames[:3] == ["Mortality", "Maternal care", "Women's health"]
    assert values(workbook["Mortality"])[1][:2] == ["county", "year"]
    assert workbook["Mortality"].oddFooter.center.text == "Page &P of &N"


def test_the_sources_sheet_is_chinese_under_zh(book):
    _, workbook, _ = book
    rows = values(workbook["指标来源"])
    header = rows[1]
    assert header[:5] == ["指标名称", "单位", "分子", "分母", "定义"]
    assert "核实状态" in header and "来源" in header
    by_name = {row[0]: dict(zip(header, row, strict=True)) for row in rows[2:] if row[0]}
    assert by_name["孕产妇死亡率"]["定义"] == mch.get("MMR").definition.zh
    unverified = mch.get("early_pregnancy_registration_rate_cn")
    assert not unverified.verified and by_name[unverified.name.zh]["核实状态"] == "未核实"
    assert any("未核实" in str(row[0]) for row in rows if row[0])  # the note under the table
    assert unverified.note_zh and by_name[unverified.name.zh]["备注"] == unverified.note_zh
    assert not [row for row in by_name.values() if row["备注"] and "（英文原文）" in row["备注"]]


# -- change from last year, rank, target --------------------------------------------------


def review_of(sets, key: str) -> pd.DataFrame:
    part = sets.review[sets.review["indicator"] == key]
    return part.set_index(["level", "county"], drop=False)


def test_change_from_last_year_is_the_stats_layers_comparison(book):
    sets, _, _ = book
    rows = sets["县区"]
    for key, compare in (
        ("maternal_mortality_ratio", stats.compare_rates),
        ("early_pregnancy_registration_rate_cn", stats.compare_proportions),
    ):
        part = rows[rows["indicator"] == key].set_index(["county", "year"])
        review = review_of(sets, key).loc["县区"]
        for county in ("甲县", "乙县"):
            now, before = part.loc[(county, 2024)], part.loc[(county, 2023)]
            found = compare(now["numerator"], now["denominator"],
                            before["numerator"], before["denominator"])  # fmt: skip
            row = review.loc[county]
            assert row["previous"] == pytest.approx(before["value"], rel=1e-12)
            assert row["p_value"] == pytest.approx(float(found.p_value), rel=1e-12)
            if compare is stats.compare_rates:
                assert row["change"] == pytest.approx(float(found.percent_change[0]), rel=1e-12)
            else:
                assert row["change"] == pytest.approx(float(found.difference) * 100, rel=1e-12)
            expected = "no significant change" if found.p_value >= 0.05 else (
                "increasing" if row["change"] > 0 else "decreasing"
            )  # fmt: skip
            assert row["change_status"] == expected


def test_rank_is_best_first_by_direction_with_ties_sharing(book):
    sets, _, _ = book
    mmr = review_of(sets, "maternal_mortality_ratio").loc["县区"]
    values_ = mmr["value"]
    expected = values_.rank(method="min", ascending=True)  # lower is better
    assert mmr["rank"].tolist() == expected.tolist() and set(mmr["ranked"]) == {3}
    coverage = review_of(sets, "early_pregnancy_registration_rate_cn").loc["县区"]
    assert (
        coverage["rank"].tolist() == coverage["value"].rank(method="min", ascending=False).tolist()
    )
    assert review_of(sets, "maternal_mortality_ratio").loc["合计"]["rank"].isna().all()


def test_target_met_not_met_or_not_clear_comes_from_assess_target(book):
    sets, workbook, _ = book
    target = mch.targets_for("MMR", plan="healthy_china_2030", active_in=2024)[0]
    mmr = sets.review[sets.review["indicator"] == "maternal_mortality_ratio"]
    found = mch.assess_target(target, mmr["value"].to_numpy(), mmr["lower"].to_numpy(),
                              mmr["upper"].to_numpy())  # fmt: skip
    expected = np.where(found.clear, found.status, "not statistically clear")
    assert mmr["target_status"].tolist() == expected.tolist()
    assert set(mmr["target"]) == {target.id}
    sheet = values(workbook["同比、排名与达标"])
    header = sheet[1]
    assert header[-2:] == ["目标", "达标情况"] and header[:2] == ["指标名称", "单位"]
    first = dict(zip(header, sheet[2], strict=True))
    assert first["目标"] == "≤12/10万（2030年）" and first["达标情况"] in {
        "达标",
        "未达标",
        "未能确定（区间跨越目标）",
    }


def test_an_unknown_plan_is_a_typed_error():
    with pytest.raises(mch.InvalidInputError, match="unknown plan 'nope'"):
        mch.to_excel(mch.compute(two_years().iloc[:, :4]), io.BytesIO(), plan="nope")


def test_several_sets_in_one_csv_say_which_set_each_row_is(tmp_path):
    sets = mch.report(two_years(), tmp_path / "r.csv")
    back = pd.read_csv(tmp_path / "r.csv", encoding="utf-8-sig")
    assert back.columns[0] == "汇总层级"
    assert back["汇总层级"].value_counts().to_dict() == {
        "县区": len(sets["县区"]),
        "合计": len(sets["合计"]),
    }


def test_the_report_travels(book):
    import copy
    import pickle

    sets, _, _ = book
    for back in (pickle.loads(pickle.dumps(sets)), copy.deepcopy(sets)):
        assert type(back) is type(sets) and list(back) == list(sets)
        pd.testing.assert_frame_equal(back.checks, sets.checks)
        pd.testing.assert_frame_equal(back.review, sets.review)


def test_area_field_names_make_subtotal_rows():
    from mch_indicators._report._blocks import _fill_text

    for field in fields():
        assert _fill_text(field.zh, "zh") == "小计" and _fill_text(field.en, "en") == "subtotal"
    assert _fill_text("合计", "zh") == "合计" and _fill_text("2023年", "zh") == "2023年"


def test_a_result_without_labels_keeps_every_value_and_its_level():
    result = mch.get("MMR").compute([2, 30], [26954, 300000], confidence=0.998)
    buffer = io.BytesIO()
    mch.to_excel(result, buffer)
    sheet = openpyxl.load_workbook(io.BytesIO(buffer.getvalue()))["死亡与妊娠结局"]
    rows = values(sheet)
    assert rows[2] == ["数值", "99.8%置信区间"]
    assert [r[0] for r in rows[3:5]] == [7.42, 10]


def test_every_check_has_a_short_name_for_the_checks_sheet():
    from mch_indicators._labels import labels

    assert set(labels()["check_names"]) == set(labels()["checks"])


def test_the_offices_total_row_is_checked_and_listed_on_the_checks_sheet(tmp_path):
    table = pd.DataFrame(
        {
            "乡镇": ["甲乡", "乙乡", "合计"],
            "年份": [2024] * 3,
            "活产数": [5200, 5355, 10556],
            "孕产妇死亡数": [1, 0, 1],
        }
    )
    sets = mch.report(table, tmp_path / "r.xlsx")
    assert sets["乡镇"]["township"].tolist() == ["甲乡", "乙乡"]  # the total is not a unit
    rows = values(openpyxl.load_workbook(tmp_path / "r.xlsx")["数据核查"])[2:]
    by_name = {row[0]: row for row in rows}
    mismatch = by_name["合计与各单位之和不符"]
    assert mismatch[1:6] == ["合计", "2024", "活产数", 10556, 10555]
    assert "差1" in mismatch[6] and "合计行" in by_name
