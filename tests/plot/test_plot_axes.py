"""What every chart shares (plot/_axes.py, plot/_common.py): title, legend, axes, label=, fonts."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
import pytest

mpl = pytest.importorskip("matplotlib")
mpl.use("Agg")
from plot_helpers import imr  # noqa: E402

import mch_indicators as mch  # noqa: E402
from mch_indicators import InvalidInputError  # noqa: E402


def _latest() -> pd.DataFrame:
    return imr().query("year == 2024")


def _one_county() -> pd.DataFrame:
    data = imr()
    return data[data["county"] == data["county"].iloc[0]]


def _funnel(**keywords: object):
    return mch.plot.funnel(mch.funnel(_latest(), "IMR"), label="county", **keywords)


def _trend(**keywords: object):
    one = _one_county()
    return mch.plot.trend(mch.compute(one, "IMR"), mch.trend_line(one, "IMR"), **keywords)


def _joinpoint(**keywords: object):
    one = _one_county()
    return mch.plot.joinpoint(mch.joinpoint(one, "IMR"), mch.compute(one, "IMR"), **keywords)


def _caterpillar(**keywords: object):
    compared = mch.compare(_latest(), "IMR", benchmark=4.0)
    return mch.plot.caterpillar(compared, label="county", **keywords)


def _caterpillar_smoothed(**keywords: object):
    return mch.plot.caterpillar(mch.smooth(_latest(), "IMR"), label="county", **keywords)


def _variants(**keywords: object):
    long = pd.DataFrame({
        "county": ["A", "A", "B", "B"],
        "indicator": ["perinatal_mortality_rate_cn", "perinatal_mortality_rate_22w"] * 2,
        "numerator": [40, 61, 25, 37], "denominator": [8000, 8060, 6000, 6045]})  # fmt: skip
    return mch.plot.variants(mch.compute(long), label="county", **keywords)


#: Each chart drawn through the shared finish, and its legend's columns.
CHARTS: dict[str, tuple[Callable[..., object], int]] = {
    "funnel": (_funnel, 2),
    "trend": (_trend, 2),
    "joinpoint": (_joinpoint, 3),
    "caterpillar": (_caterpillar, 4),
    "caterpillar of smooth": (_caterpillar_smoothed, 2),
    "variants": (_variants, 1),
}


def _top_row(legend) -> int:
    """How many legend entries stand in its first row (its columns, when it has enough)."""
    tops = [round(t.get_window_extent().y0, 1) for t in legend.get_texts()]
    return tops.count(max(tops))


@pytest.mark.cjk_font  # drawing the canvas renders the example's Chinese area names
@pytest.mark.parametrize("name", CHARTS)
def test_every_chart_takes_a_title_and_puts_its_legend_under_the_axes(name: str) -> None:
    draw, columns = CHARTS[name]
    ax = draw(title="A title")
    assert ax.get_title() == "A title"
    legend = ax.get_legend()
    ax.figure.canvas.draw()
    assert legend.get_window_extent().y1 < ax.get_window_extent().y0  # below the axes
    assert _top_row(legend) == min(columns, len(legend.get_texts()))
    assert draw().get_title() == ""  # no title unless given


@pytest.mark.parametrize("name", ["trend", "joinpoint"])
def test_time_charts_count_whole_years_up_from_zero(name: str) -> None:
    ax = CHARTS[name][0](lang="zh")
    assert ax.get_xlabel() == "年份"
    assert ax.get_ylabel() == "婴儿死亡率（‰）"
    assert ax.get_ylim()[0] == 0
    ticks = ax.get_xticks()
    np.testing.assert_array_equal(ticks, np.round(ticks))


@pytest.mark.parametrize(("name", "margin"), [("caterpillar", 0.7), ("variants", 0.6)])
def test_area_charts_name_one_row_per_area_over_a_value_grid(name: str, margin: float) -> None:
    ax = CHARTS[name][0]()
    names = [t.get_text() for t in ax.get_yticklabels()]
    assert len(names) == len(set(names))
    assert ax.get_ylim() == pytest.approx((-margin, len(names) - 1 + margin))
    assert ax.get_axisbelow() is True
    assert all(line.get_visible() for line in ax.xaxis.get_gridlines())
    assert not any(line.get_visible() for line in ax.yaxis.get_gridlines())


def test_label_names_one_row_each_for_caterpillar_and_maps() -> None:
    result = mch.get("IMR").compute([30, 95, 60], [12000, 15000, 14000])
    with pytest.raises(InvalidInputError, match="label= has 2 names for 3 rows"):
        mch.plot.caterpillar(result, label=["A", "B"])
    with pytest.raises(InvalidInputError, match=r"label= needs the column.*'nope'"):
        mch.plot.caterpillar(_latest().assign(value=1.0, lower=0.5, upper=1.5), label="nope")
    ax = mch.plot.caterpillar(result, label=(name for name in "ABC"))  # any iterable
    assert sorted(t.get_text() for t in ax.get_yticklabels()) == ["A", "B", "C"]
    ax = mch.plot.caterpillar(result)  # no label: the rows' index
    assert sorted(t.get_text() for t in ax.get_yticklabels()) == ["0", "1", "2"]


@pytest.mark.parametrize("name", CHARTS)
def test_the_font_warning_points_at_the_line_that_drew_the_chart(
    name: str, no_cjk_font: Any
) -> None:
    with pytest.warns(no_cjk_font.CJKFontWarning) as caught:
        CHARTS[name][0](lang="zh")
    assert [w.filename for w in caught] == [__file__]


# -- the shared parameter documentation (plot/_docs.py) --------------------------------------

_CHARTS = [
    chart
    for chart in (getattr(mch.plot, name) for name in mch.plot.__all__)
    if inspect.isfunction(chart) and "lang" in inspect.signature(chart).parameters
]


def _documented(doc: str) -> set[str]:
    """The names the Parameters section documents (``a, b`` lines name several)."""
    section = doc.split("Parameters\n----------\n", 1)[1].split("\n\n", 1)[0]
    heads = [line.split(" : ")[0] for line in section.splitlines() if not line.startswith(" ")]
    return {name.strip() for head in heads for name in head.split(",")}


@pytest.mark.parametrize("chart", _CHARTS, ids=lambda chart: chart.__name__)
def test_every_parameter_of_every_chart_is_documented(chart: Callable[..., object]) -> None:
    doc = inspect.getdoc(chart)
    assert doc is not None
    assert "{chart_" not in doc  # every shared piece was put in its place
    assert set(inspect.signature(chart).parameters) <= _documented(doc)
    if inspect.signature(chart).return_annotation == "Axes":
        assert "Returns\n-------\nmatplotlib.axes.Axes" in doc


def test_the_shared_pieces_read_as_written_in_help() -> None:
    doc = mch.plot.caterpillar.__doc__ or ""
    assert 'lang : {"en", "zh"}, default "en"\n    Language of the titles' in doc
    assert "ax : matplotlib.axes.Axes, optional\n    Where to draw (default: a new figure)." in doc
