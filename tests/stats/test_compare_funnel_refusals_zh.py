"""The refusals of the comparisons and the funnels, in English and Chinese (label table).

``compare_rates``, ``compare_to_benchmark`` and the funnels raised English only; each
refusal is now a ``[messages]`` entry of ``definitions/labels.toml`` (one per meaning,
shared where the meaning is: a choice among values, one confidence level, shapes that do not
broadcast, a benchmark that is not a number). The English is as it was except where an
entry is shared.
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from pathlib import Path

import pytest

from chinese import CJK, english_words
from mch_indicators import stats
from mch_indicators._errors import InvalidInputError

STATS = Path(stats.__file__).parent

#: (call, the English reason, the Chinese reason, words the Chinese may keep in English)
CASES: dict[str, tuple[Callable[[], object], str, str, tuple[str, ...]]] = {
    "rates: a denominator of 0": (
        lambda: stats.compare_rates(1, 0, 2, 100),
        "n1, n2: a rate needs a denominator above 0; got 0 at [scalar] = 0.0",
        "n1, n2：率的分母须大于 0；以下位置为 0：0.0",
        ("n1", "n2"),
    ),
    "rates: two confidence levels": (
        lambda: stats.compare_rates(1, 10, 2, 100, confidence=(0.9, 0.95)),
        "confidence must be one number such as 0.95, got (0.9, 0.95)",
        "置信水平须为一个数字，如 0.95；收到“(0.9, 0.95)”",
        (),
    ),
    "benchmark: direction": (
        lambda: stats.compare_to_benchmark([2], [100], 1.0, direction="up"),
        "direction must be one of 'lower', 'higher', 'neutral', got 'up'",
        "direction 须为以下之一：'lower'、'higher'、'neutral'；收到 'up'",
        ("direction", "lower", "higher", "neutral", "up"),
    ),
    "benchmark: both or neither": (
        lambda: stats.compare_to_benchmark([2], [100]),
        "give the benchmark as a value (benchmark=) or as benchmark_counts=",
        "请给出基准：数值（benchmark=）或计数（benchmark_counts=），二者取其一",
        ("benchmark", "benchmark_counts"),
    ),
    "benchmark: counts smaller than an area": (
        lambda: stats.compare_to_benchmark([2, 30], [100, 200], benchmark_counts=(20, 1000)),
        "benchmark_counts must contain each area (it is compared with the rest of the "
        "benchmark): the benchmark is smaller than the area at [1] = 30.0; for a benchmark "
        "that does not contain the areas, pass its value as benchmark=",
        "benchmark_counts 须包含每个地区（各地区与基准中其余部分比较）：以下位置的基准小于该地区："
        "[1] = 30.0；基准不包含各地区时，请用 benchmark= 给出基准值",
        ("benchmark_counts", "benchmark"),
    ),
    "funnel: statistic": (
        lambda: stats.funnel_limits([1], [10], statistic="odds"),
        "statistic must be one of 'proportion', 'ratio', 'rate', got 'odds'",
        "statistic 须为以下之一：'proportion'、'ratio'、'rate'；收到 'odds'",
        ("statistic", "proportion", "ratio", "rate", "odds"),
    ),
    "funnel: a missing count": (
        lambda: stats.funnel_limits([1, float("nan")], [10, 10], statistic="proportion"),
        "numerator: every area needs its count, even when it is 0; missing at [1] = nan",
        "分子：每个地区都须有计数，为 0 时也须填 0；以下位置缺失：[1] = nan",
        ("nan",),
    ),
    "funnel: rate_type": (
        lambda: stats.funnel_limits([1], rate=[5.0], statistic="rate", rate_type="odd", years=1),
        "rate_type must be one of 'crude', 'dsr' for a rate funnel, got 'odd'",
        "率漏斗图的 rate_type 须为以下之一：'crude'、'dsr'；收到 'odd'",
        ("rate", "rate_type", "crude", "dsr", "odd"),
    ),
    "funnel: a ratio's multiplier": (
        lambda: stats.funnel_limits([1], [2.0], statistic="ratio", multiplier=100),
        "ratios take no multiplier: ratio_type='isr' gives the ratio × 100, 'count' the "
        "ratio − 1, as PHE draws them",
        "比不接受 multiplier：ratio_type='isr' 给出比 × 100，'count' 给出比 − 1，"
        "与 PHE 的画法相同",
        ("multiplier", "ratio_type", "isr", "count", "PHE"),
    ),
    "funnel: a population of 0": (
        lambda: stats.funnel_limits([0, 1], [0, 10], statistic="proportion"),
        "denominator: every population must be above 0; got [0] = 0.0",
        "分母：每个人口数都须大于 0；收到 [0] = 0.0",
        (),
    ),
    "funnel: lengths": (
        lambda: stats.funnel_limits([1, 2], [10], statistic="proportion"),
        "one value per area in every argument; got lengths numerator 2, denominator 1",
        "每个参数都须每个地区一个值；收到的长度：numerator 2, denominator 1",
        ("numerator", "denominator"),
    ),
    "funnel: method": (
        lambda: stats.funnel_limits([1], [10], statistic="proportion", method="wald"),
        "method must be one of 'phe', 'exact', got 'wald'",
        "method 须为以下之一：'phe'、'exact'；收到 'wald'",
        ("method", "phe", "exact", "wald"),
    ),
}


@pytest.mark.parametrize("case", list(CASES))
def test_the_refusals_of_comparisons_and_funnels_are_said_in_both_languages(case):
    call, english, chinese, kept = CASES[case]
    with pytest.raises(InvalidInputError) as caught:
        call()
    assert caught.value.reason == english
    assert caught.value.reason_zh == chinese
    assert CJK.search(chinese) and english_words(chinese, *kept) == []


@pytest.mark.parametrize("module", ["_compare.py", "_funnels.py"])
def test_every_refusal_of_comparisons_and_funnels_says_a_message_of_the_label_table(module):
    labelled = {"error_of", "choice_error"}
    wrong = [
        node.lineno
        for node in ast.walk(ast.parse((STATS / module).read_text("utf-8")))
        if isinstance(node, ast.Raise)
        and isinstance(node.exc, ast.Call)
        and not (isinstance(node.exc.func, ast.Name) and node.exc.func.id in labelled)
    ]
    assert wrong == []


def test_the_table_funnel_refuses_a_statistic_with_the_same_words():
    import pandas as pd

    import mch_indicators as mch

    table = pd.DataFrame({"county": ["a", "b"], "x": [1, 2], "n": [10, 10]})
    with pytest.raises(InvalidInputError) as caught:
        mch.funnel(table, statistic="odds", numerator="x", denominator="n", by="county")
    assert caught.value.reason == CASES["funnel: statistic"][1]
    assert caught.value.reason_zh == CASES["funnel: statistic"][2]
