"""Every interval method against published values and against statsmodels / scipy.

Tolerances, stated per check:
- PHE tables B, C and G (reproduced live to 15 digits): rtol 1e-12.
- statsmodels/R values of methods.md table I quoted to 16 digits: rtol 1e-12;
  those quoted to 7-8 significant digits: rtol 1e-6.
- statsmodels' own functions on hypothesis-generated inputs: rtol 1e-12 where both
  sides evaluate the same closed form or the same special function; an absolute
  tolerance of 1e-12 on the proportion scale near 0 (statsmodels' Wilson gives
  3.5e-16 at x = 0 where ours is exactly 0).
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from statsmodels.stats.proportion import proportion_confint
from statsmodels.stats.rates import confint_poisson

from mch_indicators import InvalidInputError
from mch_indicators.stats import METHODS
from mch_indicators.stats._intervals import poisson_count_limits
from strategies import SCALE_UNIT, make_indicator, proportion_pairs

# PHE rates: exact below 10 events, Byar from 10 (methods.md tables B and G)
TABLE_B_PHE = [
    ("B1", 1, 100, 100, 0.95, 0.0253178079842899, 5.5716433909389),
    ("B5", 20, 100, 100, 0.95, 12.2114288348759, 30.8898803691971),
    ("B6", 20, 100, 100, 0.998, 8.92280236514419, 38.0850356250419),
    ("B7", 65, 100, 100, 0.95, 50.1631877104595, 82.8491385459398),
    ("B8", 65, 100, 100, 0.998, 42.8802614714802, 94.000290844318),
    ("B9", 9856, 12345, 100, 0.95, 78.2694905897676, 81.4300165427214),
    ("B10", 9856, 12345, 100, 0.998, 77.3759054327105, 82.3544727709543),
    ("B11", 7776456, 7564336677, 100, 0.95, 0.102731960053021, 0.102876483340928),
    ("B12", 7776456, 7564336677, 100, 0.998, 0.102690317308454, 0.102918176395091),
    ("B13", 222, 3215, 100, 0.95, 6.02657487765268, 7.87572937087185),
    ("B14", 222, 3215, 100, 0.998, 5.56073769525985, 8.46104668173341),
    ("B15", 999, 3456, 100, 0.95, 27.1413049360905, 30.7558332373784),
    ("B16", 999, 3456, 100, 0.998, 26.1621475964458, 31.8456048198227),
    ("B17", 250, 220, 100000, 0.95, 99984.9473853288, 128631.144874558),
    ("B18", 250, 220, 100000, 0.998, 92710.0055443895, 137651.237721475),
    ("BP2", 10, 200, 100000, 0.95, 2393.72495698378, 9195.72930287824),
    ("BP3", 40, 200, 100000, 0.95, 14286.6499332185, 27235.0496600121),
    ("G19", 9, 1000, 1000, 0.95, 4.11537309737833, 17.0848034514192),
    ("G20", 10, 1000, 1000, 0.95, 4.78744991396756, 18.3914586057565),
    ("G21", 11, 1000, 1000, 0.95, 5.48369019844997, 19.6832371161464),
    ("G22", 19, 1000, 1000, 0.95, 11.4339805561908, 29.6723462653181),
    ("G23", 100, 100, 100, 0.95, 81.3621054905279, 121.627937579207),
    ("G24", 100, 100, 100, 0.998, 71.9036918725984, 134.943621762263),
    ("G27", 45, 52000, 100000, 0.95, 63.1158721068217, 115.798003228677),
    ("G28", 212, 48000, 1000, 0.95, 3.84208133090883, 5.05293047785394),
    ("G29", 212, 48000, 1000, 0.998, 3.53804116563882, 5.43701380663561),
]  # fmt: skip


@pytest.mark.parametrize(("case", "x", "n", "m", "conf", "lower", "upper"), TABLE_B_PHE)
def test_phe_rate_method_matches_phe(case, x, n, m, conf, lower, upper):
    result = make_indicator("rate", SCALE_UNIT[m]).compute(x, n, confidence=conf, method="phe")
    np.testing.assert_allclose(
        [float(result.lower), float(result.upper)], [lower, upper], rtol=1e-12
    )


# PHE's internal Byar limits on the count (table C): Byar's formula even at x = 1
@pytest.mark.parametrize(
    ("case", "x", "conf", "lower", "upper"),
    [
        ("C1", 65, 0.95, 50.1631877104595, 82.8491385459398),
        ("C2", 1045, 0.95, 982.593201807333, 1110.33121298565),
        ("C3", 1, 0.95, 0.0130721329015044, 5.56375558247526),
        ("C4", 65, 0.998, 42.8802614714802, 94.000290844318),
        ("C5", 1045, 0.998, 947.940703561037, 1148.80616098803),
        ("C6", 10, 0.998, 2.91631837469569, 24.1937249278805),
    ],
)
def test_byar_count_limits_match_phe(case, x, conf, lower, upper):
    low, high = poisson_count_limits("byar", [x], conf)
    np.testing.assert_allclose([low[0], high[0]], [lower, upper], rtol=1e-12)


def test_byar_lower_limit_never_goes_negative():
    """C13: PHE turns Byar's negative lower limit at x = 1, 99.8 % into NA; we clip to 0."""
    low, high = poisson_count_limits("byar", [1], 0.998)
    assert low[0] == 0.0
    np.testing.assert_allclose(high[0], 9.36218021790836, rtol=1e-12)


def test_byar_is_not_the_x_plus_half_variant():
    """I31: 15 events / 400. PHE's Byar, not the epitools / DescTools x + ½ variant."""
    result = make_indicator("rate", "fraction").compute(15, 400, method="byar")
    np.testing.assert_allclose(
        [float(result.lower), float(result.upper)],
        [0.0209731600330351, 0.0618540783580981],
        rtol=1e-12,
    )


# statsmodels / R reference values (methods.md table I)
TABLE_I = [
    ("I1", 18, 20, "wilson", 0.6989663547715128, 0.972133518786232, 1e-12),
    ("I2", 18, 20, "clopper_pearson", 0.6830172859809176, 0.9876514728297052, 1e-12),
    ("I3", 18, 20, "agresti_coull", 0.6867561125596077, 0.984343760998137, 1e-12),
    ("I4", 18, 20, "wald", 0.768521618913513, 1.0, 1e-12),  # R: 1.0315 unclipped
    ("I5", 18, 20, "jeffreys", 0.716146742695748, 0.97862751197755, 1e-12),
    ("I6", 4, 20, "wilson", 0.0806576625797981, 0.4160174322518935, 1e-12),
    ("I7", 4, 20, "clopper_pearson", 0.05733399705003284, 0.436614002996668, 1e-12),
    ("I8", 4, 200, "wilson", 0.00780442641634947, 0.05028708690582643, 1e-12),
    ("I9", 4, 200, "clopper_pearson", 0.005475565879556443, 0.05041360908989634, 1e-12),
    ("I10", 190, 200, "wilson", 0.910421851861224, 0.972617354399236, 1e-12),
    ("I11", 190, 200, "clopper_pearson", 0.9099724622986486, 0.975765834527891, 1e-12),
    ("I12", 1, 30, "wilson", 0.00590859038161245, 0.166703909914092, 1e-12),
    ("I13", 1, 30, "clopper_pearson", 0.000843570926630479, 0.172169455633413, 1e-12),
    ("I14", 29, 30, "wilson", 0.833296090085908, 0.994091409618387, 1e-12),
    ("I15", 0, 30, "wilson", 0.0, 0.113513393173969, 1e-12),
    ("I16", 0, 30, "clopper_pearson", 0.0, 0.115703308222028, 1e-12),
    ("I17", 30, 30, "wilson", 0.886486606826031, 1.0, 1e-12),
    ("I18", 30, 30, "clopper_pearson", 0.884296691777972, 1.0, 1e-12),
    ("I19", 20, 100, "clopper_pearson", 0.1266555521019559, 0.2918426890886281, 1e-12),
    ("I21", 0, 10, "clopper_pearson", 0.0, 0.308497107818761, 1e-12),
    ("I22", 10, 10, "clopper_pearson", 0.691502892181239, 1.0, 1e-12),
    ("I23", 3, 10, "wilson", 0.107791267406301, 0.603221852538855, 1e-12),
    ("I25", 0, 10, "wilson", 0.0, 0.277532799862889, 1e-12),
    ("I26", 10, 10, "wilson", 0.722467200137111, 1.0, 1e-12),
]  # fmt: skip


@pytest.mark.parametrize(("case", "x", "n", "method", "lower", "upper", "rtol"), TABLE_I)
def test_proportion_methods_match_published_values(case, x, n, method, lower, upper, rtol):
    result = make_indicator("proportion", "fraction").compute(x, n, method=method)
    for got, want in ((float(result.lower), lower), (float(result.upper), upper)):
        if want in (0.0, 1.0):
            assert got == want
        else:
            np.testing.assert_allclose(got, want, rtol=rtol)


def test_three_in_fifty_at_99_percent():
    """I20 (R binom.test via scipy's tests): Clopper-Pearson at 99 %."""
    result = make_indicator("proportion", "fraction").compute(
        3, 50, confidence=0.99, method="clopper_pearson"
    )
    np.testing.assert_allclose(
        [float(result.lower), float(result.upper)],
        [0.00687248533295164, 0.202706269468643],
        rtol=1e-12,
    )


STATSMODELS_NAME = {
    "wilson": "wilson",
    "clopper_pearson": "beta",
    "jeffreys": "jeffreys",
    "agresti_coull": "agresti_coull",
    "wald": "normal",
}


@given(
    proportion_pairs(max_n=10**6),
    st.sampled_from([0.8, 0.9, 0.95, 0.99, 0.998]),
    st.sampled_from(sorted(STATSMODELS_NAME)),
)
def test_proportion_methods_agree_with_statsmodels(pair, conf, method):
    x, n = pair
    result = make_indicator("proportion", "fraction").compute(x, n, confidence=conf, method=method)
    low, high = proportion_confint(x, n, alpha=1 - conf, method=STATSMODELS_NAME[method])
    if method == "jeffreys":
        # statsmodels applies no boundary rule; ours is 0 at x = 0 and 1 at x = n
        low = 0.0 if x == 0 else low
        high = 1.0 if x == n else high
    if method == "clopper_pearson" and x == n:
        high = 1.0
    np.testing.assert_allclose(float(result.lower), low, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(float(result.upper), high, rtol=1e-12, atol=1e-12)


@given(
    st.integers(0, 10**6),
    st.integers(1, 10**7),
    st.sampled_from([0.8, 0.9, 0.95, 0.99, 0.998]),
)
def test_exact_poisson_agrees_with_statsmodels(x, n, conf):
    result = make_indicator("rate", "fraction").compute(x, n, confidence=conf, method="exact")
    low, high = confint_poisson(x, n, method="exact-c", alpha=1 - conf)
    np.testing.assert_allclose(float(result.lower), low, rtol=1e-12, atol=0)
    np.testing.assert_allclose(float(result.upper), high, rtol=1e-12)


@given(st.integers(0, 10**6), st.integers(1, 10**7), st.sampled_from([0.9, 0.95, 0.99]))
def test_poisson_wald_agrees_with_statsmodels(x, n, conf):
    result = make_indicator("rate", "fraction").compute(x, n, confidence=conf, method="wald")
    low, high = confint_poisson(x, n, method="wald", alpha=1 - conf)
    np.testing.assert_allclose(float(result.lower), max(low, 0.0), rtol=1e-12, atol=1e-300)
    np.testing.assert_allclose(float(result.upper), high, rtol=1e-12)


@given(st.integers(10, 5000), st.sampled_from([0.95]))
def test_byar_stays_close_to_exact_from_ten_events(x, conf):
    """PHE technical guide: within 0.2 % of exact at 95 % for 10 or more events."""
    exact = poisson_count_limits("exact", [x], conf)
    byar = poisson_count_limits("byar", [x], conf)
    np.testing.assert_allclose(byar[0], exact[0], rtol=2e-3)
    np.testing.assert_allclose(byar[1], exact[1], rtol=2e-3)


def test_phe_switches_exactly_at_ten():
    rate = make_indicator("rate", "per_1k")
    nine, ten = rate.compute([9, 10], 1000, method="phe"), rate.compute([9, 10], 1000)
    assert nine.lower[0] == ten.lower[0]  # exact below 10
    assert nine.lower[1] != ten.lower[1]  # Byar from 10


def test_zero_events_edge_cases():
    alpha = 0.05
    for method in METHODS["poisson"]:
        result = make_indicator("rate", "fraction").compute(0, 1, method=method)
        assert float(result.lower) == 0.0
    exact = make_indicator("rate", "fraction").compute(0, 1)
    np.testing.assert_allclose(float(exact.upper), -np.log(alpha / 2), rtol=1e-14)
    for method in METHODS["binomial"]:
        zero = make_indicator("proportion", "percent").compute(0, 50, method=method)
        full = make_indicator("proportion", "percent").compute(50, 50, method=method)
        assert float(zero.lower) == 0.0
        assert float(full.upper) == 100.0


def test_method_list():
    assert list(METHODS["binomial"]) == [
        "wilson", "clopper_pearson", "jeffreys", "agresti_coull", "wald",
    ]  # fmt: skip
    assert list(METHODS["poisson"]) == ["exact", "byar", "phe", "wald"]


@pytest.mark.parametrize(
    ("kind", "method", "message"),
    [
        ("ratio", "clopper_pearson", "is for binomial data and does not fit a ratio"),
        ("proportion", "byar", "is for poisson data and does not fit a proportion"),
        ("rate", "bogus", "unknown interval method 'bogus'"),
    ],
)
def test_method_must_fit_kind(kind, method, message):
    with pytest.raises(InvalidInputError, match=message):
        make_indicator(kind, "percent").compute(1, 10, method=method)


def test_coverage_interval_treats_the_denominator_as_fixed():
    """Coverage: exact Poisson on the numerator over a fixed planned denominator."""
    result = make_indicator("coverage", "percent").compute(21928, 20000)
    low, high = confint_poisson(21928, 20000, method="exact-c", alpha=0.05)
    np.testing.assert_allclose(
        [float(result.lower), float(result.upper)], [low * 100, high * 100], rtol=1e-12
    )
