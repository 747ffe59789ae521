"""An office's wide table: headers to terms, many indicators, the denominator guard, pooling
with coverage, Chinese labels, and the report written and read back."""

from __future__ import annotations

import io
import unicodedata
from importlib import resources

import numpy as np
import openpyxl
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

import mch_indicators as mch
from mch_indicators._headers import fold_header
from mch_indicators._labels import fields

TERMS = mch.catalog.terms


def office_table() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "地市": ["甲市", "甲市", "甲市"],
            "县区": ["河阳县", "石门县", "白沙县"],
            "年份": [2024, 2024, 2024],
            "活产婴儿数": [13957, 8120, 4210],
            "孕产妇死亡数": [1, 2, 0],
            "早孕建册人数": [13000, 7600, 3900],
            "分娩产妇数": [13700, 8000, 4150],
            "任务数": [6550, 3000, 2000],
            "两癌筛查人数": [6373, 3300, 1900],
        }
    )


# -- headers ---------------------------------------------------------------------------


def _respell(draw: st.DrawFn, name: str) -> str:
    """A header as a form might write it: width, spaces, case and a unit suffix varied."""
    text = name
    if draw(st.booleans()):
        text = "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)
    if draw(st.booleans()):
        text += draw(st.sampled_from(["（人）", "(人)", "（例）"]))
    pad = st.sampled_from(["", " ", "  ", "\t", "\u3000"])
    text = draw(pad) + text + draw(pad)
    return text.upper() if draw(st.booleans()) else text


@st.composite
def spelled_terms(draw: st.DrawFn) -> tuple[str, str]:
    term = draw(st.sampled_from(sorted((t for t in TERMS.values() if t.aliases), key=str)))
    name = draw(st.sampled_from([term.name.zh, *term.aliases]))
    return term.id, _respell(draw, name)


@given(st.lists(spelled_terms(), min_size=1, max_size=6, unique_by=lambda p: p[0]))
def test_headers_match_their_terms_whatever_the_spelling(pairs):
    columns = [header for _, header in pairs]
    found = mch.match_columns(columns)
    assert found.terms == dict(pairs)
    assert found.unmatched == ()


@given(st.sampled_from(list(fields())), st.booleans())
def test_area_and_period_fields_match_by_any_name(field, wide):
    name = field.aliases[0] if field.aliases else field.zh
    header = unicodedata.normalize("NFKC", name) if not wide else f" {name} "
    assert mch.match_columns([header, "活产数"]).fields == {field.id: header}


def test_aliases_are_unique_across_terms():
    names: dict[str, set[str]] = {}
    for term in TERMS.values():
        for name in (term.id, term.name.zh, term.name.en, *term.aliases):
            names.setdefault(fold_header(name), set()).add(term.id)
    for term in TERMS.values():
        for alias in term.aliases:
            assert names[fold_header(alias)] == {term.id}, alias


@pytest.mark.parametrize(
    "header",
    [
        "产前检查数（人次）",
        "产后访视数(人次)",
        "早孕建册数（人次）",
        "新法接生数（次）",
        "结婚登记数（户）",
    ],
)
def test_a_count_of_visits_or_households_is_not_a_count_of_people(header):
    """A unit in brackets was dropped from every header: 产前检查数（人次） (antenatal
    visits, several per woman) was the women with antenatal care, 结婚登记数（户） (couples)
    the persons registering to marry, half of them: the premarital examination rate came
    out twice what it is, with no word below 100 %. Visits (人次, 次) and households (户)
    count something else: such a column matches no term of people, and is listed unused."""
    found = mch.match_columns(["县区", header])
    assert found.terms == {} and found.unmatched == (header,)


def test_a_unit_of_people_in_brackets_still_matches_and_visits_match_visits():
    found = mch.match_columns(["活产数（人）", "孕产妇死亡数(例)", "第4次产前检查（人次）"])
    assert found.terms == {
        "live_births": "活产数（人）", "maternal_deaths": "孕产妇死亡数(例)",
        "anc4_visits": "第4次产前检查（人次）",
    }  # fmt: skip


def test_premarital_examinations_over_couples_registered_are_not_computed_as_over_persons():
    table = pd.DataFrame(
        {"县区": ["甲县", "乙县"], "结婚登记数（户）": [1000, 800], "婚前医学检查人数": [900, 700]}
    )
    with pytest.raises(mch.InvalidInputError, match="no indicator can be computed"):
        mch.compute(table)


def test_match_report_and_explicit_columns_win():
    table = office_table().assign(备注="")
    found = mch.match_columns(table)
    assert found.terms["live_births"] == "活产婴儿数"
    assert found.terms["two_cancer_task"] == "任务数"
    assert found.fields == {"prefecture": "地市", "county": "县区", "year": "年份"}
    assert found.unmatched == ("备注",)
    assert set(found.indicators()) == {
        "maternal_mortality_ratio",
        "early_pregnancy_registration_rate_cn",
        "two_cancer_screening_task_completion",
    }
    shown = found.to_frame("zh")
    assert shown.loc[shown["column"] == "分娩产妇数", "name"].item() == "产妇数"
    forced = mch.match_columns(table, {"分娩产妇数": "活产数", "活产婴儿数": "women_delivered"})
    assert forced.terms["live_births"] == "分娩产妇数" and forced.how["live_births"] == "explicit"
    with pytest.raises(mch.InvalidInputError, match="not a term of the catalog"):
        mch.match_columns(table, {"备注": "no such thing"})
    with pytest.raises(mch.InvalidInputError, match="both match 'live_births'") as error:
        mch.match_columns(["活产数", "活产婴儿数"])
    assert "“活产数”和“活产婴儿数”两列都对应 live_births" in (error.value.reason_zh or "")
    said = mch.match_columns(["活产数", "活产婴儿数"], {"活产婴儿数": "live_births"})
    assert said.terms == {"live_births": "活产婴儿数"} and said.unmatched == ("活产数",)


def test_a_count_headed_by_its_event_alone_matches():
    """Offices head a count 活产 or 孕产妇死亡 as often as 活产数 or 孕产妇死亡数."""
    found = mch.match_columns(
        ["县区", "孕产妇死亡", "活产", "新生儿死亡", "婴儿死亡", "5岁以下儿童死亡"]
    )
    assert found.terms == {
        "maternal_deaths": "孕产妇死亡", "live_births": "活产", "neonatal_deaths": "新生儿死亡",
        "infant_deaths": "婴儿死亡", "under5_deaths": "5岁以下儿童死亡",
    }  # fmt: skip
    assert not found.unmatched


# -- many indicators --------------------------------------------------------------------


def test_wide_table_gives_one_tidy_result_equal_to_one_indicator_at_a_time():
    table = office_table()
    tidy = mch.compute(table)
    assert list(tidy.columns[:4]) == ["prefecture", "county", "year", "indicator"]
    assert len(tidy) == 3 * 3
    mmr = tidy[tidy["indicator"] == "maternal_mortality_ratio"]
    alone = mch.compute(table, "MMR")
    np.testing.assert_allclose(mmr["value"], alone["value"])
    np.testing.assert_allclose(mmr["upper"], alone["upper"])
    chosen = mch.compute(table, ["两癌筛查覆盖率"])
    assert set(chosen["indicator"]) == {"two_cancer_screening_task_completion"}
    assert chosen["flags"].tolist() == ["", "ABOVE_DENOMINATOR", ""]


def test_wide_switch_has_a_column_group_per_indicator():
    wide = mch.compute(office_table(), shape="wide")
    assert wide.index.names == ["prefecture", "county", "year"]
    value = wide[("maternal_mortality_ratio", "value")]
    assert round(float(value.iloc[0]), 2) == 7.16
    assert ("two_cancer_screening_task_completion", "flags") in wide.columns


def test_asking_for_an_indicator_whose_count_is_absent_names_the_term():
    with pytest.raises(
        mch.InvalidInputError, match=r"婴儿死亡率 .* needs 婴儿死亡数 \(infant_deaths\)"
    ):
        mch.compute(office_table(), indicators=["IMR"])
    with pytest.raises(mch.InvalidInputError, match="no indicator can be computed"):
        mch.compute(pd.DataFrame({"县区": ["a"], "备注": [1]}))


def test_bad_cells_are_named_by_place():
    table = office_table().astype({"孕产妇死亡数": object})
    table.loc[1, "孕产妇死亡数"] = "两例"
    with pytest.raises(mch.InvalidInputError) as raised:
        mch.compute(table)
    assert raised.value.column == "孕产妇死亡数" and raised.value.row == 1, raised.value
    assert "甲市/石门县/2024" in str(raised.value)
    impossible = office_table().assign(早孕建册人数=[13000, 9000, 3900])
    said = r"\(甲市/石门县/2024\): numerator of .*\(9000 > 8120\)"
    with pytest.raises(mch.InvalidInputError, match=said):
        mch.compute(impossible)


# -- the denominator guard -------------------------------------------------------------


def test_another_terms_count_is_refused_naming_both_terms():
    table = office_table()
    with pytest.raises(mch.InvalidInputError) as raised:
        mch.compute(table, "早孕建册率", denominator="分娩产妇数")
    message = str(raised.value)
    assert "产妇数 (women_delivered)" in message and "活产数 (live_births)" in message
    assert "allow_substitute" in message
    allowed = mch.compute(
        table, "早孕建册率", denominator="分娩产妇数", allow_substitute={"活产数": "产妇数"}
    )
    assert allowed["substitution"].iloc[0].startswith("denominator live_births <- women_delivered")
    np.testing.assert_allclose(allowed["value"], table["早孕建册人数"] / table["分娩产妇数"] * 100)


def test_the_issue_example_computes_only_when_asked():
    # 早孕建册率 over live births 91.70 %; over women delivered it would be 92.63 %
    table = pd.DataFrame({"早孕建册人数": [917], "活产数": [1000], "产妇数": [990]})
    assert round(float(mch.compute(table, "早孕建册率")["value"].iloc[0]), 2) == 91.70
    with pytest.raises(mch.InvalidInputError, match="defined over 活产数"):
        mch.compute(table, "早孕建册率", denominator="产妇数")
    wide = mch.compute(
        table, indicators=["早孕建册率"], allow_substitute={"live_births": "women_delivered"}
    )
    assert round(float(wide["value"].iloc[0]), 2) == 92.63
    assert wide["substitution"].iloc[0] == "denominator live_births <- women_delivered"


# -- pooling with coverage ---------------------------------------------------------------


def test_pool_skip_reports_coverage_and_propagate_stays_missing():
    table = office_table().astype({"孕产妇死亡数": float})
    table.loc[2, "孕产妇死亡数"] = np.nan
    propagated = mch.pool(table, "MMR", by="地市").iloc[0]
    assert np.isnan(propagated["value"]) and propagated["flags"] == "MISSING"
    assert (propagated["units"], propagated["units_pooled"]) == (3, 3)
    skipped = mch.pool(table, "MMR", by="地市", missing="skip").iloc[0]
    assert skipped["denominator"] == 13957 + 8120 and skipped["numerator"] == 3
    assert (skipped["units"], skipped["units_pooled"]) == (3, 2)
    assert "INCOMPLETE" in skipped["flags"].split("|")


def test_invalid_units_are_never_summed():
    table = office_table().assign(早孕建册人数=[13000, 9000, 3900])
    with pytest.raises(mch.InvalidInputError, match="甲市/石门县/2024"):
        mch.pool(table, ["早孕建册率"])
    flagged = mch.pool(table, ["早孕建册率"], on_invalid="flag").iloc[0]
    assert flagged["numerator"] == 13000 + 3900
    assert flagged["denominator"] == 13957 + 4210
    assert (flagged["units"], flagged["units_pooled"]) == (3, 2)
    assert flagged["flags"] == "INCOMPLETE"


def test_a_pooled_total_of_an_inconsistent_unit_is_marked_inconsistent_as_the_unit_is():
    """甲县 reports 5 neonatal deaths and 3 infant deaths: its values are flagged
    INCONSISTENT (逻辑不符), and its counts are summed into 甲市 and the total as they are,
    which carried no mark (6 ≤ 7 summed). The pooled values they touch are marked too;
    a city without such a unit is not."""
    table = pd.DataFrame({"地市": ["甲市", "甲市", "乙市"], "县区": ["甲县", "乙县", "丙县"],
                          "年份": [2024] * 3, "活产数": [1000, 2000, 500],
                          "新生儿死亡数": [5, 1, 1], "婴儿死亡数": [3, 4, 2]})  # fmt: skip
    units = mch.compute(table)
    assert units["flags"].str.contains("INCONSISTENT").tolist() == [True, True] + [False] * 4

    def marked(frame: pd.DataFrame) -> list[bool]:
        return frame["flags"].astype(str).str.contains("INCONSISTENT").tolist()

    by_city = mch.pool(table, by="地市")
    assert by_city["prefecture"].tolist() == ["乙市", "乙市", "甲市", "甲市"]  # sorted
    assert marked(by_city) == [False, False, True, True]
    assert marked(mch.pool(table, by="年份")) == [True, True]
    report = mch.report(table)
    assert marked(report["合计"]) == [True, True]
    assert by_city["numerator"].tolist() == [2.0, 1.0, 7.0, 6.0]  # the sums as they were


def test_a_rolling_window_holding_an_inconsistent_unit_is_marked_inconsistent():
    """pool(over=, window=) summed 甲县's 2023 counts (5 neonatal deaths above 3 infant
    deaths) into every window holding 2023 with no mark; plain pooled totals carry it.
    A window holds the mark where one of its years held such a unit, and only then."""
    table = pd.DataFrame({"地市": ["甲市"] * 4, "县区": ["甲县", "乙县"] * 2,
                          "年份": [2023, 2023, 2024, 2024], "活产数": [1000, 2000, 500, 600],
                          "新生儿死亡数": [5, 1, 1, 1], "婴儿死亡数": [3, 4, 2, 2]})  # fmt: skip

    def marked(frame: pd.DataFrame) -> dict[tuple[str, str], bool]:
        flags = frame["flags"].astype(str).str.contains("INCONSISTENT")
        keys = zip(frame["period"], frame["indicator"], strict=True)
        return dict(zip(keys, flags, strict=True))

    one = marked(mch.pool(table, by="地市", over="年份", window=1))
    assert one == {("2023–2023", "infant_mortality_rate"): True,
                   ("2024–2024", "infant_mortality_rate"): False,
                   ("2023–2023", "neonatal_mortality_rate"): True,
                   ("2024–2024", "neonatal_mortality_rate"): False}  # fmt: skip
    two = marked(mch.pool(table, by="地市", over="年份", window=2))
    assert two == {("2023–2024", "infant_mortality_rate"): True,
                   ("2023–2024", "neonatal_mortality_rate"): True}  # fmt: skip


def test_no_unit_reporting_is_missing_not_zero():
    table = office_table().astype({"孕产妇死亡数": float}).assign(孕产妇死亡数=np.nan)
    out = mch.pool(table, "MMR", missing="skip").iloc[0]
    assert np.isnan(out["numerator"]) and out["units_pooled"] == 0
    assert out["flags"] == "MISSING|INCOMPLETE"


def test_wide_pool_by_header_or_field_id_equals_summing_by_hand():
    table = office_table()
    by_header = mch.pool(table, by="地市")
    by_field = mch.pool(table, by="prefecture")
    pd.testing.assert_frame_equal(by_header, by_field)
    mmr = by_header[by_header["indicator"] == "maternal_mortality_ratio"].iloc[0]
    assert mmr["numerator"] == 3 and mmr["denominator"] == table["活产婴儿数"].sum()


def test_dask_refuses_skip_with_a_reason():
    dd = pytest.importorskip("dask.dataframe")
    lazy = dd.from_pandas(office_table(), npartitions=2)
    reason = r"missing= .* before any row is seen, so leaving rows out"
    with pytest.raises(mch.InvalidInputError, match=reason):
        mch.pool(lazy, "MMR", by="地市", numerator="孕产妇死亡数", denominator="活产婴儿数",
                 missing="skip")  # fmt: skip


# -- labels --------------------------------------------------------------------------------


def test_every_target_rule_reads_in_chinese():
    for target in mch.targets:
        rule = target.rule_in("zh")
        assert rule and "{" not in rule and "per" not in rule


def test_chinese_display_rounds_half_up_with_indicator_decimals():
    result = mch.get("两癌筛查覆盖率").compute(21928, 20000)
    assert result.format(lang="zh") == "109.64% (95%置信区间 108.19–111.10) [超过任务数]"
    shown = mch.compute(office_table()).pipe(lambda f: f[f["county"] == "河阳县"])
    from mch_indicators._display import display_frame

    table = display_frame(shown, "zh", catalog=mch.catalog, text=True)
    assert table["数值"].tolist() == ["7.16", "93.14", "97.30"]
    assert table["单位"].tolist() == ["/10万", "%", "%"]
    assert list(table.columns[:3]) == ["地市", "县区", "年份"]


# -- report out, read back ------------------------------------------------------------------


def test_excel_report_round_trip_gives_the_same_numbers(tmp_path):
    table = office_table()
    path = tmp_path / "报表.xlsx"
    sets = mch.report(table, path)
    assert list(sets) == ["县区", "地市", "合计"]
    with pd.ExcelFile(path, engine="calamine") as book:
        names = book.sheet_names
    assert names[-3:] == ["全部结果", "标记说明", "指标来源"]
    assert names[:3] == ["死亡与妊娠结局", "孕产期保健", "妇女保健"]
    # one sheet per domain: the counties, then the prefecture's subtotal and the total
    sheet = openpyxl.load_workbook(path)["死亡与妊娠结局"]
    assert [c.value for c in sheet[2]][:4] == ["地市", "县区", "年份", "孕产妇死亡率（/10万）"]
    rows = [[c.value for c in row[:4]] for row in sheet.iter_rows(min_row=4, max_row=8)]
    mmr = [
        frame.loc[frame["indicator"] == "maternal_mortality_ratio", "value"].tolist()
        for frame in sets.values()
    ]
    expected = [round(v, 2) for values in mmr for v in values]
    assert [r[3] for r in rows] == expected
    assert [r[:3] for r in rows] == [
        ["甲市", "河阳县", 2024], ["甲市", "石门县", 2024], ["甲市", "白沙县", 2024],
        ["甲市", "小计", 2024], ["合计", None, 2024],
    ]  # fmt: skip
    legend = mch.read_table(path, sheet="标记说明")
    assert list(legend.columns) == ["符号", "标记", "含义", "编号"]  # Chinese headers only
    assert set(legend["编号"].dropna()) - {""} == {f.name for f in mch.Flag if f.name}
    details = mch.read_table(path, sheet="全部结果")
    assert details["分子"].sum() == sum(s["numerator"].sum() for s in sets.values())


def test_csv_for_excel_has_a_bom_and_rounded_numbers(tmp_path):
    path = tmp_path / "report.csv"
    mch.to_csv(mch.compute(office_table()), path)
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    back = mch.read_table(io.BytesIO(raw))
    assert back["分母"].dtype == np.int64
    assert back["数值"].tolist()[0] == 7.16
    assert "13957.0" not in raw.decode("utf-8-sig")


def test_the_bundled_example_is_the_same_in_both_files():
    folder = resources.files("mch_indicators.datasets")
    with resources.as_file(folder / "example_office.csv") as csv_path:
        from_csv = mch.read_table(csv_path)
    with resources.as_file(folder / "example_office.xlsx") as xlsx_path:
        from_xlsx = mch.read_table(xlsx_path)
    assert csv_path.read_bytes().decode("gbk")
    pd.testing.assert_frame_equal(
        from_csv.reset_index(drop=True), from_xlsx.reset_index(drop=True), check_dtype=False
    )
    assert len(mch.match_columns(from_csv).indicators()) == 19
