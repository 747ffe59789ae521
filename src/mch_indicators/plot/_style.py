"""Colours and font choices of the charts, read from ``definitions/plot_style.toml``.

Style, not words: the charts' text (axis titles, legend entries, categories) comes
from :mod:`mch_indicators._labels` like every other surface's. Nothing here imports
matplotlib.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

__all__ = ["FontSettings", "colour", "font_settings", "series_colours"]

#: The colour of a category the style file does not name.
GREY = "#9E9E9E"


@cache
def _style() -> dict[str, Any]:
    source = resources.files("mch_indicators.definitions").joinpath("plot_style.toml")
    return tomllib.loads(source.read_text(encoding="utf-8"))


def colour(key: str) -> str:
    """The colour of a category or chart element (``"#C00000"``), grey when unknown.

    Examples
    --------
    >>> colour("worse"), colour("no such category")
    ('#C00000', '#9E9E9E')
    """
    return str(_style()["colour"].get(key, GREY))


def series_colours() -> list[str]:
    """One colour per series of a side-by-side chart, in order."""
    return [str(c) for c in _style()["colour"]["series"]]


@dataclass(frozen=True, slots=True)
class FontSettings:
    """The CJK font families to look for, best first, and how to install one."""

    families: tuple[str, ...]
    files: tuple[str, ...]
    install: dict[str, str]


@cache
def font_settings() -> FontSettings:
    """The ``[fonts]`` table of the style file."""
    fonts = _style()["fonts"]
    return FontSettings(tuple(fonts["families"]), tuple(fonts["files"]), dict(fonts["install"]))
