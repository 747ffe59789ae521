"""A package's public names, each imported from its own module the first time it is used.

The one mechanism behind ``mch_indicators`` and ``mch_indicators.stats`` (PEP 562's
module ``__getattr__``): importing the package loads none of its statistics, and a
name, once loaded, becomes a plain attribute of the package. Standard library only.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping, MutableMapping

__all__ = ["lazy_attribute"]


def lazy_attribute(
    package: str, modules: Mapping[str, str], name: str, namespace: MutableMapping[str, object]
) -> object:
    """Import ``name`` from the module of ``package`` that ``modules`` names for it.

    The value is stored in ``namespace`` (the package's ``globals()``), so the
    package's ``__getattr__`` is not called for it again.

    Parameters
    ----------
    package : str
        The package's dotted name (its ``__name__``).
    modules : mapping of str to str
        Public name -> the module, relative to ``package``, that defines it.
    name : str
        The attribute asked for.
    namespace : mutable mapping
        Where the package keeps its attributes.

    Raises
    ------
    AttributeError
        When ``modules`` does not know ``name``, as for any module.

    Examples
    --------
    >>> namespace: dict[str, object] = {}
    >>> trend = lazy_attribute("mch_indicators.stats", {"trend": "_trend"}, "trend", namespace)
    >>> trend.__module__
    'mch_indicators.stats._trend'
    >>> sorted(namespace)
    ['trend']
    >>> lazy_attribute("mch_indicators.stats", {}, "nothing", namespace)
    Traceback (most recent call last):
    AttributeError: module 'mch_indicators.stats' has no attribute 'nothing'
    """
    module = modules.get(name)
    if module is None:
        raise AttributeError(f"module {package!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{package}.{module}"), name)
    namespace[name] = value  # next time, a plain attribute
    return value
