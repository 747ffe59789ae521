"""Counts no population gives, refused once for every statistic, in English and Chinese.

Events over a denominator of 0, and a proportion's numerator above its denominator: one
refusal (``_validate.refuse_impossible_counts``, its words in ``definitions/labels.toml``)
for the smoothing, the trends and joinpoints, the funnels, the comparison of two
proportions and the engine of every interval (``stats.proportion_ci``, ``Indicator.compute``,
the command line). Each caller keeps whom it blames and where.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest

import mch_indicators as mch
from chinese import CJK, english_words, run_cli
from mch_indicators import stats
from mch_indicators._errors import InvalidInputError
from mch_indicators._validate import refuse_impossible_counts

ZERO = "events over a denominator of 0"
ABOVE = "exceeds its denominator, impossible for a proportion"
ZERO_ZH = "分母为 0 却有事件"
ABOVE_ZH = "大于分母，构成比不可能如此"

#: (call, what is blamed in English, in Chinese, the condition in each, the positions said)
CASES: dict[str, tuple[Callable[[], object], str, str, str, str, str]] = {
    "smooth, events over 0": (
        lambda: stats.smooth([1, 2, 3], [100, 0, 100]),
        "counts", "counts", ZERO, ZERO_ZH, "[1]: 2 / 0",
    ),
    "smooth, beta-binomial above": (
        lambda: stats.smooth([1, 200, 3], [100, 100, 100], model="beta-binomial"),
        "counts", "counts", ABOVE, ABOVE_ZH, "[1]: 200 > 100",
    ),
    "trend, events over 0": (
        lambda: stats.trend([[1, 2, 3, 4, 5]] * 2, [[100] * 5, [100, 0, 100, 100, 100]],
                            range(5)),
        "denominator", "分母", ZERO, ZERO_ZH, "[1, 1]: 2 / 0",
    ),
    "trend, binomial above": (
        lambda: stats.trend([1, 2, 3, 4, 5], 3, range(5), family="binomial"),
        "numerator", "分子", ABOVE, ABOVE_ZH, "[3]: 4 > 3",
    ),
    "joinpoint, events over 0": (
        lambda: stats.joinpoint(np.arange(1, 9), [3, 0, 3, 3, 3, 3, 3, 3], range(8)),
        "denominator", "分母", ZERO, ZERO_ZH, "[1]: 2 / 0",
    ),
    "joinpoint, binomial above": (
        lambda: stats.joinpoint(np.arange(1, 9), 3, range(8), model="binomial"),
        "numerator", "分子", ABOVE, ABOVE_ZH, "[3]: 4 > 3",
    ),
    "funnel_limits, above": (
        lambda: stats.funnel_limits([1, 20, 3], [10, 10, 10], statistic="proportion"),
        "numerator", "分子", ABOVE, ABOVE_ZH, "[1]: 20 > 10",
    ),
    "funnel_significance, above": (
        lambda: stats.funnel_significance([1, 20, 3], [10, 10, 10], statistic="proportion"),
        "numerator", "分子", ABOVE, ABOVE_ZH, "[1]: 20 > 10",
    ),
    "compare_proportions, events over 0": (
        lambda: stats.compare_proportions(1, 10, [2, 2], [10, 0]),
        "x2", "x2", ZERO, ZERO_ZH, "[1]: 2 / 0",
    ),
    "compare_proportions, above": (
        lambda: stats.compare_proportions([1, 11], 10, 2, 10),
        "x1", "x1", ABOVE, ABOVE_ZH, "[1]: 11 > 10",
    ),
    "proportion_ci, above": (
        lambda: stats.proportion_ci([5, 12], [10, 10]),
        "numerator", "分子", ABOVE, ABOVE_ZH, "[1]: 12 > 10",
    ),
    "Indicator.compute, above": (
        lambda: mch.get("hospital_delivery_rate").compute([5, 12], [10, 10]),
        "numerator", "分子", ABOVE, ABOVE_ZH, "[1]: 12 > 10",
    ),
}  # fmt: skip


@pytest.mark.parametrize("case", CASES)
def test_each_statistic_refuses_in_one_wording_and_in_chinese(case: str) -> None:
    call, blamed, blamed_zh, said, said_zh, where = CASES[case]
    with pytest.raises(InvalidInputError) as caught:
        call()
    error = caught.value
    assert error.reason.startswith(f"{blamed}: {said}"), error.reason
    assert where in error.reason
    assert error.reason_zh is not None and error.reason_zh.startswith(f"{blamed_zh}：{said_zh}")
    assert where.replace(", ", "、") in error.reason_zh or where in error.reason_zh
    assert english_words(error.reason_zh, "counts") == [], error.reason_zh


def test_a_trend_names_series_and_year_or_the_year_alone() -> None:
    with pytest.raises(InvalidInputError) as caught:
        CASES["trend, events over 0"][0]()
    assert "at [series, year] [1, 1]: 2 / 0" in caught.value.reason
    assert "[序列, 年份] [1, 1]: 2 / 0" in str(caught.value.reason_zh)
    with pytest.raises(InvalidInputError) as caught:
        stats.trend([1, 2, 3, 4, 5], [100, 0, 100, 100, 100], range(5))
    assert "at [year] [1]: 2 / 0" in caught.value.reason
    assert "[年份] [1]: 2 / 0" in str(caught.value.reason_zh)


def test_the_engine_names_only_the_numerators_above_a_positive_denominator() -> None:
    # 5 of 0 is flagged ZERO_DENOMINATOR, not refused: the refusal of 12 of 10 does not name it
    with pytest.raises(InvalidInputError) as caught:
        stats.proportion_ci([5, 12], [0, 10])
    assert caught.value.reason.endswith(f"{ABOVE}, at [1]: 12 > 10"), caught.value.reason
    assert "[0]" not in str(caught.value.reason_zh)
    assert caught.value.hint is not None and caught.value.hint.keyword == "on_invalid"
    flagged = mch.get("hospital_delivery_rate").compute([5, 9], [0, 10], reliability=None)
    assert flagged.flags.tolist() == [mch.Flag.ZERO_DENOMINATOR, 0]


def test_a_scalar_is_said_without_its_position_in_chinese() -> None:
    with pytest.raises(InvalidInputError) as caught:
        stats.proportion_ci(11, 10)
    assert caught.value.reason.endswith("at [scalar]: 11 > 10")
    assert caught.value.reason_zh == f"分子：{ABOVE_ZH}：11 > 10"


def test_a_proportion_of_nothing_is_still_refused_by_the_comparison() -> None:
    with pytest.raises(InvalidInputError) as caught:
        stats.compare_proportions(1, 10, [2, 0], [10, 0])
    assert caught.value.reason.startswith("x2: a proportion needs a denominator above 0")
    assert "[1]" in caught.value.reason
    assert english_words(str(caught.value.reason_zh)) == [], caught.value.reason_zh


def test_missing_counts_and_possible_ones_pass() -> None:
    x = np.array([0.0, np.nan, 3.0, 4.0])
    n = np.array([0.0, 0.0, np.nan, 4.0])
    refuse_impossible_counts(x, n, "numerator")  # 0 of 0, missing, 4 of 4: nothing raised


def test_many_positions_are_summarised() -> None:
    with pytest.raises(InvalidInputError) as caught:
        refuse_impossible_counts(np.full(8, 3.0), np.zeros(8), "counts", proportion=False)
    assert caught.value.reason.endswith("[4]: 3 / 0 and 3 more")
    assert str(caught.value.reason_zh).endswith("[4]: 3 / 0，另有 3 处")


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_command_line_refuses_a_numerator_above_its_denominator(lang: str) -> None:
    status, _, err = run_cli("compute", "住院分娩率", "-n", "11", "-d", "10", "--lang", lang)
    assert status == 1 and len(err.strip().splitlines()) == 1
    if lang == "en":
        assert f"numerator: {ABOVE}, at [scalar]: 11 > 10; use --on-invalid flag" in err
        return
    said = err.partition("：错误：")[2]
    assert said.startswith(f"分子：{ABOVE_ZH}：11 > 10；") and CJK.search(said)
    assert english_words(said, "--on-invalid flag") == [], said
