"""Indicator.compute: shapes, flags, every bad-input case, and the Result object."""

from __future__ import annotations

import math
import pickle
import warnings
from decimal import Decimal
from fractions import Fraction
from unittest import mock

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import mch_indicators as mch
from mch_indicators import Flag, InvalidInputError
from strategies import make_indicator

PROPORTION = make_indicator("proportion", "percent")
RATIO = make_indicator("ratio", "per_100k")
COVERAGE = make_indicator("coverage", "percent")


def test_scalars_sequences_and_arrays_agree():
    a = RATIO.compute(2, 26954)
    b = RATIO.compute([2], [26954])
    c = RATIO.compute(np.array([[2]]), np.array([26954]))
    assert a.shape == () and b.shape == (1,) and c.shape == (1, 1)
    assert float(a.value) == b.value[0] == c.value[0, 0]


def test_broadcasting_keeps_the_common_shape():
    result = RATIO.compute([[1], [2], [3]], [1000, 2000])
    assert result.shape == (3, 2)
    assert result.numerator.tolist() == [[1, 1], [2, 2], [3, 3]]
    np.testing.assert_allclose(result.value[2], [300.0, 150.0])


def test_shapes_that_do_not_broadcast_name_both():
    with pytest.raises(InvalidInputError, match=r"shape \(3,\).*shape \(2,\)"):
        RATIO.compute([1, 2, 3], [10, 20])


def test_missing_counts_give_nan_and_missing_flag():
    result = PROPORTION.compute([1, np.nan, 3, None], [10, 10, np.nan, 10], reliability=None)
    assert result.flags.tolist() == [0, Flag.MISSING, Flag.MISSING, Flag.MISSING]
    assert np.isnan(result.value[1:]).all() and np.isnan(result.lower[1:]).all()
    assert result.value[0] == 10.0


def test_pandas_nullable_missing_values():
    x = pd.array([1, None, 3], dtype="Int64")
    result = PROPORTION.compute(x, [10, 10, 10], reliability=None)
    assert result.flags.tolist() == [0, Flag.MISSING, 0]


def test_zero_denominator_gives_nan_and_flag():
    result = RATIO.compute([0, 3, 1], [0, 0, 10], reliability=None)
    assert result.flags.tolist() == [Flag.ZERO_DENOMINATOR, Flag.ZERO_DENOMINATOR, 0]
    assert np.isnan(result.value[:2]).all() and not np.isnan(result.value[2])


def test_no_numpy_warning_escapes():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        RATIO.compute([0, 1, np.nan, 0], [0, 0, 0, np.nan])
        PROPORTION.compute([0, 5], [0, 5], confidence=(0.5, 0.999999))


@pytest.mark.parametrize(
    ("numerator", "message"),
    [
        ([1, -2, 3], r"numerator: counts cannot be negative; got \[1\] = -2"),
        ([1, np.inf], r"numerator: counts must be finite; got \[1\] = inf"),
        ([True, False], r"not a number at \[0\] = True, \[1\] = False"),
        (np.array([1, 2], dtype=bool), "got booleans"),
        (["1", "2"], r"not a number at \[0\] = '1', \[1\] = '2'"),
        (np.array(["1", "x"]), r"not a number at \[0\] = '1'"),
        ([None, "x"], r"not a number at \[1\] = 'x'"),
        ([1, "two"], r"not a number at \[1\] = 'two'"),
        ([1, True], r"not a number at \[1\] = True"),
        ([1 + 2j], r"not a number at \[0\] = \(1\+2j\)"),
        ([[1, 2], [3]], r"not a number at \[0\] = \[1, 2\]"),
        (np.array([1 + 2j]), "complex"),
    ],
)
def test_bad_counts_raise_naming_positions(numerator, message):
    with pytest.raises(InvalidInputError, match=message):
        RATIO.compute(numerator, 10)


def test_bad_denominator_is_named():
    with pytest.raises(
        InvalidInputError, match=r"denominator: counts cannot be negative; got \[0, 1\]"
    ):
        RATIO.compute(1, [[1, -1]])


def test_many_bad_positions_are_summarised():
    with pytest.raises(InvalidInputError, match="and 5 more"):
        RATIO.compute(-np.ones(10), 10)


def test_invalid_input_error_is_a_value_error():
    assert issubclass(InvalidInputError, ValueError)


def test_python_numbers_of_other_types_are_accepted():
    result = RATIO.compute([Decimal(2), Fraction(1, 2)], 100000)
    assert result.value.tolist() == [2.0, 0.5]


def test_numerator_above_denominator_of_a_proportion():
    with pytest.raises(InvalidInputError, match=r"impossible for a proportion, at \[1\]: 12 > 10"):
        PROPORTION.compute([5, 12], [10, 10])
    flagged = PROPORTION.compute([5, 12], [10, 10], on_invalid="flag", reliability=None)
    assert flagged.flags.tolist() == [0, Flag.INVALID]
    assert math.isnan(flagged.value[1]) and math.isnan(flagged.upper[1])
    with pytest.raises(InvalidInputError, match="on_invalid"):
        PROPORTION.compute(1, 2, on_invalid="ignore")  # type: ignore[arg-type]


def test_coverage_above_100_percent_is_kept_and_flagged():
    result = mch.get("两癌筛查覆盖率").compute([21928, 900], [20000, 1000])
    assert result.value.round(2).tolist() == [109.64, 90.0]
    assert result.flags.tolist() == [Flag.ABOVE_DENOMINATOR, 0]
    assert result.lower[0] < 109.64 < result.upper[0]
    jiangsu = mch.get("preconception_check_target_coverage").compute(104.6, 100)
    assert result.has_flag(Flag.ABOVE_DENOMINATOR).tolist() == [True, False]
    assert jiangsu.flag_list() == [Flag.ABOVE_DENOMINATOR]


def test_ratio_above_denominator_needs_no_flag():
    result = RATIO.compute(250, 220)
    assert result.flags.tolist() == 0
    assert float(result.value) == pytest.approx(113636.36363636)


def test_inputs_are_never_modified():
    x = np.array([1.0, np.nan, 3.0, 0.0])
    n = np.array([10.0, 10.0, 0.0, 5.0])
    x0, n0 = x.copy(), n.copy()
    result = PROPORTION.compute(x, n, confidence=(0.9, 0.99))
    result.to("permille")
    np.testing.assert_array_equal(x, x0)
    np.testing.assert_array_equal(n, n0)
    assert x.flags.writeable and n.flags.writeable


def test_result_is_immutable():
    result = PROPORTION.compute([1, 2], [10, 10])
    with pytest.raises(ValueError, match="read-only"):
        result.value[0] = 5
    with pytest.raises(AttributeError, match="immutable"):
        result.unit = "permille"  # type: ignore[misc]


@pytest.mark.parametrize(
    "confidence", [0, 1, 95, -0.5, float("nan"), True, "0.95", [], [0.95, 0.95]]
)
def test_bad_confidence_is_rejected(confidence):
    with pytest.raises(InvalidInputError, match="confidence"):
        RATIO.compute(1, 10, confidence=confidence)


def test_percentage_confidence_gets_a_hint():
    with pytest.raises(InvalidInputError, match=r"did you mean 0\.95"):
        RATIO.compute(1, 10, confidence=95)


def test_several_confidence_levels_are_kept_apart():
    result = mch.get("IMR").compute(212, 48000, confidence=(0.95, 0.998))
    assert result.confidence == (0.95, 0.998)
    low95, up95 = result.interval(0.95)
    low998, up998 = result.interval(0.998)
    assert low998 < low95 < float(result.value) < up95 < up998
    assert result.lower == low95 and result.upper == up95
    computed = r"0\.9 was not computed \(computed: 0\.95, 0\.998\)"
    with pytest.raises(mch.InvalidInputError, match=computed) as error:
        result.interval(0.9)
    assert "已计算：0.95, 0.998" in (error.value.reason_zh or "")
    for odd in ("0.95", None, True):
        with pytest.raises(mch.InvalidInputError, match=r"computed: 0\.95, 0\.998"):
            result.interval(odd)  # type: ignore[arg-type]
    assert result.interval(np.float64(0.95))[0] == low95
    frame = result.to_frame()
    assert {"lower_95", "upper_95", "lower_99.8", "upper_99.8"} <= set(frame.columns)


def test_unknown_or_unfitting_method_is_rejected():
    with pytest.raises(InvalidInputError, match="unknown interval method 'magic'"):
        RATIO.compute(1, 10, method="magic")
    with pytest.raises(InvalidInputError, match="does not fit a ratio indicator"):
        RATIO.compute(1, 10, method="clopper_pearson")


def test_to_converts_values_and_limits_and_keeps_flags():
    result = mch.get("MMR").compute([2, 1], [26954, 0])
    converted = result.to("‰")
    assert converted.unit == "permille"
    assert float(converted.value[0]) == pytest.approx(0.07420048972, rel=1e-9)
    assert converted.upper[0] == pytest.approx(result.upper[0] / 100)
    assert converted.flags.tolist() == result.flags.tolist()
    with pytest.raises(mch.UnitError):
        result.to("ppt")


def test_quantity_is_a_pint_quantity_in_the_indicator_unit():
    quantity = mch.get("MMR").compute(2, 26954).quantity
    assert str(quantity.units) == "per_100k"
    assert float(quantity.to("permille").magnitude) == pytest.approx(0.0742, rel=1e-3)


def test_slicing_keeps_flags_and_every_level():
    result = PROPORTION.compute(
        [[1, np.nan], [3, 4]], [10, 10], confidence=(0.9, 0.95), reliability=None
    )
    row = result[0]
    assert row.shape == (2,)
    assert row.flags.tolist() == [0, Flag.MISSING]
    assert row.interval(0.95)[0][0] == result.interval(0.95)[0][0, 0]
    assert result[:, 1].value.tolist() == [pytest.approx(float("nan"), nan_ok=True), 40.0]
    assert [r.shape for r in result] == [(2,), (2,)]
    assert result[result.value > 35].value.tolist() == [40.0]
    with pytest.raises(TypeError):
        len(result[0, 0])


def test_labelled_counts_keep_their_labels():
    # A Result of two Series lost their labels: to_frame() and a caterpillar said 0, 1, 2.
    deaths = pd.Series([3, 5, 7], index=pd.Index(["甲县", "乙县", "丙县"], name="county"))
    births = pd.Series([1500, 1000, 2000], index=["丙县", "甲县", "乙县"])  # another order
    for result in (
        mch.get("MMR").compute(deaths, births),
        mch.compute(indicator="MMR", numerator=deaths, denominator=births),
    ):
        assert result.labels.tolist() == ["甲县", "乙县", "丙县"]
        frame = result.to_frame()
        assert frame.index.tolist() == ["甲县", "乙县", "丙县"]
        assert frame["denominator"].tolist() == [1000, 2000, 1500]  # paired by label
        assert result[1:].labels.tolist() == ["乙县", "丙县"]
        assert result[result.value > 280].labels.tolist() == ["甲县", "丙县"]
        assert result[0].labels is None  # one element: a scalar
        assert result.to("‰").labels.equals(result.labels)
        assert result.suppress("ons").to_frame().index.tolist() == ["甲县", "乙县", "丙县"]
        assert pickle.loads(pickle.dumps(result)) == result
        assert result != result._replace(labels=None)
    with pytest.raises(InvalidInputError, match=r"'丙县' is only in numerator"):
        mch.get("MMR").compute(deaths, births.rename({"丙县": "丁县"}))
    grid = pd.DataFrame([[1, 2], [3, 4]], index=pd.Index(["A", "B"], name="county"),
                        columns=pd.Index([2020, 2021], name="year"))  # fmt: skip
    result = PROPORTION.compute(grid, 10)
    assert result.to_frame().index.tolist() == [("A", 2020), ("A", 2021), ("B", 2020), ("B", 2021)]
    assert result.to_frame().index.names == ["county", "year"]
    assert result[:, 1].labels.tolist() == [("A", 2021), ("B", 2021)]
    assert PROPORTION.compute([1, 2], 10).labels is None
    assert PROPORTION.compute(deaths, [[10, 10, 10]] * 2).labels is None  # axes with no label


def test_to_frame_is_tidy():
    result = mch.get("住院分娩率").compute([9950, np.nan, 5], [10000, 100, 0])
    frame = result.to_frame()
    assert list(frame.columns) == [
        "indicator", "numerator", "denominator", "value", "lower", "upper",
        "unit", "confidence", "method", "flags",
    ]  # fmt: skip
    assert frame["flags"].tolist() == ["", "MISSING", "ZERO_DENOMINATOR"]
    assert frame["unit"].unique().tolist() == ["percent"]
    grid = PROPORTION.compute([[1, 2], [3, 4]], 10).to_frame()
    assert grid.index.names == ["dim_0", "dim_1"]


def test_text_forms():
    result = mch.get("MMR").compute(2, 26954)
    assert result.format(lang="zh") == "7.42/10万 (95%置信区间 0.90–26.80) [数值不稳定]"
    assert (
        result.format(decimals=1) == "7.4 per 100,000 live births (95% CI 0.9–26.8) [UNRELIABLE]"
    )
    assert "7.42 per 100,000" in repr(result)
    imr = mch.get("IMR").compute(60, 26906, confidence=(0.95, 0.998))
    assert str(imr) == "2.23 per 1,000 live births (95% CI 1.70–2.87; 99.8% CI 1.44–3.27)"
    cover = mch.get("两癌筛查覆盖率").compute(21928, 20000)
    assert str(cover) == "109.64% (95% CI 108.19–111.10) [ABOVE_DENOMINATOR]"
    assert str(RATIO.compute(1, 0)) == "NaN (ZERO_DENOMINATOR)"
    many = RATIO.compute([1, 2], 10)
    assert str(many).startswith("Result(test_ratio")
    with pytest.raises(mch.InvalidInputError, match="scalar"):  # a ValueError too
        many.format()


def test_large_inputs_on_several_threads_raise_no_warning_and_flag_alike():
    """Above the threading threshold every worker must silence its own numpy warnings."""
    n = np.full(600_000, 1000.0)
    x = np.full(n.size, 990.0)
    n[::1000] = 0.0
    x[1::1000] = np.nan
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = PROPORTION.compute(x, n)
    assert result.has_flag(Flag.ZERO_DENOMINATOR).sum() == 600
    assert result.has_flag(Flag.MISSING).sum() == 600
    np.testing.assert_array_equal(result.value[2:5], 99.0)


# -- the optional fused kernels (numba) give the numpy path's numbers, bit for bit -------


def _fused_and_reference(indicator, x, n, **options):
    """The same call with the kernels forced on for any size, and with them off."""
    from mch_indicators.stats import _engine as _compute
    from mch_indicators.stats import _kernels

    assert _kernels.fused_kernels() is not None
    with mock.patch.object(_compute, "KERNEL_FROM", 0):
        fused = indicator.compute(x, n, **options)
        with mock.patch.object(_compute, "fused_kernels", return_value=None):
            reference = indicator.compute(x, n, **options)
    return fused, reference


def _assert_identical(fused, reference):
    np.testing.assert_array_equal(fused.numerator, reference.numerator)  # the kernels' copies
    np.testing.assert_array_equal(fused.denominator, reference.denominator)
    np.testing.assert_array_equal(fused.value, reference.value)
    np.testing.assert_array_equal(fused.lower, reference.lower)
    np.testing.assert_array_equal(fused.upper, reference.upper)
    np.testing.assert_array_equal(fused.flags, reference.flags)


@settings(deadline=None, max_examples=40)
@given(
    st.lists(st.tuples(st.integers(0, 10**6), st.integers(1, 10**6)), min_size=1, max_size=200),
    st.sampled_from([(0.95,), (0.9, 0.998), (0.5,)]),
    st.booleans(),
)
def test_wilson_kernel_is_identical_to_numpy(pairs, levels, reliable):
    pytest.importorskip("numba")
    x = np.array([min(a, b) for a, b in pairs], dtype=np.float64)
    n = np.array([b for _, b in pairs], dtype=np.float64)
    options = {"confidence": levels, "reliability": mch.Reliability() if reliable else None}
    indicator = mch.get("hospital_delivery_rate_cn")
    _assert_identical(*_fused_and_reference(indicator, x, n, **options))


@settings(deadline=None, max_examples=60)
@given(
    st.lists(st.tuples(st.integers(0, 300), st.integers(1, 10**6)), min_size=1, max_size=200),
    st.sampled_from(["maternal_mortality_ratio", "dtp3_coverage_admin"]),
    st.sampled_from(["exact", "byar", "phe", "wald"]),
    st.sampled_from([(0.95,), (0.9, 0.998)]),
    st.booleans(),
)
def test_poisson_table_kernel_is_identical_to_numpy(pairs, key, method, levels, reliable):
    pytest.importorskip("numba")
    x = np.array([a for a, _ in pairs], dtype=np.float64)
    n = np.array([b for _, b in pairs], dtype=np.float64)
    if key == "dtp3_coverage_admin":
        n = np.maximum(np.floor(n / 3000.0), 1.0)  # coverage: some counts above the estimate
    options = {
        "confidence": levels,
        "method": method,
        "reliability": mch.Reliability() if reliable else None,
    }
    _assert_identical(*_fused_and_reference(mch.get(key), x, n, **options))


@settings(deadline=None, max_examples=60)
@given(
    st.lists(
        st.one_of(
            st.integers(0, 5000).map(float),
            st.integers(0, 10**9).map(float),
            st.floats(0, 10**7, allow_nan=False).map(lambda v: round(v, 1)),
        ),
        min_size=1,
        max_size=600,
    ),
    st.sampled_from(["exact", "byar", "phe", "wald"]),
    st.sampled_from([0.95, 0.5, 0.999999]),
    st.booleans(),
)
def test_poisson_kernel_on_any_count_is_identical_to_numpy(counts, method, level, reliable):
    """Counts beyond the table (the series, Byar's and Wald's formulas) and weighted ones."""
    pytest.importorskip("numba")
    x = np.array(counts)
    n = np.full(x.size, 2.0e9)
    options = {
        "confidence": level,
        "method": method,
        "reliability": mch.Reliability() if reliable else None,
    }
    _assert_identical(*_fused_and_reference(mch.get("maternal_mortality_ratio"), x, n, **options))


def test_fused_kernels_leave_bad_blocks_to_the_numpy_path():
    pytest.importorskip("numba")
    from mch_indicators.stats import _engine as _compute

    rng = np.random.default_rng(5)
    n = rng.integers(1, 60, 200_000).astype(np.float64)
    x = np.floor(n * rng.uniform(0, 1, n.size))
    late = x.copy()  # one bad value late in a block
    late[30_000], late[100_000] = np.nan, n[100_000] + 1
    early = np.tile([5.0, np.nan, 3.0, 0.0, 7.0], 40_000)
    early_n = np.tile([10.0, 10.0, 0.0, 10.0, 9.0], 40_000)
    fractional = x.copy()  # a count that is not whole: no table lookup for its block
    fractional[70_000] = 2.5
    wilson = mch.get("hospital_delivery_rate_cn")
    ratio = mch.get("maternal_mortality_ratio")
    cases = [(wilson, late, n), (wilson, early, early_n), (ratio, early, early_n)]
    cases += [(ratio, fractional, n), (ratio, np.where(late > n, late, x), n)]
    for indicator, xs, ns in cases:
        _assert_identical(*_fused_and_reference(indicator, xs, ns, on_invalid="flag"))
    with mock.patch.object(_compute, "KERNEL_FROM", 0), pytest.raises(InvalidInputError):
        wilson.compute(late, n)


def test_backend_variable_is_checked(monkeypatch):
    from mch_indicators.stats import _kernels

    monkeypatch.setenv(_kernels.BACKEND_VARIABLE, "gpu")
    _kernels.fused_kernels.cache_clear(), _kernels.backend_choice.cache_clear()
    try:
        with pytest.raises(ValueError, match="auto, numpy or numba"):
            _kernels.fused_kernels()
        monkeypatch.setenv(_kernels.BACKEND_VARIABLE, "numpy")
        _kernels.fused_kernels.cache_clear(), _kernels.backend_choice.cache_clear()
        assert _kernels.fused_kernels() is None
    finally:
        monkeypatch.delenv(_kernels.BACKEND_VARIABLE)
        _kernels.fused_kernels.cache_clear(), _kernels.backend_choice.cache_clear()


def test_one_indicator_of_a_wide_table_may_be_named_without_a_list() -> None:
    # indicators="MMR" was read letter by letter: "no indicator matches 'M'".
    table = pd.DataFrame({"县区": ["甲", "乙"], "活产数": [1000, 900], "孕产妇死亡数": [1, 0],
                          "婴儿死亡数": [3, 4]})  # fmt: skip
    one = mch.compute(table, indicators="MMR")
    pd.testing.assert_frame_equal(one, mch.compute(table, indicators=["MMR"]))
    assert one["indicator"].unique().tolist() == ["maternal_mortality_ratio"]
    pooled = mch.pool(table, indicators="MMR")
    pd.testing.assert_frame_equal(pooled, mch.pool(table, indicators=["MMR"]))
