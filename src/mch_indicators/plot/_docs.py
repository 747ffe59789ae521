"""The parameter documentation every chart shares, written once and composed into each docstring.

A chart's docstring names a shared piece by a marker on a line of its own
(``{chart_options}``: ``lang``, ``title`` and ``ax``; ``{chart_returns}``: the same and
the ``Returns`` section of an ``Axes``); :func:`chart_doc` puts the text in its place at
import, so ``help()``, Sphinx and the doctests read the whole docstring. As pandas'
``@doc``, but by plain replacement: a docstring's own braces (a dict in an example) are
left as written.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import TypeVar

__all__ = ["chart_doc"]

_F = TypeVar("_F", bound=Callable[..., object])

_OPTIONS = """\
lang : {"en", "zh"}, default "en"
    Language of the titles, names, units and legend.
title : str, optional
    The chart's title (default: none).
ax : matplotlib.axes.Axes, optional
    Where to draw (default: a new figure)."""

PIECES = {
    "chart_options": _OPTIONS,
    "chart_returns": _OPTIONS + "\n\nReturns\n-------\nmatplotlib.axes.Axes",
}


def compose(doc: str) -> str:
    """``doc`` without its indentation, each marker's line replaced by its piece.

    Examples
    --------
    >>> text = compose('''Draw.
    ...
    ...     {chart_options}''')
    >>> text.splitlines()[2:4]
    ['lang : {"en", "zh"}, default "en"', '    Language of the titles, names, units and legend.']
    """
    return "\n".join(_piece(line) for line in inspect.cleandoc(doc).split("\n"))


def _piece(line: str) -> str:
    """The piece a marker line (``{chart_options}``) names; any other line as it is."""
    marker = line.strip()
    if marker.startswith("{") and marker.endswith("}"):
        return PIECES.get(marker[1:-1], line)
    return line


def chart_doc(function: _F) -> _F:
    """Put the shared pieces (:data:`PIECES`) into ``function``'s docstring; the same function."""
    if function.__doc__ is not None:  # None under ``python -OO``
        function.__doc__ = compose(function.__doc__)
    return function
