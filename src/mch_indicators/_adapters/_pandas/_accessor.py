"""``DataFrame.mch``: the table functions as methods of a pandas DataFrame.

Each method is the module-level function with the frame as its first argument,
with the same signature and documentation (typed through ``ParamSpec``).

:func:`register` hands :class:`MCHAccessor` to pandas' own
``pandas.api.extensions.register_dataframe_accessor("mch")``; nothing patches
pandas or its import. ``import mch_indicators`` never imports pandas, so
``df.mch`` exists from the moment both have met:

- at ``import mch_indicators``, when pandas was imported before it;
- otherwise the first time mch_indicators loads pandas itself: the first call
  that reads, builds or takes a table (``mch.read_table``, ``mch.compute`` or
  ``mch.pool`` on a DataFrame, ``Result.to_frame()``...).

A session that imports mch_indicators first, then pandas, and builds its frames
with pandas alone has no ``df.mch`` until one such call: import pandas first,
or call the function (``mch.compute(df, ...)``) instead of the accessor.
(:mod:`mch_indicators._wiring` connects :func:`register` to both moments.)
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from types import ModuleType
from typing import TYPE_CHECKING, Concatenate, ParamSpec, TypeVar

from mch_indicators._adapters._pandas._compute import compute_frame
from mch_indicators._adapters._pandas._pool import pool
from mch_indicators._adapters._pandas._standardise import dsr, isr

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["MCHAccessor", "register"]

P = ParamSpec("P")
R = TypeVar("R")


def _on_frame(
    function: Callable[Concatenate[pd.DataFrame, P], R],
) -> Callable[Concatenate[MCHAccessor, P], R]:
    @wraps(function)
    def method(self: MCHAccessor, /, *args: P.args, **kwargs: P.kwargs) -> R:
        return function(self._frame, *args, **kwargs)

    return method


class MCHAccessor:
    """``df.mch``: compute, pool and standardise the frame's counts.

    Examples
    --------
    >>> import pandas as pd, mch_indicators
    >>> counts = pd.DataFrame({"infant_deaths": [12], "live_births": [4210]})
    >>> round(float(counts.mch.compute("infant_mortality_rate")["value"].iloc[0]), 3)
    2.85
    """

    def __init__(self, frame: pd.DataFrame) -> None:
        self._frame = frame

    compute = _on_frame(compute_frame)
    pool = _on_frame(pool)
    dsr = _on_frame(dsr)
    isr = _on_frame(isr)


def register(pandas: ModuleType) -> None:
    """Register ``df.mch`` with pandas, once (pandas warns if another library took the name)."""
    if getattr(pandas.DataFrame, "mch", None) is not MCHAccessor:
        pandas.api.extensions.register_dataframe_accessor("mch")(MCHAccessor)
