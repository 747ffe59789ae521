"""mch_indicators: exact, typed and fast maternal and child health indicators.

>>> import mch_indicators as mch
>>> print(mch.get("孕产妇死亡率").compute(2, 26954))
7.42 per 100,000 live births (95% CI 0.90–26.80) [UNRELIABLE]

The public surface is what ``__all__`` lists; modules whose names start with an
underscore are private. ``import mch_indicators`` loads neither pint, scipy nor
pandas: they are imported when first needed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from mch_indicators import units
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
    Codes,
    Criteria,
    Direction,
    Domain,
    Indicator,
    Kind,
    Names,
    Source,
    Term,
    Text,
)
from mch_indicators._result import Result

__version__ = "0.1.0.dev0"

__all__ = [
    "Catalog",
    "Codes",
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
    "Reliability",
    "Result",
    "Source",
    "Suppression",
    "Term",
    "Text",
    "UnitError",
    "UnknownIndicatorError",
    "__version__",
    "catalog",
    "get",
    "load_definitions",
    "units",
]

if TYPE_CHECKING:
    catalog: Catalog


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


def __getattr__(name: str) -> object:
    if name == "catalog":
        from mch_indicators._catalog import builtin_catalog

        return builtin_catalog()
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
