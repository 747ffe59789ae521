"""plot.joinpoint draws what mch.joinpoint returned: fitted values, joinpoints, APC labels."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

import mch_indicators as mch

DEATHS = [100, 90, 81, 73, 66, 66, 67, 67, 68, 69, 70]


def _frame() -> pd.DataFrame:
    years = list(range(2013, 2024))
    return pd.DataFrame({"county": ["A"] * 11 + ["B"] * 11, "year": years * 2,
                         "infant_deaths": DEATHS + DEATHS[::-1],
                         "live_births": [10000] * 22})  # fmt: skip


def test_draws_the_fitted_segments_joinpoints_and_apcs() -> None:
    frame = _frame()
    table = mch.joinpoint(frame, "IMR", by="county", max_joinpoints=1)
    ax = mch.plot.joinpoint(table, mch.compute(frame, "IMR"), area="B")
    fitted = table.fitted[table.fitted["county"] == "B"]["fitted"].to_numpy()
    drawn = np.concatenate([line.get_ydata() for line in ax.get_lines()
                            if line.get_color() == "#C55A11"])  # fmt: skip
    np.testing.assert_allclose(np.unique(drawn), np.unique(fitted), rtol=1e-12)
    segments = table.segments[table.segments["county"] == "B"]
    texts = [t.get_text() for t in ax.texts]
    assert texts == [f"APC {a:+.1f}%*" for a in segments["apc"]]
    joinpoint = table.joinpoints[table.joinpoints["county"] == "B"]["year"].tolist()
    assert [line.get_xdata()[0] for line in ax.get_lines() if line.get_linestyle() == ":"] == (
        joinpoint
    )
    plt.close("all")


def test_several_areas_need_area() -> None:
    table = mch.joinpoint(_frame(), "IMR", by="county", max_joinpoints=1)
    with pytest.raises(mch.InvalidInputError, match="area="):
        mch.plot.joinpoint(table)
    with pytest.raises(mch.InvalidInputError, match="no area"):
        mch.plot.joinpoint(table, area="C")
    plt.close("all")


@pytest.mark.cjk_font
def test_chinese_labels() -> None:
    table = mch.joinpoint(_frame(), "IMR", by="county", max_joinpoints=1)
    ax = mch.plot.joinpoint(table, area="A", lang="zh")
    assert ax.get_xlabel() == "年份"
    assert all(t.get_text().startswith("年度变化") for t in ax.texts)
    names = ax.get_legend_handles_labels()[1]
    assert names == ["观察值", "连接点回归模型", "连接点及95%置信区间"]
    plt.close("all")
