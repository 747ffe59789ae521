"""Charts of the library's results: funnels, trends, joinpoints, caterpillars, maps.

Needs matplotlib (``pip install 'mch-indicators[plot]'``); ``import mch_indicators``
never loads it. Each function takes what the library returned
(:func:`mch_indicators.funnel`, :func:`mch_indicators.compare`,
:func:`mch_indicators.trend_line`, :func:`mch_indicators.compute` frames, a
:class:`~mch_indicators.Result`), draws it, and returns the matplotlib ``Axes`` (or
``Figure``); each takes ``ax=`` to draw into your own axes and ``lang="zh"`` for
Chinese titles, names and units (7.42/10万, 2.23‰). No chart computes a statistic:
limits, intervals, fits and significance are the library's, drawn as returned.

Chinese text needs a CJK font: the charts use the first installed one (Noto Sans CJK,
Source Han Sans, Microsoft YaHei, PingFang, SimHei, WenQuanYi...) and, when there is
none, say so once (:class:`CJKFontWarning`) with the command that installs one.

Maps (:func:`choropleth`) draw on a geometry the user supplies and need geopandas
(``pip install 'mch-indicators[maps]'``), imported only when a map is drawn.
"""

from __future__ import annotations

try:
    import matplotlib  # noqa: F401
except ImportError:  # pragma: no cover - depends on the environment
    raise ImportError(
        "mch_indicators.plot needs matplotlib: pip install 'mch-indicators[plot]'"
    ) from None

from mch_indicators.plot._caterpillar import caterpillar
from mch_indicators.plot._choropleth import choropleth
from mch_indicators.plot._fonts import CJKFontWarning, cjk_font
from mch_indicators.plot._funnel import funnel
from mch_indicators.plot._joinpoint import joinpoint
from mch_indicators.plot._trend import small_multiples, trend
from mch_indicators.plot._variants import variants

__all__ = [
    "CJKFontWarning",
    "caterpillar",
    "choropleth",
    "cjk_font",
    "funnel",
    "joinpoint",
    "small_multiples",
    "trend",
    "variants",
]
