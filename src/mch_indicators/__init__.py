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
    Parameters,
    Source,
    Term,
    Text,
)
from mch_indicators._result import Result
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
    "Reliability",
    "Result",
    "Source",
    "Suppression",
    "Target",
    "TargetStatus",
    "Term",
    "Text",
    "UnitError",
    "UnknownIndicatorError",
    "__version__",
    "catalog",
    "get",
    "load_definitions",
    "search",
    "targets",
    "targets_for",
    "units",
]

if TYPE_CHECKING:
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
