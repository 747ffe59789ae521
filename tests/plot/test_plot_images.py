"""A few charts compared with reference images, text removed so fonts cannot matter.

The baselines in ``tests/plot/baseline_images/`` are drawn by this file's own code: after
an intended change of a chart, regenerate them with
``MCH_REGENERATE_BASELINES=1 python -m pytest tests/plot/test_plot_images.py`` and look at
them before committing. The tolerance (RMS of pixel differences, 0-255) allows for
anti-aliasing differences between matplotlib and FreeType versions.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

mpl = pytest.importorskip("matplotlib")
mpl.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.testing.compare import compare_images  # noqa: E402
from matplotlib.text import Text  # noqa: E402
from plot_helpers import imr  # noqa: E402

import mch_indicators as mch  # noqa: E402

BASELINES = Path(__file__).resolve().parent / "baseline_images"
TOLERANCE = 6.0


def _without_text(figure) -> None:
    for ax in figure.axes:
        ax.xaxis.set_major_formatter(mpl.ticker.NullFormatter())
        ax.yaxis.set_major_formatter(mpl.ticker.NullFormatter())
        ax.xaxis.set_minor_formatter(mpl.ticker.NullFormatter())
        ax.yaxis.set_minor_formatter(mpl.ticker.NullFormatter())
        if ax.get_legend() is not None:
            ax.get_legend().remove()
    for legend in list(figure.legends):
        legend.remove()
    for text in figure.findobj(Text):
        text.set_visible(False)


def _funnel():
    table = mch.funnel(imr().query("year == 2024"), "IMR", dispersion="additive")
    return mch.plot.funnel(table, label="county").figure


def _caterpillar():
    compared = mch.compare(imr().query("year == 2024"), "IMR", benchmark="total")
    return mch.plot.caterpillar(compared, label="county", indicator="IMR").figure


def _trend():
    one = imr().query("county == '临川县'")
    ax = mch.plot.trend(mch.compute(one, "IMR"), mch.trend_line(one, "IMR", to=2030),
                        plan="healthy_china_2030")  # fmt: skip
    return ax.figure


@pytest.mark.parametrize("name", ["funnel", "caterpillar", "trend"])
def test_chart_matches_its_baseline(name: str, tmp_path: Path) -> None:
    draw: Callable[[], object] = {"funnel": _funnel, "caterpillar": _caterpillar,
                                  "trend": _trend}[name]  # fmt: skip
    with mpl.style.context("default"), mpl.rc_context({"figure.dpi": 50}):
        figure = draw()
        figure.set_size_inches(6.0, 4.0)
        _without_text(figure)
        actual = tmp_path / f"{name}.png"
        figure.savefig(actual, dpi=50)
        plt.close(figure)
    expected = BASELINES / f"{name}.png"
    if os.environ.get("MCH_REGENERATE_BASELINES"):
        shutil.copyfile(actual, expected)
    assert expected.exists(), f"no baseline {expected}: run with MCH_REGENERATE_BASELINES=1"
    assert compare_images(str(expected), str(actual), tol=TOLERANCE) is None
