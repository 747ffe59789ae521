"""English that was left under Chinese: each refusal said in both languages, at its source.

Refused units, an error's place when no file is named, an unknown indicator raised from
Python, the refusals of loading targets, a number too long to show, and the Chinese text of
a definition's table error with and without pydantic's context. The words are label data
(``definitions/labels.toml``, ``definitions/units.toml``).
"""

from __future__ import annotations

import pickle

import pandas as pd
import pytest
from pydantic import BaseModel, ValidationError

import mch_indicators as mch
from chinese import CJK, english_words, run_cli
from mch_indicators._cli._words import describe_error, error_reason
from mch_indicators._errors import FileLine, InvalidInputError, Words, describe_validation
from mch_indicators._targets import _load_targets
from mch_indicators._unitspec import rejected_tokens
from mch_indicators._validate import quoted

# -- units.toml [rejected] ---------------------------------------------------------------------


@pytest.mark.parametrize("token", ["ppt", "ppb", "ppm", "bp", "bps", "pp", "percentage point"])
def test_a_refused_unit_says_why_in_chinese(token):
    with pytest.raises(mch.UnitError) as caught:
        mch.units.parse(f"5 {token}")
    error = caught.value
    assert error.reason.startswith(f"unit {token!r} ")  # the English is as it was
    assert error.reason_zh is not None and CJK.search(error.reason_zh)
    assert english_words(error.reason_zh, token, "pint") == []


def test_every_refused_unit_has_its_reason_in_both_languages():
    for token, reason in rejected_tokens().items():
        assert isinstance(reason, Words) and reason.en and CJK.search(reason.zh), token


def test_the_command_line_says_a_refused_unit_in_chinese():
    status, _, err = run_cli(
        "compute", "MMR", "-n", "1", "-d", "100", "--unit", "ppt", "--lang", "zh"
    )
    assert status == 1 and "ppt" in err
    assert english_words(err.partition("：错误：")[2], "ppt", "pint") == []


def test_a_target_with_a_refused_unit_is_refused_in_chinese():
    plan = {"name": {"en": "P", "zh": "规划"}, "sources": [{"document": "d"}]}
    target = {"plan": "p", "indicator": "maternal_mortality_ratio", "comparator": "below",
              "value": 70, "year": 2030, "unit": "ppm"}  # fmt: skip
    with pytest.raises(mch.DefinitionError) as caught:
        _load_targets({"plans": {"p": plan}, "target": [target]}, mch.catalog)
    assert "not a reporting unit" in caught.value.reason
    assert "不接受单位“ppm”：不是卫生指标的报告单位" in caught.value.reason_zh


# -- describe_error without a file -------------------------------------------------------------


def test_an_errors_place_is_chinese_when_no_file_is_named():
    error = InvalidInputError("counts cannot be negative", column="deaths", row=3,
                              reason_zh="计数不能为负数")  # fmt: skip
    assert describe_error(error, None, "en") == "column 'deaths', row 3: counts cannot be negative"
    said = describe_error(error, None, "zh")
    assert said == "列“deaths”，行 3：计数不能为负数"  # a frame's row label, not a file's line
    error.row = FileLine(3)  # a row read from a file: its line
    assert describe_error(error, None, "zh") == "列“deaths”，第3行：计数不能为负数"
    labelled = InvalidInputError("x", column="births", row="甲县", reason_zh="不是数字")
    assert describe_error(labelled, None, "zh") == "列“births”，行“甲县”：不是数字"
    assert describe_error(labelled, None, "en") == "column 'births', row '甲县': x"
    assert english_words(describe_error(labelled, None, "zh"), "births") == []


def test_an_errors_place_is_said_once_in_both_languages():
    error = InvalidInputError("bad", column="deaths", row=("甲县", 2024))
    assert error.where() == "column 'deaths', row ('甲县', 2024): "
    assert error.location() == Words(
        "column 'deaths', row ('甲县', 2024): ", "列“deaths”，行“甲县、2024”："
    )
    assert InvalidInputError("bad").location() == Words("", "")


# -- UnknownIndicatorError raised from Python --------------------------------------------------


@pytest.mark.parametrize(
    ("key", "chinese"),
    [
        ("XYZ", "没有与“XYZ”匹配的指标；运行 mch-indicators list 查看指标目录"),
        ("infant mortality", "您要找的是否是：infant_mortality_rate"),
        ("SDG 3.b.1", "“SDG 3.b.1”是多项指标共用的编码；请使用其中一项的编号："),
    ],
)
def test_an_unknown_indicator_says_why_in_chinese_from_python(key, chinese):
    with pytest.raises(mch.UnknownIndicatorError) as caught:
        mch.get(key)
    error = caught.value
    assert chinese in error.reason_zh
    assert error_reason(error, "zh") == error.reason_zh  # the command line says the same
    assert error_reason(error, "en") == error.reason == str(error)
    copy = pickle.loads(pickle.dumps(error))
    assert copy.reason_zh == error.reason_zh and copy.key == key


def test_an_ambiguous_name_says_its_candidates_in_chinese():
    with pytest.raises(mch.AmbiguousIndicatorError) as caught:
        mch.get("maternal mortality rate")
    error = caught.value
    # the Chinese says what the English says: how many, and how candidates of a name differ
    assert error.reason_zh.startswith(
        "“maternal mortality rate”指 2 项不同的指标（体系、年龄段、人群、严重程度或分母不同）；"
        "请使用其中一项的编号："
    )
    for candidate in error.suggestions:
        assert candidate in error.reason_zh
    assert "names 2 different indicators (another tradition" in error.reason


# -- loading targets ---------------------------------------------------------------------------

_PLAN = {"name": {"en": "Plan", "zh": "规划"}, "sources": [{"document": "A plan"}]}
_TARGET = {"plan": "p", "indicator": "maternal_mortality_ratio", "comparator": "below",
           "value": 70, "year": 2030}  # fmt: skip


@pytest.mark.parametrize(
    ("targets", "english", "chinese"),
    [
        ([{**_TARGET, "plan": "nope"}], "unknown plan 'nope'", "未知的规划“nope”"),
        ([{**_TARGET, "indicator": "nope"}], "unknown indicator 'nope'", "未知的指标“nope”"),
        ([_TARGET, _TARGET], "is defined twice", "定义了两次"),
        ([{**_TARGET, "value": "x"}], "targets.toml, target #1", "targets.toml，第1个目标"),
    ],
)
def test_loading_targets_refuses_in_both_languages(targets, english, chinese):
    with pytest.raises(mch.DefinitionError) as caught:
        _load_targets({"plans": {"p": _PLAN}, "target": targets}, mch.catalog)
    error = caught.value
    assert english in error.reason and chinese in error.reason_zh
    assert (
        english_words(error.reason_zh, "targets.toml", "nope", "maternal_mortality_ratio", "value")
        == []
    )


def test_a_plan_that_does_not_validate_is_named_in_chinese():
    with pytest.raises(mch.DefinitionError) as caught:
        _load_targets({"plans": {"p": {"name": {"en": "Plan", "zh": "规划"}}}}, mch.catalog)
    assert caught.value.reason_zh.startswith("targets.toml，规划 p：")
    assert caught.value.reason.startswith("targets.toml, plan 'p': ")


def test_the_built_in_targets_load_without_looking_a_word_up(monkeypatch):
    import tomllib
    from importlib import resources

    import mch_indicators._targets as targets

    said: list[str] = []
    monkeypatch.setattr(targets, "words", lambda key, **values: said.append(key))
    text = (
        resources.files("mch_indicators.definitions").joinpath("targets.toml").read_text("utf-8")
    )
    assert len(_load_targets(tomllib.loads(text), mch.catalog)) > 90
    assert said == []  # the places are said only for a definition refused


# -- a number too long to show -----------------------------------------------------------------


def test_a_number_too_long_to_show_is_described_in_both_languages():
    said = quoted(10**5000)
    assert said == Words("an integer of about 5001 digits", "约5001位的整数")
    assert str(said) == "an integer of about 5001 digits"
    assert quoted("x") == Words("'x'", "'x'")


def test_a_refusal_naming_a_huge_number_is_chinese():
    metadata = {"dataElements": [{"id": "a", "name": 10**5000}]}
    with pytest.raises(mch.InvalidInputError) as caught:
        mch.interop.read_dhis2_metadata(metadata)
    error = caught.value
    assert "an integer of about 5001 digits" in error.reason
    assert "约5001位的整数" in error.reason_zh and "digits" not in error.reason_zh


def test_the_members_of_a_dhis2_choice_are_listed_with_the_chinese_comma():
    with pytest.raises(mch.InvalidInputError) as caught:
        mch.interop.read_dhis2_metadata({}, domain="nope")
    error = caught.value
    assert "domain is one of mortality, maternal_care, " in error.reason
    assert "domain 应为 mortality、maternal_care、" in error.reason_zh
    assert ", " not in error.reason_zh


# -- a definition's table error, with and without pydantic's context ---------------------------


class _Inner(BaseModel):
    value: int = 0


class _Outer(BaseModel):
    table: dict[str, int] = {}
    inner: _Inner = _Inner()


@pytest.mark.parametrize(
    ("field", "kind"), [("table", "dict_type"), ("inner", "model_type")]
)  # fmt: skip
def test_a_table_error_shows_its_braces_once(field, kind):
    with pytest.raises(ValidationError) as caught:
        _Outer.model_validate({field: 5})
    assert caught.value.errors()[0]["type"] == kind
    said = describe_validation(caught.value)
    assert said.zh == f'{field}：应为表（如 {{ en = "...", zh = "..." }}）'
    assert "{{" not in said.zh and "}}" not in said.zh


def test_a_label_without_placeholders_is_formatted_without_values():
    from mch_indicators._labels import label

    assert label("messages", "definition_table", "zh") == '应为表（如 { en = "...", zh = "..." }）'


# -- Target.threshold and Target.evaluate ------------------------------------------------------


def _stunting() -> mch.Target:
    return mch.targets_for("stunting_prevalence_u5", plan="global_nutrition_2025")[0]


def _mmr() -> mch.Target:
    return mch.targets_for("MMR", plan="sdg_2030")[0]


@pytest.mark.parametrize(
    ("call", "english", "chinese"),
    [
        (lambda: _stunting().threshold(), "pass baseline= the 2012 values", "给出2012年的数值"),
        (lambda: _mmr().evaluate([1.0], baseline=[2.0]), "drop baseline=", "请去掉 baseline="),
        (lambda: _mmr().evaluate(mch.get("IMR").compute([1], [100])), "not for infant",
         "不是 infant_mortality_rate 的"),
        (lambda: _mmr().evaluate(mch.get("MMR").compute([1], [100]), unit="%"),
         "drop unit=", "请去掉 unit="),
        (lambda: _stunting().evaluate([1, 2, 3], baseline=[1, 2]), "shapes (3,) / (2,)",
         "形状不能对应"),
    ],
)  # fmt: skip
def test_a_targets_refusals_are_said_in_chinese(call, english, chinese):
    with pytest.raises(mch.InvalidInputError) as caught:
        call()
    assert english in str(caught.value)
    reason = caught.value.reason_zh or ""
    assert chinese in reason
    ids = (
        "global_nutrition_2025/stunting_prevalence_u5/2025", "sdg_2030",
        "maternal_mortality_ratio", "infant_mortality_rate", "baseline=", "unit=",
        "result.value", "Result",
    )  # fmt: skip
    assert english_words(reason, *ids, pattern=r"(?<![\w./=])[a-z]{3,}(?![\w.=/])") == []


# -- refusals that quoted a value in English only (a trend, a benchmark, a catalog key) --------


def _refusal(call) -> mch.InvalidInputError:
    with pytest.raises(mch.InvalidInputError) as caught:
        call()
    return caught.value


def test_a_trend_beyond_any_float_is_refused_in_both_languages():
    trend = mch.stats.trend([40, 36, 35, 30, 29, 25], [10000] * 6, range(2019, 2025),
                            multiplier=1000, dispersion="none")  # fmt: skip
    error = _refusal(lambda: trend.projection([2025, -1e6]))
    assert error.reason.startswith("the trend line in [2025.0, -1000000.0] is beyond the largest")
    assert error.reason_zh == (
        "[2025.0, -1000000.0] 年的趋势线超出了浮点数能表示的最大值；"
        "请预测较近的年份（或降低置信水平）"
    )
    error = _refusal(lambda: trend.prediction(-1e6))
    assert error.reason.startswith("the prediction in -1000000.0 is beyond")
    assert error.reason_zh.startswith("-1000000.0 年的预测区间超出了")
    error = _refusal(lambda: trend.arr(confidence=1 - 1e-16, form="compound"))
    assert error.reason.startswith("the compound rate's interval at this confidence is beyond")
    assert error.reason_zh == (
        "此置信水平下复合变化率的区间超出了浮点数能表示的最大值；请降低置信水平"
    )
    error = _refusal(lambda: trend.prediction(2030, denominator=0))
    assert error.reason == "denominator: a future year needs births above 0"
    assert error.reason_zh == "分母：预测年份的出生数须大于0"


@pytest.mark.parametrize(
    ("benchmark", "english", "allowed"),
    [
        ([1], "benchmark must be a number, a Target, 'total', a column name", "list"),
        (None, "(the benchmark rows); got None", "None"),
        (float("nan"), "benchmark must be a finite number, got nan", "nan"),
        ("zzz", "benchmark 'zzz' is not a column of the frame; benchmark must be", "zzz"),
    ],
)
def test_a_benchmark_compare_cannot_take_is_refused_in_both_languages(benchmark, english, allowed):
    import pandas as pd

    frame = pd.DataFrame({"county": ["A", "B"], "maternal_deaths": [1, 2],
                          "live_births": [100, 200]})  # fmt: skip
    error = _refusal(lambda: mch.compare(frame, "MMR", benchmark=benchmark))
    assert english in error.reason
    assert error.reason_zh and CJK.search(error.reason_zh) and "{{" not in error.reason_zh
    assert english_words(error.reason_zh, allowed, "benchmark", "total") == []


@pytest.mark.parametrize(
    ("call", "english", "chinese"),
    [
        (lambda: mch.get(5), "indicator key must be text (an id, name, alias or code such as "
         "'MMR'), got int 5", "指标须以文字给出（编号、名称、别名或编码，如 MMR），而不是 int 5"),
        (lambda: mch.catalog.search(None), "search query must be text", "检索词须为文字"),
    ],
)  # fmt: skip
def test_a_key_or_a_query_that_is_not_text_is_refused_in_both_languages(call, english, chinese):
    error = _refusal(call)
    assert english in error.reason and chinese in error.reason_zh
    assert english_words(error.reason_zh, "int", "NoneType", "None") == []


# -- why the system refused a file (an OSError's reason), by its code --------------------------


def test_a_file_that_cannot_be_written_says_why_in_chinese(tmp_path):
    target = tmp_path / "missing" / "report.xlsx"
    status, _, err = run_cli("export", "MMR", "--output", str(target), "--lang", "zh")
    assert status == 3 and f"{target}：无法写入（文件或文件夹不存在）" in err
    assert english_words(err.partition("：错误：")[2], str(target)) == []
    status, _, err = run_cli("export", "MMR", "--output", str(target))
    assert status == 3 and f"{target}: cannot write (No such file or directory)" in err


def test_a_stream_that_cannot_be_read_says_why_in_chinese():
    import errno

    class Failing:
        name = "counts.csv"

        def read(self):
            raise OSError(errno.EIO, "Input/output error")

    error = _refusal(lambda: mch.read_table(Failing()))
    assert error.reason == "counts.csv: cannot read file (Input/output error)"
    assert error.reason_zh == "counts.csv：无法读取文件（设备读写出错）"


def test_every_system_reason_with_words_names_a_code_of_the_system():
    import errno

    from mch_indicators._labels import labels

    codes = [key.removeprefix("os_") for key in labels()["messages"] if key.startswith("os_")]
    assert codes and all(hasattr(errno, code) for code in codes)


# -- why a value was suppressed ----------------------------------------------------------------


def test_a_suppression_says_why_in_chinese_and_as_before_in_english():
    rule = mch.stats.Suppression(
        min_numerator=5, min_denominator=100, max_rse=0.3, name="本地规则"
    )
    assert rule.reasons([3, 40], [50, 4000], binomial=False) == [
        "numerator 3 < 5; denominator 50 < 100; RSE 58% > 30% (本地规则)", ""]  # fmt: skip
    assert rule.reasons([3, 40], [50, 4000], binomial=False, lang="zh") == [
        "分子 3 < 5；分母 50 < 100；相对标准误 58% > 30%（本地规则）", ""]  # fmt: skip
    result = mch.get("MMR").compute([2, 30], [26954, 30000]).suppress("ons")
    assert result.reasons == ["numerator 2 < 3 (ONS: fewer than 3 events)", ""]
    assert result.reasons_in("zh") == ["分子 2 < 3（ONS规则：少于3例）", ""]
    assert result[0].format(lang="zh") == "已隐去：分子 2 < 3（ONS规则：少于3例）"
    assert result[0].format() == "suppressed: numerator 2 < 3 (ONS: fewer than 3 events)"


@pytest.mark.parametrize("lean", [False, True])
def test_a_table_says_why_a_row_was_suppressed_in_chinese_lean_or_not(lean):
    """A lean table (no counts to say the reasons again from) kept them in English."""
    one = pd.DataFrame({"county": ["甲", "乙"], "maternal_deaths": [1, 30],
                        "live_births": [1000, 30000]})  # fmt: skip
    wide = pd.DataFrame({"县区": ["甲"], "年份": [2024], "孕产妇死亡数": [1], "活产数": [1000]})
    long = pd.DataFrame({"county": ["甲"], "indicator": ["MMR"], "numerator": [1],
                         "denominator": [1000]})  # fmt: skip
    for table, key in ((one, "MMR"), (wide, None), (long, None)):
        out = mch.compute(table, key, suppress="ons", lang="zh", lean=lean)
        assert out["隐去原因"].iloc[0] == "分子 1 < 3（ONS规则：少于3例）"
        english = mch.compute(table, key, suppress="ons", lean=lean)
        assert (
            english["suppressed_because"].iloc[0] == "numerator 1 < 3 (ONS: fewer than 3 events)"
        )


@pytest.mark.parametrize("fmt", ["text", "table", "csv", "json"])
def test_the_command_line_says_why_a_value_was_suppressed_in_chinese(fmt):
    args = ("compute", "MMR", "-n", "2", "-d", "26954", "--suppress", "nchs", "--format", fmt)
    status, out, _ = run_cli(*args, "--lang", "zh")
    assert status == 0 and "分子 2 < 20（NCHS规则：少于20例）" in out
    assert english_words(out.replace("null", " "), "NCHS") == []  # JSON null is syntax
    status, out, _ = run_cli(*args)
    assert "numerator 2 < 20 (NCHS: fewer than 20 events)" in out


def test_a_definitions_file_that_cannot_be_read_says_why_in_chinese(tmp_path):
    missing = tmp_path / "mine.toml"
    status, _, err = run_cli("--definitions", str(missing), "list", "--lang", "zh")
    assert status == 1 and f"{missing}：无法读取（文件或文件夹不存在）" in err
    status, _, err = run_cli("--definitions", str(missing), "list")
    assert status == 1 and f"{missing}: cannot be read (No such file or directory)" in err


def test_an_unknown_template_set_lists_the_known_ones_with_the_chinese_comma(tmp_path):
    out = str(tmp_path / "t.xlsx")
    status, _, err = run_cli("template", "--out", out, "--set", "x", "--lang", "zh")
    assert status == 1 and "未知的指标组“x”；已有的指标组：county_annual、mortality" in err
    status, _, err = run_cli("template", "--out", out, "--set", "x")
    assert status == 1 and "known sets: county_annual, mortality" in err


def test_a_table_computed_in_chinese_says_why_its_rows_were_suppressed_in_chinese(tmp_path):
    import pandas as pd

    frame = pd.DataFrame({"county": ["A", "B"], "maternal_deaths": [1, 20],
                          "live_births": [1000, 2000]})  # fmt: skip
    chinese = mch.compute(frame, "MMR", suppress="nchs", lang="zh")
    assert chinese["隐去原因"].tolist() == ["分子 1 < 20（NCHS规则：少于20例）", ""]
    english = mch.compute(frame, "MMR", suppress="nchs")
    assert english["suppressed_because"].tolist() == [
        "numerator 1 < 20 (NCHS: fewer than 20 events)", ""]  # fmt: skip
    path = tmp_path / "counts.csv"
    path.write_text("县区,年份,活产数,孕产妇死亡数\n甲县,2024,1000,1\n乙县,2024,2000,20\n")
    for fmt in ("table", "csv", "json"):
        args = ("compute", "--file", str(path), "--indicators", "MMR", "--suppress", "nchs")
        status, out, _ = run_cli(*args, "--format", fmt, "--lang", "zh")
        assert status == 0 and "分子 1 < 20（NCHS规则：少于20例）" in out, fmt
        assert english_words(out.replace("null", " "), "NCHS") == [], fmt
        status, out, _ = run_cli(*args, "--format", fmt)
        assert "numerator 1 < 20 (NCHS: fewer than 20 events)" in out, fmt
