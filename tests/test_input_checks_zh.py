"""The refusals a command-line or API user meets first are said in Chinese too.

The command line's option values (``--numerator -1``, ``--method``, ``--unit``, ``--plan``)
and every input check of ``_validate.py`` (the checks every surface calls) raise label
messages (``[messages]`` of ``definitions/labels.toml``) through ``error_of``; the command
line shows the Chinese text under ``--lang zh``, with no English word left in it but the
values to type (a method's, a unit's, a plan's name) and the user's own values.
"""

from __future__ import annotations

import ast
import io
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import chinese
import mch_indicators as mch
from chinese import CJK, run_cli
from mch_indicators._validate import (
    align_labelled,
    check_broadcast,
    check_confidence,
    check_level,
    check_multiplier,
    check_range,
    coerce_counts,
    coerce_values,
)

PACKAGE = Path(mch.__file__).parent
UNITS = ("fraction", "percent", "permille", "per_100k", "per_100", "per_10k", "per_1k")


def english_words(text: str, *allowed: str) -> list[str]:
    """English words left, upper-case ones too (an option's value is said as given)."""
    return chinese.english_words(text, *allowed, pattern=r"(?<![\w.])[A-Za-z]{3,}(?![\w.])")


def _run(*args: str) -> tuple[int, str]:
    status, _, err = run_cli(*args)
    return status, err


# -- the command line's option values -----------------------------------------------------


@pytest.mark.parametrize(
    ("args", "chinese", "allowed"),
    [
        (("compute", "MMR", "-n", "-1", "-d", "10"), "分子：计数不能为负数；收到 -1.0", ()),
        (("compute", "MMR", "-n", "1", "-d", "-10"), "分母：计数不能为负数；收到 -10.0", ()),
        (
            ("compute", "MMR", "-n", "1", "-d", "10", "--method", "nope"),
            "未知的置信区间方法“nope”；可用：exact、byar、phe、wald"
            "（或 exact-c、garwood、normal）",
            ("nope", "exact", "byar", "phe", "wald", "exact-c", "garwood", "normal"),
        ),
        (
            ("compute", "MMR", "-n", "1", "-d", "10", "--unit", "nope"),
            "未知的单位“nope”；已有的单位：fraction、%（percent）、",
            ("nope", *UNITS),
        ),
        (
            ("targets", "MMR", "--plan", "nope"),
            "未知的规划“nope”；已有的规划：sdg_2030、enap_2030、",
            ("nope", *(t.plan.id for t in mch.targets_for("MMR", variants=True))),
        ),
        (
            ("targets", "--plan", "nope"),
            "未知的规划“nope”；已有的规划：sdg_2030、enap_2030、",
            ("nope", *(t.plan.id for t in mch.targets)),
        ),
        (
            ("compute", "MMR", "-n", "1.5", "-d", "10"),
            "--numerator：1.5 不是整数，而孕产妇死亡数（maternal_deaths）应为人数或事件数",
            ("--numerator", "maternal_deaths"),
        ),
        (
            ("compute", "MMR", "-n", "1", "-d", "10", "--confidence", "95"),
            "置信水平 95.0 不在 0 与 1 之间（不含 0 和 1）；是否想写 0.95？",
            (),
        ),
    ],
)
def test_an_option_value_refused_is_said_in_chinese(args, chinese, allowed):
    status, err = _run(*args, "--lang", "zh")
    assert status == 1
    said = err.partition("错误：")[2].strip()
    assert said.startswith(chinese), err
    assert english_words(said, *allowed, "mch", "indicators") == [], said
    status, err = _run(*args)
    assert status == 1 and not CJK.search(err), err  # English stays English


def test_the_english_texts_are_unchanged():
    _status, err = _run("compute", "MMR", "-n", "-1", "-d", "10")
    assert "numerator: counts cannot be negative; got [scalar] = -1.0" in err
    _status, err = _run("compute", "MMR", "-n", "1", "-d", "10", "--method", "nope")
    assert "unknown interval method 'nope'; use one of: exact, byar, phe, wald " in err
    assert "(or exact-c, garwood, normal)" in err
    _status, err = _run("compute", "MMR", "-n", "1", "-d", "10", "--unit", "nope")
    assert "unknown unit 'nope'; known units: fraction (fraction), % (percent), per 100" in err
    _status, err = _run("targets", "MMR", "--plan", "nope")
    assert "unknown plan 'nope'; known plans: sdg_2030, enap_2030, " in err


def test_a_method_of_the_other_family_is_said_in_chinese():
    with pytest.raises(mch.InvalidInputError) as caught:
        mch.compute(indicator="MMR", numerator=1, denominator=10, method="wilson")
    error = caught.value
    assert error.reason.startswith("method 'wilson' is for binomial data and does not fit")
    said = "置信区间方法“wilson”适用于二项分布数据，不适合这类指标；可用："
    assert error.reason_zh.startswith(said)


# -- every input check of _validate.py -----------------------------------------------------


def _refused(call, *args, **keywords) -> mch.InvalidInputError:
    with pytest.raises(mch.InvalidInputError) as caught:
        call(*args, **keywords)
    return caught.value


class _Ragged:
    """An array-like numpy cannot read (as a ragged nested sequence)."""

    def __array__(self, dtype=None, copy=None):
        raise ValueError("setting an array element with a sequence")


def _cases():
    a = pd.Series([1, 2], index=["A", "B"])
    return [
        (coerce_counts, (["a", 1], "x"), "x：计数须为数字；以下位置不是数字：[0] = 'a'"),
        (coerce_counts, (_Ragged(), "x"), "x：无法读作数组（可能是长短不一的嵌套序列）"),
        (coerce_counts, (np.array([True]), "x"), "x：收到的是布尔值，计数须为数字"),
        (coerce_counts, (np.array([1j]), "x"), "x：收到的是复数，计数须为实数"),
        (coerce_counts, (np.array(["2024-01-01"], "M8[D]"), "x"), "x：收到的是日期，计数须为实数"),
        (coerce_counts, (np.array([1], "m8[D]"), "x"), "x：收到的是时间间隔，计数须为实数"),
        (coerce_values, (np.array(["a"]), "values"), "values须为数字，收到的是 <U1 类型的数组"),
        (coerce_values, (np.array([np.inf]), "values"), "values须为有限的数字或 NaN"),
        (
            check_range,
            (np.array([-1.0] * 7), "numerator"),
            "分子：计数不能为负数；收到 [0] = -1.0",
        ),
        (check_range, (np.array([np.inf]), "numerator"), "分子：计数须为有限值；收到 [0] = inf"),
        (check_range, (np.array([2.0**60]), "x"), "x：大于 2**53（约 9.0e15）的计数无法精确保存"),
        (
            lambda: check_range(np.array([1e-20]), "denominator", denominator=True),
            (),
            "分母：分母须为 0 或不小于 2**-53（约 1.1e-16）；收到 [0] = 1e-20",
        ),
        (check_multiplier, ("x",), "multiplier须为数字，如 100000；收到“x”"),
        (check_multiplier, (0,), "multiplier须为正数且不超过 1e9；收到 0"),
        (
            mch.compute,
            (),
            "分子（形状 (2,)）与分母（形状 (3,)）无法广播为同一形状",
        ),
        (
            lambda: check_broadcast(x=np.zeros(2), n=np.zeros(3)),
            (),
            "以下形状无法广播为同一形状：x (2,)、n (3,)",
        ),
        (check_confidence, ("x",), "置信水平须为数字，如 0.95；收到“x”"),
        (check_confidence, ([],), "置信水平：请至少给出一个，如 0.95"),
        (check_confidence, ([0.95, "x"],), "置信水平须为数字，如 0.95；收到“x”"),
        (check_confidence, (1.5,), "置信水平 1.5 不在 0 与 1 之间（不含 0 和 1）"),
        (check_confidence, ((0.95, 0.95),), "置信水平 0.95重复给出：两者都会标为 95%；"),
        (
            check_confidence,
            ((0.95, 0.95 + 1e-14),),
            "置信水平 0.95000000000001与 0.95 过于接近：两者都会标为 95%；",
        ),
        (check_level, ([0.95],), "置信水平须为一个数字，如 0.95；收到“[0.95]”"),
        (
            lambda: align_labelled(x=a, n=pd.DataFrame({"c": [1, 2]}, index=["A", "B"])),
            (),
            "x 和 n 不都是 Series（或不都是 DataFrame）",
        ),
        (
            lambda: align_labelled(x=a, n=pd.Series([1, 2], index=["A", "A"])),
            (),
            "x 和 n 的标签不同，且有重复的标签：无法按标签配对；请给它们相同的索引",
        ),
        (
            lambda: align_labelled(x=a, n=pd.Series([1, 2, 3], index=["A", "C", "D"])),
            (),
            "x 和 n 的标签（行索引）不同：'B' 只在 x 中；数值按标签配对，从不按位置配对",
        ),
        (
            lambda: align_labelled(x=pd.Series([1, 2, 3], index=["A", "C", "D"]), n=a),
            (),
            "x 和 n 的标签（行索引）不同：'C' 只在 x 中（另有 1 个）；",
        ),
    ]


@pytest.mark.parametrize(("call", "args", "chinese"), _cases())
def test_each_input_check_is_said_in_chinese(call, args, chinese):
    if call is mch.compute:
        error = _refused(call, indicator="MMR", numerator=[1, 2], denominator=[1, 2, 3])
    else:
        error = _refused(call, *args)
    assert error.reason_zh is not None and error.reason_zh.startswith(chinese), error.reason_zh
    allowed = ("multiplier", "values", "NaN", "Series", "DataFrame", "True", "False", "inf")
    assert english_words(error.reason_zh, *allowed, "(int)") == [], error.reason_zh
    assert not CJK.search(error.reason), error.reason


def test_the_xarray_checks_are_said_in_chinese():
    xr = pytest.importorskip("xarray")
    x = xr.DataArray([1, 2], dims="county", coords={"county": ["A", "B"]})
    n = xr.DataArray([1, 2], dims="county", coords={"county": ["A", "C"]})
    error = _refused(align_labelled, x=x, n=n)
    assert error.reason_zh == "x 和 n 的维度和坐标不一致；数值按标签配对，从不按位置配对"
    error = _refused(align_labelled, x=x, n=pd.Series([1, 2], index=["A", "B"]))
    assert error.reason_zh.startswith("x 和 n 混用了 pandas 和 xarray 的标签")


def test_positions_beyond_the_first_five_are_counted_in_english_and_chinese():
    error = _refused(check_range, np.array([-1.0] * 7), "numerator")
    assert error.reason.endswith("[4] = -1.0 and 2 more")
    assert error.reason_zh.endswith("[4] = -1.0，另有 2 处")


#: The functions of _validate.py that make an error of the label table (each through error_of).
LABELLED_ERRORS = {"error_of", "impossible_counts", "choice_error"}


def test_every_raise_of_the_input_checks_says_a_message_of_the_label_table():
    path = PACKAGE / "_validate.py"
    tree = ast.parse(path.read_text("utf-8"))
    wrong = [
        node.lineno
        for node in ast.walk(tree)
        if isinstance(node, ast.Raise)
        and isinstance(node.exc, ast.Call)
        and not (isinstance(node.exc.func, ast.Name) and node.exc.func.id in LABELLED_ERRORS)
    ]
    assert wrong == []
    for node in ast.walk(tree):  # the makers of errors return error_of's
        if isinstance(node, ast.FunctionDef) and node.name in LABELLED_ERRORS - {"error_of"}:
            returned = [n.value for n in ast.walk(node) if isinstance(n, ast.Return)]
            assert returned and all(
                isinstance(r, ast.Call) and getattr(r.func, "id", None) == "error_of"
                for r in returned
            ), node.name


# -- a line with another number of fields than the header ---------------------------------


@pytest.mark.parametrize(
    ("text", "english", "chinese"),
    [
        (
            "births\n" + "\n".join(map(str, range(30))) + "\n3,4\n",
            "<stream>:32: expected 1 field as in the header, saw 2",
            "<stream> 第32行：应与表头一样有 1 个字段，实有 2 个",
        ),
        (
            "a,b\n1,2\n3\n",
            "<stream>:3: expected 2 fields as in the header, saw 1",
            "<stream> 第3行：应与表头一样有 2 个字段，实有 1 个",
        ),
    ],
)
def test_a_line_of_another_width_says_one_field_in_the_singular(text, english, chinese):
    with pytest.raises(mch.InvalidInputError) as caught:
        mch.read_table(io.BytesIO(text.encode("utf-8")))
    assert (caught.value.reason, caught.value.reason_zh) == (english, chinese)
