"""Maps draw what the library returned, on the user's shapes, matched by area name or code."""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import pandas as pd
import pytest

mpl = pytest.importorskip("matplotlib")
mpl.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.colors import to_hex  # noqa: E402
from plot_helpers import imr  # noqa: E402

gpd = pytest.importorskip("geopandas", reason="plot.choropleth needs geopandas (the maps extra)")
shapely_geometry = pytest.importorskip("shapely.geometry")

import mch_indicators as mch  # noqa: E402
from mch_indicators import InvalidInputError  # noqa: E402
from mch_indicators.plot._style import colour  # noqa: E402


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def _smoothed() -> pd.DataFrame:
    return mch.smooth(imr().query("year == 2024"), "IMR")


def _shapes(names: list[object], column: str = "name") -> object:
    boxes = [shapely_geometry.box(i % 4, i // 4, i % 4 + 1, i // 4 + 1) for i in range(len(names))]
    return gpd.GeoDataFrame({column: names}, geometry=boxes)


def _fills(ax) -> list[str]:
    return [to_hex(c) for c in ax.collections[0].get_facecolor()]


def test_areas_are_matched_by_folded_name_and_coloured_by_assessment() -> None:
    frame = pd.DataFrame({"county": ["甲县", "乙县 ", "ＢＢ"], "infant_deaths": [30, 95, 60],
                          "live_births": [12000, 15000, 14000]})  # fmt: skip
    compared = mch.compare(frame, "IMR", benchmark=4.0, lang="zh")
    shapes = _shapes(["乙县", "bb", "甲县", "丁县"])
    ax = mch.plot.choropleth(compared, shapes, column="assessment", label="county", lang="zh")
    fills = _fills(ax)
    assert fills[0] == colour("worse").lower()  # 乙县, 6.33 ‰: worse than 4
    assert fills[1] == colour("similar").lower()  # ＢＢ folded to bb
    assert fills[2] == colour("better").lower()
    assert fills[3] == "#f2f2f2"  # 丁县 has no row: no data
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend[-1] == "无数据" and "较差" in legend


@pytest.mark.parametrize("blank", [None, np.nan])
def test_an_area_without_a_name_is_refused_naming_its_row(blank: object) -> None:
    """It was listed under the map as an area named 'None' or 'nan'."""
    frame = pd.DataFrame({"county": ["甲县", blank], "value": [1.0, 2.0]})
    for unmatched in ("raise", "note"):
        with pytest.raises(InvalidInputError, match="column 'county', row 1: the area's") as e:
            mch.plot.choropleth(frame, _shapes(["甲县", "乙县"]), column="value",
                                label="county", unmatched=unmatched)  # fmt: skip
        assert "地区名称为空" in (e.value.reason_zh or "")


def test_an_infinite_number_is_refused_naming_its_row_a_negative_one_coloured() -> None:
    # An infinite value was classed without a word (into the top class, or no class).
    frame = pd.DataFrame({"county": ["甲县", "乙县", "丙县"], "value": [1.0, np.inf, 3.0],
                          "change": [-1.0, 0.5, 2.0]})  # fmt: skip
    shapes = _shapes(["甲县", "乙县", "丙县"])
    with pytest.raises(InvalidInputError, match=r"column 'value', row 1: the value inf is inf"):
        mch.plot.choropleth(frame, shapes, column="value", label="county")
    ax = mch.plot.choropleth(frame, shapes, column="change", label="county", bins=2)
    assert len(set(_fills(ax))) == 2  # a change may be negative


def test_numbers_are_classed_by_quantiles_or_given_breaks() -> None:
    out = _smoothed()
    shapes = _shapes(list(out.county))
    ax = mch.plot.choropleth(out, shapes, column="smoothed", label="county", bins=[2, 3, 3.5, 4])
    fills = _fills(ax)
    classes = np.digitize(out.smoothed, [3, 3.5])
    for shade in range(3):
        assert len({fills[i] for i in np.flatnonzero(classes == shade)}) == 1
    assert len(set(fills)) == 3
    ax = mch.plot.choropleth(out, shapes, column="crude", label="county", bins=4)
    assert len(set(_fills(ax))) == 4  # quartiles: three areas each


def test_exceedance_uses_probability_classes() -> None:
    out = _smoothed()
    ax = mch.plot.choropleth(out, _shapes(list(out.county)), column="exceedance",
                             label="county")  # fmt: skip
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend == ["0.00–0.05", "0.05–0.20", "0.20–0.80", "0.80–0.95", "0.95–1.00"]


def test_codes_match_whether_numbers_or_text() -> None:
    frame = pd.DataFrame({"code": [330102.0, 330103.0, 330104.0], "value": [1.0, 2.0, 3.0]})
    shapes = _shapes(["330102", "330103", "330104"], column="adcode")
    ax = mch.plot.choropleth(frame, shapes, label="code", key="adcode", bins=3)
    assert len(set(_fills(ax))) == 3


def test_geojson_mapping_is_read_with_geopandas() -> None:
    shapes = _shapes(["甲县", "乙县", "丙县"])
    mapping = json.loads(shapes.to_json())
    frame = pd.DataFrame({"county": ["甲县", "乙县", "丙县"], "value": [1.0, 2.0, 3.0]})
    ax = mch.plot.choropleth(frame, mapping, label="county", bins=3)
    assert len(set(_fills(ax))) == 3


def test_rows_without_a_shape_are_an_error_or_a_note() -> None:
    frame = pd.DataFrame({"county": ["甲县", "乙县", "丙县"], "value": [1.0, 2.0, 3.0]})
    shapes = _shapes(["甲县", "乙县", "丙县市"])
    with pytest.raises(InvalidInputError, match=r"丙县.*did you mean '丙县市'"):
        mch.plot.choropleth(frame, shapes, label="county")
    ax = mch.plot.choropleth(frame, shapes, label="county", unmatched="note", lang="zh")
    assert any("地图中未找到：丙县" in t.get_text() for t in ax.texts)


@pytest.mark.parametrize(
    ("options", "message"),
    [({"column": "nope"}, "nope"),
     ({"bins": [3, 1]}, "rising break points"),
     ({"bins": 0}, "at least 1"),
     ({"unmatched": "ignore"}, "unmatched must be"),
     ({"key": "code"}, "code"),
     ({"label": None}, "needs label=")],
)  # fmt: skip
def test_bad_options(options: dict[str, object], message: str) -> None:
    frame = pd.DataFrame({"county": ["甲县", "乙县"], "value": [1.0, 2.0]})
    keywords = {"label": "county", **options}
    with pytest.raises(InvalidInputError, match=message):
        mch.plot.choropleth(frame, _shapes(["甲县", "乙县"]), **keywords)  # type: ignore[arg-type]


def test_two_rows_for_one_area_are_refused() -> None:
    frame = pd.DataFrame({"county": ["甲县", "甲县 "], "value": [1.0, 2.0]})
    with pytest.raises(InvalidInputError, match="same area"):
        mch.plot.choropleth(frame, _shapes(["甲县"]), label="county")


def test_geometry_of_the_wrong_kind() -> None:
    frame = pd.DataFrame({"county": ["甲县"], "value": [1.0]})
    with pytest.raises(InvalidInputError, match="FeatureCollection"):
        mch.plot.choropleth(frame, {"type": "Feature"}, label="county")
    with pytest.raises(InvalidInputError, match="GeoDataFrame"):
        mch.plot.choropleth(frame, 42, label="county")


def test_label_names_one_row_each() -> None:
    frame = pd.DataFrame({"county": ["甲县", "乙县"], "value": [1.0, 2.0]})
    with pytest.raises(InvalidInputError, match="label= has 1 names for 2 rows"):
        mch.plot.choropleth(frame, _shapes(["甲县", "乙县"]), label=["甲县"])
    with pytest.raises(InvalidInputError, match=r"label= needs the column.*'nope'"):
        mch.plot.choropleth(frame, _shapes(["甲县", "乙县"]), label="nope")
    ax = mch.plot.choropleth(frame, _shapes(["乙县", "甲县"]), label=("甲县", "乙县"))
    assert _fills(ax)[0] != _fills(ax)[1]


def test_the_font_warning_points_at_the_line_that_drew_the_map(
    no_cjk_font: Any,
) -> None:
    frame = pd.DataFrame({"county": ["甲县", "乙县"], "value": [1.0, 2.0]})
    with pytest.warns(no_cjk_font.CJKFontWarning) as caught:
        mch.plot.choropleth(frame, _shapes(["甲县", "乙县"]), label="county", lang="zh")
    assert [w.filename for w in caught] == [__file__]


def test_a_result_pairs_its_names_as_the_caterpillar_does() -> None:
    """A Result of plain arrays has no labels: a Series of names is taken in order, as
    ``plot.caterpillar`` takes it (the map paired it by index, refusing it here); one of
    Series pairs the names by the Series' labels."""
    imr_ = mch.get("IMR")
    plain = imr_.compute([30, 95], [12000, 15000])
    names = pd.Series(["甲县", "乙县"], index=[5, 6])
    ax = mch.plot.choropleth(plain, _shapes(["乙县", "甲县"]), column="value", label=names)
    assert _fills(ax)[0] != _fills(ax)[1]
    mch.plot.caterpillar(plain, label=names)
    labelled = imr_.compute(pd.Series([95, 30], index=["b", "a"]),
                            pd.Series([15000, 12000], index=["b", "a"]))  # fmt: skip
    by_label = pd.Series(["甲县", "乙县"], index=["a", "b"])
    first = mch.plot.choropleth(plain, _shapes(["甲县", "乙县"]), column="value", label=names)
    second = mch.plot.choropleth(labelled, _shapes(["甲县", "乙县"]), column="value",
                                 label=by_label)  # fmt: skip
    assert _fills(first) == _fills(second)
