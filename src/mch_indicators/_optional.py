"""Optional libraries, imported the first time they are needed.

``import mch_indicators`` imports no optional library (tests/test_import.py); the
code that needs one calls :func:`load`, which imports it then, or raises an
:class:`ImportError` naming the extra that installs it. :func:`pandas` is the
library's one way to pandas: its first call also runs the
:data:`~mch_indicators._hooks.pandas_loaded` hook, with which the package registers
``DataFrame.mch`` (see :mod:`mch_indicators._adapters._pandas._accessor`).
"""

from __future__ import annotations

import importlib
from functools import cache
from types import ModuleType
from typing import Any

from mch_indicators._hooks import pandas_loaded

__all__ = ["load", "pandas"]


def load(name: str, *, extra: str, needed_for: str) -> ModuleType:
    """The module ``name``, or an ImportError saying what needs it and how to install it.

    >>> load("json", extra="none", needed_for="tests").__name__
    'json'
    >>> load("no_such_module", extra="plot", needed_for="charts")
    Traceback (most recent call last):
    ...
    ImportError: charts need no_such_module: pip install 'mch-indicators[plot]'
    """
    try:
        return importlib.import_module(name)
    except ImportError:
        raise ImportError(
            f"{needed_for} need {name}: pip install 'mch-indicators[{extra}]'"
        ) from None


@cache
def pandas() -> Any:
    """The pandas module (typed ``Any``: callers annotate with pandas' own types).

    >>> pandas().__name__
    'pandas'
    """
    module = load("pandas", extra="pandas", needed_for="tables")
    pandas_loaded(module)
    return module
