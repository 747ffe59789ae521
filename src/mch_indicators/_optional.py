"""Optional libraries, imported the first time they are needed.

``import mch_indicators`` imports neither pandas nor any other optional library
(tests/test_import.py); the code that needs pandas calls :func:`pandas`, which
imports it then, or raises an :class:`ImportError` saying how to install it. The
first call also runs the :data:`~mch_indicators._hooks.pandas_loaded` hook, with
which the package registers ``DataFrame.mch`` (see
:mod:`mch_indicators._adapters._pandas._accessor`).
"""

from __future__ import annotations

from functools import cache
from typing import Any

from mch_indicators._hooks import pandas_loaded

__all__ = ["pandas"]


@cache
def pandas() -> Any:
    """The pandas module, or an ImportError naming the extra that installs it.

    Typed ``Any``: the callers annotate what they build with pandas' own types.

    >>> pandas().__name__
    'pandas'
    """
    try:
        import pandas as pd
    except ImportError:  # pragma: no cover - depends on the environment
        raise ImportError("tables need pandas: pip install 'mch-indicators[pandas]'") from None
    pandas_loaded(pd)
    return pd
