"""Charts draw exactly what the library returned: limits, points, colours, targets, labels."""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pandas as pd
import pytest

mpl = pytest.importorskip("matplotlib")
mpl.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.colors import to_hex  # noqa: E402
from plot_helpers import hospital_delivery, imr, mmr  # noqa: E402

import mch_indicators as mch  # noqa: E402
from mch_indicators import InvalidInputError  # noqa: E402
from mch_indicators._labels import label  # noqa: E402
from mch_indicators.plot import _fonts  # noqa: E402
from mch_indicators.plot._common import category_label  # noqa: E402
from mch_indicators.plot._funnel import funnel_category  # noqa: E402
from mch_indicators.plot._style import colour, font_settings  # noqa: E402


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def _lines(ax, label_part: str = "") -> list:
    return [line for line in ax.lines if label_part in str(line.get_label())]


def _has_line(ax, x, y) -> bool:
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    return any(
        np.array_equal(np.asarray(line.get_xdata(), float), x, equal_nan=True)
        and np.array_equal(np.asarray(line.get_ydata(), float), y, equal_nan=True)
        for line in ax.lines
    )


def _scatter_points(ax) -> dict[str, np.ndarray]:
    """Legend label -> offsets of each scatter drawn."""
    return {
        c.get_label(): np.asarray(c.get_offsets())
        for c in ax.collections
        if hasattr(c, "get_offsets") and c.get_label() and not c.get_label().startswith("_")
    }


# -- funnel ---------------------------------------------------------------------------------


def test_funnel_draws_the_limits_stats_returns() -> None:
    latest = imr().query("year == 2024")
    table = mch.funnel(latest, "IMR", dispersion="additive")
    ax = mch.plot.funnel(table, label="county")
    limits = table.limits
    for sigma in ("2s", "3s"):
        for side in ("lower", "upper"):
            assert _has_line(ax, limits[f"{side}_{sigma}_population_1_year"],
                             limits[f"{side}_{sigma}_limit"])  # fmt: skip
            assert _has_line(ax, table.adjusted.x, table.adjusted[f"{side}_{sigma}_limit"])
    centre = _lines(ax, label("legend", "centre", "en"))[0]
    assert centre.get_ydata()[0] == pytest.approx(limits.baseline.iloc[0])


def test_funnel_points_and_colours_follow_significance_and_direction() -> None:
    latest = imr().query("year == 2024")
    table = mch.funnel(latest, "IMR")
    ax = mch.plot.funnel(table, label="county")
    points = table.points
    drawn = {c.get_label(): c for c in ax.collections}
    seen = 0
    for significance, rows in points.groupby("significance"):
        category = funnel_category(str(significance), "lower")  # IMR: lower is better
        scatter = drawn[category_label(category, "en")]
        np.testing.assert_array_equal(np.asarray(scatter.get_offsets()),
                                      rows[["x", "value"]].to_numpy())  # fmt: skip
        assert to_hex(scatter.get_facecolor()[0]).upper() == colour(category).upper()
        seen += len(rows)
    assert seen == len(points)
    # the two areas outside the 95 % funnel are labelled with their value
    labelled = sorted(t.get_text() for t in ax.texts)
    assert labelled == ["北山县 2.05‰", "清水县 5.00‰"]


def test_funnel_category_reads_the_direction() -> None:
    assert funnel_category("high (0.001)", "lower") == "worse (0.001)"
    assert funnel_category("high (0.001)", "higher") == "better (0.001)"
    assert funnel_category("low (0.025)", "neutral") == "low (0.025)"
    assert funnel_category("not significant", "lower") == "not significant"


def test_funnel_of_a_proportion_in_chinese() -> None:
    table = mch.funnel(hospital_delivery(), "hospital_delivery_rate_cn", lang="zh")
    ax = mch.plot.funnel(table, label="county", lang="zh")
    assert ax.get_ylabel() == "住院分娩率（%）"
    assert ax.get_xlabel() == "活产数"
    assert _has_line(ax, table.limits.population, table.limits.upper_3s_limit)
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert "95%控制限" in legend and "各地区平均水平" in legend


def test_funnel_with_several_groups_needs_one() -> None:
    table = mch.funnel(imr(), "IMR", by="year")
    with pytest.raises(InvalidInputError, match="group="):
        mch.plot.funnel(table)
    ax = mch.plot.funnel(table, group={"year": 2024})
    assert len(_scatter_points(ax)) >= 1


def test_funnel_draws_into_the_axes_given() -> None:
    _, axes = plt.subplots(1, 2)
    table = mch.funnel(imr().query("year == 2024"), "IMR")
    assert mch.plot.funnel(table, ax=axes[1]) is axes[1]
    with pytest.raises(InvalidInputError, match="dispersion="):
        mch.plot.funnel(table, adjusted=True)


def test_axes_that_are_not_axes_are_refused_in_both_languages() -> None:
    """ax=5 raised matplotlib's AttributeError from inside the chart."""
    table = mch.funnel(imr().query("year == 2024"), "IMR")
    result = mch.get("IMR").compute([30, 95], [12000, 15000])
    city = _city()
    charts = [
        lambda ax: mch.plot.funnel(table, ax=ax),
        lambda ax: mch.plot.caterpillar(result, label=["A", "B"], ax=ax),
        lambda ax: mch.plot.trend(mch.compute(city, "MMR"), ax=ax),
    ]
    for chart in charts:
        for odd in (5, "ax", plt.figure()):
            with pytest.raises(InvalidInputError, match="ax must be matplotlib axes") as error:
                chart(odd)
            assert "ax 须为 matplotlib 的坐标轴" in (error.value.reason_zh or "")
            assert type(odd).__name__ in str(error.value)


# -- trend ----------------------------------------------------------------------------------


def _city() -> pd.DataFrame:
    return mmr().groupby("year", as_index=False)[["maternal_deaths", "live_births"]].sum()


def test_trend_draws_series_fit_projection_and_the_catalogs_targets() -> None:
    city = _city()
    series = mch.compute(city, "MMR")
    line = mch.trend_line(city, "MMR", to=2030)
    ax = mch.plot.trend(series, line, plan="healthy_china_2030")
    assert _has_line(ax, series.year, series.value)
    inside = line[~line.projected]
    assert _has_line(ax, inside.year, inside.fitted)
    projection = _lines(ax, "Projection")[0]
    assert projection.get_xdata()[-1] == 2030
    assert projection.get_ydata()[-1] == pytest.approx(line.fitted.iloc[-1])
    for target in mch.targets_for("MMR", plan="healthy_china_2030"):
        drawn = [ln for ln in ax.lines if ln.get_label().startswith(target.plan.name.en)]
        assert drawn and drawn[0].get_ydata()[0] == pytest.approx(float(target.threshold()))
    assert ax.get_xlabel() == "Year"
    assert ax.get_ylabel() == "Maternal mortality ratio (per 100,000 live births)"


def test_trend_in_chinese_writes_units_as_chinese_reports_do() -> None:
    city = _city()
    ax = mch.plot.trend(mch.compute(city, "MMR"), plan="healthy_china_2030", lang="zh")
    assert ax.get_ylabel() == "孕产妇死亡率（1/10万）"
    assert ax.get_xlabel() == "年份"
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert any(label.endswith("2030年≤12/10万") for label in labels)


def test_trend_of_several_areas_is_refused() -> None:
    with pytest.raises(InvalidInputError, match="small_multiples"):
        mch.plot.trend(mch.compute(imr(), "IMR"))
    with pytest.raises(InvalidInputError, match="series"):
        mch.plot.trend()


def test_a_series_without_the_period_column_is_an_error_naming_it() -> None:
    series = mch.compute(imr(), "IMR").rename(columns={"year": "年份"})
    with pytest.raises(InvalidInputError, match=r"period=.*'year'"):
        mch.plot.small_multiples(series, by="county")
    with pytest.raises(InvalidInputError, match=r"period=.*'year'"):
        mch.plot.trend(series[series.county == "河阳县"])
    assert mch.plot.trend(series[series.county == "河阳县"], period="年份").lines


def test_a_label_series_is_paired_with_the_rows_by_its_index() -> None:
    # It was paired by position: row 'x' was drawn as 'Z-label'.
    counts = pd.DataFrame({"deaths": [1, 20, 3], "births": [1000, 2000, 3000]},
                          index=["x", "y", "z"])  # fmt: skip
    out = mch.compute(counts, "MMR", numerator="deaths", denominator="births")
    labels = pd.Series(["Z-label", "Y-label", "X-label"], index=["z", "y", "x"])
    ax = mch.plot.caterpillar(out, label=labels, sort=False)
    plain = mch.plot.caterpillar(out, sort=False)
    drawn = [t.get_text() for t in ax.get_yticklabels()]
    assert drawn == [f"{t.get_text().upper()}-label" for t in plain.get_yticklabels()]
    with pytest.raises(InvalidInputError, match=r"'z' is only in the frame"):
        mch.plot.caterpillar(out, label=labels.rename({"z": "w"}))
    result = mch.get("MMR").compute([1, 20, 3], [1000, 2000, 3000])  # no labels: in order
    ax = mch.plot.caterpillar(result, label=labels, sort=False)
    assert [t.get_text() for t in ax.get_yticklabels()] == ["X-label", "Y-label", "Z-label"]
    plt.close("all")


def test_a_result_of_series_is_drawn_with_their_labels() -> None:
    # Indicator.compute(Series, Series) drew its rows as 0, 1, 2.
    deaths = pd.Series([1, 20, 3], index=["x", "y", "z"])
    births = pd.Series([3000, 2000, 1000], index=["z", "y", "x"])
    result = mch.get("MMR").compute(deaths, births)
    ax = mch.plot.caterpillar(result, sort=False)
    assert [t.get_text() for t in ax.get_yticklabels()] == ["z", "y", "x"]  # bottom up
    labels = pd.Series(["Z-label", "Y-label", "X-label"], index=["z", "y", "x"])
    ax = mch.plot.caterpillar(result, label=labels, sort=False)  # paired by label
    assert [t.get_text() for t in ax.get_yticklabels()] == ["Z-label", "Y-label", "X-label"]
    plt.close("all")


@pytest.mark.parametrize("columns", [0, -1, 2.5, True, "4"])
def test_small_multiples_takes_a_whole_number_of_columns(columns: object) -> None:
    # columns=0 was a ZeroDivisionError.
    with pytest.raises(InvalidInputError, match=r"columns must be a whole number ≥ 1"):
        mch.plot.small_multiples(mch.compute(imr(), "IMR"), by="county", columns=columns)


def test_small_multiples_one_panel_per_county_on_shared_axes() -> None:
    data = imr()
    trends = mch.trend(data, "IMR", by="county", lang="zh")
    fig = mch.plot.small_multiples(
        mch.compute(data, "IMR"), mch.trend_line(data, "IMR", by="county", to=2030),
        by="county", trends=trends, plan="healthy_china_2030", lang="zh",
    )  # fmt: skip
    visible = [ax for ax in fig.axes if ax.get_visible()]
    assert len(visible) == 12
    assert all(ax.get_shared_y_axes().joined(visible[0], ax) for ax in visible)
    titles = {ax.get_title().split("\n")[0]: ax.get_title() for ax in visible}
    assert titles["临川县"].endswith("下降")
    first = data[data.county == "河阳县"].sort_values("year")
    series = mch.compute(first, "IMR")
    assert _has_line(visible[0], series.year, series.value)


# -- caterpillar ----------------------------------------------------------------------------


def test_caterpillar_ranks_areas_and_colours_by_assessment() -> None:
    latest = imr().query("year == 2024")
    compared = mch.compare(latest, "IMR", benchmark="total", lang="zh")
    ax = mch.plot.caterpillar(compared, label="county", indicator="IMR", lang="zh")
    names = [t.get_text() for t in ax.get_yticklabels()]
    expected = compared.sort_values("value").county.tolist()
    assert names == expected
    worse = next(c for c in ax.collections if c.get_label() == category_label("worse", "zh"))
    np.testing.assert_allclose(np.asarray(worse.get_offsets())[:, 0],
                               compared.value[compared.assessment == "较差"])  # fmt: skip
    assert to_hex(worse.get_facecolor()[0]).upper() == colour("worse").upper()
    benchmark = _lines(ax, "基准")[0]
    assert benchmark.get_xdata()[0] == pytest.approx(compared.benchmark.iloc[0])
    assert ax.get_xlabel() == "婴儿死亡率（‰）"


def test_caterpillar_of_a_neutral_indicator_uses_higher_and_lower() -> None:
    frame = pd.DataFrame({"county": ["A", "B"], "value": [1.0, 2.0], "lower": [0.5, 1.5],
                          "upper": [1.5, 2.5], "benchmark": [1.6, 1.6],
                          "comparison": ["lower", "higher"],
                          "assessment": ["not assessed", "not assessed"]})  # fmt: skip
    ax = mch.plot.caterpillar(frame, label="county")
    labels = {c.get_label() for c in ax.collections}
    assert {"Higher", "Lower"} <= labels


def test_caterpillar_of_a_result_with_names() -> None:
    result = mch.get("IMR").compute([30, 95, 60], [12000, 15000, 14000])
    ax = mch.plot.caterpillar(result, label=["A", "B", "C"])
    assert [t.get_text() for t in ax.get_yticklabels()] == ["A", "C", "B"]
    with pytest.raises(InvalidInputError, match="names"):
        mch.plot.caterpillar(result, label=["A"])


@pytest.mark.parametrize("blank", [None, np.nan, pd.NA, "  "])
def test_an_area_without_a_name_is_refused_naming_its_row(blank: object) -> None:
    """A None or NaN area was drawn as the name 'None' or 'nan'; an office's table with
    an empty area cell is refused, naming the row: so is a chart's."""
    frame = pd.DataFrame({"county": ["A", blank, "C"], "value": [1.0, 2.0, 3.0],
                          "lower": [0.5, 1.5, 2.5], "upper": [1.5, 2.5, 3.5]},
                         index=[10, 11, 12])  # fmt: skip
    with pytest.raises(InvalidInputError, match="column 'county', row 11: the area's name") as e:
        mch.plot.caterpillar(frame, label="county")
    assert "地区名称为空" in (e.value.reason_zh or "")
    with pytest.raises(InvalidInputError, match="row 11: the area's name is empty"):
        mch.plot.caterpillar(frame.set_index("county", drop=False).set_axis([10, 11, 12]),
                             label=list(frame.county))  # fmt: skip
    with pytest.raises(InvalidInputError, match="the area's name is empty"):
        mch.plot.caterpillar(frame.set_index("county"))  # the index names the areas
    result = mch.get("IMR").compute([30, 95, 60], [12000, 15000, 14000])
    with pytest.raises(InvalidInputError, match="row 1: the area's name is empty"):
        mch.plot.caterpillar(result, label=["A", blank, "C"])
    long = frame.assign(indicator="IMR")
    with pytest.raises(InvalidInputError, match="row 11: the area's name is empty"):
        mch.plot.variants(long, label="county")
    series = pd.DataFrame({"county": ["A", "A", blank, blank], "year": [2023, 2024] * 2,
                           "value": [1.0, 2.0, 3.0, 4.0], "lower": 0.5, "upper": 5.0})  # fmt: skip
    with pytest.raises(InvalidInputError, match="row 2: the area's name is empty"):
        mch.plot.small_multiples(series, by="county", period="year", indicator="IMR")


def test_caterpillar_of_smooth_draws_both_rates_ranked_by_the_smoothed() -> None:
    out = mch.smooth(imr().query("year == 2024"), "IMR")
    ax = mch.plot.caterpillar(out, label="county", lang="zh")
    names = [t.get_text() for t in ax.get_yticklabels()]
    assert names == out.sort_values("smoothed").county.tolist()
    crude, smoothed = ax.collections[1], ax.collections[3]  # hlines, points, hlines, points
    order = np.argsort(out.smoothed.to_numpy())
    np.testing.assert_allclose(np.asarray(smoothed.get_offsets())[:, 0], out.smoothed)
    np.testing.assert_allclose(np.asarray(crude.get_offsets())[:, 0], out.crude)
    positions = np.asarray(smoothed.get_offsets())[:, 1]
    np.testing.assert_allclose(positions[order], np.arange(len(out)) + 0.17)
    overall = next(line for line in ax.lines if "总体水平" in str(line.get_label()))
    assert overall.get_xdata()[0] == pytest.approx(out["mean"].iloc[0])
    assert "平滑率" in smoothed.get_label() and "粗率" in crude.get_label()


def test_trend_draws_the_prediction_interval_when_asked() -> None:
    city = imr().groupby("year", as_index=False)[["infant_deaths", "live_births"]].sum()
    line = mch.trend_line(city, "IMR", to=2030)
    plain = mch.plot.trend(mch.compute(city, "IMR"), line)
    assert not [x for x in plain.lines if x.get_linestyle() == ":"]
    ax = mch.plot.trend(mch.compute(city, "IMR"), line, prediction=True, lang="zh")
    dotted = [x for x in ax.lines if x.get_linestyle() == ":"]
    later = line[line.year > 2024]
    np.testing.assert_allclose(dotted[0].get_ydata(), later.prediction_lower)
    np.testing.assert_allclose(dotted[1].get_ydata(), later.prediction_upper)
    assert "预测区间" in str(dotted[0].get_label())


_UNDRAWABLE = [
    ("value", np.inf, r"column 'value', row '乙县': the value inf is infinite", "无穷大"),
    ("upper", -np.inf, r"column 'upper', row '乙县': the value -inf is infinite", "无穷大"),
    ("lower", -0.5, r"column 'lower', row '乙县': the value -0.5 is negative", "负数"),
    ("lower", 3.5, r"column 'lower', row '乙县': the lower limit 3.5 is above the upper limit 3",
     "下限 3.5 大于上限 3"),
    ("value", "2,0", r"column 'value', row '乙县': the values are not numbers \('2,0'\)",
     "不是数字"),
]  # fmt: skip


@pytest.mark.parametrize(("column", "bad", "message", "zh"), _UNDRAWABLE)
def test_a_number_no_chart_can_draw_is_refused_naming_its_row(
    column: str, bad: object, message: str, zh: str
) -> None:
    # Charts drew an infinite, negative or crossed interval without a word.
    frame = pd.DataFrame({"county": ["甲县", "乙县", "丙县"], "year": [2022, 2023, 2024],
                          "indicator": "IMR", "value": [1.0, 2.0, np.nan],
                          "lower": [0.5, 1.0, np.nan], "upper": [2.0, 3.0, np.nan]},
                         index=["甲县", "乙县", "丙县"]).astype({column: object})  # fmt: skip
    mch.plot.caterpillar(frame)  # NaN is no data: drawn as nothing
    frame.loc["乙县", column] = bad
    draws = [
        lambda: mch.plot.caterpillar(frame),
        lambda: mch.plot.variants(frame, label="county"),
        lambda: mch.plot.trend(frame, indicator="IMR"),
        lambda: mch.plot.small_multiples(frame, by="county", indicator="IMR"),
    ]
    for draw in draws:
        with pytest.raises(InvalidInputError, match=message) as refused:
            draw()
        assert zh in refused.value.reason_zh
    joinpoint = mch.joinpoint(imr().query("county == '河阳县'"), "IMR")
    with pytest.raises(InvalidInputError, match=message):
        mch.plot.joinpoint(joinpoint, frame.drop(columns="county"))


def test_a_smoothed_rate_or_a_funnel_point_no_chart_can_draw_is_refused() -> None:
    latest = imr().query("year == 2024").reset_index(drop=True)
    smoothed = mch.smooth(latest, "IMR")
    smoothed.loc[2, "smoothed_upper"] = smoothed.loc[2, "smoothed_lower"] / 2
    with pytest.raises(InvalidInputError, match=r"column 'smoothed_lower', row 2: the lower"):
        mch.plot.caterpillar(smoothed, label="county")
    table = mch.funnel(latest, "IMR")
    table.points.loc[3, "value"] = np.inf
    with pytest.raises(InvalidInputError, match=r"column 'value', row 3: the value inf"):
        mch.plot.funnel(table)


# -- variants -------------------------------------------------------------------------------


def test_variants_draw_each_definition_side_by_side() -> None:
    long = pd.DataFrame({
        "county": ["A", "A", "B", "B"],
        "indicator": ["perinatal_mortality_rate_cn", "perinatal_mortality_rate_22w"] * 2,
        "numerator": [40, 61, 25, 37], "denominator": [8000, 8060, 6000, 6045],
    })  # fmt: skip
    computed = mch.compute(long)
    ax = mch.plot.variants(computed, label="county", lang="zh")
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend == ["围产儿死亡率", "围产儿死亡率（满22周起）"]
    drawn = [np.asarray(c.lines[0].get_xdata(), float) for c in ax.containers]
    for indicator, values in zip(dict.fromkeys(computed.indicator), drawn, strict=True):
        np.testing.assert_array_equal(values, computed[computed.indicator == indicator].value)
    assert ax.get_xlabel() == "数值（‰）"


def test_variants_in_different_units_are_refused() -> None:
    long = pd.DataFrame({"county": ["A", "A"], "indicator": ["MMR", "IMR"],
                         "numerator": [2, 60], "denominator": [26954, 26954]})  # fmt: skip
    with pytest.raises(InvalidInputError, match="different units"):
        mch.plot.variants(mch.compute(long), label="county")


# -- fonts ----------------------------------------------------------------------------------


@pytest.mark.cjk_font
def test_a_cjk_font_is_found_and_used() -> None:
    font = mch.plot.cjk_font()
    assert font is not None, "no CJK font found: .ci/run installs fonts-noto-cjk"
    ax = mch.plot.caterpillar(mch.compare(imr().query("year == 2024"), "IMR", benchmark=3.0),
                              label="county", lang="zh")  # fmt: skip
    assert font in ax.get_yticklabels()[0].get_fontfamily()


def test_without_a_cjk_font_the_charts_say_so_once(no_cjk_font: Any) -> None:
    latest = imr().query("year == 2024")
    with pytest.warns(no_cjk_font.CJKFontWarning, match="install one with: "):
        mch.plot.caterpillar(mch.compare(latest, "IMR", benchmark=3.0), label="county")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        mch.plot.caterpillar(mch.compare(latest, "IMR", benchmark=3.0), label="county")


def test_without_a_cjk_font_drawing_adds_no_warning_per_character(
    no_cjk_font: Any,
) -> None:
    # matplotlib warned once per Chinese character when the chart was drawn ("Glyph 23381
    # missing from font(s) DejaVu Sans"), some forty lines a chart, after the one warning.
    latest = imr().query("year == 2024")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        ax = mch.plot.caterpillar(mch.compare(latest, "IMR", benchmark=3.0), label="county",
                                  lang="zh")  # fmt: skip
        ax.figure.canvas.draw()
    assert [w.category for w in caught] == [no_cjk_font.CJKFontWarning]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ax = mch.plot.caterpillar(mch.compare(latest, "IMR", benchmark=3.0), label="county",
                                  lang="zh")  # fmt: skip
        ax.figure.canvas.draw()
        ax.figure.text(0.5, 0.5, "\ue000")  # not Chinese: matplotlib's own warning stays
        with pytest.warns(UserWarning, match="Glyph 57344"):
            ax.figure.canvas.draw()


def test_english_text_needs_no_cjk_font(no_cjk_font: Any) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = mch.get("IMR").compute([30, 95], [12000, 15000])
        mch.plot.caterpillar(result, label=["A", "B"])


def test_the_install_command_is_one_line() -> None:
    command = _fonts.install_command()
    assert "\n" not in command and command in font_settings().install.values()


def test_unknown_language_is_refused() -> None:
    with pytest.raises(InvalidInputError, match="lang must be"):
        mch.plot.caterpillar(mch.get("IMR").compute([3], [100]), lang="fr")


def test_ratio_funnel_draws_observed_over_expected_on_phes_scale() -> None:
    data = pd.DataFrame({"hospital": list("ABCDEF"), "observed": [12, 30, 8, 55, 20, 41],
                         "expected": [10.0, 24.0, 11.0, 40.0, 22.0, 35.0],
                         "year": [2024] * 6})  # fmt: skip
    table = mch.funnel(data, statistic="ratio", numerator="observed", denominator="expected",
                       by="year")  # fmt: skip
    ax = mch.plot.funnel(table, label="hospital", group={"year": 2024})
    points = np.concatenate([np.asarray(c.get_offsets()) for c in ax.collections])
    expected = table.points[["x", "value"]].to_numpy() * [1.0, 100.0]  # ISR × 100, as PHE
    np.testing.assert_allclose(np.sort(points, axis=0), np.sort(expected, axis=0))
    centre = _lines(ax, label("legend", "centre", "en"))[0]
    assert centre.get_ydata()[0] == 100.0
    assert _has_line(ax, table.limits.lower_2s_exp_events, table.limits.lower_2s_limit)
    assert ax.get_xlabel() == "Expected events"


def test_trend_legend_names_the_confidence_level() -> None:
    city = _city()
    series = mch.compute(city, "MMR", confidence=0.998)
    line = mch.trend_line(city, "MMR", confidence=0.998)
    ax = mch.plot.trend(series, line, confidence=0.998)
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels[:2] == ["Observed, with 99.8% CI", "Fitted trend, with 99.8% CI"]


def test_a_label_holding_dollar_signs_is_drawn_as_written_never_as_mathtext() -> None:
    """Matplotlib reads text between two ``$`` as mathtext: an area named ``$\\alpha$`` was
    drawn as α, and one named ``A$\\frac{$x`` made the chart fail to draw (ValueError)."""
    import io

    counties = pd.DataFrame({"county": ["A$\\frac{$x", "$\\alpha$ <b>", "C"],
                             "infant_deaths": [30, 95, 60],
                             "live_births": [12000, 15000, 14000]})  # fmt: skip
    ax = mch.plot.caterpillar(mch.compare(counties, "IMR", benchmark=4.0), label="county",
                              indicator="IMR")  # fmt: skip
    data = imr().copy()
    data["county"] = data["county"].str.replace("河阳县", "$\\frac{$")
    fig = mch.plot.small_multiples(mch.compute(data, "IMR"), by="county")
    for figure in (ax.figure, fig):
        svg = io.BytesIO()
        figure.savefig(svg, format="svg")  # drawn: no mathtext parsed
        assert b"<b>" not in svg.getvalue()
    ticks = [t.get_text() for t in ax.get_yticklabels()]
    assert "$\\alpha$ <b>" in ticks and not any(t.get_parse_math() for t in ax.get_yticklabels())
    assert any(a.get_title().startswith("$\\frac{$") for a in fig.axes)
