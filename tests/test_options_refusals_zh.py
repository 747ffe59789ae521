"""Refusals of the compute options and of a long table's indicator, in English and Chinese.

Reached from the pandas API (``mch.compute(..., on_invalid="x")``) and the command line
(``compute --file`` with a method that does not fit an indicator of the table); they were
English only. The words are ``[messages]`` of ``definitions/labels.toml``.
"""

from __future__ import annotations

import pandas as pd
import pytest

import mch_indicators as mch
from chinese import CJK, english_words, run_cli

COUNTS = pd.DataFrame({"maternal_deaths": [1], "live_births": [100]})


@pytest.mark.parametrize(
    ("options", "english", "chinese", "kept"),
    [
        ({"on_invalid": "x"}, "on_invalid must be one of 'raise', 'flag', got 'x'",
         "on_invalid 须为以下之一：'raise'、'flag'；收到 'x'",
         ("on_invalid", "raise", "flag", "x")),
        ({"suppress": 5}, "suppress must be a Suppression(...) rule or a preset name ('ons', "
         "'nchs', 'uscs'), got a number 5", "suppress 须为一条 Suppression 规则或预设名称："
         "'ons'、'nchs'、'uscs'；收到 数字 5", ("suppress", "Suppression", "ons", "nchs", "uscs")),
        ({"colour": 1}, "unknown option 'colour'; the options are confidence, method, "
         "on_invalid, reliability, suppress",
         "未知的选项“colour”；可用的选项：confidence、method、on_invalid、reliability、suppress",
         ("colour", "confidence", "method", "on_invalid", "reliability", "suppress")),
        ({"method": 3}, "method must be the name of a method, got 3",
         "method 须为置信区间方法的名称；收到 3", ("method",)),
        ({"reliability": "yes"}, "reliability must be a Reliability(...) rule or None, got str "
         "'yes'", "reliability 须为一条 Reliability 规则或 None；收到 str 'yes'",
         ("reliability", "Reliability", "None", "str", "yes")),
    ],
)  # fmt: skip
def test_a_compute_option_refused_is_said_in_both_languages(options, english, chinese, kept):
    with pytest.raises(mch.InvalidInputError) as caught:
        mch.compute(COUNTS, "MMR", **options)
    assert caught.value.reason == english
    assert caught.value.reason_zh == chinese
    assert english_words(chinese, *kept) == []


def test_an_empty_indicator_of_a_long_table_is_said_in_both_languages():
    table = pd.DataFrame({"indicator": ["MMR", None], "numerator": [1, 2],
                          "denominator": [100, 100]})  # fmt: skip
    with pytest.raises(mch.InvalidInputError) as caught:
        mch.compute(table)
    error = caught.value
    assert (error.row, error.column) == (1, "indicator")
    assert str(error) == "column 'indicator', row 1: the indicator is empty"
    assert error.reason_zh == "未填写指标"


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_method_that_does_not_fit_an_indicator_of_the_file_is_said_in_its_language(
    tmp_path, lang
):
    path = tmp_path / "counts.csv"
    path.write_text("indicator,numerator,denominator\nMMR,1,100\n", encoding="utf-8")
    status, _, err = run_cli("compute", "--file", str(path), "--method", "wilson", "--lang", lang)
    assert status == 1
    if lang == "en":
        assert "error: indicator 'MMR': method 'wilson' is for binomial data" in err
    else:
        said = err.partition("：错误：")[2]
        assert said.startswith("指标“MMR”：置信区间方法“wilson”适用于") and CJK.search(said)
        kept = ("MMR", "wilson", "exact", "byar", "phe", "wald", "exact-c", "garwood", "normal")
        assert english_words(said, *kept) == []
