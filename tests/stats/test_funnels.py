"""Funnel limits, significance and over-dispersion against PHEindicatormethods and FunnelPlotR.

Reference values (tests/reference/, provenance in each file's header) were produced by
running the peers' own functions with scripts/funnel_reference.R and are stored to 17
significant digits. Tolerance: 1e-9 relative for limits (the agreement found is about
1e-15: PHE's bisection and its truncated Poisson series are reproduced step for step),
exact equality for significance labels, 1e-12 for FunnelPlotR's φ and τ².
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from mch_indicators import InvalidInputError, stats

REFERENCE = Path(__file__).parents[1] / "reference"
RTOL = 1e-9
PHE_LABEL = {
    "High (0.001)": "high (0.001)",
    "High (0.025)": "high (0.025)",
    "Low (0.001)": "low (0.001)",
    "Low (0.025)": "low (0.025)",
    "Not significant": "not significant",
    "Not applicable for events less than 10 for dsrs": (
        "not applicable (dsr, fewer than 10 events)"
    ),
}


def reference(name: str) -> pd.DataFrame:
    return pd.read_csv(REFERENCE / name, comment="#")


def assert_columns(limits: stats.FunnelLimits, expected: pd.DataFrame) -> None:
    got = limits.columns()
    for column in expected.columns.drop("case"):
        np.testing.assert_allclose(
            np.asarray(got[column.lower()], dtype=float), expected[column], rtol=RTOL, atol=1e-12,
            err_msg=column,
        )  # fmt: skip


PROPORTIONS = reference("phe_funnel_proportion_significance.csv")
RATIOS = reference("phe_funnel_ratio_significance.csv")


@pytest.mark.parametrize(
    ("case", "rows"),
    [("all_areas", slice(None)), ("denominator_below_31000", "small")],
)
def test_proportion_limits_match_phe(case: str, rows: object) -> None:
    data = PROPORTIONS[PROPORTIONS.denominator < 31000] if rows == "small" else PROPORTIONS
    expected = reference("phe_funnel_proportion_limits.csv").query("case == @case")
    got = stats.funnel_limits(data.numerator, data.denominator, statistic="proportion")
    assert_columns(got, expected)
    assert got.axis == "population" and got.method == "Wilson"


def test_proportion_limits_as_fractions_clip_at_one() -> None:
    # PHE clips upper limits at 100 whatever the multiplier; we clip at the whole (1 here).
    expected = reference("phe_funnel_proportion_limits.csv").query("case == 'all_areas_fraction'")
    got = stats.funnel_limits(
        PROPORTIONS.numerator, PROPORTIONS.denominator, statistic="proportion", multiplier=1
    ).columns()
    for column in ("upper_2s_limit", "upper_3s_limit"):
        phe = expected[column].to_numpy()
        inside = phe <= 1
        np.testing.assert_allclose(got[column][inside], phe[inside], rtol=RTOL)
        assert (got[column][~inside] == 1).all()
    np.testing.assert_allclose(got["lower_2s_limit"], expected["lower_2s_limit"], rtol=RTOL)


def test_proportion_significance_matches_phe() -> None:
    got = stats.funnel_significance(
        PROPORTIONS.numerator, PROPORTIONS.denominator, statistic="proportion"
    )
    assert got.significance.tolist() == [PHE_LABEL[s] for s in PROPORTIONS.significance]


@pytest.mark.parametrize("ratio_type", ["count", "isr"])
def test_ratio_limits_match_phe(ratio_type: str) -> None:
    expected = reference("phe_funnel_ratio_limits.csv").query("case == @ratio_type")
    got = stats.funnel_limits(
        RATIOS.obs, RATIOS.expected, statistic="ratio", ratio_type=ratio_type
    )
    assert_columns(got, expected)
    assert got.label == f"ratio ({ratio_type})" and np.isnan(got.baseline)


def test_ratio_significance_matches_phe() -> None:
    got = stats.funnel_significance(RATIOS.obs, RATIOS.expected, statistic="ratio")
    assert got.significance.tolist() == [PHE_LABEL[s] for s in RATIOS.significance]


def _rate_inputs(case: str) -> dict[str, object]:
    base = pd.read_csv(REFERENCE / "phe_funnel_points.csv", comment="#").query("case == 'crude'")
    if case == "dsr_3_years":
        return {"numerator": base.ev, "rate": base.rate, "rate_type": "dsr"}
    if case == "crude_3_years_one_below_10":
        ev = base.ev.where(base.ev != base.ev.max(), 5)
        return {"numerator": ev, "rate": base.rate, "rate_type": "crude"}
    zero = reference("phe_funnel_rate_zero_input.csv")
    return {"numerator": zero.ev, "rate": zero.rate, "denominator": zero["pop"],
            "rate_type": "crude"}  # fmt: skip


@pytest.mark.parametrize(
    "case",
    ["dsr_3_years", "crude_3_years_one_below_10", "crude_3_years_zero_with_denominator"],
)
def test_rate_limits_match_phe(case: str) -> None:
    expected = reference("phe_funnel_rate_limits.csv").query("case == @case")
    got = stats.funnel_limits(statistic="rate", years=3, multiplier=1e5, **_rate_inputs(case))
    assert_columns(got, expected)
    assert got.label.startswith("rate (") and got.label.endswith("per 100,000)")


def test_rate_significance_matches_phe() -> None:
    data = reference("phe_funnel_rate_significance.csv")
    for column in [c for c in data.columns if c.startswith("live_")]:
        _, rate_type, multiplier, which, _ = column.split("_")
        rate = {"dsr": "rate_dsr"}.get(rate_type) or (
            "rate_crude_per_100000" if multiplier == "1e5" else "rate_crude_per_100"
        )
        rows = data if which == "with" else data[data["count"] != 0]
        got = stats.funnel_significance(
            rows["count"], rows["pop"], rate=rows[rate], statistic="rate", rate_type=rate_type,
            multiplier=float(multiplier),
        )  # fmt: skip
        assert got.significance.tolist() == [PHE_LABEL[s] for s in rows[column]], column


@pytest.mark.parametrize(
    "case", ["dsr_one_below_10", "crude", "crude_zero_with_denominator_5_years"]
)
def test_funnel_points_match_phe(case: str) -> None:
    data = reference("phe_funnel_points.csv").query("case == @case")
    years = 5 if case.endswith("5_years") else 3
    got = stats.funnel_points(
        data.ev, data.rate, None if data["pop"].isna().all() else data["pop"],
        rate_type="dsr" if case.startswith("dsr") else "crude", years=years,
    )  # fmt: skip
    np.testing.assert_allclose(got.rate, data.rate_chart, rtol=RTOL)
    np.testing.assert_allclose(got.population_1_year, data.denominator_derived, rtol=RTOL)


def test_full_output_adds_statistic_and_method() -> None:
    got = stats.funnel_limits(RATIOS.obs, RATIOS.expected, statistic="ratio", ratio_type="isr")
    columns = got.columns(full=True)
    assert list(columns)[:3] == ["observed_events", "lower_2s_exp_events", "lower_2s_limit"]
    assert set(columns["statistic"]) == {"ratio (isr)"} and set(columns["method"]) == {"Poisson"}
    assert got.grid.size == 100


def test_exact_method_is_within_phe_bisection_step() -> None:
    phe = stats.funnel_limits(RATIOS.obs, RATIOS.expected, statistic="ratio", ratio_type="isr")
    exact = stats.funnel_limits(
        RATIOS.obs, RATIOS.expected, statistic="ratio", ratio_type="isr", method="exact"
    )
    # PHE stops bisecting at a step of 0.5 / 2^23 on v = m / (1 + x + m): within about a step
    grid = phe.grid
    for ours, theirs in ((exact.lower_x, phe.lower_x), (exact.upper_x, phe.upper_x)):
        v_exact, v_phe = ours / (1 + grid + ours), theirs / (1 + grid + theirs)
        assert np.abs(v_exact - v_phe).max() < 2 * 0.5 / 2**23
    np.testing.assert_allclose(exact.lower, phe.lower, rtol=1e-6)


def test_axis_counts_characters_as_r_prints_them() -> None:
    from mch_indicators.stats._funnels import _ceiling_neat, _floor_neat, _r_nchar

    assert [_r_nchar(v) for v in (0, 7, 10000, 100000, 120000, 12000000)] == [1, 1, 5, 5, 6, 7]
    assert _floor_neat(12345) == 10000  # 95 % of it, rounded down to its leading digit
    assert _ceiling_neat(12345) == 13000
    assert _floor_neat(0) == 0


# -- properties ------------------------------------------------------------------------


@given(
    st.lists(st.integers(2, 5000), min_size=3, max_size=40),
    st.floats(0.01, 0.99),
)
def test_proportion_limits_nest_and_significance_flips_at_the_limits(
    sizes: list[int], share: float
) -> None:
    n = np.array(sizes, dtype=float)
    x = np.clip(np.round(n * share), 1, n - 1)
    limits = stats.funnel_limits(x, n, statistic="proportion", multiplier=1)
    assert (limits.lower[1] <= limits.lower[0] + 1e-15).all()
    assert (limits.upper[1] >= limits.upper[0] - 1e-15).all()
    # Probes just outside and just inside each area's upper 95 % limit, beside a
    # background area so large that the probes do not move the average.
    z = stats._funnels.normal_quantile(0.975)
    edge = share + z * np.sqrt(share * (1 - share) / n)
    inside = edge * (1 + 1e-5) < 1
    for nudge, high in ((1 + 1e-5, True), (1 - 1e-5, False)):
        probe = edge[inside] * nudge * n[inside]
        got = stats.funnel_significance(
            [share * 1e14, *probe], [1e14, *n[inside]], statistic="proportion"
        ).significance[1:]
        assert (np.char.startswith(got.astype(str), "high") == high).all()


@given(st.integers(1, 3000))
def test_ratio_significance_flips_where_the_interval_reaches_one(observed: int) -> None:
    lower, _ = stats.poisson_ci(observed, method="phe", confidence=0.95)
    just_high = lower * (1 - 1e-9)  # expected just below the lower limit
    just_not = lower * (1 + 1e-9)
    got = stats.funnel_significance([observed] * 2, [just_high, just_not], statistic="ratio")
    assert got.significance[0].startswith("high")
    assert got.significance[1] == "not significant" or observed == 0


# -- bad input ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"numerator": [1, np.nan], "denominator": [10, 10], "statistic": "proportion"},
         "every area needs its count"),
        ({"numerator": [1, -1], "denominator": [10, 10], "statistic": "proportion"},
         "cannot be negative"),
        ({"numerator": [11, 1], "denominator": [10, 10], "statistic": "proportion"},
         "exceeds its denominator"),
        ({"numerator": [1, 2], "denominator": [10], "statistic": "proportion"}, "lengths"),
        ({"numerator": [1, 2], "denominator": [10, 0], "statistic": "proportion"}, "above 0"),
        ({"numerator": [1, 2], "denominator": [10, 20], "statistic": "odds"}, "statistic"),
        ({"numerator": [1, 2], "denominator": [1.5, 2], "statistic": "ratio"}, "ratio_type"),
        ({"numerator": [1, 2], "denominator": [1.5, 2], "statistic": "ratio",
          "ratio_type": "isr", "multiplier": 100}, "no multiplier"),
        ({"numerator": [0, 2], "rate": [0, 5], "statistic": "rate", "rate_type": "crude",
          "years": 1}, "0 events need their population"),
        ({"numerator": [3, 2], "rate": [10, 5], "statistic": "rate", "rate_type": "crude"},
         "years="),
    ],
)  # fmt: skip
def test_bad_input_is_refused(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(InvalidInputError, match=message):
        stats.funnel_limits(**kwargs)  # type: ignore[arg-type]


# -- over-dispersion ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("case", "kwargs"),
    [
        ("proportions_pr", {"statistic": "proportion"}),
        ("proportions_pr_5pc", {"statistic": "proportion", "trim_by": 0.05}),
        ("ratios_shmi", {"statistic": "ratio", "transform": "log"}),
        ("ratios_cqc", {"statistic": "ratio", "transform": "sqrt"}),
    ],
)
def test_dispersion_matches_funnelplotr(case: str, kwargs: dict[str, object]) -> None:
    expected = reference("funnelplotr_dispersion.csv").set_index("case").loc[case]
    data = PROPORTIONS if case.startswith("proportions") else RATIOS
    x, n = (data.numerator, data.denominator) if "numerator" in data else (data.obs, data.expected)
    got = stats.funnel_dispersion(x, n, **kwargs)  # type: ignore[arg-type]
    assert got.areas_used == expected.n_used
    assert got.phi == pytest.approx(expected.phi, rel=1e-12)
    assert got.tau2 == pytest.approx(expected.tau2, rel=1e-12)
    assert got.trim == ("truncate" if case == "ratios_shmi" else "winsorise")


def test_dispersion_widens_the_funnel_and_calms_outliers() -> None:
    d = stats.funnel_dispersion(PROPORTIONS.numerator, PROPORTIONS.denominator,
                                statistic="proportion")  # fmt: skip
    plain = stats.funnel_significance(PROPORTIONS.numerator, PROPORTIONS.denominator,
                                      statistic="proportion")  # fmt: skip
    assert d.overdispersed and d.phi > 100
    flagged = (d.significance != "not significant").sum()
    assert flagged < (plain.significance != "not significant").sum()
    n = np.array([1000.0, 20000.0, 60000.0])
    lower, upper = d.limits(n)
    funnel = stats.funnel_limits(PROPORTIONS.numerator, PROPORTIONS.denominator,
                                 statistic="proportion")  # fmt: skip
    assert (upper[1] > upper[0]).all() and (lower[1] < lower[0]).all()
    assert (upper[0] - lower[0] > 0).all()
    assert d.centre == pytest.approx(funnel.baseline)
    multiplicative = stats.funnel_dispersion(
        PROPORTIONS.numerator, PROPORTIONS.denominator, statistic="proportion",
        model="multiplicative",
    )  # fmt: skip
    np.testing.assert_allclose(multiplicative.adjusted_z, d.z / np.sqrt(d.phi))


def test_dispersion_without_extra_variation_leaves_the_funnel_alone() -> None:
    rng = np.random.default_rng(7)
    n = rng.integers(500, 5000, size=200).astype(float)
    x = rng.binomial(n.astype(int), 0.2).astype(float)
    d = stats.funnel_dispersion(x, n, statistic="proportion", model="multiplicative")
    assert 0.5 < d.phi < 1.5
    if d.phi <= 1:
        np.testing.assert_allclose(d.adjusted_z, d.z)


def test_rate_dispersion_compares_observed_with_expected() -> None:
    d = stats.funnel_dispersion([12, 30, 8, 55, 20], [26954, 40000, 12000, 52000, 30000],
                                rate=[12 / 26954e-5, 30 / 40000e-5, 8 / 12000e-5,
                                      55 / 52000e-5, 20 / 30000e-5],
                                statistic="rate", rate_type="crude")  # fmt: skip
    assert d.transform == "sqrt" and d.centre == pytest.approx(125 / 160954 * 1e5)
