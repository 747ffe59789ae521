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
from typing import TYPE_CHECKING, Any, Literal

from mch_indicators import units
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
    options: dict[str, Any] = {
        "confidence": confidence,
        "method": method,
        "on_invalid": on_invalid,
        "reliability": reliability,
        "suppress": suppress,
    }
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


def pool(frame: Any, indicator: str | Indicator | None = None, **options: Any) -> Any:
    """Pool strata by summing numerators and denominators, then compute (never averaging).

    A pandas DataFrame gives a pandas DataFrame; a dask DataFrame stays lazy. See
    :func:`mch_indicators._adapters._pandas.pool` for the parameters (``numerator``,
    ``denominator``, ``by``, ``over``, ``window``, and those of :meth:`Indicator.compute`).

    Examples
    --------
    >>> import pandas as pd
    >>> counts = pd.DataFrame({"area": ["A", "B"], "deaths": [1, 50], "births": [100, 10000]})
    >>> out = pool(counts, "LBW", numerator="deaths", denominator="births")
    >>> round(float(out["value"].iloc[0]), 3)  # 51 / 10,100, not the mean of 1 % and 0.5 %
    0.505
    """
    from mch_indicators._adapters._dask import is_dask_frame, pool_dask_frame
    from mch_indicators._adapters._pandas import pool as pool_frame

    if is_dask_frame(frame):
        return pool_dask_frame(frame, indicator, **options)
    return pool_frame(frame, indicator, **options)


def dsr(frame: pd.DataFrame, **options: Any) -> pd.DataFrame:
    """Directly age-standardised rates with Dobson intervals (PHE's method).

    Keyword arguments: ``count``, ``population``, ``age``, ``standard`` (a shipped
    standard such as ``"esp_2013"``, ``"who_2000_2025"``, ``"segi_1960"``,
    ``"china_2000"``, a column, or a ``{band: weight}`` mapping), ``by``,
    ``confidence``, ``multiplier`` (100,000), ``frequency``, ``subset``. One row per
    group with ``total_count``, ``total_pop``, ``value``, ``lower``, ``upper``. Groups
    with fewer than 10 events are NaN, flagged SUPPRESSED.

    Examples
    --------
    >>> import pandas as pd
    >>> data = pd.DataFrame({"age": ["15-19", "20-24"], "events": [14, 31],
    ...                      "pop": [5210, 6020]})
    >>> out = dsr(data, count="events", population="pop", age="age",
    ...           standard="esp_2013", subset=True)
    >>> round(float(out["value"].iloc[0]), 2)
    397.19
    """
    from mch_indicators._adapters._dask import is_dask_frame
    from mch_indicators._adapters._pandas import dsr as dsr_frame

    if is_dask_frame(frame):
        raise InvalidInputError("dsr() needs a pandas DataFrame: call .compute() on the dask one")
    return dsr_frame(frame, **options)


def isr(frame: pd.DataFrame, **options: Any) -> pd.DataFrame:
    """Indirectly standardised ratios or rates (exact below 10 events, Byar from 10).

    Keyword arguments: ``count``, ``population``, ``reference_count``,
    ``reference_population`` (columns), ``by``, ``kind`` ("ratio" or "rate"),
    ``confidence``, ``refvalue``, ``multiplier``.

    Examples
    --------
    >>> import pandas as pd
    >>> data = pd.DataFrame({"deaths": [12], "pop": [1000], "ref_deaths": [1400],
    ...                      "ref_pop": [100000]})
    >>> out = isr(data, count="deaths", population="pop", reference_count="ref_deaths",
    ...           reference_population="ref_pop")
    >>> round(float(out["value"].iloc[0]), 3)
    0.857
    """
    from mch_indicators._adapters._dask import is_dask_frame
    from mch_indicators._adapters._pandas import isr as isr_frame

    if is_dask_frame(frame):
        raise InvalidInputError("isr() needs a pandas DataFrame: call .compute() on the dask one")
    return isr_frame(frame, **options)


def search(query: str, limit: int | None = 10) -> list[Indicator]:
    """Built-in indicators matching ``query`` in English or Chinese, best first.

    See :meth:`Catalog.search` for how matches are ranked.

    Examples
    --------
    >>> [i.id for i in search("stillbirth", limit=3)]
    ['stillbirth_rate', 'stillbirth_rate_22w', 'perinatal_mortality_rate_cn']
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
