"""Display text (en, zh), colours and font choices of charts and HTML views, read from data.

Everything shown on a chart or a notebook card that is not a status code (those are
in ``definitions/comparison_labels.toml``) lives in ``definitions/display_labels.toml``:
axis titles, legend entries, units as Chinese reports write them on an axis, colours,
the CJK fonts to look for and the command that installs one. Nothing here imports
matplotlib.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from mch_indicators._comparison_labels import check_language

__all__ = ["FontSettings", "axis_unit_zh", "colour", "font_settings", "series_colours", "text"]


@cache
def _data() -> dict[str, Any]:
    source = resources.files("mch_indicators.definitions").joinpath("display_labels.toml")
    return tomllib.loads(source.read_text(encoding="utf-8"))


def text(section: str, key: str, language: str, **fields: object) -> str:
    """The text of ``[section] key`` in ``language``, with ``{fields}`` filled in.

    A key the data does not have is shown as it is (a status code the table
    lacks stays readable rather than failing a chart).

    Examples
    --------
    >>> text("legend", "observed", "zh", level="95")
    '观察值及95%置信区间'
    >>> text("category", "worse (0.001)", "en")
    'Worse (outside 99.8% limits)'
    """
    entry = _data().get(section, {}).get(key)
    if entry is None:
        return key
    template = str(entry[check_language(language)])
    return template.format(**fields) if fields else template


def colour(key: str) -> str:
    """The colour of a category or chart element (``"#C00000"``), grey when unknown.

    Examples
    --------
    >>> colour("worse")
    '#C00000'
    """
    return str(_data()["colour"].get(key, "#9E9E9E"))


def series_colours() -> list[str]:
    """One colour per series of a side-by-side chart, in order."""
    return [str(c) for c in _data()["colour"]["series"]]


def axis_unit_zh(unit: str) -> str | None:
    """How a Chinese report writes ``unit`` on an axis (``"1/10万"``), or None.

    Examples
    --------
    >>> axis_unit_zh("per_100k"), axis_unit_zh("permille")
    ('1/10万', '‰')
    """
    value = _data()["axis_unit"]["zh"].get(unit)
    return None if value is None else str(value)


@dataclass(frozen=True, slots=True)
class FontSettings:
    """The CJK font families to look for, best first, and how to install one."""

    families: tuple[str, ...]
    files: tuple[str, ...]
    install: dict[str, str]


@cache
def font_settings() -> FontSettings:
    """The ``[fonts]`` table of the data file."""
    fonts = _data()["fonts"]
    return FontSettings(tuple(fonts["families"]), tuple(fonts["files"]), dict(fonts["install"]))
