"""The one registry of backends: which code computes on which kind of frame.

Each :class:`Backend` says, once, which objects it takes (by the module and name of
their class, so that nothing is imported to recognise them: ``import mch_indicators``
loads no pandas, dask, xarray, polars or pyspark), what it can do (an operation name
such as ``"pool"`` and the function of the backend that does it) and how a user gets
a pandas DataFrame from it when it cannot. A backend's functions declare, in their
own signatures, the keywords they take; :func:`mch_indicators._api` resolves the
indicator once, refuses the keywords a backend does not take with one message, and
calls the function with the indicator already resolved.

The functions are named by module and attribute and imported on first use, so the
table below is the whole list of backends and adding one is adding a row (see
CONTRIBUTING, "Add a backend").
"""

from __future__ import annotations

import importlib
import importlib.util
import inspect
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cache
from types import SimpleNamespace
from typing import Any, Unpack, get_args, get_origin, get_type_hints

from mch_indicators._adapters._keywords import typed_keys
from mch_indicators._options import ComputeOptions

__all__ = ["BACKENDS", "Backend", "backend_for", "takers"]


def _unpacked(function: Callable[..., Any], name: str, annotation: object) -> frozenset[str]:
    """The keys of the TypedDict in ``**kwargs: Unpack[T]``; the compute options without one.

    Only this one annotation is evaluated, in ``function``'s module (as
    :func:`typing.get_type_hints` evaluates it: ``Unpack[T]``, ``typing.Unpack[m.T]``,
    a quoted ``T``): the functions' other annotations name classes imported only for
    type checking (``pd.DataFrame``, ``Indicator``), which ``get_type_hints(function)``
    and ``inspect.signature(function, eval_str=True)`` would evaluate too, and fail on.
    """
    if annotation is inspect.Parameter.empty:
        return typed_keys(ComputeOptions)
    holder = SimpleNamespace(__annotations__={name: annotation})
    try:
        declared = get_type_hints(holder, globalns=getattr(function, "__globals__", None))[name]
    except (NameError, AttributeError, SyntaxError, TypeError) as error:
        raise TypeError(
            f"{function.__qualname__}: **{name} is annotated {annotation!r}, which does not "
            f"name a TypedDict of its module ({error})"
        ) from None
    if get_origin(declared) is not Unpack:
        return typed_keys(ComputeOptions)
    return typed_keys(get_args(declared)[0])


@cache
def _parameters(function: Callable[..., Any]) -> frozenset[str]:
    """The keywords ``function`` takes by name (``**kwargs: Unpack[T]``: the keys of ``T``)."""
    names: set[str] = set()
    for parameter in inspect.signature(function).parameters.values():
        if parameter.kind is inspect.Parameter.VAR_KEYWORD:
            names |= _unpacked(function, parameter.name, parameter.annotation)
        elif parameter.kind is not inspect.Parameter.VAR_POSITIONAL:
            names.add(parameter.name)
    return frozenset(names)


@dataclass(frozen=True, eq=False)
class Backend:
    """One kind of frame (or plain arrays) and the functions that compute on it.

    Parameters
    ----------
    what, plural
        How messages name one such object (``"a dask DataFrame"``) and several.
    module
        The module holding the backend's functions, imported on first use.
    operations
        ``{operation: function name}``: ``"pool": "pool_dask_frame"``; a name
        with a colon is ``"module:function"``.
    classes
        ``(module, class name)`` of the objects it takes; the module is looked up in
        ``sys.modules`` only (an object of a class whose module is not imported
        cannot exist).
    packages
        Or: any object whose class comes from one of these top-level packages.
    requires
        A module that must be installed for the backend to work (else it takes nothing).
    several_indicators
        Whether it takes a list of indicators (a wide table).
    convert
        How to get a pandas DataFrame from such an object, for messages.
    reasons
        ``{operation: why}``: why this backend takes fewer keywords than pandas there.
    """

    what: str
    plural: str
    module: str
    operations: Mapping[str, str]
    classes: tuple[tuple[str, str], ...] = ()
    packages: tuple[str, ...] = ()
    requires: str | None = None
    several_indicators: bool = False
    convert: str = ""
    reasons: Mapping[str, str] = field(default_factory=dict)
    _loaded: dict[str, Callable[..., Any]] = field(default_factory=dict, init=False, repr=False)

    def recognises(self, data: object) -> bool:
        """Whether ``data`` is one of this backend's objects (nothing is imported)."""
        for module_name, class_name in self.classes:
            kind = getattr(sys.modules.get(module_name), class_name, None)
            if isinstance(kind, type) and isinstance(data, kind):
                return True
        # DuckDB 1.4 and 1.5 name the module of their classes `_duckdb`
        package = type(data).__module__.partition(".")[0].lstrip("_")
        if package not in self.packages:
            return False
        return self.requires is None or importlib.util.find_spec(self.requires) is not None

    def function(self, operation: str) -> Callable[..., Any] | None:
        """The function doing ``operation`` on this backend's objects, or None."""
        if operation not in self.operations:
            return None
        if operation not in self._loaded:
            module, _, name = self.operations[operation].rpartition(":")
            self._loaded[operation] = getattr(importlib.import_module(module or self.module), name)
        return self._loaded[operation]

    def takes(self, operation: str, keyword: str) -> bool:
        """Whether this backend's ``operation`` takes ``keyword``."""
        function = self.function(operation)
        return function is not None and keyword in _parameters(function)


_SUMS_FIRST = {
    "pool": (
        "it sums the counts in the engine before any row is seen, so leaving rows out "
        "(missing='skip') and wide tables need the rows in pandas"
    )
}

#: Every backend, in the order they are tried.
BACKENDS: tuple[Backend, ...] = (
    Backend(
        "a pandas DataFrame",
        "pandas DataFrames",
        "mch_indicators._adapters._pandas",
        {
            "compute": "compute_frame",
            "pool": "pool",
            "dsr": "dsr",
            "isr": "isr",
            "compare": "compare",
            "funnel": "funnel",
            "trend": "trend",
            "trend_line": "trend_line",
            "joinpoint": "joinpoint",
            "smooth": "smooth",
            "decompose": "decompose",
        },
        classes=(("pandas", "DataFrame"),),
        several_indicators=True,
    ),
    Backend(
        "a dask DataFrame",
        "dask DataFrames",
        "mch_indicators._adapters._dask",
        {
            "compute": "compute_dask_frame",
            "pool": "pool_dask_frame",
            "dsr": "dsr_dask_frame",
            "isr": "isr_dask_frame",
            "compare": "mch_indicators._adapters._dask_compare:compare_dask_frame",
        },
        classes=(("dask.dataframe", "DataFrame"),),
        convert=(
            "pool it to one row per area and period with mch.pool if it is large, then "
            "call .compute() on it"
        ),
        reasons=_SUMS_FIRST,
    ),
    Backend(
        "a Spark DataFrame",
        "Spark DataFrames",
        "mch_indicators._adapters._spark",
        {"compute": "compute_spark", "pool": "pool_spark", "dsr": "dsr_spark", "isr": "isr_spark"},
        classes=(
            ("pyspark.sql", "DataFrame"),
            ("pyspark.sql.connect.dataframe", "DataFrame"),
            ("pyspark.pandas", "DataFrame"),
        ),
        convert="pool it with mch.pool if it is large, then call .toPandas()",
        reasons=_SUMS_FIRST,
    ),
    Backend(
        "an xarray Dataset",
        "xarray Datasets",
        "mch_indicators._adapters._xarray",
        {"compute": "compute_dataset"},
        classes=(("xarray", "Dataset"),),
        convert="use .to_dataframe().reset_index()",
    ),
    Backend(
        "a polars, pyarrow or DuckDB frame",
        "polars, pyarrow and DuckDB frames",
        "mch_indicators._adapters._narwhals",
        {"compute": "compute_any_frame", "pool": "pool_any_frame"},
        packages=("polars", "pyarrow", "duckdb", "sqlframe"),
        requires="narwhals",
        convert="convert it first (polars and pyarrow: .to_pandas(); DuckDB: .df())",
        reasons=_SUMS_FIRST,
    ),
    Backend(
        "plain arrays (no data=)",
        "plain arrays",
        "mch_indicators._adapters._arrays",
        {"compute": "compute_arrays"},
        classes=(("types", "NoneType"),),
        convert="put the counts in a pandas DataFrame",
    ),
)

_BY_TYPE: dict[type, Backend | None] = {}


def backend_for(data: object) -> Backend | None:
    """The backend that takes ``data``, or None (remembered by the type of ``data``)."""
    kind = type(data)
    if kind not in _BY_TYPE:
        _BY_TYPE[kind] = next((b for b in BACKENDS if b.recognises(data)), None)
    return _BY_TYPE[kind]


def takers(operation: str, keyword: str) -> list[Backend]:
    """The backends whose ``operation`` takes ``keyword`` (for messages)."""
    return [backend for backend in BACKENDS if backend.takes(operation, keyword)]
