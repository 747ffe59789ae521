"""Intervals against published reference values and independent implementations.

Reference values are quoted from ../shared/reference/methods.md (case ids kept):
tables A and B are PHEindicatormethods' own expected values, table C its internal
Byar/Wilson checks, G live PHE output at edge cases, I expected values from the
statsmodels and scipy test suites (R binom / DescTools / binom.test).

Tolerances: rtol 1e-12 where the reference was reproduced live to full precision
(methods.md §4.8 found 7.6e-15 worst case between an independent transcription
and PHE); rtol 1e-7 for values quoted to 8 significant digits (cases I12-I27).
A reference limit of 0 (or 1 for a proportion) is checked for exact equality.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

import mch_indicators as mch
from strategies import SCALE_UNIT, make_indicator

# (case, x, n, multiplier, confidence, value, lower, upper)
TABLE_A = [
    ("A1", 1, 100, 1, 0.95, 0.01, 0.00176743206414065, 0.0544861961787053),
    ("A2", 1, 100, 1, 0.998, 0.01, 0.000873065697299977, 0.104554452837058),
    ("A3", 5, 100, 1, 0.95, 0.05, 0.021543679154368, 0.111750469231919),
    ("A4", 5, 100, 1, 0.998, 0.05, 0.0138653207259972, 0.164588522825964),
    ("A5", 20, 100, 1, 0.95, 0.2, 0.133366933331033, 0.288829165593159),
    ("A6", 20, 100, 1, 0.998, 0.2, 0.105191620667114, 0.34711094170086),
    ("A7", 65, 100, 1, 0.95, 0.65, 0.55254443296888, 0.736357517569025),
    ("A8", 65, 100, 1, 0.998, 0.65, 0.495494657407043, 0.77835406140897),
    ("A9", 9856, 12345, 1, 0.95, 0.798379910895099, 0.791210175290907, 0.805364007361491),
    ("A10", 9856, 12345, 1, 0.998, 0.798379910895099, 0.786992410841906, 0.809306141258963),
    (
        "A11", 7776456, 7564336677, 1, 0.95,
        0.00102804202563392, 0.00102732010016411, 0.00102876445789772,
    ),
    (
        "A12", 7776456, 7564336677, 1, 0.998,
        0.00102804202563392, 0.00102690401184422, 0.00102918129926984,
    ),
    ("A13", 222, 3215, 1, 0.95, 0.0690513219284603, 0.0607916903636366, 0.0783395668138363),
    ("A14", 222, 3215, 1, 0.998, 0.0690513219284603, 0.0564710196462425, 0.0841841418527013),
    ("A15", 999, 3456, 1, 0.95, 0.2890625, 0.274189510800099, 0.304403896628181),
    ("A16", 999, 3456, 1, 0.998, 0.2890625, 0.26583995768075, 0.313447544927998),
    ("AP1", 2, 200, 1, 0.95, 0.01, 0.00274665813354444, 0.0357217617161768),
    ("AP4", 130, 200, 1, 0.95, 0.65, 0.581634643360401, 0.712711758726419),
    ("C8", 1045, 5000, 1, 0.95, 0.209, 0.197955498800133, 0.22049130373189),
    ("C9", 0.445, 1, 1, 0.95, 0.445, 0.0438174477205882, 0.933462127697916),
    ("C12", 0.445, 1, 1, 0.998, 0.445, 0.019347006132901, 0.970225994701954),
    ("G1", 0, 100, 100, 0.95, 0, 0, 3.69934982069857),
    ("G2", 0, 100, 100, 0.998, 0, 0, 8.71709372799556),
    ("G3", 0, 25000, 100000, 0.95, 0, 0, 15.3634745565824),
    ("G4", 9, 1000, 1000, 0.95, 9, 4.74206066747706, 17.0158161653381),
    ("G8", 100, 100, 100, 0.95, 100, 96.3006501793014, 100),
    ("G9", 100, 100, 100, 0.998, 100, 91.2829062720044, 100),
    ("G10", 3, 3, 100, 0.95, 100, 43.8502968244955, 100),
    ("G11", 3, 12000, 100000, 0.95, 25, 8.50261207594531, 73.4832993046353),
    ("G12", 45, 52000, 100000, 0.95, 86.5384615384615, 64.6855396358601, 115.76547357439),
    ("G13", 212, 48000, 1000, 0.95, 4.41666666666667, 3.8618077222048, 5.05084272031678),
    ("G14", 212, 48000, 1000, 0.998, 4.41666666666667, 3.57484264073333, 5.45564275017083),
]  # fmt: skip

# Exact Poisson (Garwood): PHE uses it below 10 events.
TABLE_B_EXACT = [
    ("B1", 1, 100, 100, 0.95, 1, 0.0253178079842899, 5.5716433909389),
    ("B2", 1, 100, 100, 0.998, 1, 0.00100050033358353, 9.23341347645158),
    ("B3", 5, 100, 100, 0.95, 5, 1.62348639011842, 11.6683320793227),
    ("B4", 5, 100, 100, 0.998, 5, 0.739371731917839, 16.4547452036801),
    ("BP1", 2, 200, 100000, 0.95, 1000, 121.104639271983, 3612.34383386198),
    ("G16", 0, 100, 100, 0.95, 0, 0, 3.68887945411393),
    ("G17", 0, 100, 100, 0.998, 0, 0, 6.90775527898214),
    ("G18", 0, 25000, 100000, 0.95, 0, 0, 14.7555178164557),
    ("G19", 9, 1000, 1000, 0.95, 9, 4.11537309737833, 17.0848034514192),
    ("G25", 3, 3, 100, 0.95, 100, 20.6224040965201, 292.242435658077),
    ("G26", 3, 12000, 100000, 0.95, 25, 5.15560102413001, 73.0606089145194),
    ("I28", 15, 400, 1, 0.95, 0.0375, 0.0209884653319583, 0.0618505471787146),
]  # fmt: skip


def _check(result, value, lower, upper, rtol):
    np.testing.assert_allclose(float(result.value), value, rtol=rtol)
    for got, want in ((float(result.lower), lower), (float(result.upper), upper)):
        if want == 0:
            assert got == 0.0
        else:
            np.testing.assert_allclose(got, want, rtol=rtol)


@pytest.mark.parametrize(("case", "x", "n", "m", "conf", "value", "lower", "upper"), TABLE_A)
def test_wilson_matches_phe(case, x, n, m, conf, value, lower, upper):
    indicator = make_indicator("proportion", SCALE_UNIT[m])
    _check(indicator.compute(x, n, confidence=conf), value, lower, upper, rtol=1e-12)


@pytest.mark.parametrize(("case", "x", "n", "m", "conf", "value", "lower", "upper"), TABLE_B_EXACT)
def test_exact_poisson_matches_phe(case, x, n, m, conf, value, lower, upper):
    indicator = make_indicator("rate", SCALE_UNIT[m])
    _check(indicator.compute(x, n, confidence=conf), value, lower, upper, rtol=1e-12)


def test_headline_city_mmr():
    """definitions.md §4.4: 2 deaths in 26,954 live births is 7.42/10万, CI 0.90-26.80."""
    import mch_indicators as mch

    result = mch.get("孕产妇死亡率").compute(2, 26954)
    assert f"{float(result.value):.2f}" == "7.42"
    assert f"{float(result.lower):.2f}" == "0.90"
    assert f"{float(result.upper):.2f}" == "26.80"
    assert str(result) == "7.42 per 100,000 live births (95% CI 0.90–26.80) [UNRELIABLE]"
    assert mch.get("MMR").compute(2, 26954, reliability=None).format() == (
        "7.42 per 100,000 live births (95% CI 0.90–26.80)"
    )


@pytest.mark.parametrize("x", [0, 1, 2, 5, 9, 10, 37, 250, 4321, 10**6])
@pytest.mark.parametrize("conf", [0.8, 0.9, 0.95, 0.99, 0.998])
def test_exact_poisson_equals_scipy_chi2(x, conf):
    """Garwood limits are chi-square quantiles: rtol 1e-12 against scipy.stats.chi2."""
    n = 26954.0
    result = make_indicator("ratio", "fraction").compute(x, n, confidence=conf)
    alpha = 1 - conf
    upper = stats.chi2.ppf(1 - alpha / 2, 2 * x + 2) / 2 / n
    np.testing.assert_allclose(float(result.upper), upper, rtol=1e-12)
    if x == 0:
        assert float(result.lower) == 0.0
        np.testing.assert_allclose(float(result.upper) * n, -np.log(alpha / 2), rtol=1e-12)
    else:
        lower = stats.chi2.ppf(alpha / 2, 2 * x) / 2 / n
        np.testing.assert_allclose(float(result.lower), lower, rtol=1e-12)


def test_exact_poisson_on_many_repeated_counts_equals_direct_evaluation():
    """The distinct-count shortcut must give the same numbers as evaluating every element."""
    rng = np.random.default_rng(7)
    x = rng.poisson(3.0, size=50_000).astype(float)
    x[::97] = rng.integers(0, 5000, size=x[::97].size)
    n = rng.integers(1000, 30000, size=x.size).astype(float)
    result = make_indicator("rate", "fraction").compute(x, n)
    upper = stats.chi2.ppf(0.975, 2 * x + 2) / 2 / n
    lower = np.where(x > 0, stats.chi2.ppf(0.025, 2 * x) / 2 / n, 0.0)
    np.testing.assert_allclose(result.upper, upper, rtol=1e-12)
    np.testing.assert_allclose(result.lower, lower, rtol=1e-12, atol=0)


def test_non_integer_counts_are_computed_directly():
    x = np.linspace(0.5, 40.5, 5000)
    result = make_indicator("rate", "fraction").compute(x, 1.0)
    np.testing.assert_allclose(result.upper, stats.chi2.ppf(0.975, 2 * x + 2) / 2, rtol=1e-12)


@pytest.mark.parametrize("method", ["exact", "byar", "phe", "wald"])
def test_tabulated_counts_equal_direct_evaluation(method):
    """Large inputs of whole counts use a lookup table; it must change no number.

    The array mixes whole and fractional counts, missing counts and zero
    denominators, across several blocks and threads.
    """
    rng = np.random.default_rng(11)
    x = rng.poisson(4.0, size=300_000).astype(float)
    n = rng.integers(100, 30000, size=x.size).astype(float)
    x[70_000:70_010] += 0.5  # one block of non-whole counts
    n[5] = 0.0
    big = make_indicator("rate", "per_1k").compute(
        x, n, confidence=(0.9, 0.95), method=method, reliability=None
    )
    sample = np.r_[0:20, 69_990:70_020, rng.integers(0, x.size, 200)]
    small = make_indicator("rate", "per_1k").compute(
        x[sample], n[sample], confidence=(0.9, 0.95), method=method, reliability=None
    )
    for level in (0.9, 0.95):
        for got, want in zip(big.interval(level), small.interval(level), strict=True):
            np.testing.assert_array_equal(got[sample], want)
    assert big.flags[5] == mch.Flag.ZERO_DENOMINATOR
