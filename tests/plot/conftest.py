"""Every chart test leaves no figure open behind it; ``no_cjk_font`` hides the CJK fonts."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from typing import Any

import pytest


@pytest.fixture(autouse=True)
def _close_figures() -> Iterator[None]:
    yield
    pyplot = sys.modules.get("matplotlib.pyplot")  # loaded only where a test drew a chart
    if pyplot is not None:
        pyplot.close("all")


@pytest.fixture
def no_cjk_font(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """The charts' font settings name no installed font (a machine without a CJK font).

    Yields :mod:`mch_indicators.plot._fonts`, its once-only warning reset before and after.
    """
    from mch_indicators.plot import _fonts
    from mch_indicators.plot._style import FontSettings, font_settings

    install = font_settings().install
    monkeypatch.setattr(_fonts, "font_settings",
                        lambda: FontSettings(("No Such Font",), (), install))  # fmt: skip
    _fonts.reset()
    yield _fonts
    _fonts.reset()
