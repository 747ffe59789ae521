"""Every chart test leaves no figure open behind it."""

from __future__ import annotations

import sys
from collections.abc import Iterator

import pytest


@pytest.fixture(autouse=True)
def _close_figures() -> Iterator[None]:
    yield
    pyplot = sys.modules.get("matplotlib.pyplot")  # loaded only where a test drew a chart
    if pyplot is not None:
        pyplot.close("all")
