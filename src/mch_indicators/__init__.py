"""mch_indicators: exact, typed and fast maternal and child health indicators.

>>> import mch_indicators as mch
>>> print(mch.get("孕产妇死亡率").compute(2, 26954))
7.42 per 100,000 live births (95% CI 0.90–26.80) [UNRELIABLE]

The public surface is what ``__all__`` lists; modules whose names start with an
underscore are private. ``import mch_indicators`` loads neither pint, scipy nor
pandas: they are imported when first needed.
"""

from __future__ import annotations

import sys as _sys
from collections.abc import Sequence
from functools import wraps as _wraps
from typing import TYPE_CHECKING, Any, Literal

from mch_indicators import units
from mch_indicators._adapters import _pandas as _frames
from mch_indicators._adapters._accessor import install as _install_accessor
from mch_indicators._analysis import (
    Progress,
    annualize,
    arr,
    arr_series,
    percent_decline,
    progress,
    projection,
    required_arr,
)
from mch_indicators._catalog import Catalog, load_definitions
from mch_indicators._core import Flag, Reliability, Suppression
from mch_indicators._errors import (
    DefinitionError,
    InvalidInputError,
    MCHIndicatorsError,
    UnitError,
    UnknownIndicatorError,
)
from mch_indicators._model import (
    DEFAULT_RELIABILITY,
    Codes,
    Criteria,
    Direction,
    Domain,
    Indicator,
    Kind,
    Names,
    Parameters,
    Source,
    Term,
    Text,
)
from mch_indicators._result import Result
from mch_indicators._standards import StandardPopulation, standard_population
from mch_indicators._targets import Comparator, Plan, Target, TargetStatus, targets_for

__version__ = "0.1.0.dev0"

__all__ = [
    "Catalog",
    "Codes",
    "Comparator",
    "Criteria",
    "DefinitionError",
    "Direction",
    "Domain",
    "Flag",
    "Indicator",
    "InvalidInputError",
    "Kind",
    "MCHIndicatorsError",
    "Names",
    "Parameters",
    "Plan",
    "Progress",
    "Reliability",
    "Result",
    "Source",
    "StandardPopulation",
    "Suppression",
    "Target",
    "TargetStatus",
    "Term",
    "Text",
    "UnitError",
    "UnknownIndicatorError",
    "__version__",
    "annualize",
    "arr",
    "arr_series",
    "catalog",
    "compute",
    "dsr",
    "get",
    "isr",
    "load_definitions",
    "percent_decline",
    "pool",
    "progress",
    "projection",
    "required_arr",
    "search",
    "standard_population",
    "targets",
    "targets_for",
    "units",
]

if TYPE_CHECKING:
    import pandas as pd

    from mch_indicators._core import Reliability as _Reliability
    from mch_indicators._core import Suppression as _Suppression

    catalog: Catalog
    targets: tuple[Target, ...]


def get(key: str | Indicator) -> Indicator:
    """Find a built-in indicator by id, alias, English or Chinese name, or code.

    Parameters
    ----------
    key : str
        ``"maternal_mortality_ratio"``, ``"MMR"``, ``"孕产妇死亡率"``,
        ``"SDG 3.1.1"``... Case, width and ``_``/``-``/space are ignored.

    Raises
    ------
    UnknownIndicatorError
        A ``KeyError`` whose message suggests the closest indicators.

    Examples
    --------
    >>> get("孕产妇死亡率").id
    'maternal_mortality_ratio'
    >>> try:
    ...     get("infant mortality")
    ... except KeyError as error:
    ...     print(error.suggestions[0])
    infant_mortality_rate
    """
    from mch_indicators._catalog import builtin_catalog

    return builtin_catalog().get_indicator(key)


def compute(
    data: Any = None,
    indicator: str | Indicator | None = None,
    *,
    numerator: Any = None,
    denominator: Any = None,
    confidence: float | Sequence[float] = 0.95,
    method: str | None = None,
    on_invalid: Literal["raise", "flag"] = "raise",
    reliability: _Reliability | None = DEFAULT_RELIABILITY,
    suppress: _Suppression | str | None = None,
) -> Any:
    """Compute an indicator on a table or on labelled arrays, whatever holds the counts.

    Parameters
    ----------
    data : pandas.DataFrame, dask DataFrame or xarray.Dataset, optional
        The counts. ``numerator`` and ``denominator`` then name the columns
        (variables); they default to the indicator's term ids (``infant_deaths``,
        ``live_births``), or to ``numerator``/``denominator`` for a long table
        whose ``indicator`` column says which indicator each row is.
    indicator : str or Indicator, optional
        Id, alias, Chinese name or code; required except for long tables.
    numerator, denominator : str or array
        Column names with ``data``; without ``data``, the counts themselves:
        xarray DataArrays or dask arrays (a Dataset comes back, lazily for
        dask), or plain arrays (a :class:`Result`, as :meth:`Indicator.compute`).
    confidence, method, on_invalid, reliability, suppress
        As for :meth:`Indicator.compute`.

    Returns
    -------
    pandas.DataFrame, dask DataFrame, xarray.Dataset or Result
        A tidy frame keeps the input's index and other columns, then
        ``indicator, numerator, denominator, value, lower, upper, unit, flags``;
        a Dataset keeps dims and coords, with units and flag meanings in attrs.
        Dask inputs stay lazy.

    Examples
    --------
    >>> import pandas as pd
    >>> counts = pd.DataFrame({"county": ["A", "B"], "maternal_deaths": [2, 0],
    ...                        "live_births": [26954, 8000]})
    >>> compute(counts, "孕产妇死亡率")[["county", "value", "upper"]].round(2).to_dict("list")
    {'county': ['A', 'B'], 'value': [7.42, 0.0], 'upper': [26.8, 46.11]}
    """
    options = _frames._options(confidence, method, on_invalid, reliability, suppress)
    modules = _sys.modules
    pandas, xarray = modules.get("pandas"), modules.get("xarray")
    if data is None:
        if indicator is None or numerator is None or denominator is None:
            raise InvalidInputError(
                "compute() needs a table (data=...), or indicator=, numerator= and denominator="
            )
        chosen = get(indicator)
        labelled = [
            (xarray is not None and isinstance(a, xarray.DataArray)) or hasattr(a, "dask")
            for a in (numerator, denominator)
        ]
        if any(labelled):
            from mch_indicators._adapters._xarray import compute_dataarrays

            return compute_dataarrays(chosen, numerator, denominator, **options)
        return chosen.compute(numerator, denominator, **options)
    names = {"numerator": numerator, "denominator": denominator}
    if pandas is not None and isinstance(data, pandas.DataFrame):
        from mch_indicators._adapters._pandas import compute_frame

        return compute_frame(data, indicator, **names, **options)
    from mch_indicators._adapters._dask import compute_dask_frame, is_dask_frame

    if is_dask_frame(data):
        return compute_dask_frame(data, indicator, **names, **options)
    if xarray is not None and isinstance(data, xarray.Dataset):
        from mch_indicators._adapters._xarray import compute_dataset

        if indicator is None:
            raise InvalidInputError("compute() on a Dataset needs the indicator")
        return compute_dataset(data, get(indicator), **names, **options)
    raise InvalidInputError(
        f"compute() takes a pandas or dask DataFrame or an xarray Dataset, got "
        f"{type(data).__name__}; for plain arrays use get(indicator).compute(numerator, "
        "denominator)"
    )


@_wraps(_frames.pool)
def pool(frame: Any, indicator: str | Indicator | None = None, **options: Any) -> Any:
    """Pool strata by summing counts, then compute (docstring from the pandas adapter)."""
    from mch_indicators._adapters._dask import is_dask_frame, pool_dask_frame

    if is_dask_frame(frame):
        return pool_dask_frame(frame, indicator, **options)
    return _frames.pool(frame, indicator, **options)


def _pandas_only(name: str, frame: Any) -> None:
    from mch_indicators._adapters._dask import is_dask_frame

    if is_dask_frame(frame):
        raise InvalidInputError(
            f"{name}() needs a pandas DataFrame: call .compute() on the dask one first "
            "(standardisation works on groups x age bands, a small table)"
        )


@_wraps(_frames.dsr)
def dsr(frame: pd.DataFrame, **options: Any) -> pd.DataFrame:
    """Directly standardised rates (docstring from the pandas adapter)."""
    _pandas_only("dsr", frame)
    return _frames.dsr(frame, **options)


@_wraps(_frames.isr)
def isr(frame: pd.DataFrame, **options: Any) -> pd.DataFrame:
    """Indirectly standardised ratios and rates (docstring from the pandas adapter)."""
    _pandas_only("isr", frame)
    return _frames.isr(frame, **options)


def search(query: str, limit: int | None = 10) -> list[Indicator]:
    """Built-in indicators matching ``query`` in English or Chinese, best first.

    See :meth:`Catalog.search` for how matches are ranked.

    Examples
    --------
    >>> [i.id for i in search("stillbirth", limit=3)]
    ['stillbirth_rate', 'stillbirth_rate_22w', 'stillbirth_rate_24w']
    >>> search("早孕")[0].id
    'early_pregnancy_registration_rate_cn'
    """
    from mch_indicators._catalog import builtin_catalog

    return builtin_catalog().search(query, limit)


def __getattr__(name: str) -> object:
    if name == "catalog":
        from mch_indicators._catalog import builtin_catalog

        return builtin_catalog()
    if name == "targets":
        from mch_indicators._targets import builtin_targets

        return builtin_targets()
    raise AttributeError(f"module 'mch_indicators' has no attribute {name!r}")


# Errors show as ``mch_indicators.UnitError`` in tracebacks, not by private module.
# (Classes keep their own module so that doctest finds their methods' examples.)
_PUBLIC_ERRORS: tuple[type, ...] = (
    DefinitionError,
    InvalidInputError,
    MCHIndicatorsError,
    UnitError,
    UnknownIndicatorError,
)
for _error in _PUBLIC_ERRORS:
    _error.__module__ = "mch_indicators"
del _error

_install_accessor()  # df.mch, once pandas is imported (pandas is not imported here)
