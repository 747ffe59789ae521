"""Comparisons on tidy tables: mch.compare, mch.funnel, mch.trend, and targets with uncertainty."""

from __future__ import annotations

from importlib import resources

import numpy as np
import pandas as pd
import pytest

import mch_indicators as mch
from mch_indicators import stats


@pytest.fixture(scope="module")
def prefecture() -> pd.DataFrame:
    """The bundled synthetic prefecture: 12 counties × 2020–2024, one row per indicator."""
    text = resources.files("mch_indicators.datasets").joinpath("example_prefecture.csv")
    with resources.as_file(text) as path:
        return pd.read_csv(path)


def imr(prefecture: pd.DataFrame) -> pd.DataFrame:
    rows = prefecture.query("indicator == 'infant_mortality_rate'")
    return rows.rename(columns={"numerator": "infant_deaths", "denominator": "live_births"})


def test_compare_keeps_every_row_and_matches_stats(prefecture: pd.DataFrame) -> None:
    data = imr(prefecture).set_index(pd.RangeIndex(100, 160))
    out = mch.compare(data, "IMR", benchmark=4.0, by="year")
    assert out.index.equals(data.index) and list(out.columns[: data.shape[1]]) == list(data)
    expected = stats.compare_to_benchmark(
        data.infant_deaths, data.live_births, 4.0, statistic="rate", multiplier=1000,
        method="exact", direction="lower",
    )  # fmt: skip
    assert out.comparison.tolist() == expected.comparison.tolist()
    assert set(out.assessment) <= {"better", "similar", "worse"}


def test_compare_with_the_total_of_each_year_is_area_versus_rest(
    prefecture: pd.DataFrame,
) -> None:
    data = imr(prefecture)
    out = mch.compare(data, "IMR", benchmark="total", by="year")
    year = data.query("year == 2024")
    rest = stats.compare_rates(
        year.infant_deaths, year.live_births, year.infant_deaths.sum() - year.infant_deaths,
        year.live_births.sum() - year.live_births,
    )  # fmt: skip
    got = out.query("year == 2024")
    np.testing.assert_allclose(got.contrast, rest.ratio)
    assert (got.method == "area versus rest").all()
    assert got.benchmark.iloc[0] == pytest.approx(
        year.infant_deaths.sum() / year.live_births.sum() * 1000
    )


def test_compare_with_a_benchmark_row(prefecture: pd.DataFrame) -> None:
    data = imr(prefecture)
    totals = data.groupby("year", as_index=False)[["infant_deaths", "live_births"]].sum()
    with_total = pd.concat([data, totals.assign(county="全市")], ignore_index=True)
    out = mch.compare(with_total, "IMR", benchmark={"county": "全市"}, by="year")
    by_total = mch.compare(data, "IMR", benchmark="total", by="year")
    assert (out.query("county == '全市'").comparison == "benchmark").all()
    counties = out.query("county != '全市'")
    assert counties.comparison.tolist() == by_total.comparison.tolist()
    assert out.query("county == '全市'").value.notna().all()


def test_compare_with_a_target_and_a_column(prefecture: pd.DataFrame) -> None:
    data = imr(prefecture)
    hc2030 = mch.targets_for("IMR", plan="healthy_china_2030")[0]  # ≤ 5‰
    by_target = mch.compare(data, "IMR", benchmark=hc2030)
    by_value = mch.compare(data, "IMR", benchmark=5.0)
    assert by_target.comparison.tolist() == by_value.comparison.tolist()
    by_column = mch.compare(data.assign(national=5.0), "IMR", benchmark="national")
    assert by_column.comparison.tolist() == by_value.comparison.tolist()


@pytest.mark.parametrize(
    ("benchmark", "message"),
    [
        ([4.0, 5.0], "must be a number"),
        ("province", "not a column"),
        (True, "must be a number"),
        ({"county": "全省"}, "0 rows"),
        ({"county": "河阳县", "year": 2020}, "one"),
    ],
)
def test_benchmark_of_the_wrong_kind_is_named(
    prefecture: pd.DataFrame, benchmark: object, message: str
) -> None:
    with pytest.raises(mch.InvalidInputError, match=message):
        mch.compare(imr(prefecture), "IMR", benchmark=benchmark, by="year")


def test_wrong_target_and_too_small_benchmark(prefecture: pd.DataFrame) -> None:
    data = imr(prefecture)
    mmr_target = mch.targets_for("MMR", plan="healthy_china_2030")[0]
    with pytest.raises(mch.InvalidInputError, match="target for maternal_mortality_ratio"):
        mch.compare(data, "IMR", benchmark=mmr_target)
    small = pd.concat([data, pd.DataFrame({"county": ["全市"] * 5, "year": range(2020, 2025),
                                            "infant_deaths": 1, "live_births": 10})])  # fmt: skip
    with pytest.raises(mch.InvalidInputError, match="smaller than row"):
        mch.compare(small, "IMR", benchmark={"county": "全市"}, by="year")


def test_negative_counts_are_named_by_label(prefecture: pd.DataFrame) -> None:
    data = imr(prefecture).reset_index(drop=True)
    data.loc[7, "infant_deaths"] = -1
    with pytest.raises(mch.InvalidInputError, match=r"row 7 \(county='.*', year=2022\)"):
        mch.trend(data, "IMR", by="county")
    with pytest.raises(mch.InvalidInputError, match=r"row 7 .year=2022."):
        mch.compare(data, "IMR", benchmark=4.0, by="year")


def test_funnel_per_year(prefecture: pd.DataFrame) -> None:
    data = imr(prefecture)
    out = mch.funnel(data, "IMR", by="year", dispersion="additive")
    assert out.points.index.equals(data.index)
    assert (
        out.limits.shape == (500, 1 + 12) and (out.limits.year.unique() == range(2020, 2025)).all()
    )
    year = data.query("year == 2024")
    expected = stats.funnel_significance(
        year.infant_deaths, year.live_births, rate=year.infant_deaths / year.live_births * 1000,
        statistic="rate", rate_type="crude", multiplier=1000,
    )  # fmt: skip
    assert out.points.query("year == 2024").significance.tolist() == (
        expected.significance.tolist()
    )
    assert {"z", "adjusted_z", "adjusted_significance", "phi", "tau2"} <= set(out.points)


def test_funnel_without_an_indicator_and_missing_counts() -> None:
    data = pd.DataFrame({"area": list("abcd"), "obs": [8, 151, 159, 191],
                         "expected": [6.24, 106.44, 232.93, 184.10]})  # fmt: skip
    out = mch.funnel(data, statistic="ratio", numerator="obs", denominator="expected")
    assert out.points.significance.tolist() == [
        "not significant", "high (0.001)", "low (0.001)", "not significant",
    ]  # fmt: skip
    data.loc[2, "obs"] = np.nan
    with pytest.raises(mch.InvalidInputError, match="missing at row 2"):
        mch.funnel(data, statistic="ratio", numerator="obs", denominator="expected")


def test_trend_per_county_matches_the_arrays(prefecture: pd.DataFrame) -> None:
    data = imr(prefecture).sample(frac=1.0, random_state=3)  # order does not matter
    out = mch.trend(data, "IMR", by="county")
    assert len(out) == 12 and out.county.is_monotonic_increasing
    one = data.query("county == @out.county.iloc[0]").sort_values("year")
    expected = stats.trend(one.infant_deaths, one.live_births, one.year, direction="lower")
    assert out.apc.iloc[0] == pytest.approx(float(expected.apc), rel=1e-12)
    assert out.change.iloc[0] == expected.change
    assert (out.points == 5).all() and (out["first"] == 2020).all()


def test_trend_against_a_target(prefecture: pd.DataFrame) -> None:
    hc2030 = mch.targets_for("IMR", plan="healthy_china_2030")[0]
    out = mch.trend(imr(prefecture), "IMR", by="county", target=hc2030)
    assert (out.target_year == 2030).all()
    assert (out.projected_lower <= out.projected).all() and (
        out.projected <= out.projected_upper
    ).all()
    assert set(out.target_status) <= {"met", "not met"}
    clear_met = out.query("target_status == 'met' and target_clear")
    assert (clear_met.projected_upper <= 5).all()


def test_trend_bad_tables(prefecture: pd.DataFrame) -> None:
    data = imr(prefecture)
    with pytest.raises(mch.InvalidInputError, match="two rows for 河阳县/2020"):
        mch.trend(pd.concat([data, data.head(1)]), "IMR", by="county")
    with pytest.raises(mch.InvalidInputError, match="whole years"):
        mch.trend(data.assign(year=data.year + 0.5), "IMR", by="county")
    short = data.query("year >= 2022")
    out = mch.trend(short, "IMR", by="county")
    assert (out.change == "cannot be calculated").all() and len(out) == 12
    assert out.reason.str.startswith("fewer than 5").all()


def test_dask_frames_are_pointed_to_pandas(prefecture: pd.DataFrame) -> None:
    dd = pytest.importorskip("dask.dataframe")
    lazy = dd.from_pandas(imr(prefecture), npartitions=2)
    with pytest.raises(mch.InvalidInputError, match=r"call \.compute"):
        mch.trend(lazy, "IMR", by="county")
    out = mch.compare(lazy, "IMR", benchmark=4.0)
    assert isinstance(out, dd.DataFrame)  # lazy
    expected = mch.compare(imr(prefecture), "IMR", benchmark=4.0)
    got = out.compute()
    assert got.comparison.tolist() == expected.comparison.tolist()
    np.testing.assert_allclose(got.upper, expected.upper)
    with pytest.raises(mch.InvalidInputError, match="pool the frame"):
        mch.compare(lazy, "IMR", benchmark="total")


# -- targets with uncertainty ----------------------------------------------------------


def test_targets_active_in_a_year() -> None:
    every = mch.targets_for("婴儿死亡率")
    active = mch.targets_for("婴儿死亡率", active_in=2026)
    assert {t.year for t in active} == {2030}
    assert len(every) > len(active)
    assert {t.plan.id for t in mch.targets_for("MMR", active_in=2016)} >= {"health_13th_fyp"}
    stunting = mch.targets_for("stunting_prevalence_u5", plan="global_nutrition_2025")[0]
    assert not stunting.applies_in(2011) and stunting.applies_in(2012)
    with pytest.raises(mch.InvalidInputError, match="active_in"):
        mch.targets_for("MMR", active_in="2024")  # type: ignore[arg-type]


def test_assessment_is_clear_only_when_the_whole_interval_agrees() -> None:
    hc2030 = mch.targets_for("MMR", plan="healthy_china_2030")[0]  # ≤ 12
    # the prefecture: 6.62/10万 from 2 deaths, 95 % CI 0.80–23.90
    out = mch.assess_target(hc2030, [6.62, 9.0, 30.0, 15.0, np.nan], [0.80, 5.0, 20.0, 10.0, 1.0],
                            [23.90, 11.9, 45.0, 20.0, 2.0])  # fmt: skip
    assert out.status.tolist() == ["met", "met", "not met", "not met", "not evaluable"]
    assert out.clear.tolist() == [False, True, True, False, False]
    assert out.label[0] == "met (not statistically clear)"
    coverage = mch.targets_for("maternal_systematic_management_rate_cn",
                               plan="nhc_outlines_implementation_2030")[0]  # ≥ 90 %  # fmt: skip
    result = mch.get(coverage.indicator).compute([9500, 905], [10000, 1000])
    assert mch.assess_target(coverage, result).label.tolist() == [
        "met (statistically clear)", "met (not statistically clear)",
    ]  # fmt: skip


def test_relative_target_without_baseline_has_a_status() -> None:
    stunting = mch.targets_for("stunting_prevalence_u5", plan="global_nutrition_2025")[0]
    out = mch.assess_target(stunting, [5.0, 8.0], [4.0, 7.0], [6.0, 9.0])
    assert out.status.tolist() == ["needs baseline", "needs baseline"]
    with_base = mch.assess_target(stunting, [5.0, 8.0], [4.0, 7.0], [6.5, 9.0], baseline=10.0)
    assert with_base.status.tolist() == ["met", "not met"]
    assert with_base.clear.tolist() == [False, True]


def test_project_target_uses_the_fit_interval() -> None:
    hc2030 = mch.targets_for("婴儿死亡率", plan="healthy_china_2030")[0]
    fit = stats.trend([[95, 88, 80, 74, 66]], 12000, range(2020, 2025), multiplier=1000)
    out = mch.project_target(hc2030, fit)
    value, _, upper = fit.projection(2030)
    assert out.value.tolist() == value.tolist() and out.year == 2030
    assert out.upper.tolist() == upper.tolist()
    emtct = mch.targets_for("hiv_mtct_rate", plan="cn_emtct")[0]
    with pytest.raises(mch.InvalidInputError, match="no year"):
        mch.project_target(emtct, fit)


def test_results_pickle_and_copy(prefecture: pd.DataFrame) -> None:
    import copy
    import pickle

    data = imr(prefecture).query("year == 2024")
    x, n = data.infant_deaths.to_numpy(), data.live_births.to_numpy()
    fit = stats.trend([[95, 88, 80, 74, 66]], 12000, range(2020, 2025), multiplier=1000)
    hc2030 = mch.targets_for("IMR", plan="healthy_china_2030")[0]
    objects = [
        stats.funnel_limits(
            x, n, statistic="rate", rate=x / n * 1000, rate_type="crude", multiplier=1000, years=1
        ),
        stats.funnel_significance(x, n, statistic="proportion"),
        stats.funnel_dispersion(x, n, statistic="proportion"),
        stats.compare_to_benchmark(x, n, 4.0, statistic="rate", multiplier=1000),
        stats.compare_rates(x, n, 30, 10000),
        stats.compare_proportions(x, n, 30, 10000),
        fit,
        mch.project_target(hc2030, fit),
        mch.funnel(data, "IMR"),
    ]
    for obj in objects:
        for clone in (pickle.loads(pickle.dumps(obj)), copy.deepcopy(obj)):
            assert type(clone) is type(obj)
    again = pickle.loads(pickle.dumps(fit))
    assert (
        again.apc.tolist() == fit.apc.tolist()
        and again.projection(2030)[0] == fit.projection(2030)[0]
    )


def test_poisson_funnels_nest() -> None:
    rng = np.random.default_rng(5)
    expected = rng.uniform(5, 400, size=50)
    observed = rng.poisson(expected).astype(float)
    f = stats.funnel_limits(observed, expected, statistic="ratio", ratio_type="isr")
    # at each count, the 99.8 % line is reached at a larger (lower) or smaller (upper) expected
    assert (f.lower_x[1] >= f.lower_x[0]).all() and (f.upper_x[1] <= f.upper_x[0]).all()
    assert (f.lower[1] <= f.lower[0]).all() and (f.upper[1] >= f.upper[0]).all()


def test_tables_show_statuses_in_chinese_on_request(prefecture: pd.DataFrame) -> None:
    from mch_indicators._labels import translate

    data = imr(prefecture).query("year == 2024")
    zh = mch.compare(data, "IMR", benchmark="total", lang="zh")
    en = mch.compare(data, "IMR", benchmark="total")
    assert zh.comparison.tolist() == translate(en.comparison.to_numpy(), "zh").tolist()
    assert set(zh.assessment) <= {"较好", "较差", "无显著差异"}
    assert "偏高（超出95%控制限）" in set(mch.funnel(data, "IMR", lang="zh").points.significance)
    trend = mch.trend(imr(prefecture), "IMR", by="county", lang="zh")
    assert set(trend.change) <= {"上升", "下降", "无显著变化"}
    with pytest.raises(mch.InvalidInputError, match="lang must be"):
        mch.trend(imr(prefecture), "IMR", by="county", lang="fr")


def test_funnel_by_a_column_of_a_table_with_no_rows() -> None:
    # No rows, so no group: pandas was asked to concatenate no limits (a ValueError).
    empty = pd.DataFrame({"area": [], "year": [], "deaths": [], "births": []})
    got = mch.funnel(empty, "MMR", numerator="deaths", denominator="births", by="year")
    assert got.points.empty and {"value", "x", "significance"} <= set(got.points.columns)
    first = ["year", "events", "lower_2s_population_1_year"]
    assert got.limits.empty and list(got.limits.columns[:3]) == first
