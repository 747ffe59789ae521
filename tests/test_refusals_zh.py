"""Refusals of a user's input said in English and Chinese: numbers, counts, documents, definitions.

Each test drives the failing input and checks both texts, as the command line shows them
(``--lang zh``) and as the library raises them. The words are label data (``[messages]``
and ``[hints]`` of ``definitions/labels.toml``).
"""

from __future__ import annotations

import io

import pandas as pd
import pytest

import mch_indicators as mch
from chinese import CJK, INDICATOR, english_words, run_cli
from mch_indicators._cli._words import describe_error, hint_text
from mch_indicators._errors import DECIMAL_COMMA


def _table(text: str) -> pd.DataFrame:
    return mch.read_table(io.BytesIO(text.encode("utf-8")))


def _run(*args: str) -> tuple[int, str]:
    status, _, err = run_cli(*args)
    return status, err


# -- numbers and counts -----------------------------------------------------------------------


def test_a_decimal_comma_is_refused_in_both_languages_with_the_decimal_setting():
    table = _table('county,deaths,births\nA,1,"9,5"\n')
    with pytest.raises(mch.InvalidInputError) as caught:
        mch.compute(table, "MMR", numerator="deaths", denominator="births")
    error = caught.value
    assert error.reason == "A: '9,5' is not a number: a comma groups thousands (26,954)"
    assert error.reason_zh == "A：“9,5”不是数字：逗号用于分隔千位（26,954）"  # the place too
    assert error.hint == DECIMAL_COMMA
    assert str(error).endswith("; pass decimal=',' " + DECIMAL_COMMA.effect("en"))
    said = "；加上 --decimal , 可按小数逗号读取（9,5 即 9.5，26.954 即 26954）"
    assert hint_text(error.hint, "zh") == said


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_command_line_says_its_decimal_option_and_the_option_reads_the_file(tmp_path, lang):
    path = tmp_path / "counts.csv"
    path.write_text('indicator,numerator,denominator\nMMR,1,"9,5"\n', encoding="utf-8")
    status, err = _run("compute", "--file", str(path), "--lang", lang)
    assert status == 1 and "decimal=" not in err
    assert ("use --decimal , if the file writes a decimal comma" in err) == (lang == "en")
    chinese = "逗号用于分隔千位（26,954）；加上 --decimal , 可按小数逗号读取"
    assert (chinese in err) == (lang == "zh")
    path.write_text("indicator,numerator,denominator\nMMR,1,26.954\n", encoding="utf-8")
    status, err = _run("compute", "--file", str(path), "--lang", lang)
    assert status == 1 and "--decimal ," in err and ("请去掉这个点" in err) == (lang == "zh")
    status, err = _run("compute", "--file", str(path), "--lang", lang, "--decimal", ",")
    assert status == 0, err  # the advice works: 26.954 read as 26954


def test_a_count_with_a_dot_between_the_thousands_is_said_in_both_languages():
    table = _table("county,deaths,births\nA,1,26.954\n")
    with pytest.raises(mch.InvalidInputError) as caught:
        mch.compute(table, "MMR", numerator="deaths", denominator="births")
    error = caught.value
    assert error.reason.startswith("A: 26.954 is not a whole number, and live births (")
    assert error.reason.endswith("with a dot between the thousands: write it without the dot")
    assert error.reason_zh == (
        "A：26.954 不是整数，而活产数（live_births）应为人数或事件数；"
        "26.954 像是用点分隔千位的 26,954：请去掉这个点"
    )
    assert error.hint == DECIMAL_COMMA and "decimal=','" in str(error)
    assert describe_error(error, "counts.csv", "zh").startswith("counts.csv 第2行：")
    again = mch.read_table(io.BytesIO(b"county,deaths,births\nA,1,26.954\n"), decimal=",")
    assert again["births"].tolist() == [26954]  # what the hint's setting does


def test_a_count_not_whole_without_a_term_is_said_in_both_languages():
    with pytest.raises(mch.InvalidInputError) as caught:
        mch.compute(pd.DataFrame({"d": [1.5], "b": [10]}), "MMR", numerator="d", denominator="b")
    assert "1.5 不是整数" in caught.value.reason_zh and caught.value.hint is None


def test_dhis2_wraps_the_whole_number_reason_in_chinese_too():
    from mch_indicators import interop
    from mch_indicators.export import dhis2_uid

    deaths = dhis2_uid("dataElement", "maternal_deaths")
    births = dhis2_uid("dataElement", "live_births")
    values = [
        {"dataElement": deaths, "orgUnit": "OU", "period": "2024", "value": "1.5"},
        {"dataElement": births, "orgUnit": "OU", "period": "2024", "value": "100"},
    ]
    with pytest.raises(mch.InvalidInputError) as caught:
        interop.compute_data_values({"dataValues": values})
    zh = caught.value.reason_zh
    assert zh.startswith("数据值（") and "1.5 不是整数，而孕产妇死亡数" in zh, zh
    assert "is not a whole number" not in zh and "is not a whole number" in caught.value.reason


@pytest.mark.parametrize(
    ("cell", "english", "chinese"),
    [
        ("-1", "counts cannot be negative (-1)", "计数不能为负数（-1）"),
        (
            "1e17",
            "counts above 2**53 (about 9.0e15) are refused (100,000,000,000,000,000)",
            "无法精确保存，不予接受（100,000,000,000,000,000）",
        ),
    ],
)
def test_a_count_out_of_range_in_a_long_table_is_said_in_both_languages(
    tmp_path, cell, english, chinese
):
    path = tmp_path / "counts.csv"
    path.write_text(f"indicator,numerator,denominator\nMMR,1,100\nIMR,{cell},100\n")
    status, err = _run("compute", "--file", str(path), "--lang", "zh")
    assert status == 1 and "counts.csv 第3行：列“numerator”：" in err and chinese in err
    assert english_words(err.partition("：错误：")[2], "numerator", str(path)) == []
    status, err = _run("compute", "--file", str(path))
    assert status == 1 and f"counts.csv:3: column 'numerator': {english}" in err


# -- definitions that do not validate (pydantic's errors, framed in both languages) -----------

BAD_INDICATOR = (
    INDICATOR.replace('numerator = "maternal_deaths"', 'numerator = "live_births"')
    + 'colour = "red"\n'
)


def _engine_refusals():
    polars = pytest.importorskip("polars")
    keywords = {"numerator": "hospital_births", "denominator": "live_births"}
    above = polars.DataFrame({"city": ["X", "X"], "hospital_births": [90.0, 120.0],
                              "live_births": [100.0, 100.0]})  # fmt: skip
    yield lambda: mch.pool(above, "hospital_delivery_rate_cn", by="city", **keywords)
    negative = above.with_columns(hospital_births=polars.Series([90.0, -1.0]))
    yield lambda: mch.pool(negative, "hospital_delivery_rate_cn", **keywords)


def _frame_refusals():
    xr = pytest.importorskip("xarray")
    data = xr.Dataset({"maternal_deaths": ("county", [1.0, -2.0]),
                       "live_births": ("county", [100.0, 200.0])},
                      coords={"county": ["甲县", "乙县"]})  # fmt: skip
    yield lambda: mch.compute(data, "MMR")
    table = pd.DataFrame({"county": ["甲县", "乙县"], "maternal_deaths": [1, -2],
                          "live_births": [100, 200]})  # fmt: skip
    yield lambda: mch.funnel(table, "MMR", by="county")


@pytest.mark.parametrize("kind", ["engines", "frames"])
def test_counts_refused_by_engines_xarray_and_labelled_tables_are_said_in_chinese(kind):
    """polars' pooled refusals (a numerator above its denominator, a count out of range),
    xarray's count out of range and a labelled table's negative count were English only."""
    for call in (_engine_refusals if kind == "engines" else _frame_refusals)():
        with pytest.raises(mch.InvalidInputError) as caught:
            call()
        said = caught.value.reason_zh
        assert said and CJK.search(said), caught.value
        assert english_words(said, "hospital_delivery_rate_cn") == [], said


def test_a_definitions_file_that_does_not_validate_is_framed_in_chinese(tmp_path):
    path = tmp_path / "mine.toml"
    path.write_text(BAD_INDICATOR.replace('direction = "lower"\n', ""), encoding="utf-8")
    with pytest.raises(mch.DefinitionError) as caught:
        mch.load_definitions(path)
    error = caught.value
    assert error.reason == (
        "mine.toml, indicator 'my_rate': direction: Field required; "
        "colour: Extra inputs are not permitted"
    )
    assert error.reason_zh == (
        "mine.toml，指标 my_rate：direction：必须填写；colour：不认识的字段（不允许多余的字段）"
    )
    status, err = _run("--definitions", str(path), "--lang", "zh", "list")
    assert status == 1 and error.reason_zh in err


def test_pydantics_own_account_stays_inside_the_chinese_frame(tmp_path):
    path = tmp_path / "mine.toml"
    text = BAD_INDICATOR.replace('colour = "red"\n', "").replace('unit = "percent"', "unit = 3")
    path.write_text(text.replace('id = "my_rate"\n', ""), encoding="utf-8")
    with pytest.raises(mch.DefinitionError) as caught:
        mch.load_definitions(path)
    zh = caught.value.reason_zh
    assert zh.startswith("mine.toml，第1个指标：") and "unit：" in zh and CJK.search(zh)


def test_a_rule_that_does_not_validate_is_framed_in_chinese(tmp_path):
    from mch_indicators.records import load_rules

    path = tmp_path / "rules.toml"
    path.write_text(
        '[[rule]]\nterm = "stillbirths_28w"\nrecords = "births"\ncolour = 1\n'
        '[[rule]]\nrecords = "births"\n',
        encoding="utf-8",
    )
    with pytest.raises(mch.DefinitionError) as caught:
        load_rules(path)
    assert caught.value.reason.startswith("rules.toml, rule for term 'stillbirths_28w': ")
    assert caught.value.reason_zh.startswith("rules.toml，计数项 stillbirths_28w 的规则：")
    assert "colour：不认识的字段" in caught.value.reason_zh
    path.write_text('[[rule]]\nrecords = "births"\n', encoding="utf-8")
    with pytest.raises(mch.DefinitionError) as caught:
        load_rules(path)
    assert caught.value.reason_zh.startswith("rules.toml，第1条规则：")
    assert "term：必须填写" in caught.value.reason_zh


def test_a_model_built_in_python_is_framed_in_chinese_too():
    with pytest.raises(mch.DefinitionError) as caught:
        mch.Term(id="x")  # type: ignore[call-arg]
    assert caught.value.reason_zh.startswith("Term 'x'：") and "必须填写" in caught.value.reason_zh
