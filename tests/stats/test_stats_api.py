"""The public statistics layer on its own: no catalog, the same numbers as every surface.

References and tolerances:
- ``proportion_ci`` against statsmodels' ``proportion_confint`` (every method): rtol 1e-12,
  with an absolute 1e-12 on the 0-1 scale (statsmodels' Wilson gives 3.5e-16 at x = 0
  where ours is exactly 0);
- ``poisson_ci(method="exact")`` against chi-square quantiles from scipy: rtol 1e-12;
- ``proportion``, ``rate``, ``dsr`` and ``isr`` against the catalog and table paths,
  which must agree exactly (one implementation).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy import stats as scipy_stats
from statsmodels.stats.proportion import proportion_confint

import mch_indicators as mch
from mch_indicators import stats

SM_METHODS = {
    "wilson": "wilson",
    "clopper_pearson": "beta",
    "jeffreys": "jeffreys",
    "agresti_coull": "agresti_coull",
    "wald": "normal",
}


@given(
    st.lists(st.tuples(st.integers(0, 5000), st.integers(1, 5000)), min_size=1, max_size=30),
    st.sampled_from(sorted(SM_METHODS)),
    st.sampled_from([0.9, 0.95, 0.998]),
)
def test_proportion_ci_matches_statsmodels(pairs, method, confidence):
    x = np.array([min(a, b) for a, b in pairs], dtype=float)
    n = np.array([b for _, b in pairs], dtype=float)
    lower, upper = stats.proportion_ci(x, n, method=method, confidence=confidence)
    want_lower, want_upper = proportion_confint(
        x, n, alpha=1 - confidence, method=SM_METHODS[method]
    )
    if method in ("wald", "agresti_coull", "jeffreys"):
        # statsmodels does not clip wald and agresti_coull to [0, 1]; and our Jeffreys
        # interval takes Brown, Cai & DasGupta's boundary rule (0 at x = 0, 1 at x = n)
        want_lower, want_upper = np.clip(want_lower, 0, 1), np.clip(want_upper, 0, 1)
        want_lower = np.where(x == 0, 0.0, want_lower)
        want_upper = np.where(x == n, 1.0, want_upper)
    np.testing.assert_allclose(lower, want_lower, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(upper, want_upper, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("confidence", [0.8, 0.95, 0.998])
def test_exact_poisson_ci_is_the_chi_square_interval(confidence):
    x = np.array([0, 1, 2, 9, 10, 250, 10**6], dtype=float)
    lower, upper = stats.poisson_ci(x, confidence=confidence)
    alpha = 1 - confidence
    np.testing.assert_allclose(
        upper, scipy_stats.chi2.ppf(1 - alpha / 2, 2 * x + 2) / 2, rtol=1e-12
    )
    expected_lower = np.where(x > 0, scipy_stats.chi2.ppf(alpha / 2, 2 * np.maximum(x, 1)) / 2, 0)
    np.testing.assert_allclose(lower, expected_lower, rtol=1e-12)
    assert lower[0] == 0.0


def test_intervals_keep_the_shape_and_mark_missing_and_zero():
    lower, upper = stats.proportion_ci([[1, np.nan], [0, 3]], [[10, 10], [0, 3]])
    assert lower.shape == (2, 2)
    assert np.isnan(lower[0, 1]) and np.isnan(upper[1, 0])  # missing count; n = 0
    assert upper[1, 1] == 1.0
    scalar_lower, _ = stats.proportion_ci(1, 100)
    assert type(scalar_lower) is float  # statsmodels' contract: scalars in, floats out


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: stats.proportion_ci(11, 10), "exceeds its denominator"),
        (lambda: stats.proportion_ci(-1, 10), "cannot be negative"),
        (lambda: stats.proportion_ci(1, 10, method="byar"), "is for poisson data"),
        (lambda: stats.proportion_ci(1, 10, confidence=95), "did you mean 0.95"),
        (lambda: stats.poisson_ci(1, method="wilson"), "is for binomial data"),
        (lambda: stats.poisson_ci([True, False]), "counts must be numbers"),
        (lambda: stats.poisson_ci(np.array([True, False])), "booleans"),
        (lambda: stats.proportion_ci(1, 10, confidence=(0.9, 0.95)), "one confidence level"),
    ],
)
def test_bad_input_raises_typed_errors(call, message):
    with pytest.raises(mch.InvalidInputError, match=message):
        call()


def test_estimates_equal_the_catalog_computation():
    x, n = [9856, 0, 12], [12345, 10, 20]
    catalog = mch.get("hospital_delivery_rate").compute(x, n, reliability=None)
    mine = stats.proportion(x, n, multiplier=100)
    for name in ("value", "lower", "upper", "flags"):
        np.testing.assert_array_equal(getattr(mine, name), getattr(catalog, name))
    ratio = mch.get("MMR").compute([2, 30], 26954, reliability=None)
    rate = stats.rate([2, 30], 26954)
    np.testing.assert_array_equal(rate.upper, ratio.upper)
    assert stats.flag_labels(stats.rate(2, 26954, reliability=mch.Reliability()).flags) == [
        "UNRELIABLE"
    ]
    with pytest.raises(ValueError, match="read-only"):
        mine.value[0] = 1.0


def _phe_like() -> pd.DataFrame:
    bands = ["15-19", "20-24", "25-29", "30-34", "35-39", "40-44"]
    rows = [
        ("A", band, count, pop, ref_count, ref_pop)
        for band, count, pop, ref_count, ref_pop in zip(
            bands,
            [14, 31, 45, 38, 22, 9],
            [5210, 6020, 6480, 6900, 6100, 5800],
            [200, 900, 1300, 1100, 600, 300],
            [100000, 150000, 160000, 150000, 120000, 110000],
            strict=True,
        )
    ]
    rows += [("B", band, 1, 900, rc, rp) for _, band, _, _, rc, rp in list(rows)]
    return pd.DataFrame(rows, columns=["area", "age", "count", "pop", "ref_count", "ref_pop"])


def test_array_standardisation_equals_the_table_path():
    frame = _phe_like()
    table = mch.dsr(frame, count="count", population="pop", age="age", standard="esp_2013",
                    by="area", subset=True)  # fmt: skip
    weights = mch.standard_population("esp_2013").weights_for(frame["age"].unique(), subset=True)
    arrays = stats.dsr(
        frame["count"].to_numpy().reshape(2, 6), frame["pop"].to_numpy().reshape(2, 6), weights
    )
    np.testing.assert_array_equal(arrays.value, table["value"].to_numpy())
    np.testing.assert_array_equal(arrays.lower, table["lower"].to_numpy())
    assert stats.flag_labels(arrays.flags) == table["flags"].tolist() == ["", "SUPPRESSED"]
    isr_table = mch.isr(frame, count="count", population="pop", reference_count="ref_count",
                        reference_population="ref_pop", by="area")  # fmt: skip
    expected = stats.expected_counts(frame["pop"], frame["ref_count"], frame["ref_pop"])
    isr = stats.isr([159, 6], expected.reshape(2, 6).sum(axis=1))
    np.testing.assert_array_equal(isr.value, isr_table["value"].to_numpy())
    np.testing.assert_array_equal(isr.upper, isr_table["upper"].to_numpy())


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: stats.dsr([[1, -2]], [[10, 10]], [1, 1]), r"cannot be negative; got \[0, 1\]"),
        (lambda: stats.dsr([[1, 2]], [[10, -10]], [1, 1]), "populations: counts cannot be"),
        (lambda: stats.dsr([[1, 2]], [[10, 10]], [1, 0]), "positive finite"),
        (lambda: stats.dsr([[1, 2]], [[10, 10]], [1, 1, 1]), "do not match"),
        (lambda: stats.isr([3, -1], [2, 2]), "observed: counts cannot be negative"),
        (lambda: stats.expected_counts([10], [5], [0]), "reference population of 0"),
    ],
)  # fmt: skip
def test_standardisation_validates_like_compute(call, message):
    with pytest.raises(mch.InvalidInputError, match=message):
        call()


def test_zero_or_missing_populations_are_flagged_not_computed():
    out = stats.dsr([[20, 30], [20, 30]], [[1000, 0], [1000, np.nan]], [1, 1])
    assert np.isnan(out.value).all()
    assert stats.flag_labels(out.flags) == ["ZERO_DENOMINATOR", "MISSING"]
    isr = stats.isr([5, 5, np.nan], [0, 2.5, 2.5])
    assert stats.flag_labels(isr.flags) == ["ZERO_DENOMINATOR", "", "MISSING"]


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"reliability": "yes"}, "reliability must be a Reliability"),
        ({"suppress": 5}, "suppress must be a Suppression"),
        ({"method": 5}, "method must be the name"),
        ({"on_invalid": "ignore"}, "on_invalid must be one of 'raise', 'flag'"),
        ({"confidance": 0.9}, "unknown option 'confidance'"),
    ],
)
def test_compute_options_are_checked_once_for_every_surface(options, message):
    with pytest.raises(mch.InvalidInputError, match=message):
        mch.get("MMR").compute(2, 26954, **options)
    frame = pd.DataFrame({"maternal_deaths": [2], "live_births": [26954]})
    with pytest.raises(mch.InvalidInputError, match=message):
        mch.compute(frame, "MMR", **options)


def test_definitions_built_in_python_raise_definition_errors_naming_the_field():
    fields = mch.get("MMR").model_dump()
    fields["unit"] = "furlongs"
    with pytest.raises(mch.DefinitionError, match=r"Indicator 'maternal_mortality_ratio': unit"):
        mch.Indicator(**fields)
    with pytest.raises(mch.DefinitionError, match="Names: zh: Field required"):
        mch.Names(en="x")  # type: ignore[call-arg]
